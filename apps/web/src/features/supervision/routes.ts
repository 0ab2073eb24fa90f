import type { RouteRecordRaw } from 'vue-router';

export const supervisionRoutes: RouteRecordRaw[] = [
  {
    path: 'supervision',
    name: 'supervision',
    component: () => import('./views/SupervisionView.vue'),
    meta: { roles: ['supervisor', 'admin'], titleKey: 'supervision.title' },
  },
];
