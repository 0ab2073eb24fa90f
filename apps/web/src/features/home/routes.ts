import type { RouteRecordRaw } from 'vue-router';

/** Children of the signed-in layout. */
export const homeRoutes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'home',
    component: () => import('./views/HomeView.vue'),
    meta: { titleKey: 'menu.home' },
  },
];
