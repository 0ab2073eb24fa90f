import type { RouteRecordRaw } from 'vue-router';

/**
 * Both pages match any path so they can be shown under the URL the user asked for (the router
 * guard resolves `forbidden` by name with the original path). `not-found` must come first: it is
 * the one that wins when a path is matched by shape.
 */
export const errorRoutes: RouteRecordRaw[] = [
  {
    path: ':pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { titleKey: 'pages.notFound.title' },
  },
  {
    path: ':pathMatch(.*)*',
    name: 'forbidden',
    component: () => import('./views/ForbiddenView.vue'),
    meta: { titleKey: 'pages.forbidden.title' },
  },
];
