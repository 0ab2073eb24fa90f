import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inTransaction } from '../src/db/transaction.ts';
import { as, createTestApp, errorCode, login, type TestContext } from './helpers.ts';

let t: TestContext;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t?.close());

const verify = () => t.services.audit.verify(t.database.db);
const ctx = { actor: null, requestId: 'test', ip: '127.0.0.1' };

/** A few real changes through the API so that several chains have several events. */
async function makeHistory() {
  const admin = await login(t.app, 'admin');
  const call = as(t.app, admin);
  expect((await call('POST', '/api/v1/regions', { code: '320506', name: '吴中区', parentCode: '320500' })).statusCode).toBe(201);
  expect((await call('PATCH', '/api/v1/regions/320506', { name: '吴中区（新）' })).statusCode).toBe(200);
  const dept = (await call('POST', '/api/v1/departments', { code: 'SZ-TEST', name: '测试局', regionCode: '320506', kind: 'department' })).json();
  expect((await call('PATCH', `/api/v1/departments/${dept.id}`, { name: '测试局二' })).statusCode).toBe(200);
  return { admin, dept };
}

describe('audit chain', () => {
  it('records every change with who, role, action, target, before/after, request id and IP', async () => {
    const { dept } = await makeHistory();
    const ev = await t.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'department.update').executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ actor_name: 'admin', actor_role: 'admin', target_type: 'department', target_id: String(dept.id), ip: '127.0.0.1', region_code: '320506' });
    expect(ev.request_id).toBeTruthy();
    expect(ev.summary).toMatchObject({ before: { name: '测试局' }, after: { name: '测试局二' } });
    expect(await verify()).toMatchObject({ ok: true, firstBrokenId: null });
  });

  it('names exactly the event whose row was edited in SQL', async () => {
    await makeHistory();
    const before = await verify();
    expect(before.ok).toBe(true);
    const target = await t.database.db.selectFrom('audit_event').select('id').where('action', '=', 'region.update').executeTakeFirstOrThrow();
    await sql`UPDATE audit_event SET summary = jsonb_set(summary, '{after,name}', '"篡改"') WHERE id = ${target.id}`.execute(t.database.db);
    const after = await verify();
    expect(after).toMatchObject({ ok: false, firstBrokenId: target.id, checked: before.checked });
  });

  it('detects an edit that also recomputed the row hash, at the next link', async () => {
    await makeHistory();
    const rows = await t.database.db.selectFrom('audit_event').select(['id', 'chain_key']).where('chain_key', '=', 'region:320506').orderBy('seq').execute();
    expect(rows.length).toBe(2);
    await sql`UPDATE audit_event SET hash = repeat('a', 64) WHERE id = ${rows[0]!.id}`.execute(t.database.db);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.firstBrokenId).toBe(rows[0]!.id);
  });

  it('detects a deleted event in the middle of a chain', async () => {
    await makeHistory();
    const rows = await t.database.db.selectFrom('audit_event').select('id').where('chain_key', '=', 'region:320506').orderBy('seq').execute();
    await sql`DELETE FROM audit_event WHERE id = ${rows[0]!.id}`.execute(t.database.db);
    const r = await verify();
    expect(r.ok).toBe(false);
    // The first survivor after the gap is named.
    expect(r.firstBrokenId).toBe(rows[1]!.id);
  });

  it('detects a deleted last event and names it', async () => {
    await makeHistory();
    const last = await t.database.db.selectFrom('audit_event').select(['id', 'chain_key', 'seq', 'prev_hash']).where('action', '=', 'department.update').executeTakeFirstOrThrow();
    await sql`DELETE FROM audit_event WHERE id = ${last.id}`.execute(t.database.db);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: last.id });
  });

  it('an anchored chain cannot be shortened even if the head is rewritten to match', async () => {
    await makeHistory();
    expect(await t.services.audit.anchor(t.database.db)).not.toBeNull();
    expect(await t.services.audit.anchor(t.database.db)).toBeNull(); // nothing new since
    const last = await t.database.db.selectFrom('audit_event').select(['id', 'chain_key', 'seq', 'prev_hash']).where('action', '=', 'department.update').executeTakeFirstOrThrow();
    const prev = await t.database.db.selectFrom('audit_event').select('id').where('chain_key', '=', last.chain_key).where('seq', '=', last.seq - 1).executeTakeFirstOrThrow();
    await sql`DELETE FROM audit_event WHERE id = ${last.id}`.execute(t.database.db);
    await sql`UPDATE audit_chain_head SET seq = seq - 1, hash = ${last.prev_hash}, last_event_id = ${prev.id} WHERE chain_key = ${last.chain_key}`.execute(t.database.db);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: last.id });
  });

  it('a failed change leaves neither the row nor its audit event', async () => {
    const admin = await login(t.app, 'admin');
    const count = async () => Number((await t.database.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const n = await count();
    await expect(
      inTransaction(t.database.db, async (trx) => {
        await t.services.audit.record(trx, ctx, { chainKey: 'region:999999', action: 'region.create', targetType: 'region', targetId: '999999', summary: {} });
        throw new Error('business rule failed after auditing');
      }),
    ).rejects.toThrow();
    const res = await as(t.app, admin)('POST', '/api/v1/users', { username: 'half', displayName: '半', password: 'abc12345', role: 'reviewer', departmentId: 99999 });
    expect(res.statusCode).toBe(404);
    expect(await count()).toBe(n);
    expect(await t.database.db.selectFrom('app_user').select('id').where('username', '=', 'half').executeTakeFirst()).toBeUndefined();
  });

  it('concurrent writers on one chain and on many chains never fork it', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        inTransaction(t.database.db, (trx) =>
          t.services.audit.record(trx, ctx, { chainKey: i % 2 ? 'case:hot' : `case:${i}`, action: 'test.write', targetType: 'case', targetId: i, summary: { i } }),
        ),
      ),
    );
    const seqs = (await t.database.db.selectFrom('audit_event').select('seq').where('chain_key', '=', 'case:hot').orderBy('seq').execute()).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('verify is for admin and supervisor only, over HTTP too', async () => {
    await makeHistory();
    for (const username of ['applicant', 'clerk', 'reviewer', 'approver', 'agency']) {
      const res = await as(t.app, await login(t.app, username))('GET', '/api/v1/audit/verify');
      expect(res.statusCode, username).toBe(403);
      expect(errorCode(res)).toBe('FORBIDDEN');
    }
    const ok = await as(t.app, await login(t.app, 'supervisor'))('GET', '/api/v1/audit/verify');
    expect(ok.json()).toMatchObject({ ok: true, firstBrokenId: null });
    expect(ok.json().checked).toBeGreaterThan(10);
  });

  it('a supervisor reads the events of its own region only', async () => {
    await makeHistory();
    const gusu = await login(t.app, 'supervisor.gusu');
    const res = await as(t.app, gusu)('GET', '/api/v1/audit/events?pageSize=200');
    expect(res.statusCode).toBe(200);
    const regions = new Set(res.json().items.map((e: { regionCode: string }) => e.regionCode));
    expect([...regions].every((r) => r === '320508')).toBe(true);
    const city = await as(t.app, await login(t.app, 'supervisor'))('GET', '/api/v1/audit/events?action=region.update');
    expect(city.json().total).toBe(1);
  });
});
