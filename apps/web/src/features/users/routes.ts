import type { RouteRecordRaw } from 'vue-router';

export const usersRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/users',
    name: 'admin-users',
    component: () => import('./views/UsersView.vue'),
    meta: { roles: ['admin'], titleKey: 'users.title' },
  },
];
