/** The parts the catalog list pages (matters, processes) share: loading the list, the create form's rules. */
import type { FormItemRule } from 'element-plus';
import { ref, type Ref } from 'vue';
import { CODE_PATTERN } from './labels';

/** The list and its loading state; `reload` fetches it again (a failure was shown by the request helper). */
export function useCatalogList<T>(fetch: () => Promise<{ items: T[] }>): { items: Ref<T[]>; loading: Ref<boolean>; reload: () => Promise<void> } {
  const items = ref([]) as Ref<T[]>;
  const loading = ref(false);
  async function reload(): Promise<void> {
    loading.value = true;
    try {
      items.value = (await fetch()).items;
    } catch {
      // Shown by the request helper.
    } finally {
      loading.value = false;
    }
  }
  return { items, loading, reload };
}

/** Rules of the create dialogs' `code` (labelled `codeLabel`) and `name` fields. */
export function codeAndNameRules(t: (key: string, values?: Record<string, unknown>) => string, codeLabel: string): { code: FormItemRule[]; name: FormItemRule[] } {
  return {
    code: [
      { required: true, message: t('common.required', { field: codeLabel }), trigger: 'blur' },
      { pattern: CODE_PATTERN, message: t('catalog.create.codeRule'), trigger: 'blur' },
    ],
    name: [{ required: true, whitespace: true, message: t('common.required', { field: t('catalog.f.name') }), trigger: 'blur' }],
  };
}
