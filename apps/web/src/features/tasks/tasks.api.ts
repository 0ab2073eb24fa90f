import type { ApplicationView, CaseView, HistoryEntry, Page, SupplementItem, TaskQuery, TaskView } from '@tongban/contracts';
import { API_BASE, http } from '@/api/http';

/** GET /cases/:caseId: the case with its tasks and clock, its history and the application number. */
export type CaseDetail = CaseView & { history: HistoryEntry[]; applicationNumber: string | null };

/** A colleague a task can go to; transfer (转办) and add-signer (加签) need `sameRole`. */
export interface Candidate {
  id: number;
  displayName: string;
  role: 'reviewer' | 'approver';
  sameRole: boolean;
}

/** What every task and case command answers. */
export interface ActionResult {
  applicationId: number;
  caseId: string;
  version: number;
  events: Array<{ type: string; caseId: string | null; taskId: string | null }>;
}

export type SpecialProcedure = 'expert_review' | 'hearing' | 'site_inspection' | 'public_notice' | 'technical_review';
export const SPECIAL_PROCEDURES: readonly SpecialProcedure[] = ['expert_review', 'hearing', 'site_inspection', 'public_notice', 'technical_review'];

/**
 * The department side (待办 and 办件). Commands are `silent`: the case page shows their errors
 * itself (a 409 CONFLICT means someone else acted first: it reloads).
 */
export const tasksApi = {
  inbox: (query: TaskQuery) => http.get<Page<TaskView>>('/tasks', { query: { ...query } }),
  candidates: (taskId: string) => http.get<{ items: Candidate[] }>(`/tasks/${taskId}/candidates`, { silent: true }),
  claim: (taskId: string, version: number) => http.post<ActionResult>(`/tasks/${taskId}/claim`, { version }, { silent: true }),
  complete: (taskId: string, body: { version: number; decision: 'approve' | 'refuse'; opinion: string }) =>
    http.post<ActionResult>(`/tasks/${taskId}/complete`, body, { silent: true }),
  returnTo: (taskId: string, body: { version: number; toStep: string; reason: string }) => http.post<ActionResult>(`/tasks/${taskId}/return`, body, { silent: true }),
  transfer: (taskId: string, body: { version: number; toUserId: number; reason: string }) => http.post<ActionResult>(`/tasks/${taskId}/transfer`, body, { silent: true }),
  delegate: (taskId: string, body: { version: number; toUserId: number; reason: string }) => http.post<ActionResult>(`/tasks/${taskId}/delegate`, body, { silent: true }),
  addSigner: (taskId: string, body: { version: number; userId: number; reason: string }) => http.post<ActionResult>(`/tasks/${taskId}/add-signer`, body, { silent: true }),
};

export const casesApi = {
  get: (caseId: string) => http.get<CaseDetail>(`/cases/${caseId}`, { silent: true }),
  application: (applicationId: number) => http.get<ApplicationView>(`/applications/${applicationId}`, { silent: true }),
  requestSupplement: (caseId: string, items: SupplementItem[]) => http.post<ActionResult>(`/cases/${caseId}/request-supplement`, { items }, { silent: true }),
  startSpecial: (caseId: string, procedure: SpecialProcedure, reason: string) =>
    http.post<ActionResult>(`/cases/${caseId}/special/start`, { procedure, reason }, { silent: true }),
  endSpecial: (caseId: string, result: string) => http.post<ActionResult>(`/cases/${caseId}/special/end`, { result }, { silent: true }),
  withdrawStep: (caseId: string) => http.post<ActionResult>(`/cases/${caseId}/withdraw-step`, undefined, { silent: true }),
  /** The file itself (served inline; the session cookie authorises it). */
  materialUrl: (applicationId: number, materialId: number) => `${API_BASE}/applications/${applicationId}/materials/${materialId}/content`,
};
