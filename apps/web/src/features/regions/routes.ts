import type { RouteRecordRaw } from 'vue-router';

export const regionsRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/regions',
    name: 'admin-regions',
    component: () => import('./views/RegionsView.vue'),
    meta: { roles: ['admin'], titleKey: 'regions.title' },
  },
];
