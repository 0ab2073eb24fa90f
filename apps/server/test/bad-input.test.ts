import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { as, createTestApp, errorCode, login, type Session, type TestContext } from './helpers.ts';

/**
 * Broken requests against every operation of the OpenAPI document, as an admin (the role that
 * passes the most guards): each must get a 4xx with the error envelope, never a 5xx, and none
 * may change anything.
 */
let t: TestContext;
let admin: Session;
/** Sessions tried in turn: a route refused to admin's role (403 FORBIDDEN) is tried as the next. */
let people: Session[] = [];
interface Op {
  method: string;
  path: string;
  body: { properties?: Record<string, { type?: string; anyOf?: unknown[] }> } | null;
  params: string[];
}
const ops: Op[] = [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, 'admin');
  people = [admin, ...(await Promise.all(['applicant', 'clerk', 'reviewer', 'supervisor'].map((u) => login(t.app, u))))];
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  for (const [path, methods] of Object.entries<Record<string, { requestBody?: { content: Record<string, { schema: Op['body'] }> }; parameters?: Array<{ in: string; name: string }> }>>(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        body: op.requestBody?.content['application/json']?.schema ?? null,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      });
    }
  }
});
afterAll(async () => t?.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
/** Calls as the first of `people` whose role the route admits (authorization runs before validation). */
async function callAllowed(method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  let res: LightMyRequestResponse | null = null;
  for (const p of people) {
    res = await as(t.app, p)(method, url, payload, headers);
    if (res.statusCode !== 403 || res.json().error?.code !== 'FORBIDDEN') return res;
  }
  return res!;
}
const NIL_UUID = '00000000-0000-4000-8000-000000000000';
/** A well-formed value that names nothing, per path parameter. */
const missingValue = (path: string, param: string) => (param === 'caseId' || (param === 'id' && path.startsWith('/api/v1/tasks/')) ? NIL_UUID : param === 'code' ? '329999' : param === 'year' ? '2099' : '2147483647');

const auditCount = async () => Number((await t.database.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).where('action', 'not like', 'auth.%').executeTakeFirstOrThrow()).n);
const fill = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'caseId' || (name === 'id' && path.startsWith('/api/v1/tasks/')) ? '00000000-0000-4000-8000-000000000000' : name === 'code' ? '320500' : name === 'year' ? '2027' : '1'));

function expect4xx(res: LightMyRequestResponse, what: string) {
  expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, what).toBeLessThan(500);
  if (res.statusCode !== 405) errorCode(res);
  expect(res.body).not.toMatch(/at .*\.ts:\d+|node_modules|stack/);
}

const WRONG: Record<string, unknown> = { string: 12345, integer: 'not-a-number', number: 'not-a-number', boolean: 'yes', array: { not: 'an array' } };
/** A value of the wrong type for a field: a number for a string, text for a number, and so on. */
const wrongValue = (schema: { type?: string }): unknown => WRONG[schema.type ?? ''] ?? [[['nested']]];

