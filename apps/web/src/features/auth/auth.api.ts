import type { MeDto } from '@tongban/contracts';
import { http } from '@/api/http';

export const authApi = {
  /** POST /auth/login → 200 MeDto; 401 INVALID_CREDENTIALS, 423/403 ACCOUNT_LOCKED / ACCOUNT_DISABLED. */
  login: (username: string, password: string) =>
    // The login view shows the error inline, so no toast.
    http.post<MeDto>('/auth/login', { username, password }, { silent: true }),
  /** POST /auth/logout → 204. */
  logout: () => http.post<void>('/auth/logout', undefined, { silent: true, skipAuthRedirect: true }),
  /** GET /auth/me → MeDto, or 401 when there is no session (a normal answer at startup). */
  me: () => http.get<MeDto>('/auth/me', { silent: true, skipAuthRedirect: true }),
};
