import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, errorCode, type Session, type TestContext } from './helpers.ts';
import { acceptedApplication, sessions, taskFor } from './workflow-support.ts';

/**
 * Races: many people (or double clicks) acting on the same task or on the tasks of one join at
 * the same moment. On PostgreSQL these run truly in parallel on a connection pool; on PGlite they
 * interleave at statement level through the one connection.
 */
let t: TestContext;
let s: Record<string, Session>;
beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, 'applicant', 'clerk', 'reviewer', 'reviewer2', 'approver', 'reviewer.cgj');
});
afterAll(async () => t?.close());

const tasksOfCase = (caseId: string) => t.database.db.selectFrom('task').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();

describe('concurrency', () => {
  it('50 concurrent completions of one task: exactly one succeeds, the others get CONFLICT, one next task exists', async () => {
    const app = await acceptedApplication(t, s.applicant!, s.clerk!);
    const task = await taskFor(t, s['reviewer.cgj']!, app.id, 'SZ-CGJ-JZLJ');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => as(t.app, s['reviewer.cgj']!)('POST', `/api/v1/tasks/${task.id}/complete`, { version: task.version, decision: 'approve', opinion: `第 ${i} 次点击` })),
    );
    const ok = results.filter((r) => r.statusCode === 200);
    const conflicts = results.filter((r) => r.statusCode === 409);
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    expect(conflicts.every((r) => errorCode(r) === 'CONFLICT')).toBe(true);
    const caseId = app.cases.find((c) => c.matterCode === 'SZ-CGJ-JZLJ')!.id;
    const tasks = await tasksOfCase(caseId);
    expect(tasks.filter((x) => x.step_key === 'handle' && x.status === 'done')).toHaveLength(1);
    expect(tasks.filter((x) => x.step_key === 'review')).toHaveLength(1);
    const events = await t.database.db.selectFrom('workflow_event').select('type').where('case_id', '=', caseId).where('type', '=', 'TaskCompleted').execute();
    expect(events).toHaveLength(1);
    const audited = await t.database.db.selectFrom('audit_event').select('seq').where('chain_key', '=', `application:${app.id}`).where('action', '=', 'application.complete').execute();
    expect(audited).toHaveLength(1);
  });

  it('50 concurrent completions at a join (加签 countersign round of two): both signers succeed once, the step advances exactly once', async () => {
    const app = await acceptedApplication(t, s.applicant!, s.clerk!);
    const caseId = app.cases.find((c) => c.matterCode === 'SZ-ZJJ-SGTSC')!.id;
    const first = await taskFor(t, s.reviewer!, app.id, 'SZ-ZJJ-SGTSC');
    let res = await as(t.app, s.reviewer!)('POST', `/api/v1/tasks/${first.id}/claim`, { version: first.version });
    expect(res.statusCode, res.body).toBe(200);
    const claimed = (await tasksOfCase(caseId)).find((x) => x.id === first.id)!;
    res = await as(t.app, s.reviewer!)('POST', `/api/v1/tasks/${first.id}/add-signer`, { version: claimed.version, userId: s.reviewer2!.userId, reason: '请复核图审范围' });
    expect(res.statusCode, res.body).toBe(200);
    const round = (await tasksOfCase(caseId)).filter((x) => x.status === 'open');
    expect(round).toHaveLength(2);
    const [mine, theirs] = [round.find((x) => x.assignee_id === s.reviewer!.userId)!, round.find((x) => x.assignee_id === s.reviewer2!.userId)!];
    const shots = Array.from({ length: 50 }, (_, i) => {
      const [who, task] = i % 2 === 0 ? [s.reviewer!, mine] : [s.reviewer2!, theirs];
      return as(t.app, who)('POST', `/api/v1/tasks/${task.id}/complete`, { version: task.version, decision: 'approve', opinion: '会签同意' });
    });
    const results = await Promise.all(shots);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(2);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(48);
    const tasks = await tasksOfCase(caseId);
    expect(tasks.filter((x) => x.step_key === 'handle' && x.status === 'done')).toHaveLength(2);
    expect(tasks.filter((x) => x.step_key === 'review')).toHaveLength(1);
    const advanced = await t.database.db.selectFrom('workflow_event').select('type').where('case_id', '=', caseId).where('type', '=', 'StepAdvanced').execute();
    expect(advanced).toHaveLength(1);
  });

  it('parallel cases concluding at once conclude the stage exactly once', async () => {
    const app = await acceptedApplication(t, s.applicant!, s.clerk!, { ...(await import('./workflow-support.ts')).STAGE3_ANSWERS, civilAirDefence: 'none', earthwork: false });
    // Only 施工图审查 and 施工许可 (waiting) remain: drive 施工图审查 to its sign step.
    const { complete } = await import('./workflow-support.ts');
    await complete(t, s.reviewer!, await taskFor(t, s.reviewer!, app.id, 'SZ-ZJJ-SGTSC'));
    await complete(t, s.reviewer2!, await taskFor(t, s.reviewer2!, app.id, 'SZ-ZJJ-SGTSC'));
    const sign = await taskFor(t, s.approver!, app.id, 'SZ-ZJJ-SGTSC');
    // Refusing the prerequisite concludes the dependent case too (cascade) — fire it 20 times at once.
    const results = await Promise.all(Array.from({ length: 20 }, () => as(t.app, s.approver!)('POST', `/api/v1/tasks/${sign.id}/complete`, { version: sign.version, decision: 'refuse', opinion: '施工图不符合强制性标准' })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const events = await t.database.db.selectFrom('workflow_event').select(['type', 'case_id']).where('application_id', '=', app.id).execute();
    expect(events.filter((e) => e.type === 'StageConcluded')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'CaseConcluded')).toHaveLength(2);
    const row = await t.database.db.selectFrom('application').select(['status', 'outcome', 'national_code']).where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'concluded', outcome: 'refused', national_code: 13 });
  });

  it('the clock warning job running among commands on the same applications: every command succeeds, every overdue case is raised once', async () => {
    const apps = [];
    for (let i = 0; i < 4; i++) apps.push(await acceptedApplication(t, s.applicant!, s.clerk!));
    // Six weeks on, every running case of these applications is overdue.
    t.clock.set(new Date(t.clock.now().getTime() + 42 * 86_400_000).toISOString());
    s = await sessions(t, 'applicant', 'clerk', 'reviewer', 'reviewer2', 'approver', 'reviewer.cgj');
    const tasks = await Promise.all(apps.map((a) => taskFor(t, s['reviewer.cgj']!, a.id, 'SZ-CGJ-JZLJ')));
    const [results] = await Promise.all([
      Promise.all(tasks.map((task) => as(t.app, s['reviewer.cgj']!)('POST', `/api/v1/tasks/${task.id}/complete`, { version: task.version, decision: 'approve', opinion: '同意' }))),
      Promise.all([1, 2, 3].map(() => t.services.supervision.runWarnings(2))),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    // Applications a command held were skipped; the next run raises them.
    await t.services.supervision.runWarnings();
    const ids = apps.map((a) => a.id);
    const running = await t.database.db.selectFrom('approval_case').select(['id', 'red_notified_at']).where('application_id', 'in', ids).where('status', '=', 'handling').execute();
    expect(running.length).toBeGreaterThanOrEqual(8);
    expect(running.filter((c) => c.red_notified_at === null)).toEqual([]);
    const raised = await t.database.db.selectFrom('audit_event').select('target_id').where('action', '=', 'case.clock_overdue').where('target_id', 'in', running.map((c) => c.id)).execute();
    expect(raised.map((e) => e.target_id).sort()).toEqual(running.map((c) => c.id).sort());
  });

  it('the audit chains are whole after all these races', async () => {
    expect(await t.services.audit.verify(t.database.db)).toMatchObject({ ok: true, firstBrokenId: null });
  });
});
