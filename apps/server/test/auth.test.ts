import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { as, createTestApp, DEMO_PASSWORD, errorCode, login, type TestContext } from './helpers.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const countEvents = async (action: string, targetId?: number) => {
  let q = t.database.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', action);
  if (targetId !== undefined) q = q.where('target_id', '=', String(targetId));
  return Number((await q.executeTakeFirstOrThrow()).n);
};

describe('login and sessions', () => {
  it('sets an httpOnly SameSite session cookie and returns the account with its scope', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'reviewer', password: DEMO_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'tb_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(res.cookies.find((c) => c.name === 'tb_csrf')?.httpOnly).toBeFalsy();
    const body = res.json();
    expect(body.user.role).toBe('reviewer');
    expect(body.department.name).toBe('苏州市住房和城乡建设局');
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(await countEvents('auth.login', body.user.id)).toBeGreaterThanOrEqual(1);
  });

  it('accepts the username in any case and refuses a wrong password with INVALID_CREDENTIALS', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ADMIN', password: DEMO_PASSWORD } })).statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'nope' } });
    expect(bad.statusCode).toBe(401);
    expect(errorCode(bad)).toBe('INVALID_CREDENTIALS');
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ghost', password: 'nope' } });
    expect(errorCode(unknown)).toBe('INVALID_CREDENTIALS');
  });

  it('me answers for a session and 401 after logout', async () => {
    const s = await login(t.app, 'applicant');
    const me = await as(t.app, s)('GET', '/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().enterprise.name).toBe('苏州示范置业有限公司');
    expect((await as(t.app, s)('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    const after = await as(t.app, s)('GET', '/api/v1/auth/me');
    expect(after.statusCode).toBe(401);
    expect(errorCode(after)).toBe('UNAUTHENTICATED');
    expect(await countEvents('auth.logout', s.userId)).toBe(1);
  });

  it('ends a session after the idle timeout', async () => {
    const s = await login(t.app, 'clerk');
    t.clock.advance((t.config.sessionIdleMinutes + 1) * 60_000);
    expect((await as(t.app, s)('GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });
});

describe('lockout', () => {
  it('locks after five failures for 15 minutes, audited, and lets the owner in afterwards', async () => {
    const { id } = (await t.services.database.db.selectFrom('app_user').select('id').where('username', '=', 'approver').executeTakeFirstOrThrow());
    const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'approver', password } });
    for (let i = 1; i <= 4; i++) expect(errorCode(await attempt(`wrong-${i}`))).toBe('INVALID_CREDENTIALS');
    const fifth = await attempt('wrong-5');
    expect(fifth.statusCode).toBe(423);
    expect(errorCode(fifth)).toBe('ACCOUNT_LOCKED');
    expect(await countEvents('auth.lockout', id)).toBe(1);
    expect(await countEvents('auth.login_failed', id)).toBe(5);

    // The right password does not open a locked account.
    const locked = await attempt(DEMO_PASSWORD);
    expect(errorCode(locked)).toBe('ACCOUNT_LOCKED');
    t.clock.advance(14 * 60_000);
    expect(errorCode(await attempt(DEMO_PASSWORD))).toBe('ACCOUNT_LOCKED');
    t.clock.advance(61_000);
    expect((await attempt(DEMO_PASSWORD)).statusCode).toBe(200);
    const row = await t.database.db.selectFrom('app_user').select(['failed_logins', 'locked_until']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('an admin can lift a lock at once', async () => {
    const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'reviewer.zrzy', password } });
    for (let i = 0; i < 5; i++) await attempt('bad-password');
    expect(errorCode(await attempt(DEMO_PASSWORD))).toBe('ACCOUNT_LOCKED');
    const admin = await login(t.app, 'admin');
    const list = await as(t.app, admin)('GET', '/api/v1/users?q=reviewer.zrzy');
    const user = list.json().items[0];
    expect(user.lockedUntil).not.toBeNull();
    expect((await as(t.app, admin)('POST', `/api/v1/users/${user.id}/unlock`)).statusCode).toBe(200);
    expect((await attempt(DEMO_PASSWORD)).statusCode).toBe(200);
    expect(await countEvents('user.unlock', user.id)).toBe(1);
  });

  it('counts concurrent failures without losing any', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'supervisor.gusu', password: 'wrong-again' } })),
    );
    expect(attempts.filter((r) => errorCode(r) === 'ACCOUNT_LOCKED')).toHaveLength(1);
  });
});

