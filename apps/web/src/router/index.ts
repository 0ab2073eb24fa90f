import type { Role } from '@tongban/contracts';
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteLocationRaw } from 'vue-router';
import { calendarRoutes } from '@/features/calendar/routes';
import { applicationsRoutes } from '@/features/applications/routes';
import { catalogRoutes } from '@/features/catalog/routes';
import { certificatesRoutes, verifyRoutes } from '@/features/certificates/routes';
import { departmentsRoutes } from '@/features/departments/routes';
import { authRoutes } from '@/features/auth/routes';
import { useAuthStore } from '@/features/auth/auth.store';
import { errorRoutes } from '@/features/errors/routes';
import { guideRoutes } from '@/features/guide/routes';
import { homeRoutes } from '@/features/home/routes';
import { materialsRoutes } from '@/features/materials/routes';
import { regionsRoutes } from '@/features/regions/routes';
import { supervisionRoutes } from '@/features/supervision/routes';
import { tasksRoutes } from '@/features/tasks/routes';
import { usersRoutes } from '@/features/users/routes';
import { i18n } from '@/locales';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** Only for visitors without a session (the login page): signed-in users go home. */
    guestOnly?: boolean;
    /** Roles allowed; absent means every signed-in role. */
    roles?: Role[];
    /** i18n key of the page title. */
    titleKey?: string;
    /** Name of the side-menu route to highlight when the page itself has no menu entry. */
    menuRoute?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    ...authRoutes,
    ...guideRoutes,
    ...verifyRoutes,
    {
      path: '/',
      component: () => import('@/features/shell/components/AppLayout.vue'),
      children: [...homeRoutes, ...usersRoutes, ...departmentsRoutes, ...regionsRoutes, ...catalogRoutes, ...tasksRoutes, ...supervisionRoutes, ...calendarRoutes, ...applicationsRoutes, ...materialsRoutes, ...certificatesRoutes, ...errorRoutes],
    },
  ],
  scrollBehavior: () => ({ top: 0 }),
});

/** Only same-site paths are accepted as `?redirect=` targets (no open redirect). */
export function safeRedirect(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  if (value === '/login' || value.startsWith('/login?')) return null;
  return value;
}

function forbidden(to: RouteLocationNormalized): RouteLocationRaw {
  // Keep the address the user typed; show the 403 page under it.
  return {
    name: 'forbidden',
    params: { pathMatch: to.path.substring(1).split('/') },
    query: to.query,
    hash: to.hash,
  };
}

router.beforeEach(async (to) => {
  const auth = useAuthStore();
  await auth.ensureInitialized();

  if (to.meta.public) {
    if (to.meta.guestOnly && auth.isAuthenticated) return safeRedirect(to.query.redirect) ?? { name: 'home' };
    return true;
  }
  if (!auth.isAuthenticated) {
    return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { redirect: to.fullPath } };
  }
  const roles = to.matched.flatMap((r) => r.meta.roles ?? []);
  if (roles.length > 0 && (auth.role === null || !roles.includes(auth.role))) {
    return forbidden(to);
  }
  return true;
});

export function updateTitle(route: RouteLocationNormalized = router.currentRoute.value): void {
  const { t } = i18n.global;
  const key = route.meta.titleKey;
  document.title = key ? `${t(key)} · ${t('app.name')}` : t('app.fullName');
}

router.afterEach((to) => updateTitle(to));
