import type { RouteRecordRaw } from 'vue-router';

/** The public service guide: no session needed (signed-in users may use it too). */
export const guideRoutes: RouteRecordRaw[] = [
  {
    path: '/guide',
    component: () => import('./components/GuideLayout.vue'),
    meta: { public: true },
    children: [
      { path: '', name: 'guide', component: () => import('./views/GuideView.vue'), meta: { titleKey: 'guide.title' } },
      {
        path: 'matters',
        name: 'guide-matters',
        component: () => import('./views/GuideMattersView.vue'),
        meta: { titleKey: 'guide.navMatters' },
      },
      {
        path: 'matters/:code',
        name: 'guide-matter',
        component: () => import('./views/MatterGuideView.vue'),
        props: true,
        meta: { titleKey: 'guide.title' },
      },
    ],
  },
];
