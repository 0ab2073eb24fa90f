import type { MatterCreateInput, MatterDraftInput, MatterSummary, MatterVersion, ProcessCreateInput, ProcessDraftInput } from '@tongban/contracts';
import { http } from '@/api/http';
import type { MatterHistory, ProcessHistory, ProcessSummary, ProcessVersionView } from './catalog.types';

/**
 * Admin catalog editing. Writes are `silent`: the pages show the error themselves, with the
 * `details` list of VALIDATION_FAILED and PUBLISH_CHECK_FAILED.
 */
export const catalogApi = {
  matters: (q?: string) => http.get<{ items: MatterSummary[] }>('/catalog/matters', { query: { q } }),
  matterHistory: (id: number) => http.get<MatterHistory>(`/catalog/matters/${id}/versions`),
  createMatter: (body: MatterCreateInput) => http.post<MatterVersion>('/catalog/matters', body, { silent: true }),
  saveMatterDraft: (id: number, body: MatterDraftInput) => http.put<MatterVersion>(`/catalog/matters/${id}/draft`, body, { silent: true }),
  startMatterDraft: (id: number) => http.post<MatterVersion>(`/catalog/matters/${id}/draft`, undefined, { silent: true }),
  matterVersion: (id: number) => http.get<MatterVersion>(`/catalog/matter-versions/${id}`),
  publishMatter: (versionId: number) => http.post<MatterVersion>(`/catalog/matter-versions/${versionId}/publish`, undefined, { silent: true }),
  retireMatter: (versionId: number) => http.post<MatterVersion>(`/catalog/matter-versions/${versionId}/retire`, undefined, { silent: true }),
  discardMatter: (versionId: number) => http.delete(`/catalog/matter-versions/${versionId}`, { silent: true }),

  processes: () => http.get<{ items: ProcessSummary[] }>('/catalog/processes'),
  processHistory: (id: number) => http.get<ProcessHistory>(`/catalog/processes/${id}/versions`),
  createProcess: (body: ProcessCreateInput) => http.post<ProcessVersionView>('/catalog/processes', body, { silent: true }),
  saveProcessDraft: (id: number, body: ProcessDraftInput) =>
    http.put<ProcessVersionView>(`/catalog/processes/${id}/draft`, body, { silent: true }),
  startProcessDraft: (id: number) => http.post<ProcessVersionView>(`/catalog/processes/${id}/draft`, undefined, { silent: true }),
  processVersion: (id: number) => http.get<ProcessVersionView>(`/catalog/process-versions/${id}`),
  publishProcess: (versionId: number) =>
    http.post<ProcessVersionView>(`/catalog/process-versions/${versionId}/publish`, undefined, { silent: true }),
  retireProcess: (versionId: number) =>
    http.post<ProcessVersionView>(`/catalog/process-versions/${versionId}/retire`, undefined, { silent: true }),
  discardProcess: (versionId: number) => http.delete(`/catalog/process-versions/${versionId}`, { silent: true }),
};
