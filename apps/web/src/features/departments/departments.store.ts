import type { DepartmentDto } from '@tongban/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { departmentsApi } from './departments.api';

/** The department list, shared by the departments page and the user form's department select. */
export const useDepartmentsStore = defineStore('departments', () => {
  const items = ref<DepartmentDto[]>([]);
  const loading = ref(false);
  const loaded = ref(false);

  const byId = computed(() => new Map(items.value.map((d) => [d.id, d])));

  async function load(force = false): Promise<void> {
    if (loaded.value && !force) return;
    loading.value = true;
    try {
      const res = await departmentsApi.list();
      items.value = [...res.items].sort((a, b) => a.code.localeCompare(b.code));
      loaded.value = true;
    } finally {
      loading.value = false;
    }
  }

  return { items, loading, loaded, byId, load };
});
