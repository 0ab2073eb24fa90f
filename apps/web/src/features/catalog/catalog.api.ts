import type { MatterCreateInput, MatterDraftInput, MatterSummary, MatterVersion, ProcessCreateInput, ProcessDraftInput } from '@tongban/contracts';
import { http } from '@/api/http';
import type { MatterHistory, ProcessHistory, ProcessSummary, ProcessVersionView } from './catalog.types';
import type { DocumentHistory, DocumentVersion, VersionedDocumentApi } from './useVersionedDocument';

/**
 * The versions of one kind of catalog document: `/catalog/<plural>/<id>/…` for the document,
 * `/catalog/<kind>-versions/<versionId>/…` for one of its versions.
 */
function versioned<H extends DocumentHistory, V extends DocumentVersion, D>(kind: 'matter' | 'process', plural: 'matters' | 'processes'): VersionedDocumentApi<H, V, D> {
  const doc = (id: number) => `/catalog/${plural}/${id}`;
  const ver = (versionId: number) => `/catalog/${kind}-versions/${versionId}`;
  return {
    history: (id) => http.get<H>(`${doc(id)}/versions`),
    version: (versionId) => http.get<V>(ver(versionId)),
    saveDraft: (id, body) => http.put<V>(`${doc(id)}/draft`, body, { silent: true }),
    startDraft: (id) => http.post<V>(`${doc(id)}/draft`, undefined, { silent: true }),
    publish: (versionId) => http.post<V>(`${ver(versionId)}/publish`, undefined, { silent: true }),
    retire: (versionId) => http.post<V>(`${ver(versionId)}/retire`, undefined, { silent: true }),
    discard: (versionId) => http.delete(ver(versionId), { silent: true }),
  };
}

/**
 * Admin catalog editing. Writes are `silent`: the pages show the error themselves, with the
 * `details` list of VALIDATION_FAILED and PUBLISH_CHECK_FAILED.
 */
export const catalogApi = {
  matters: (q?: string) => http.get<{ items: MatterSummary[] }>('/catalog/matters', { query: { q } }),
  createMatter: (body: MatterCreateInput) => http.post<MatterVersion>('/catalog/matters', body, { silent: true }),
  matter: versioned<MatterHistory, MatterVersion, MatterDraftInput>('matter', 'matters'),

  processes: () => http.get<{ items: ProcessSummary[] }>('/catalog/processes'),
  createProcess: (body: ProcessCreateInput) => http.post<ProcessVersionView>('/catalog/processes', body, { silent: true }),
  process: versioned<ProcessHistory, ProcessVersionView, ProcessDraftInput>('process', 'processes'),
};
