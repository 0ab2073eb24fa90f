import type { ExtractionView, PrecheckReportView, ReuseMaterialInput, ReuseOffer } from '@tongban/contracts';
import { computed, inject, onBeforeUnmount, provide, ref, watch, type ComputedRef, type InjectionKey, type Ref } from 'vue';
import { isApiError } from '@/api/http';
import { precheckApi, type AttachedMaterial } from './materials.api';

/**
 * What the material sections of an application page share: the pre-check report (refreshed
 * whenever the application changes: an upload, a reuse, a form save), what each attached file
 * could be read as, and — for the applicant's draft — what the library offers per requirement.
 */
export interface MaterialAssist {
  report: Ref<PrecheckReportView | null>;
  loading: Ref<boolean>;
  /** The last refresh failed (the message, in the UI language at the time). */
  error: Ref<string>;
  refresh: () => Promise<void>;
  offers: ComputedRef<Map<number, ReuseOffer>>;
  refreshOffers: () => Promise<void>;
  extractionOf: (m: AttachedMaterial) => ExtractionView | null;
  reuse: (input: ReuseMaterialInput) => Promise<void>;
}

const KEY: InjectionKey<MaterialAssist> = Symbol('material-assist');

export function provideMaterialAssist(options: {
  appId: () => number | null | undefined;
  /** Changes when the application does (its version): the report is refreshed then. */
  revision: () => unknown;
  /** Reuse offers are loaded only when this is true (the applicant's editable draft). */
  withOffers: () => boolean;
  /** After a reuse: reload the application. */
  onChanged: () => Promise<unknown>;
}): MaterialAssist {
  const report = ref<PrecheckReportView | null>(null);
  const loading = ref(false);
  const error = ref('');
  const offerList = ref<ReuseOffer[]>([]);
  let ticket = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function refresh(): Promise<void> {
    const id = options.appId();
    if (!id) return;
    const mine = ++ticket;
    loading.value = true;
    try {
      const r = await precheckApi.report(id);
      if (mine === ticket) {
        report.value = r;
        error.value = '';
      }
    } catch (e) {
      if (mine !== ticket) return;
      if (!isApiError(e)) throw e;
      error.value = e.localizedMessage();
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  async function refreshOffers(): Promise<void> {
    const id = options.appId();
    if (!id || !options.withOffers()) {
      offerList.value = [];
      return;
    }
    try {
      offerList.value = await precheckApi.reuseOffers(id);
    } catch {
      offerList.value = [];
    }
  }

  const offers = computed(() => new Map(offerList.value.map((o) => [o.requirementId, o])));
  const extractions = computed(() => new Map((report.value?.documents ?? []).map((d) => [d.materialId, d.extraction])));
  const extractionOf = (m: AttachedMaterial) => m.extraction ?? extractions.value.get(m.id) ?? null;

  async function reuse(input: ReuseMaterialInput): Promise<void> {
    const id = options.appId();
    if (!id) return;
    await precheckApi.reuse(id, input);
    await options.onChanged();
  }

  watch(
    () => [options.appId(), options.revision()],
    () => {
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), 250);
    },
    { immediate: true },
  );
  // An upload enters the library too, so the offers change with the application.
  watch(
    () => [options.appId(), options.withOffers(), options.revision()],
    () => void refreshOffers(),
    { immediate: true },
  );
  onBeforeUnmount(() => clearTimeout(timer));

  const assist: MaterialAssist = { report, loading, error, refresh, offers, refreshOffers, extractionOf, reuse };
  provide(KEY, assist);
  return assist;
}

/** The page's assist, or null where no page provides one (the requirement list then shows files only). */
export function useMaterialAssist(): MaterialAssist | null {
  return inject(KEY, null);
}
