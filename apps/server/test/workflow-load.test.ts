import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApplication, taskFromRow } from '../src/modules/workflow/workflow.repository.ts';
import { as, createTestApp, type Session, type TestContext } from './helpers.ts';
import { acceptedApplication, sessions, taskFor } from './workflow-support.ts';

/**
 * loadApplication reads each case's tasks as a JSON array (json_agg), where timestamps are text,
 * not driver-parsed Dates. The engine must see exactly what plain task rows would give it, on
 * PGlite and on PostgreSQL alike.
 */
let t: TestContext;
let s: Record<string, Session>;
beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, 'applicant', 'clerk', 'reviewer.rfb');
});
afterAll(async () => t?.close());

describe('loadApplication', () => {
  it('gives the same tasks as plain rows, by application id and by task id', async () => {
    const app = await acceptedApplication(t, s.applicant!, s.clerk!);
    const task = await taskFor(t, s['reviewer.rfb']!, app.id, 'SZ-RFB-SJSC');
    const res = await as(t.app, s['reviewer.rfb']!)('POST', `/api/v1/tasks/${task.id}/complete`, { version: task.version, decision: 'approve', opinion: '同意' });
    expect(res.statusCode, res.body).toBe(200);
    const db = t.database.db;
    // Microseconds (as now() writes them) must be cut to milliseconds the way the Date parsers do.
    await db.updateTable('task').set({ completed_at: '2026-03-02T01:02:03.456789+00:00' }).where('id', '=', task.id).execute();

    const loaded = (await loadApplication(db, { applicationId: app.id }, false))!;
    const plain = await db.selectFrom('task').selectAll().where('application_id', '=', app.id).orderBy('created_at').orderBy('id').execute();
    // The first task of each of the three running cases, and the next step after the one done.
    expect(plain).toHaveLength(4);
    for (const c of loaded.state.cases) {
      expect(c.tasks).toEqual(plain.filter((r) => r.case_id === c.id).map(taskFromRow));
      expect(loaded.caseRows.get(c.id)).not.toHaveProperty('tasks');
    }
    expect(loaded.state.cases.flatMap((c) => c.tasks).find((x) => x.id === task.id)!.completedAt).toBe('2026-03-02T01:02:03.456Z');

    const byTask = await loadApplication(db, { taskId: task.id }, false);
    expect(byTask).toEqual(loaded);
    expect(await loadApplication(db, { taskId: '00000000-0000-4000-8000-000000000000' }, false)).toBeNull();
  });

  it('a locked load (one statement with the cases as JSON) gives exactly what the plain load gives, case rows included', async () => {
    const app = await acceptedApplication(t, s.applicant!, s.clerk!);
    const task = await taskFor(t, s['reviewer.rfb']!, app.id, 'SZ-RFB-SJSC');
    const db = t.database.db;
    // Timestamps with microseconds and nulls in the case rows, as the clock job and now() write them.
    await db.updateTable('approval_case').set({ yellow_notified_at: '2026-03-04T00:00:01.234567+00:00' }).where('application_id', '=', app.id).execute();
    const plain = (await loadApplication(db, { applicationId: app.id }, false))!;
    expect([...plain.caseRows.values()].every((c) => c.yellow_notified_at instanceof Date && c.red_notified_at === null)).toBe(true);
    await db.transaction().execute(async (trx) => {
      expect(await loadApplication(trx, { applicationId: app.id }, true)).toEqual(plain);
      expect(await loadApplication(trx, { taskId: task.id }, true)).toEqual(plain);
      expect(await loadApplication(trx, { taskId: '00000000-0000-4000-8000-000000000000' }, true)).toBeNull();
      expect(await loadApplication(trx, { applicationId: 999_999 }, true)).toBeNull();
    });
  });

  it('while another transaction holds the application, a locked load waits for it and sees what it committed', async () => {
    const app = await acceptedApplication(t, s.applicant!, s.clerk!);
    const db = t.database.db;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.transaction().execute(async (trx) => {
      await loadApplication(trx, { applicationId: app.id }, true);
      locked();
      await held;
      await trx.updateTable('application').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', app.id).execute();
      await trx.updateTable('approval_case').set((eb) => ({ round: eb('round', '+', 7), version: eb('version', '+', 1) })).where('application_id', '=', app.id).execute();
    });
    await isLocked;
    const waiter = db.transaction().execute((trx) => loadApplication(trx, { applicationId: app.id }, true));
    // On PostgreSQL, release the holder only once the waiter is blocked on the lock (the load
    // took its fallback: SKIP LOCKED found the row held). PGlite runs one transaction at a time.
    if (process.env.DATABASE_URL) {
      const blocked = () => sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db);
      while ((await blocked()).rows[0]!.n === 0) await new Promise((r) => setTimeout(r, 10));
    }
    release();
    await holder;
    const seen = (await waiter)!;
    const before = (await loadApplication(db, { applicationId: app.id }, false))!;
    expect(seen.row.version).toBe(before.row.version);
    expect(seen.state).toEqual(before.state);
    expect(seen.state.cases.every((c) => c.round >= 7)).toBe(true);
  });
});

