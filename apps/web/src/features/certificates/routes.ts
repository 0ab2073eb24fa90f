import type { RouteRecordRaw } from 'vue-router';

/** Certificates in the signed-in layout: every role (the server scopes the list). */
export const certificatesRoutes: RouteRecordRaw[] = [
  {
    path: 'certificates',
    name: 'certificates',
    component: () => import('./views/CertificatesView.vue'),
    meta: { titleKey: 'certificates.title' },
  },
];

/** Public verification, where a certificate's QR code leads (no session needed). */
export const verifyRoutes: RouteRecordRaw[] = [
  {
    path: '/verify',
    component: () => import('./components/VerifyLayout.vue'),
    meta: { public: true },
    children: [
      { path: '', name: 'verify', component: () => import('./views/VerifyView.vue'), meta: { titleKey: 'verify.title' } },
      { path: ':code', name: 'verify-code', component: () => import('./views/VerifyView.vue'), props: true, meta: { titleKey: 'verify.title' } },
    ],
  },
];
