/**
 * The versioned-document workflow shared by the matter and the process editors: load the history
 * and the version to show (the draft, else the published one, else the newest), the editable form
 * with dirty tracking, and save draft / publish / new draft / retire / discard, with confirmations
 * and the failed request's details for the PublishErrors alert.
 */
import { computed, onMounted, ref, watch, type ComputedRef, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { isApiError, type ApiErrorDetail } from '@/api/http';
import type { VersionEntry } from './catalog.types';

/** Deep copy of plain JSON data (reactive proxies cannot go through structuredClone). */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export interface DocumentHistory {
  code: string;
  versions: VersionEntry[];
}

export interface DocumentVersion {
  id: number;
  version: number;
  status: VersionEntry['status'];
  name: string;
}

/** The catalog calls for one kind of document (matter or process). */
export interface VersionedDocumentApi<H extends DocumentHistory, V extends DocumentVersion, D> {
  history: (id: number) => Promise<H>;
  version: (versionId: number) => Promise<V>;
  saveDraft: (id: number, body: D) => Promise<V>;
  startDraft: (id: number) => Promise<{ version: number }>;
  publish: (versionId: number) => Promise<{ version: number }>;
  retire: (versionId: number) => Promise<unknown>;
  discard: (versionId: number) => Promise<unknown>;
}

export type DocumentBusy = '' | 'save' | 'publish' | 'draft' | 'retire' | 'discard';

export interface DocumentFailure {
  title: string;
  message: string;
  details: ApiErrorDetail[];
}

export interface VersionedDocument<H extends DocumentHistory, V extends DocumentVersion, D> {
  history: Ref<H | null>;
  version: Ref<V | null>;
  form: Ref<D | null>;
  loading: Ref<boolean>;
  busy: Ref<DocumentBusy>;
  failure: Ref<DocumentFailure | null>;
  draft: ComputedRef<VersionEntry | null>;
  published: ComputedRef<VersionEntry | null>;
  editable: ComputedRef<boolean>;
  dirty: ComputedRef<boolean>;
  load: () => Promise<void>;
  save: (quiet?: boolean) => Promise<boolean>;
  publish: () => Promise<void>;
  newDraft: () => Promise<void>;
  retire: () => Promise<void>;
  discard: () => Promise<void>;
}

/**
 * `id` is the document's id (reloaded when it changes, and on mount); `toDraft` turns a version
 * into the editable form, `body` the form into what the server wants.
 */
export function useVersionedDocument<H extends DocumentHistory, V extends DocumentVersion, D>(options: {
  id: () => number;
  api: VersionedDocumentApi<H, V, D>;
  toDraft: (v: V) => D;
  body: (form: D) => D;
}): VersionedDocument<H, V, D> {
  const { id, api, toDraft, body } = options;
  const { t } = useI18n();

  const history = ref(null) as Ref<H | null>;
  const version = ref(null) as Ref<V | null>;
  const form = ref(null) as Ref<D | null>;
  const snapshot = ref('');
  const loading = ref(true);
  const busy = ref<DocumentBusy>('');
  const failure = ref<DocumentFailure | null>(null);

  const draft = computed(() => history.value?.versions.find((v) => v.status === 'draft') ?? null);
  const published = computed(() => history.value?.versions.find((v) => v.status === 'published') ?? null);
  const editable = computed(() => version.value?.status === 'draft');
  const dirty = computed(() => editable.value && form.value !== null && JSON.stringify(form.value) !== snapshot.value);

  function show(v: V | null): void {
    version.value = v;
    form.value = v ? toDraft(v) : null;
    snapshot.value = JSON.stringify(form.value);
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      history.value = await api.history(id());
      const pick: VersionEntry | undefined = draft.value ?? published.value ?? [...history.value.versions].sort((a, b) => b.version - a.version)[0];
      show(pick ? await api.version(pick.id) : null);
    } catch {
      // Shown by the request helper.
    } finally {
      loading.value = false;
    }
  }

  function fail(titleKey: string, e: unknown): void {
    if (!isApiError(e)) throw e;
    failure.value = { title: t(titleKey), message: e.localizedMessage(), details: e.details ?? [] };
  }

  async function confirm(message: string, danger = false): Promise<boolean> {
    try {
      await ElMessageBox.confirm(message, t('common.confirmTitle'), {
        type: 'warning',
        confirmButtonText: t('common.ok'),
        cancelButtonText: t('common.cancel'),
        confirmButtonClass: danger ? 'el-button--danger' : undefined,
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Runs one action with its busy state; a failure is shown under `titleKey`. */
  async function run(kind: Exclude<DocumentBusy, ''>, titleKey: string, action: () => Promise<void>): Promise<boolean> {
    busy.value = kind;
    try {
      await action();
      return true;
    } catch (e) {
      fail(titleKey, e);
      return false;
    } finally {
      busy.value = '';
    }
  }

  async function save(quiet = false): Promise<boolean> {
    if (!form.value) return false;
    failure.value = null;
    return run('save', 'catalog.saveFailed', async () => {
      show(await api.saveDraft(id(), body(clone(form.value!))));
      if (!quiet) ElMessage.success(t('common.saved'));
      history.value = await api.history(id());
    });
  }

  async function publish(): Promise<void> {
    const v = version.value;
    if (!v || v.status !== 'draft') return;
    if (!(await confirm(t('catalog.publishConfirm', { n: v.version })))) return;
    if (dirty.value && !(await save(true))) return;
    failure.value = null;
    await run('publish', 'catalog.publishFailed', async () => {
      const p = await api.publish(v.id);
      ElMessage.success(t('catalog.published_ok', { n: p.version }));
      await load();
    });
  }

  async function newDraft(): Promise<void> {
    failure.value = null;
    await run('draft', 'catalog.saveFailed', async () => {
      const d = await api.startDraft(id());
      ElMessage.success(t('catalog.draftOpened', { n: d.version }));
      await load();
    });
  }

  async function retire(): Promise<void> {
    const p = published.value;
    if (!p || !(await confirm(t('catalog.retireConfirm', { n: p.version }), true))) return;
    await run('retire', 'catalog.saveFailed', async () => {
      await api.retire(p.id);
      ElMessage.success(t('catalog.retired_ok'));
      await load();
    });
  }

  async function discard(): Promise<void> {
    const d = draft.value;
    if (!d || !(await confirm(t('catalog.discardConfirm', { n: d.version }), true))) return;
    await run('discard', 'catalog.saveFailed', async () => {
      await api.discard(d.id);
      ElMessage.success(t('catalog.discarded'));
      failure.value = null;
      await load();
    });
  }

  watch(id, load);
  onMounted(load);

  return { history, version, form, loading, busy, failure, draft, published, editable, dirty, load, save, publish, newDraft, retire, discard };
}
