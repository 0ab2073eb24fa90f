import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import { configureHttp } from '@/api/http';
import { useAuthStore } from '@/features/auth/auth.store';
import { currentLocale, i18n } from '@/locales';
import { router, updateTitle } from '@/router';
import App from './App.vue';
import './styles/main.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(i18n);
app.use(router);

const auth = useAuthStore(pinia);
configureHttp({
  getCsrfToken: () => auth.csrfToken,
  onUnauthorized: () => {
    // The session expired or was revoked: forget it and ask for a new login, then come back.
    if (!auth.isAuthenticated) return;
    auth.clear();
    const current = router.currentRoute.value;
    if (current.name !== 'login') {
      void router.replace({ name: 'login', query: { redirect: current.fullPath } });
    }
  },
});

watch(currentLocale, () => updateTitle());

app.mount('#app');
