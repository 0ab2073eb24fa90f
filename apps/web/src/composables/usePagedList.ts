import { ref, type Ref } from 'vue';

/**
 * A server-paged list: the current page, its items and the total, with `load` (answers overtaken
 * by a newer request are dropped; a failure was shown by the request helper) and `search`
 * (back to page 1).
 */
export function usePagedList<T>(fetch: (page: number, signal: AbortSignal) => Promise<{ items: T[]; total: number }>): {
  page: Ref<number>;
  items: Ref<T[]>;
  total: Ref<number>;
  loading: Ref<boolean>;
  load: () => Promise<void>;
  search: () => Promise<void>;
} {
  const page = ref(1);
  const items = ref([]) as Ref<T[]>;
  const total = ref(0);
  const loading = ref(false);
  let controller: AbortController | null = null;

  async function load(): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    loading.value = true;
    try {
      const res = await fetch(page.value, mine.signal);
      if (controller !== mine) return;
      items.value = res.items;
      total.value = res.total;
    } catch {
      // Aborted, or shown by the request helper.
    } finally {
      if (controller === mine) loading.value = false;
    }
  }

  function search(): Promise<void> {
    page.value = 1;
    return load();
  }

  return { page, items, total, loading, load, search };
}
