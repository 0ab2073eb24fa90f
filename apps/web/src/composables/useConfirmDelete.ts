import { ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';

/**
 * Deleting a row after the user confirms: `confirmDelete` asks with `message`, calls `remove`,
 * shows "deleted" and runs `onDeleted`. `deleting` holds the key of the row being deleted, for its
 * button's spinner. A failed request has already been shown by the request helper (e.g. 409
 * IN_USE); the row stays.
 */
export function useConfirmDelete<K>(): {
  deleting: Ref<K | null>;
  confirmDelete: (key: K, message: string, remove: () => Promise<unknown>, onDeleted: () => void) => Promise<void>;
} {
  const { t } = useI18n();
  const deleting = ref(null) as Ref<K | null>;

  async function confirmDelete(key: K, message: string, remove: () => Promise<unknown>, onDeleted: () => void): Promise<void> {
    try {
      await ElMessageBox.confirm(message, t('common.confirmTitle'), {
        type: 'warning',
        confirmButtonText: t('common.delete'),
        cancelButtonText: t('common.cancel'),
        confirmButtonClass: 'el-button--danger',
      });
    } catch {
      return; // cancelled
    }
    deleting.value = key;
    try {
      await remove();
      ElMessage.success(t('common.deleted'));
      onDeleted();
    } catch {
      // Already shown.
    } finally {
      deleting.value = null;
    }
  }

  return { deleting, confirmDelete };
}
