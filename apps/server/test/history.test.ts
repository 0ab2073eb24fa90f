import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { seedHistory, type HistoryResult } from '../src/db/seed/history.ts';
import { as, createTestApp, login, type TestContext } from './helpers.ts';

const NOW = new Date('2026-11-20T10:00:00+08:00');
const TODAY = '2026-11-20';

let t: TestContext;
let result: HistoryResult;
beforeAll(async () => {
  t = await createTestApp();
  result = await seedHistory(t.database, t.config, { projects: 25, now: NOW });
}, 300_000);
afterAll(async () => t?.close());

const count = async (query: ReturnType<typeof sql<{ n: number }>>) => Number((await query.execute(t.database.db)).rows[0]!.n);

describe('demo history', () => {
  it('drives the projects through the real services without a failed action', () => {
    expect(result).toMatchObject({ created: true, projects: 25, errors: 0 });
    expect(result.applications).toBeGreaterThan(25);
    expect(result.commands).toBeGreaterThan(result.applications * 10);
  });

  it('leaves applications in several states: concluded long ago, in handling and in the window at `now`', async () => {
    const rows = await t.database.db.selectFrom('application').select(['status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('status').execute();
    const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    expect(by.concluded).toBeGreaterThan(0);
    expect(by.accepted).toBeGreaterThan(0);
    expect((by.received ?? 0) + (by.supplement ?? 0)).toBeGreaterThan(0);
    // Concluded is most of it, and the history spans the months before `now`.
    expect(by.concluded).toBeGreaterThan(result.applications / 2);
    const first = await t.database.db.selectFrom('application').select((eb) => eb.fn.min('created_at').as('at')).executeTakeFirstOrThrow();
    expect(new Date(first.at as unknown as string).getTime()).toBeLessThan(NOW.getTime() - 300 * 86_400_000);
  });

  it('has approved cases, returns, supplements and overdue (red) cases still handling', async () => {
    expect(await count(sql`SELECT count(*) AS n FROM approval_case WHERE status = 'approved'`)).toBeGreaterThan(0);
    expect(await count(sql`SELECT count(*) AS n FROM workflow_event WHERE type = 'StepReturned'`)).toBeGreaterThan(0);
    expect(await count(sql`SELECT count(*) AS n FROM workflow_event WHERE type = 'SupplementRequested'`)).toBeGreaterThan(0);
    expect(await count(sql`SELECT count(*) AS n FROM approval_case WHERE status = 'handling' AND due_date < ${TODAY}`)).toBeGreaterThan(0);
    // The warning job ran at `now`: every red case has told someone.
    expect(await count(sql`SELECT count(*) AS n FROM approval_case WHERE status = 'handling' AND due_date < ${TODAY} AND red_notified_at IS NULL`)).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM notification WHERE kind = 'overdue'`)).toBeGreaterThan(0);
  });

  it('never wrote anything dated after `now`', async () => {
    expect(await count(sql`SELECT count(*) AS n FROM workflow_event WHERE at > ${NOW}`)).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM application WHERE updated_at > ${NOW}`)).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM project WHERE created_at > ${NOW}`)).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM audit_event WHERE occurred_at > ${NOW} AND request_id LIKE 'demo-history-%'`)).toBe(0);
  });

  it('leaves documents pending only for cases concluded in the last 60 days (older ones predate the platform)', async () => {
    const cutoff = new Date(NOW.getTime() - 60 * 86_400_000);
    const concluding = sql`status IN ('approved', 'approved_deficiency', 'refused')`;
    expect(await count(sql`SELECT count(*) AS n FROM approval_case WHERE ${concluding} AND concluded_at >= ${cutoff} AND document_status = 'pending'`)).toBeGreaterThan(0);
    expect(await count(sql`SELECT count(*) AS n FROM approval_case WHERE ${concluding} AND concluded_at < ${cutoff} AND document_status = 'none'`)).toBeGreaterThan(0);
    expect(await count(sql`SELECT count(*) AS n FROM approval_case WHERE concluded_at < ${cutoff} AND document_status <> 'none'`)).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM approval_case WHERE ${concluding} AND concluded_at >= ${cutoff} AND document_status <> 'pending'`)).toBe(0);
  });

  it('keeps the audit chain intact', async () => {
    const admin = await login(t.app, 'admin');
    const res = await as(t.app, admin)('GET', '/api/v1/audit/verify');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, firstBrokenId: null });
    expect(res.json().checked).toBeGreaterThan(result.commands);
  });

  it('runs only once', async () => {
    const again = await seedHistory(t.database, t.config, { projects: 25, now: NOW });
    expect(again.created).toBe(false);
    expect(await count(sql`SELECT count(*) AS n FROM application`)).toBe(result.applications);
  });
});
