import type { RouteRecordRaw } from 'vue-router';

const admin = { roles: ['admin' as const], menuRoute: 'admin-catalog-matters' };

export const catalogRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/catalog/matters',
    name: 'admin-catalog-matters',
    component: () => import('./views/MattersView.vue'),
    meta: { ...admin, titleKey: 'catalog.mattersTitle' },
  },
  {
    path: 'admin/catalog/matters/:id(\\d+)',
    name: 'admin-catalog-matter',
    component: () => import('./views/MatterEditView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { ...admin, titleKey: 'catalog.mattersTitle' },
  },
  {
    path: 'admin/catalog/processes',
    name: 'admin-catalog-processes',
    component: () => import('./views/ProcessesView.vue'),
    meta: { ...admin, titleKey: 'catalog.processesTitle' },
  },
  {
    path: 'admin/catalog/processes/:id(\\d+)',
    name: 'admin-catalog-process',
    component: () => import('./views/ProcessEditView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { ...admin, titleKey: 'catalog.processesTitle' },
  },
];
