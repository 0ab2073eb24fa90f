import type { RouteRecordRaw } from 'vue-router';

/** The applicant's material library. */
export const materialsRoutes: RouteRecordRaw[] = [
  {
    path: 'library',
    name: 'library',
    component: () => import('./views/LibraryView.vue'),
    meta: { roles: ['applicant'], titleKey: 'library.title' },
  },
];
