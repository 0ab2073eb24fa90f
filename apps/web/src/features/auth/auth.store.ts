import type { MeDto, Role } from '@tongban/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { CSRF_COOKIE, isApiError, readCookie } from '@/api/http';
import { authApi } from './auth.api';

/** The session of the signed-in user: who, which role, which scope, and the CSRF token. */
export const useAuthStore = defineStore('auth', () => {
  const me = ref<MeDto | null>(null);
  const csrfToken = ref<string | null>(null);
  /** True once the startup `/auth/me` probe has answered (either way). */
  const initialized = ref(false);
  let probe: Promise<void> | null = null;

  const user = computed(() => me.value?.user ?? null);
  const role = computed<Role | null>(() => me.value?.user.role ?? null);
  const isAuthenticated = computed(() => me.value !== null);

  function setSession(dto: MeDto): void {
    me.value = dto;
    csrfToken.value = dto.csrfToken ?? readCookie(CSRF_COOKIE);
  }

  function clear(): void {
    me.value = null;
    csrfToken.value = null;
  }

  async function login(username: string, password: string): Promise<MeDto> {
    const dto = await authApi.login(username, password);
    setSession(dto);
    initialized.value = true;
    return dto;
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout();
    } catch (e) {
      // The session is gone on this side whatever the server said (e.g. it had already expired).
      if (!isApiError(e)) throw e;
    } finally {
      clear();
    }
  }

  /** GET /auth/me; resolves to null when there is no session. */
  async function fetchMe(): Promise<MeDto | null> {
    try {
      const dto = await authApi.me();
      setSession(dto);
      return dto;
    } catch (e) {
      if (isApiError(e) && e.status === 401) {
        clear();
        return null;
      }
      throw e;
    }
  }

  /**
   * Runs the `/auth/me` probe once; the router guard awaits it before the first navigation.
   * The server sets the readable `tb_csrf` cookie together with the httpOnly session cookie and
   * clears both on logout, so without it there is no session to ask about: a first visit goes
   * straight to the login page without a request that can only answer 401.
   */
  function ensureInitialized(): Promise<void> {
    if (initialized.value) return Promise.resolve();
    if (!readCookie(CSRF_COOKIE)) {
      initialized.value = true;
      return Promise.resolve();
    }
    probe ??= fetchMe()
      .then(() => undefined)
      .catch(() => {
        // Server unreachable or failing: treat as signed out; the login page shows the next error.
        clear();
      })
      .finally(() => {
        initialized.value = true;
        probe = null;
      });
    return probe;
  }

  function hasRole(...roles: Role[]): boolean {
    return role.value !== null && roles.includes(role.value);
  }

  return {
    me,
    csrfToken,
    initialized,
    user,
    role,
    isAuthenticated,
    login,
    logout,
    fetchMe,
    ensureInitialized,
    clear,
    hasRole,
  };
});
