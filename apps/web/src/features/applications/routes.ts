import type { RouteRecordRaw } from 'vue-router';

const list = () => import('./views/ApplicationsView.vue');

/** Projects, the application wizard, the applications and the window's desk. */
export const applicationsRoutes: RouteRecordRaw[] = [
  {
    path: 'projects',
    name: 'projects',
    component: () => import('./views/ProjectsView.vue'),
    meta: { roles: ['applicant'], titleKey: 'features.myProjects.title' },
  },
  {
    path: 'apply',
    name: 'apply',
    component: () => import('./views/ApplyView.vue'),
    meta: { roles: ['applicant'], titleKey: 'applications.wizard.title' },
  },
  {
    path: 'applications',
    name: 'applications',
    component: list,
    meta: { roles: ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor', 'admin'], titleKey: 'applications.list.title' },
  },
  {
    path: 'applications/:id(\\d+)',
    name: 'application',
    component: () => import('./views/ApplicationView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { roles: ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor', 'admin'], titleKey: 'applications.detail.title', menuRoute: 'applications' },
  },
  {
    path: 'window/acceptance',
    name: 'window-acceptance',
    component: list,
    props: { preset: 'acceptance' },
    meta: { roles: ['clerk'], titleKey: 'features.acceptance.title' },
  },
  {
    path: 'window/supplement',
    name: 'window-supplement',
    component: list,
    props: { preset: 'supplement' },
    meta: { roles: ['clerk'], titleKey: 'features.supplement.title' },
  },
];
