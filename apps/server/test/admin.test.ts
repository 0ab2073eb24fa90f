import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, errorCode, login, type Session, type TestContext } from './helpers.ts';

let t: TestContext;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, 'admin');
});
afterAll(async () => t?.close());
const call = () => as(t.app, admin);

describe('regions', () => {
  it('builds the tree by 6-digit code with GB/T 2260 prefixes', async () => {
    const created = await call()('POST', '/api/v1/regions', { code: '320505', name: '虎丘区', parentCode: '320500' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ code: '320505', name: '虎丘区', parentCode: '320500', level: 3 });
    const tree = (await call()('GET', '/api/v1/regions')).json().items;
    expect(tree.find((r: { code: string }) => r.code === '320505').parentCode).toBe('320500');
  });

  it('refuses codes that do not fit the parent, a missing parent, a level below district and duplicates', async () => {
    expect(errorCode(await call()('POST', '/api/v1/regions', { code: '330105', name: '错区', parentCode: '320500' }))).toBe('INVALID_REGION_CODE');
    expect(errorCode(await call()('POST', '/api/v1/regions', { code: '320599', name: '孤区', parentCode: '329900' }))).toBe('INVALID_REGION_CODE');
    expect(errorCode(await call()('POST', '/api/v1/regions', { code: '320508', name: '重复', parentCode: '320500' }))).toBe('ALREADY_EXISTS');
    expect(errorCode(await call()('POST', '/api/v1/regions', { code: '320509', name: '街道', parentCode: '320508' }))).toBe('INVALID_REGION_CODE');
  });

  it('deletes only unused leaves', async () => {
    expect(errorCode(await call()('DELETE', '/api/v1/regions/320500'))).toBe('IN_USE');
    expect((await call()('DELETE', '/api/v1/regions/320505')).statusCode).toBe(204);
    expect((await call()('GET', '/api/v1/regions')).json().items.some((r: { code: string }) => r.code === '320505')).toBe(false);
  });
});

describe('departments', () => {
  it('creates, renames and deletes an empty department', async () => {
    const d = (await call()('POST', '/api/v1/departments', { code: 'SZ-JTJ', name: '苏州市交通运输局', nameEn: 'Suzhou Transport Bureau', regionCode: '320500', kind: 'department' })).json();
    expect(d).toMatchObject({ code: 'SZ-JTJ', kind: 'department', regionCode: '320500' });
    expect((await call()('PATCH', `/api/v1/departments/${d.id}`, { name: '苏州市交通局' })).json().name).toBe('苏州市交通局');
    expect(errorCode(await call()('POST', '/api/v1/departments', { code: 'SZ-JTJ', name: '另一个', regionCode: '320500', kind: 'department' }))).toBe('ALREADY_EXISTS');
    expect((await call()('DELETE', `/api/v1/departments/${d.id}`)).statusCode).toBe(204);
    expect((await call()('GET', `/api/v1/departments/${d.id}`)).statusCode).toBe(404);
  });

  it('refuses to delete a department with members', async () => {
    const zjj = (await call()('GET', '/api/v1/departments')).json().items.find((d: { code: string }) => d.code === 'SZ-ZJJ');
    expect(errorCode(await call()('DELETE', `/api/v1/departments/${zjj.id}`))).toBe('IN_USE');
  });

  it('every signed-in role can read the directory, filtered by region subtree', async () => {
    const applicant = await login(t.app, 'applicant');
    const all = (await as(t.app, applicant)('GET', '/api/v1/departments')).json().items;
    const wuxi = (await as(t.app, applicant)('GET', '/api/v1/departments?regionCode=320200')).json().items;
    expect(all.length).toBeGreaterThan(wuxi.length);
    expect(wuxi.map((d: { code: string }) => d.code)).toEqual(['WX-XZSPJ']);
  });
});

