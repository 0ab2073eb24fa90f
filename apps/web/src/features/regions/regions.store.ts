import type { RegionDto } from '@tongban/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { buildRegionTree } from './region-tree';
import { regionsApi } from './regions.api';

/** Regions as a flat list, a lookup and a tree; used by the regions page and every region picker. */
export const useRegionsStore = defineStore('regions', () => {
  const items = ref<RegionDto[]>([]);
  const loading = ref(false);
  const loaded = ref(false);

  const byCode = computed(() => new Map(items.value.map((r) => [r.code, r])));
  const tree = computed(() => buildRegionTree(items.value));

  async function load(force = false): Promise<void> {
    if (loaded.value && !force) return;
    loading.value = true;
    try {
      const res = await regionsApi.list();
      items.value = res.items;
      loaded.value = true;
    } finally {
      loading.value = false;
    }
  }

  function nameOf(code: string | null | undefined): string | null {
    if (!code) return null;
    return byCode.value.get(code)?.name ?? null;
  }

  return { items, loading, loaded, byCode, tree, load, nameOf };
});
