import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, errorCode, login, type Session, type TestContext } from './helpers.ts';

/**
 * Every role trying data outside its scope: another enterprise, another department, another
 * region, and admin-only writes. Each refusal is a 403 with a stable code and changes nothing.
 */
let t: TestContext;
const sessions: Record<string, Session> = {};
const ids = { ent: {} as Record<string, number>, dept: {} as Record<string, number>, user: {} as Record<string, number> };

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  for (const e of await db.selectFrom('enterprise').select(['id', 'name']).execute()) ids.ent[e.name] = e.id;
  for (const d of await db.selectFrom('department').select(['id', 'code']).execute()) ids.dept[d.code] = d.id;
  for (const u of await db.selectFrom('app_user').select(['id', 'username']).execute()) ids.user[u.username] = u.id;
  for (const u of ['admin', 'applicant', 'applicant2', 'clerk', 'reviewer', 'approver', 'reviewer.zrzy', 'supervisor', 'supervisor.gusu', 'agency']) {
    sessions[u] = await login(t.app, u);
  }
});
afterAll(async () => t?.close());

const call = (u: string) => as(t.app, sessions[u]!);
const OWN = '苏州示范置业有限公司';
const PARK = '苏州工业园区纳米新材料有限公司';
const WUXI = '无锡梁溪建设发展有限公司';

