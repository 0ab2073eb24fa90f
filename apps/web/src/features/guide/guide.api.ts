import type { MatterSummary, MatterVersion } from '@tongban/contracts';
import { http } from '@/api/http';
import type { GuideAnswer, GuideResult, ProcessSummary, ProcessVersionView } from '@/features/catalog/catalog.types';

/** The public service guide (办事指南): no session needed. */
export const guideApi = {
  /** GET /public/matters: published matters; `q` searches Chinese text. */
  matters: (query: { q?: string; departmentId?: number | null } = {}, signal?: AbortSignal) =>
    http.get<{ items: MatterSummary[] }>('/public/matters', { query, signal }),
  /** GET /public/matters/:code: the published version of a matter (its service guide). */
  matter: (code: string) => http.get<MatterVersion>(`/public/matters/${encodeURIComponent(code)}`, { silent: true }),
  processes: () => http.get<{ items: ProcessSummary[] }>('/public/processes'),
  processVersion: (id: number) => http.get<ProcessVersionView>(`/public/process-versions/${id}`),
  /** POST /processes/:id/guide: the matters that apply to these answers, with reasons. */
  guide: (processId: number, answers: Record<string, GuideAnswer>, signal?: AbortSignal) =>
    http.post<GuideResult>(`/processes/${processId}/guide`, { answers }, { signal }),
};
