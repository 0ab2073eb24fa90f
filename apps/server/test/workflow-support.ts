import { expect } from 'vitest';
import type { ApplicationView, TaskView } from '@tongban/contracts';
import { as, login, type Session, type TestContext } from './helpers.ts';

/** Small but real files: the type sniffer reads their first bytes. */
export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const TINY_PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d2c50000000049454e44ae426082', 'hex');

export const STAGE3_ANSWERS = { needsApproval: false, landSupply: 'transfer', eia: 'table', inParkAssessed: false, landArea: 1.2, floorArea: 36000, buildingHeight: 60, specialFire: false, civilAirDefence: 'build', earthwork: true };

let projectSerial = 100;
/** A fresh project of the first demo enterprise (applicant), type 3, in 姑苏区. */
export async function createProject(t: TestContext, s: Session, overrides: Record<string, unknown> = {}) {
  const res = await as(t.app, s)('POST', '/api/v1/projects', {
    code: `2026-320508-47-01-${String(projectSerial++).padStart(6, '0')}`,
    name: '姑苏示范住宅项目',
    projectType: 3,
    investment: 52000,
    landArea: 12000,
    floorArea: 36000,
    location: '苏州市姑苏区示范路 1 号',
    ...overrides,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: number; code: string }>();
}

export async function processIdOf(t: TestContext, code: string): Promise<number> {
  const res = await as(t.app, null)('GET', '/api/v1/public/processes');
  return res.json().items.find((p: { code: string }) => p.code === code).processId;
}

/** Fills every required form field with a value of its type and uploads a file for every required material. */
export async function completeDraft(t: TestContext, s: Session, view: ApplicationView): Promise<ApplicationView> {
  const call = as(t.app, s);
  const values: Record<string, string | number | boolean> = {};
  for (const f of view.formFields) {
    if (!f.required || view.form[f.key] !== undefined) continue;
    values[f.key] = f.type === 'number' ? 100 : f.type === 'date' ? '2026-04-01' : f.type === 'boolean' ? true : f.type === 'choice' ? f.options![0]!.value : `测试${f.label}`;
  }
  let res = await call('PATCH', `/api/v1/applications/${view.id}/form`, { version: view.version, values });
  expect(res.statusCode, res.body).toBe(200);
  for (const r of view.requirements.filter((x) => x.required)) {
    const png = !r.acceptedTypes.includes('pdf');
    res = await call('POST', `/api/v1/applications/${view.id}/materials?requirementId=${r.id}`, png ? TINY_PNG : TINY_PDF, { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(`${r.name}.${png ? 'png' : 'pdf'}`) });
    expect(res.statusCode, res.body).toBe(201);
  }
  res = await call('GET', `/api/v1/applications/${view.id}`);
  return res.json<ApplicationView>();
}

/** A submitted application of stage 3 (施工许可) of SZ-T3 with the given answers. */
export async function submittedApplication(t: TestContext, applicant: Session, answers: Record<string, unknown> = STAGE3_ANSWERS, stageCode = 3, project: Record<string, unknown> = {}): Promise<ApplicationView> {
  const { id: projectId } = await createProject(t, applicant, project);
  const call = as(t.app, applicant);
  let res = await call('POST', '/api/v1/applications', { projectId, processId: await processIdOf(t, 'SZ-T3'), stageCode, answers });
  expect(res.statusCode, res.body).toBe(201);
  const view = await completeDraft(t, applicant, res.json());
  expect(view.problems).toEqual([]);
  res = await call('POST', `/api/v1/applications/${view.id}/submit`, { version: view.version });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function acceptedApplication(t: TestContext, applicant: Session, clerk: Session, answers?: Record<string, unknown>, project?: Record<string, unknown>): Promise<ApplicationView> {
  const submitted = await submittedApplication(t, applicant, answers, undefined, project);
  const res = await as(t.app, clerk)('POST', `/api/v1/applications/${submitted.id}/accept`, {});
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function inbox(t: TestContext, s: Session, query = ''): Promise<TaskView[]> {
  const res = await as(t.app, s)('GET', `/api/v1/tasks?pageSize=200${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

/** The open task of one case in a person's inbox. */
export async function taskFor(t: TestContext, s: Session, applicationId: number, matterCode: string): Promise<TaskView> {
  const items = await inbox(t, s);
  const task = items.find((x) => x.applicationId === applicationId && x.matterCode === matterCode);
  if (!task) throw new Error(`no task for ${matterCode} of application ${applicationId} in the inbox (${items.length} tasks)`);
  return task;
}

export async function complete(t: TestContext, s: Session, task: TaskView, decision: 'approve' | 'refuse' = 'approve', opinion = '同意') {
  const res = await as(t.app, s)('POST', `/api/v1/tasks/${task.id}/complete`, { version: task.version, decision, opinion });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function sessions(t: TestContext, ...names: string[]): Promise<Record<string, Session>> {
  const out: Record<string, Session> = {};
  for (const n of names) out[n] = await login(t.app, n);
  return out;
}

export async function getApplication(t: TestContext, s: Session, id: number): Promise<ApplicationView> {
  const res = await as(t.app, s)('GET', `/api/v1/applications/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
