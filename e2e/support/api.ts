import type { ApplicationView, TaskView } from '@tongban/contracts';

/**
 * The HTTP API as a signed-in browser calls it (session cookie + CSRF header), for setting up
 * data a browser test then works on: e.g. an application accepted by the window, so that the
 * departments have tasks in their inboxes.
 */
export interface ApiSession {
  baseUrl: string;
  cookie: string;
  csrf: string;
  userId: number;
}

/** Small but real files: the server sniffs their first bytes. */
export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d2c50000000049454e44ae426082',
  'hex',
);

/** Stage 3 (施工许可) of SZ-T3 for a 60 m, 36 000 m² housing project: cases at 住建, 人防, 城管 and more. */
export const STAGE3_ANSWERS = {
  needsApproval: false,
  landSupply: 'transfer',
  eia: 'table',
  inParkAssessed: false,
  landArea: 1.2,
  floorArea: 36000,
  buildingHeight: 60,
  specialFire: false,
  civilAirDefence: 'build',
  earthwork: true,
};

export async function apiLogin(baseUrl: string, username: string, password: string): Promise<ApiSession> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
  const session = res.headers.getSetCookie().find((c) => c.startsWith('tb_session='));
  if (!session) throw new Error(`login ${username}: no session cookie`);
  const body = (await res.json()) as { csrfToken: string; user: { id: number } };
  return { baseUrl, cookie: session.split(';')[0], csrf: body.csrfToken, userId: body.user.id };
}

/** One call; throws with the response body unless the status is `expect`. */
export async function api<T>(
  s: ApiSession,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  { expect = [200, 201, 204], headers = {} }: { expect?: number[]; headers?: Record<string, string> } = {},
): Promise<T> {
  const raw = body instanceof Buffer;
  const res = await fetch(`${s.baseUrl}/api/v1${url}`, {
    method,
    headers: {
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      ...(body !== undefined && { 'content-type': raw ? 'application/octet-stream' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : raw ? new Uint8Array(body) : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

let serial = Math.floor(Math.random() * 900_000);

/**
 * An application of stage 3 of SZ-T3 that the applicant filled in (every required form field,
 * a tiny file per required material) and submitted, and the window (clerk) accepted: its cases
 * are handling and their first tasks wait in the departments' pools.
 */
export async function acceptedApplication(
  baseUrl: string,
  password: string,
  { applicant = 'applicant', clerk = 'clerk', answers = STAGE3_ANSWERS, projectName = '姑苏示范住宅项目' } = {},
): Promise<ApplicationView> {
  const a = await apiLogin(baseUrl, applicant, password);
  serial = (serial + 1) % 1_000_000;
  const project = await api<{ id: number }>(a, 'POST', '/projects', {
    code: `2026-320508-47-01-${String(serial).padStart(6, '0')}`,
    name: projectName,
    projectType: 3,
    investment: 52000,
    landArea: 12000,
    floorArea: 36000,
    location: '苏州市姑苏区示范路 1 号',
  });
  const processes = (await (await fetch(`${baseUrl}/api/v1/public/processes`)).json()) as { items: Array<{ code: string; processId: number }> };
  const processId = processes.items.find((p) => p.code === 'SZ-T3')!.processId;
  let view = await api<ApplicationView>(a, 'POST', '/applications', { projectId: project.id, processId, stageCode: 3, answers });

  const values: Record<string, string | number | boolean> = {};
  for (const f of view.formFields) {
    if (!f.required || view.form[f.key] !== undefined) continue;
    values[f.key] = f.type === 'number' ? 100 : f.type === 'date' ? '2026-04-01' : f.type === 'boolean' ? true : f.type === 'choice' ? f.options![0].value : `测试${f.label}`;
  }
  view = await api<ApplicationView>(a, 'PATCH', `/applications/${view.id}/form`, { version: view.version, values });
  for (const r of view.requirements.filter((x) => x.required)) {
    const png = !r.acceptedTypes.includes('pdf');
    await api(a, 'POST', `/applications/${view.id}/materials?requirementId=${r.id}`, png ? TINY_PNG : TINY_PDF, {
      headers: { 'x-file-name': encodeURIComponent(`${r.name}.${png ? 'png' : 'pdf'}`) },
    });
  }
  view = await api<ApplicationView>(a, 'GET', `/applications/${view.id}`);
  if (view.problems.length) throw new Error(`application ${view.id} is incomplete: ${JSON.stringify(view.problems)}`);
  view = await api<ApplicationView>(a, 'POST', `/applications/${view.id}/submit`, { version: view.version });

  const c = await apiLogin(baseUrl, clerk, password);
  return api<ApplicationView>(c, 'POST', `/applications/${view.id}/accept`, {});
}

/** The open tasks in a person's inbox (all views, by due date). */
export async function inbox(s: ApiSession, query = ''): Promise<TaskView[]> {
  return (await api<{ items: TaskView[] }>(s, 'GET', `/tasks?pageSize=200${query}`)).items;
}