describe('applicant: own enterprise only', () => {
  it('reads its own enterprise and colleagues', async () => {
    expect((await call('applicant')('GET', `/api/v1/enterprises/${ids.ent[OWN]}`)).statusCode).toBe(200);
    const list = (await call('applicant')('GET', '/api/v1/enterprises')).json();
    expect(list.items.map((e: { name: string }) => e.name)).toEqual([OWN]);
    const users = (await call('applicant')('GET', '/api/v1/users')).json();
    expect(users.items.map((u: { username: string }) => u.username)).toEqual(['applicant']);
  });

  it('is refused another enterprise, its users and its changes', async () => {
    const other = ids.ent[PARK]!;
    expect(errorCode(await call('applicant')('GET', `/api/v1/enterprises/${other}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('applicant')('GET', `/api/v1/users?enterpriseId=${other}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('applicant')('GET', `/api/v1/users/${ids.user['applicant2']}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('applicant')('PATCH', `/api/v1/enterprises/${other}`, { name: '被改名' }))).toBe('OUT_OF_SCOPE');
    const row = await t.database.db.selectFrom('enterprise').select('name').where('id', '=', other).executeTakeFirstOrThrow();
    expect(row.name).toBe(PARK);
  });

  it('may rename its own enterprise, audited', async () => {
    const res = await call('applicant2')('PATCH', `/api/v1/enterprises/${ids.ent[PARK]}`, { name: PARK });
    expect(res.statusCode).toBe(200);
  });
});

describe('department staff: own department only', () => {
  it.each(['reviewer', 'approver', 'clerk'])('%s sees only own department members', async (u) => {
    const res = await call(u)('GET', '/api/v1/users?pageSize=200');
    const me = await t.database.db.selectFrom('app_user').select('department_id').where('username', '=', u).executeTakeFirstOrThrow();
    const items = res.json().items as Array<{ departmentId: number }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((x) => x.departmentId === me.department_id)).toBe(true);
  });

  it('a reviewer is refused another department and enterprises outside its cases', async () => {
    expect(errorCode(await call('reviewer')('GET', `/api/v1/users?departmentId=${ids.dept['SZ-ZRZY']}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('reviewer')('GET', `/api/v1/users/${ids.user['reviewer.zrzy']}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('reviewer.zrzy')('GET', `/api/v1/users/${ids.user['approver']}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('reviewer')('GET', `/api/v1/enterprises/${ids.ent[OWN]}`))).toBe('OUT_OF_SCOPE');
    // Department staff see only enterprises with a case in their department (none yet here).
    expect((await call('approver')('GET', '/api/v1/enterprises')).json().total).toBe(0);
  });

  it('a Suzhou clerk sees Suzhou enterprises, not Wuxi ones', async () => {
    const list = (await call('clerk')('GET', '/api/v1/enterprises')).json();
    expect(list.items.map((e: { name: string }) => e.name).sort()).toEqual([OWN, PARK].sort());
    expect(errorCode(await call('clerk')('GET', `/api/v1/enterprises/${ids.ent[WUXI]}`))).toBe('OUT_OF_SCOPE');
  });
});

describe('supervisor: own region subtree', () => {
  it('a city supervisor sees its districts but not another city', async () => {
    expect((await call('supervisor')('GET', `/api/v1/enterprises/${ids.ent[PARK]}`)).statusCode).toBe(200);
    expect(errorCode(await call('supervisor')('GET', `/api/v1/enterprises/${ids.ent[WUXI]}`))).toBe('OUT_OF_SCOPE');
    const users = (await call('supervisor')('GET', '/api/v1/users?pageSize=200')).json().items.map((u: { username: string }) => u.username);
    expect(users).toEqual(expect.arrayContaining(['applicant', 'applicant2', 'clerk', 'reviewer', 'supervisor.gusu']));
    expect(users).not.toContain('admin');
  });

  it('a district supervisor is refused the rest of the city', async () => {
    expect((await call('supervisor.gusu')('GET', `/api/v1/enterprises/${ids.ent[OWN]}`)).statusCode).toBe(200);
    expect(errorCode(await call('supervisor.gusu')('GET', `/api/v1/enterprises/${ids.ent[PARK]}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('supervisor.gusu')('GET', `/api/v1/users/${ids.user['clerk']}`))).toBe('OUT_OF_SCOPE');
    const list = (await call('supervisor.gusu')('GET', '/api/v1/enterprises')).json();
    expect(list.items.map((e: { name: string }) => e.name)).toEqual([OWN]);
  });
});

describe('agency', () => {
  it('sees only itself and no enterprises', async () => {
    const users = (await call('agency')('GET', '/api/v1/users')).json();
    expect(users.items.map((u: { username: string }) => u.username)).toEqual(['agency']);
    expect(errorCode(await call('agency')('GET', '/api/v1/enterprises'))).toBe('FORBIDDEN');
  });
});

describe('admin-only writes', () => {
  const writes: Array<[string, string, unknown]> = [
    ['POST', '/api/v1/users', { username: 'intruder', displayName: '入侵者', password: 'abcd1234', role: 'admin' }],
    ['PATCH', '/api/v1/users/1', { displayName: '改名' }],
    ['POST', '/api/v1/users/1/unlock', undefined],
    ['POST', '/api/v1/departments', { code: 'X-1', name: '伪部门', regionCode: '320500', kind: 'department' }],
    ['PATCH', '/api/v1/departments/1', { name: '伪' }],
    ['DELETE', '/api/v1/departments/1', undefined],
    ['POST', '/api/v1/regions', { code: '320509', name: '伪区', parentCode: '320500' }],
    ['PATCH', '/api/v1/regions/320500', { name: '伪市' }],
    ['DELETE', '/api/v1/regions/320213', undefined],
    ['POST', '/api/v1/enterprises', { uscc: '91350100M000100Y43', name: '伪企业', regionCode: '320500' }],
  ];
  for (const u of ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor', 'agency']) {
    it(`refuses ${u}`, async () => {
      for (const [method, url, body] of writes) {
        const res = await call(u)(method as 'POST', url, body);
        expect(res.statusCode, `${u} ${method} ${url}`).toBe(403);
        expect(errorCode(res)).toBe('FORBIDDEN');
      }
    });
  }

  it('and nothing changed', async () => {
    const db = t.database.db;
    expect(await db.selectFrom('app_user').select('id').where('username', '=', 'intruder').executeTakeFirst()).toBeUndefined();
    expect((await db.selectFrom('region').select('name').where('code', '=', '320500').executeTakeFirstOrThrow()).name).toBe('苏州市');
    expect(await db.selectFrom('audit_event').select('id').where('actor_role', 'not in', ['admin']).where('action', 'not like', 'auth.%').where('action', '!=', 'enterprise.update').executeTakeFirst()).toBeUndefined();
  });
});

describe('unauthenticated', () => {
  it('gets 401 UNAUTHENTICATED from every secured route in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    let checked = 0;
    for (const [path, ops] of Object.entries<Record<string, { security?: unknown[] }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.security) continue;
        const url = path.replace(/\{id\}/g, '1').replace(/\{code\}/g, '320500');
        const res = await t.app.inject({ method: method.toUpperCase() as 'GET', url, payload: method === 'get' || method === 'delete' ? undefined : {} });
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        expect(errorCode(res)).toBe('UNAUTHENTICATED');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
