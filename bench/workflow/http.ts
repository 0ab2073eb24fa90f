/**
 * A signed-in browser over real HTTP: fetch (undici, keep-alive) with the session cookie and the
 * CSRF header, the way apps/web calls the API.
 */
import type { ApplicationView } from '@tongban/contracts';

export interface Session {
  username: string;
  userId: number;
  cookie: string;
  csrf: string;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

export class Http {
  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<Session> {
    const res = await fetch(`${this.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const body = (await res.json()) as { csrfToken: string; user: { id: number } };
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tb_session='));
    if (!cookie) throw new Error(`login ${username}: no session cookie`);
    return { username, userId: body.user.id, cookie: cookie.split(';')[0]!, csrf: body.csrfToken };
  }

  /** One API call; the body is parsed as JSON when there is one. */
  async call<T = unknown>(s: Session | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const isBuffer = Buffer.isBuffer(body);
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(s && { cookie: s.cookie, 'x-csrf-token': s.csrf }),
        ...(body !== undefined && { 'content-type': isBuffer ? 'application/octet-stream' : 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: isBuffer ? new Uint8Array(body) : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async ok<T = unknown>(s: Session | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const r = await this.call<T>(s, method, path, body, headers);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const TINY_PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d2c50000000049454e44ae426082', 'hex');
/** Stage 3 (施工许可) of SZ-T3: cases in 住建 (施工图审查, then 施工许可), 人防 and 城管. */
const STAGE3_ANSWERS = { needsApproval: false, landSupply: 'transfer', eia: 'table', inParkAssessed: false, landArea: 1.2, floorArea: 36000, buildingHeight: 60, specialFire: false, civilAirDefence: 'build', earthwork: true };

/**
 * One accepted stage application built the way people build it (apps/server/test/workflow-support.ts
 * over HTTP): project, guided answers, form, uploaded materials, submit, accept by the window.
 */
export async function acceptedApplicationOverHttp(http: Http, applicant: Session, clerk: Session, projectCode: string): Promise<ApplicationView> {
  const project = await http.ok<{ id: number }>(applicant, 'POST', '/api/v1/projects', {
    code: projectCode,
    name: '姑苏示范住宅项目',
    projectType: 3,
    investment: 52000,
    landArea: 12000,
    floorArea: 36000,
    location: '苏州市姑苏区示范路 1 号',
  });
  const processes = await http.ok<{ items: Array<{ code: string; processId: number }> }>(null, 'GET', '/api/v1/public/processes');
  const processId = processes.items.find((p) => p.code === 'SZ-T3')!.processId;
  let view = await http.ok<ApplicationView>(applicant, 'POST', '/api/v1/applications', { projectId: project.id, processId, stageCode: 3, answers: STAGE3_ANSWERS });
  const values: Record<string, string | number | boolean> = {};
  for (const f of view.formFields) {
    if (!f.required || view.form[f.key] !== undefined) continue;
    values[f.key] = f.type === 'number' ? 100 : f.type === 'date' ? '2026-04-01' : f.type === 'boolean' ? true : f.type === 'choice' ? f.options![0]!.value : `测试${f.label}`;
  }
  view = await http.ok<ApplicationView>(applicant, 'PATCH', `/api/v1/applications/${view.id}/form`, { version: view.version, values });
  for (const r of view.requirements.filter((x) => x.required)) {
    const png = !r.acceptedTypes.includes('pdf');
    await http.ok(applicant, 'POST', `/api/v1/applications/${view.id}/materials?requirementId=${r.id}`, png ? TINY_PNG : TINY_PDF, { 'x-file-name': encodeURIComponent(`${r.name}.${png ? 'png' : 'pdf'}`) });
  }
  view = await http.ok<ApplicationView>(applicant, 'GET', `/api/v1/applications/${view.id}`);
  if (view.problems.length) throw new Error(`template application incomplete: ${JSON.stringify(view.problems)}`);
  view = await http.ok<ApplicationView>(applicant, 'POST', `/api/v1/applications/${view.id}/submit`, { version: view.version });
  return http.ok<ApplicationView>(clerk, 'POST', `/api/v1/applications/${view.id}/accept`, {});
}
