import type {
  AcceptBody,
  ApplicationStatus,
  ApplicationSummary,
  ApplicationView,
  FormValues,
  HistoryEntry,
  MaterialView,
  Page,
  ProjectCreate,
  ProjectUpdate,
  ProjectView,
  SupplementItem,
} from '@tongban/contracts';
import { API_BASE, http, upload, uploadContentType } from '@/api/http';
import type { GuideAnswer, ProcessVersionView } from '@/features/catalog/catalog.types';

export type Answers = Record<string, GuideAnswer>;

export interface ApplicationListQuery {
  status?: ApplicationStatus | '';
  projectId?: number | null;
  q?: string;
  page: number;
  pageSize: number;
}

/** The projects (项目) of the applicant's enterprise. */
export const projectsApi = {
  list: (query: { q?: string; page: number; pageSize: number }) => http.get<Page<ProjectView>>('/projects', { query }),
  get: (id: number) => http.get<ProjectView>(`/projects/${id}`),
  create: (body: ProjectCreate) => http.post<ProjectView>('/projects', body, { silent: true }),
  update: (id: number, body: ProjectUpdate) => http.put<ProjectView>(`/projects/${id}`, body, { silent: true }),
};

/**
 * Stage applications (申报) from draft to conclusion. Writes whose errors a page shows itself
 * (field details, the submission check list, conflicts it retries) are `silent`.
 */
export const applicationsApi = {
  list: (query: ApplicationListQuery, signal?: AbortSignal) =>
    http.get<Page<ApplicationSummary>>('/applications', { query: { ...query }, signal }),
  get: (id: number) => http.get<ApplicationView>(`/applications/${id}`),
  /** The process version an application was made under (public; for matter names). */
  processVersion: (versionId: number) => http.get<ProcessVersionView>(`/public/process-versions/${versionId}`, { silent: true }),
  history: (id: number) => http.get<{ items: HistoryEntry[] }>(`/applications/${id}/history`),
  create: (body: { projectId: number; processId: number; stageCode: number; answers: Answers }) =>
    http.post<ApplicationView>('/applications', body, { silent: true }),
  updateAnswers: (id: number, version: number, answers: Answers) =>
    http.put<ApplicationView>(`/applications/${id}/answers`, { version, answers }, { silent: true }),
  /** Autosave: only the changed keys; null clears a value. */
  updateForm: (id: number, version: number, values: FormValues) =>
    http.patch<ApplicationView>(`/applications/${id}/form`, { version, values }, { silent: true }),
  uploadMaterial: (id: number, requirementId: number, file: File, onProgress: (fraction: number) => void) =>
    upload<MaterialView>(`/applications/${id}/materials?requirementId=${requirementId}`, file, {
      headers: { 'X-File-Name': encodeURIComponent(file.name) },
      contentType: uploadContentType(file),
      onProgress,
      silent: true,
    }),
  removeMaterial: (id: number, materialId: number) => http.delete(`/applications/${id}/materials/${materialId}`),
  /** Where the browser downloads or previews a material (the read is audited). */
  materialUrl: (id: number, materialId: number) => `${API_BASE}/applications/${id}/materials/${materialId}/content`,
  submit: (id: number, version?: number) => http.post<ApplicationView>(`/applications/${id}/submit`, { version }, { silent: true }),
  withdraw: (id: number, reason: string, version?: number) =>
    http.post<ApplicationView>(`/applications/${id}/withdraw`, { reason, version }, { silent: true }),
  deficiencyDone: (id: number) => http.post<ApplicationView>(`/applications/${id}/deficiency-done`),
  caseSupplementDone: (id: number, caseId: string) => http.post<ApplicationView>(`/applications/${id}/cases/${caseId}/supplement-done`),

  // The window (综合窗口).
  accept: (id: number, body: AcceptBody) => http.post<ApplicationView>(`/applications/${id}/accept`, body, { silent: true }),
  notAccept: (id: number, reason: string, version?: number) =>
    http.post<ApplicationView>(`/applications/${id}/not-accept`, { reason, version }, { silent: true }),
  refuse: (id: number, reason: string, version?: number) =>
    http.post<ApplicationView>(`/applications/${id}/refuse`, { reason, version }, { silent: true }),
  requestSupplement: (id: number, items: SupplementItem[], version?: number) =>
    http.post<ApplicationView>(`/applications/${id}/request-supplement`, { items, version }, { silent: true }),
};
