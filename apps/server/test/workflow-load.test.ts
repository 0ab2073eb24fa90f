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
});
