import type { ApplicationView } from '@tongban/contracts';
import { inject, provide, ref, type InjectionKey, type Ref } from 'vue';
import { isApiError } from '@/api/http';
import { applicationsApi } from './applications.api';

/**
 * The application a page shows, shared with its sections: the latest view from the server, a
 * reload, and `withVersion`, which runs a versioned write and, when the server answers 409
 * CONFLICT (someone or something else changed the application meanwhile, e.g. an upload),
 * reloads and tries once more with the new version.
 */
export interface ApplicationContext {
  app: Ref<ApplicationView | null>;
  loading: Ref<boolean>;
  reload: () => Promise<ApplicationView | null>;
  set: (view: ApplicationView) => void;
  withVersion: <T extends ApplicationView>(write: (version: number) => Promise<T>) => Promise<T>;
}

const KEY: InjectionKey<ApplicationContext> = Symbol('application');

export function provideApplication(id: () => number): ApplicationContext {
  const app = ref<ApplicationView | null>(null);
  const loading = ref(false);
  let ticket = 0;

  async function reload(): Promise<ApplicationView | null> {
    const mine = ++ticket;
    loading.value = app.value === null;
    try {
      const view = await applicationsApi.get(id());
      if (mine === ticket) app.value = view;
      return view;
    } catch {
      // Shown by the request helper.
      return null;
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  function set(view: ApplicationView): void {
    ticket++; // a reload already under way would bring an older view
    app.value = view;
  }

  async function withVersion<T extends ApplicationView>(write: (version: number) => Promise<T>): Promise<T> {
    const version = app.value?.version ?? 0;
    try {
      const view = await write(version);
      set(view);
      return view;
    } catch (e) {
      if (!isApiError(e) || e.code !== 'CONFLICT') throw e;
      const fresh = await applicationsApi.get(id());
      set(fresh);
      const view = await write(fresh.version);
      set(view);
      return view;
    }
  }

  const ctx: ApplicationContext = { app, loading, reload, set, withVersion };
  provide(KEY, ctx);
  return ctx;
}

export function useApplication(): ApplicationContext {
  const ctx = inject(KEY);
  if (!ctx) throw new Error('useApplication() outside an application page');
  return ctx;
}