describe('users', () => {
  it('creates an account whose binding fits its role, and it can log in', async () => {
    const dept = (await call()('GET', '/api/v1/departments')).json().items.find((d: { code: string }) => d.code === 'SZ-STHJ');
    const res = await call()('POST', '/api/v1/users', { username: 'eco.reviewer', displayName: '生态审核员', password: 'Green2026', role: 'reviewer', departmentId: dept.id, email: 'eco@example.cn' });
    expect(res.statusCode).toBe(201);
    const me = await as(t.app, await login(t.app, 'eco.reviewer', 'Green2026'))('GET', '/api/v1/auth/me');
    expect(me.json().department.name).toBe('苏州市生态环境局');
  });

  it('refuses a binding that does not fit the role, a weak password and a taken name', async () => {
    const ent = (await call()('GET', '/api/v1/enterprises')).json().items[0];
    expect(errorCode(await call()('POST', '/api/v1/users', { username: 'bad.binding', displayName: '错', password: 'abc12345', role: 'reviewer', enterpriseId: ent.id }))).toBe('INVALID_ROLE_BINDING');
    expect(errorCode(await call()('POST', '/api/v1/users', { username: 'no.binding', displayName: '错', password: 'abc12345', role: 'supervisor' }))).toBe('INVALID_ROLE_BINDING');
    expect(errorCode(await call()('POST', '/api/v1/users', { username: 'bad.region', displayName: '错', password: 'abc12345', role: 'supervisor', regionCode: '329999' }))).toBe('INVALID_REGION_CODE');
    expect(errorCode(await call()('POST', '/api/v1/users', { username: 'weak.pw', displayName: '弱', password: 'password', role: 'admin' }))).toBe('WEAK_PASSWORD');
    expect(errorCode(await call()('POST', '/api/v1/users', { username: 'Admin', displayName: '重', password: 'abc12345', role: 'admin' }))).toBe('ALREADY_EXISTS');
  });

  it('two admins creating the same username at once: one wins, one gets ALREADY_EXISTS', async () => {
    const body = { username: 'race.user', displayName: '并发', password: 'abc12345', role: 'agency' };
    const [a, b] = await Promise.all([call()('POST', '/api/v1/users', body), call()('POST', '/api/v1/users', body)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
  });

  it('disabling an account or changing its role ends its sessions', async () => {
    const s = await login(t.app, 'applicant2');
    const id = s.userId;
    expect((await call()('PATCH', `/api/v1/users/${id}`, { disabled: true })).json().disabled).toBe(true);
    expect((await as(t.app, s)('GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const relogin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'applicant2', password: 'Demo-pass-2026' } });
    expect(errorCode(relogin)).toBe('ACCOUNT_DISABLED');
    expect((await call()('PATCH', `/api/v1/users/${id}`, { disabled: false })).statusCode).toBe(200);

    const s2 = await login(t.app, 'applicant2');
    const updated = await call()('PATCH', `/api/v1/users/${id}`, { role: 'supervisor', regionCode: '320571' });
    expect(updated.json()).toMatchObject({ role: 'supervisor', regionCode: '320571', enterpriseId: null });
    expect((await as(t.app, s2)('GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('an admin cannot lock itself out', async () => {
    expect(errorCode(await call()('PATCH', `/api/v1/users/${admin.userId}`, { disabled: true }))).toBe('VALIDATION_FAILED');
    expect(errorCode(await call()('PATCH', `/api/v1/users/${admin.userId}`, { role: 'agency' }))).toBe('VALIDATION_FAILED');
  });

  it('never shows a password hash in the API or the audit trail', async () => {
    const list = await call()('GET', '/api/v1/users?pageSize=200');
    expect(list.body).not.toMatch(/argon2|password/i);
    const events = await call()('GET', '/api/v1/audit/events?pageSize=200');
    expect(events.body).not.toMatch(/\$argon2/);
  });
});

describe('enterprises', () => {
  it('checks the unified social credit code', async () => {
    expect(errorCode(await call()('POST', '/api/v1/enterprises', { uscc: '91350100M000100Y44', name: '校验位错', regionCode: '320500' }))).toBe('VALIDATION_FAILED');
    const ok = await call()('POST', '/api/v1/enterprises', { uscc: '91350100m000100y43', name: '福建示例', regionCode: '320500' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().uscc).toBe('91350100M000100Y43');
  });
});
