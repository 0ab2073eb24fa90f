import type { RouteRecordRaw } from 'vue-router';

const department = ['reviewer' as const, 'approver' as const];

/** The department inbox (待办, 已办, 超期) and the case page (办件). */
export const tasksRoutes: RouteRecordRaw[] = [
  {
    path: 'tasks',
    name: 'tasks',
    component: () => import('./views/TasksView.vue'),
    props: { status: 'open' },
    meta: { roles: department, titleKey: 'tasks.title' },
  },
  {
    path: 'tasks/done',
    name: 'tasks-done',
    component: () => import('./views/TasksView.vue'),
    props: { status: 'done' },
    meta: { roles: department, titleKey: 'tasks.doneTitle' },
  },
  {
    // The inbox with the overdue filter preset (its own address, so the menu entry lights up).
    path: 'tasks/overdue',
    name: 'tasks-overdue',
    component: () => import('./views/TasksView.vue'),
    props: { status: 'open', presetLevel: 'red' },
    meta: { roles: department, titleKey: 'tasks.overdueTitle' },
  },
  {
    path: 'cases/:caseId([0-9a-f-]{36})',
    name: 'case',
    component: () => import('./views/CaseView.vue'),
    props: true,
    meta: { roles: [...department, 'supervisor', 'admin', 'clerk'], titleKey: 'caseView.title', menuRoute: 'tasks' },
  },
];