describe('cross-site request protection', () => {
  it('refuses a cookie-authenticated write without the CSRF header', async () => {
    const s = await login(t.app, 'admin');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/regions', headers: { cookie: s.cookie }, payload: { code: '320506', name: '吴中区', parentCode: '320500' } });
    expect(res.statusCode).toBe(403);
    expect(errorCode(res)).toBe('CSRF_TOKEN_INVALID');
    const wrong = await as(t.app, { ...s, csrf: 'x'.repeat(32) })('POST', '/api/v1/regions', { code: '320506', name: '吴中区', parentCode: '320500' });
    expect(errorCode(wrong)).toBe('CSRF_TOKEN_INVALID');
    expect(await t.database.db.selectFrom('region').select('code').where('code', '=', '320506').executeTakeFirst()).toBeUndefined();
  });

  it('refuses a write whose Origin is another site, even a login', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: 'https://evil.example' }, payload: { username: 'admin', password: DEMO_PASSWORD } });
    expect(errorCode(res)).toBe('CSRF_TOKEN_INVALID');
  });
});

describe('API keys', () => {
  it('act as their owner within their scopes, and stop when revoked', async () => {
    const s = await login(t.app, 'supervisor');
    const created = await as(t.app, s)('POST', '/api/v1/api-keys', { name: 'BI export', scopes: ['accounts:read'] });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^tbk_[A-Za-z0-9]{12}_/);
    const stored = await t.database.db.selectFrom('api_key').select('secret_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(key).not.toContain(stored.secret_hash);

    const bearer = { authorization: `Bearer ${key}` };
    const users = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer });
    expect(users.statusCode).toBe(200);
    // Same scope as its owner: a city supervisor sees Suzhou accounts, not Wuxi ones.
    expect(users.json().items.every((u: { username: string }) => u.username !== 'admin')).toBe(true);
    const audit = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: bearer });
    expect(audit.statusCode).toBe(403);
    expect(errorCode(audit)).toBe('API_KEY_SCOPE_MISSING');
    // No CSRF token is needed (no cookie), but writes still need a scope.
    const write = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer, payload: { name: 'x', scopes: ['accounts:read'] } });
    expect(errorCode(write)).toBe('API_KEY_SCOPE_MISSING');

    expect((await as(t.app, s)('DELETE', `/api/v1/api-keys/${id}`)).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer });
    expect(revoked.statusCode).toBe(401);
    const garbage = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: 'Bearer tbk_nothing' } });
    expect(errorCode(garbage)).toBe('UNAUTHENTICATED');
  });

  it('cannot be revoked by another account', async () => {
    const owner = await login(t.app, 'clerk');
    const other = await login(t.app, 'applicant');
    const { id } = (await as(t.app, owner)('POST', '/api/v1/api-keys', { name: 'desk', scopes: ['accounts:read'] })).json();
    const res = await as(t.app, other)('DELETE', `/api/v1/api-keys/${id}`);
    expect(errorCode(res)).toBe('OUT_OF_SCOPE');
    const row = await t.database.db.selectFrom('api_key').select('revoked_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });
});

describe('passwords', () => {
  it('are stored as argon2id hashes', async () => {
    const { rows } = await sql<{ password_hash: string }>`SELECT password_hash FROM app_user WHERE username = 'admin'`.execute(t.database.db);
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
  });
});
