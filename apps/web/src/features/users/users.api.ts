import type { Page, Role, UserDto } from '@tongban/contracts';
import { http } from '@/api/http';

export interface UserListQuery {
  page: number;
  pageSize: number;
  q?: string;
  role?: Role | '';
}

export interface CreateUserBody {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  enterpriseId?: number;
  departmentId?: number;
  regionCode?: string;
  email?: string;
  phone?: string;
}

/** PATCH sends only what changed; null clears a binding or contact field. */
export interface UpdateUserBody {
  displayName?: string;
  role?: Role;
  enterpriseId?: number | null;
  departmentId?: number | null;
  regionCode?: string | null;
  email?: string | null;
  phone?: string | null;
  disabled?: boolean;
  password?: string;
}

export const usersApi = {
  list: (query: UserListQuery) => http.get<Page<UserDto>>('/users', { query: { ...query } }),
  create: (body: CreateUserBody) => http.post<UserDto>('/users', body, { silent: true }),
  update: (id: number, body: UpdateUserBody) => http.patch<UserDto>(`/users/${id}`, body, { silent: true }),
  unlock: (id: number) => http.post<unknown>(`/users/${id}/unlock`),
};
