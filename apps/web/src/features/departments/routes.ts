import type { RouteRecordRaw } from 'vue-router';

export const departmentsRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/departments',
    name: 'admin-departments',
    component: () => import('./views/DepartmentsView.vue'),
    meta: { roles: ['admin'], titleKey: 'departments.title' },
  },
];
