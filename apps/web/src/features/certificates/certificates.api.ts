import type { CertificateListQuery, CertificateView, PublishedKeyList, VerifyPdfResult, VerifyResult } from '@tongban/contracts';
import { API_BASE, http, upload } from '@/api/http';

export interface CertificatePage {
  items: CertificateView[];
  total: number;
  page?: number;
  pageSize?: number;
}

/** Issued certificates and decision letters (every signed-in role, scoped by the server) and their public verification. */
export const certificatesApi = {
  list: (query: CertificateListQuery, signal?: AbortSignal) => http.get<CertificatePage>('/certificates', { query: { ...query }, signal }),
  get: (id: number) => http.get<CertificateView>(`/certificates/${id}`),
  /** The signed PDF: `inline` for showing it in the page, otherwise as a download. */
  pdfUrl: (id: number, inline = false) => `${API_BASE}/certificates/${id}/pdf${inline ? '?inline=1' : ''}`,
  revoke: (id: number, reason: string) => http.post<CertificateView>(`/certificates/${id}/revoke`, { reason }, { silent: true }),

  // Public: no session needed.
  verify: (code: string) => http.get<VerifyResult>(`/certificates/verify/${encodeURIComponent(code)}`, { silent: true }),
  verifyPdf: (file: File, onProgress: (fraction: number) => void) =>
    upload<VerifyPdfResult>('/certificates/verify-pdf', file, { contentType: 'application/pdf', onProgress, silent: true }),
  keys: () => http.get<PublishedKeyList>('/certificates/keys', { silent: true }),
};
