import type { ExtractionView, LibraryMaterialDetail, LibraryMaterialView, MaterialView, PrecheckReportView, ReuseMaterialInput, ReuseOffer } from '@tongban/contracts';
import { API_BASE, http, upload, uploadContentType } from '@/api/http';

export interface LibraryListQuery {
  kind?: string;
  q?: string;
  includeArchived?: boolean;
  page: number;
  pageSize: number;
}

export interface LibraryPage {
  items: LibraryMaterialView[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * What an attached file may say about where it came from and what could be read from it. The
 * fields are optional: MaterialView carries them once the server fills them in; the pre-check
 * report's `documents` give the extraction too.
 */
export type AttachedMaterial = MaterialView & {
  extraction?: ExtractionView | null;
  libraryMaterialId?: number | null;
  libraryVersionId?: number | null;
  libraryVersion?: number | null;
  certificateId?: number | null;
};

/** An upload answers with the material (older servers: its view; now: the detail with the versions). */
export type LibraryUploadResult = LibraryMaterialView | LibraryMaterialDetail;
export const uploadedMaterial = (r: LibraryUploadResult): LibraryMaterialView => ('material' in r ? r.material : r);

const fileHeaders = (file: File) => ({ 'X-File-Name': encodeURIComponent(file.name) });

/** The enterprise material library (一次提交、多方调用). Uploads are silent: the upload component shows the error. */
export const libraryApi = {
  list: (query: LibraryListQuery, signal?: AbortSignal) => http.get<LibraryPage>('/library/materials', { query: { ...query }, signal }),
  get: (id: number) => http.get<LibraryMaterialDetail>(`/library/materials/${id}`),
  upload: (meta: { kind: string; name: string; validUntil?: string | null }, file: File, onProgress: (fraction: number) => void) =>
    upload<LibraryUploadResult>('/library/materials', file, {
      query: { kind: meta.kind, name: meta.name, validUntil: meta.validUntil },
      headers: fileHeaders(file),
      contentType: uploadContentType(file),
      onProgress,
      silent: true,
    }),
  uploadVersion: (id: number, meta: { validUntil?: string | null; note?: string | null }, file: File, onProgress: (fraction: number) => void) =>
    upload<LibraryUploadResult>(`/library/materials/${id}/versions`, file, {
      query: { validUntil: meta.validUntil, note: meta.note },
      headers: fileHeaders(file),
      contentType: uploadContentType(file),
      onProgress,
      silent: true,
    }),
  archive: (id: number) => http.post<LibraryMaterialView>(`/library/materials/${id}/archive`),
  /** Where the browser downloads one version (the session cookie authorises it). */
  contentUrl: (id: number, versionId: number) => `${API_BASE}/library/materials/${id}/versions/${versionId}/content`,
};

/** The pre-check (智能预审) and reuse of library materials and certificates for one application. */
export const precheckApi = {
  report: (applicationId: number) => http.get<PrecheckReportView>(`/applications/${applicationId}/precheck`, { silent: true }),
  reuseOffers: async (applicationId: number): Promise<ReuseOffer[]> => {
    const r = await http.get<ReuseOffer[] | { items: ReuseOffer[] }>(`/applications/${applicationId}/reuse-offers`, { silent: true });
    return Array.isArray(r) ? r : r.items;
  },
  reuse: (applicationId: number, body: ReuseMaterialInput) => http.post<unknown>(`/applications/${applicationId}/materials/reuse`, body),
};
