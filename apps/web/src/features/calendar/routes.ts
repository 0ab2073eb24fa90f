import type { RouteRecordRaw } from 'vue-router';

export const calendarRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/calendar',
    name: 'admin-calendar',
    component: () => import('./views/CalendarView.vue'),
    meta: { roles: ['admin'], titleKey: 'calendarAdmin.title' },
  },
];