describe('bad input on every route', () => {
  it('found the routes', () => {
    expect(ops.length).toBeGreaterThan(18);
  });

  it('malformed JSON, wrong content type, empty and non-object bodies → 4xx', async () => {
    const before = await auditCount();
    const call = callAllowed;
    for (const op of ops.filter((o) => o.body)) {
      const url = fill(op.path);
      const what = `${op.method} ${url}`;
      expect4xx(await call(op.method as 'POST', url, '{"broken": ', { 'content-type': 'application/json' }), `${what} malformed`);
      expect4xx(await call(op.method as 'POST', url, 'plain text', { 'content-type': 'text/plain' }), `${what} text/plain`);
      expect4xx(await call(op.method as 'POST', url, '', { 'content-type': 'application/json' }), `${what} empty`);
      expect4xx(await call(op.method as 'POST', url, '[1,2,3]', { 'content-type': 'application/json' }), `${what} array`);
      expect4xx(await call(op.method as 'POST', url, 'null', { 'content-type': 'application/json' }), `${what} null`);
    }
    expect(await auditCount()).toBe(before);
  });

  it('wrong types for each field and unknown fields → 400 VALIDATION_FAILED naming the field', async () => {
    const before = await auditCount();
    const call = callAllowed;
    for (const op of ops.filter((o) => o.body?.properties)) {
      const url = fill(op.path);
      for (const [field, schema] of Object.entries(op.body!.properties!)) {
        const res = await call(op.method as 'POST', url, { [field]: wrongValue(schema) });
        expect4xx(res, `${op.method} ${url} ${field}`);
        expect(errorCode(res)).toBe('VALIDATION_FAILED');
        expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(`/body/${field}`);
      }
      const unknown = await call(op.method as 'POST', url, { zzzUnknown: true });
      expect(errorCode(unknown)).toBe('VALIDATION_FAILED');
      expect(unknown.json().error.details.map((d: { path: string }) => d.path)).toContain('/body/zzzUnknown');
    }
    expect(await auditCount()).toBe(before);
  });

  it('oversized bodies → 413 PAYLOAD_TOO_LARGE', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(t.config.bodyLimit + 10) });
    for (const op of ops.filter((o) => o.body)) {
      const res = await callAllowed(op.method as 'POST', fill(op.path), huge, { 'content-type': 'application/json' });
      expect(res.statusCode, `${op.method} ${op.path}`).toBe(413);
      expect(errorCode(res)).toBe('PAYLOAD_TOO_LARGE');
    }
  });

  it('bad ids and codes in the path → 400, unknown but well-formed ones → 404', async () => {
    const badIds = ['abc', '-1', '0', '1.5', '99999999999', '1;DROP TABLE app_user', '%00', 'x'.repeat(150)];
    const badCodes = ['abc', '12345', '1234567', '012345', '32050a'];
    for (const op of ops.filter((o) => o.params.length)) {
      const bad = op.params.includes('id') ? badIds : badCodes;
      for (const v of bad) {
        const url = op.path.replace(/\{(id|code)\}/, encodeURIComponent(v));
        const res = await callAllowed(op.method as 'GET', url, op.body ? {} : undefined);
        expect4xx(res, `${op.method} ${url}`);
      }
      // Creations and full replacements need a valid body before a missing id can show.
      // (The upload route also needs its requirementId query first.)
      if ((op.method === 'POST' && op.body) || op.method === 'PUT' || op.path.endsWith('/materials')) continue;
      // Public verification answers a well-formed unknown code with 200 {status: 'unknown'} (certificates-issue.test.ts).
      if (op.path === '/api/v1/certificates/verify/{code}') continue;
      const missing = op.path.replace(/\{(\w+)\}/g, (_, name: string) => missingValue(op.path, name));
      const body = op.method !== 'PATCH' ? undefined : op.path.startsWith('/api/v1/users') ? { displayName: '不存在' } : op.path.endsWith('/form') ? { version: 0, values: {} } : { name: '不存在' };
      const res = await callAllowed(op.method as 'GET', missing, body);
      expect(res.statusCode, `${op.method} ${missing}`).toBe(404);
      expect(errorCode(res)).toBe('NOT_FOUND');
    }
  });

  it('bad query strings → 400', async () => {
    for (const url of ['/api/v1/users?page=0', '/api/v1/users?pageSize=100000', '/api/v1/users?role=king', '/api/v1/users?zzz=1', '/api/v1/enterprises?page=abc', '/api/v1/departments?regionCode=abc', '/api/v1/audit/events?actorId=-3']) {
      const res = await as(t.app, admin)('GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
    }
  });

  it('broken URLs, null bytes and impossible numbers → 400 envelope', async () => {
    for (const url of ['/%E0%A4%A', '/api/v1/users/%E0%A4%A', '/api/v1/users?page=1e309', '/api/v1/users?q=%00']) {
      const res = await as(t.app, admin)('GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
    }
    const nul = await as(t.app, admin)('POST', '/api/v1/regions', { code: '320506', name: 'a\u0000b', parentCode: '320500' });
    expect(nul.statusCode).toBe(400);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ad\u0000min', password: 'x' } });
    expect(errorCode(login)).toMatch(/VALIDATION_FAILED|INVALID_CREDENTIALS/);
  });

  it('a nullable field with a wrong value is reported once', async () => {
    const res = await as(t.app, admin)('PATCH', '/api/v1/users/1', { email: 'not-an-email' });
    expect(res.json().error.details).toEqual([{ path: '/body/email', message: expect.any(String) }]);
  });

  it('unknown API routes and methods → 404 envelope', async () => {
    expect(errorCode(await as(t.app, admin)('GET', '/api/v1/nothing-here'))).toBe('ROUTE_NOT_FOUND');
    expect(errorCode(await as(t.app, admin)('PUT', '/api/v1/users/1', {}))).toBe('ROUTE_NOT_FOUND');
  });

  it('messages follow Accept-Language', async () => {
    const zh = await as(t.app, admin)('GET', '/api/v1/users/abc');
    const en = await as(t.app, admin)('GET', '/api/v1/users/abc', undefined, { 'accept-language': 'en-US,en;q=0.9' });
    expect(zh.json().error.message).toMatch(/请求参数/);
    expect(en.json().error.message).toMatch(/Invalid request/);
    expect(en.json().error.messages['zh-CN']).toBe(zh.json().error.message);
  });
});
