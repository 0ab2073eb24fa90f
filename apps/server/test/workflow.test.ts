import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, errorCode, type Session, type TestContext } from './helpers.ts';
import { acceptedApplication, complete, getApplication, inbox, sessions, submittedApplication, taskFor, STAGE3_ANSWERS } from './workflow-support.ts';

let t: TestContext;
let s: Record<string, Session>;
const PEOPLE = ['applicant', 'applicant2', 'clerk', 'reviewer', 'reviewer2', 'approver', 'reviewer.rfb', 'approver.rfb', 'reviewer.cgj', 'approver.cgj', 'reviewer.zrzy', 'supervisor', 'admin'];
/** Moves the clock; sessions expire across days, so everyone signs in again. */
async function travel(to: string) {
  t.clock.set(to);
  s = await sessions(t, ...PEOPLE);
}
beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, ...PEOPLE);
});
afterAll(async () => t?.close());

const byCode = (v: { cases: Array<{ matterCode: string }> }, code: string) => v.cases.find((c) => c.matterCode === code)! as unknown as { status: string; nationalCode: number; clock: { dueDate: string; daysUsed: number; pausedDays: number; paused: boolean } | null; stepKey: string | null };

describe('stage application journey', () => {
  it('fans out into parallel cases in three departments; a prerequisite waits; the stage concludes once all conclude', async () => {
    const accepted = await acceptedApplication(t, s.applicant!, s.clerk!);
    expect(accepted.status).toBe('accepted');
    expect(accepted.nationalCode).toBe(3);
    expect(accepted.cases.map((c) => c.matterCode).sort()).toEqual(['SZ-CGJ-JZLJ', 'SZ-RFB-SJSC', 'SZ-ZJJ-SGTSC', 'SZ-ZJJ-SGXK']);
    expect(new Set(accepted.cases.map((c) => c.departmentId)).size).toBe(3);
    // 施工许可 waits for 施工图审查 (前置事项): no clock, no task yet.
    expect(byCode(accepted, 'SZ-ZJJ-SGXK')).toMatchObject({ status: 'waiting', nationalCode: 3, clock: null });
    // Accepted Monday 2026-03-02: 施工图审查 promises 10 working days → 2026-03-16 (no holidays in between).
    expect(byCode(accepted, 'SZ-ZJJ-SGTSC')).toMatchObject({ status: 'handling', nationalCode: 8, stepKey: 'handle' });
    expect(byCode(accepted, 'SZ-ZJJ-SGTSC').clock!.dueDate).toBe('2026-03-16');

    const id = accepted.id;
    // Three departments work in parallel; each case runs 承办 → 审核 → 签发.
    for (const [code, handler, checker, signer] of [
      ['SZ-RFB-SJSC', 'reviewer.rfb', 'reviewer.rfb', 'approver.rfb'],
      ['SZ-CGJ-JZLJ', 'reviewer.cgj', 'reviewer.cgj', 'approver.cgj'],
      ['SZ-ZJJ-SGTSC', 'reviewer', 'reviewer2', 'approver'],
    ] as const) {
      await complete(t, s[handler]!, await taskFor(t, s[handler]!, id, code));
      await complete(t, s[checker]!, await taskFor(t, s[checker]!, id, code));
      await complete(t, s[signer]!, await taskFor(t, s[signer]!, id, code), 'approve', '准予许可');
    }
    let v = await getApplication(t, s.applicant!, id);
    expect(byCode(v, 'SZ-ZJJ-SGTSC').status).toBe('approved');
    expect(byCode(v, 'SZ-ZJJ-SGXK').status).toBe('handling');
    expect(v.status).toBe('accepted');
    await complete(t, s.reviewer!, await taskFor(t, s.reviewer!, id, 'SZ-ZJJ-SGXK'));
    await complete(t, s.reviewer2!, await taskFor(t, s.reviewer2!, id, 'SZ-ZJJ-SGXK'));
    await complete(t, s.approver!, await taskFor(t, s.approver!, id, 'SZ-ZJJ-SGXK'), 'approve', '准予施工许可');
    v = await getApplication(t, s.applicant!, id);
    expect(v.status).toBe('concluded');
    expect(v.outcome).toBe('approved');
    expect(v.nationalCode).toBe(11);
    expect(v.cases.every((c) => c.nationalCode === 11)).toBe(true);
    const history = (await as(t.app, s.applicant!)('GET', `/api/v1/applications/${id}/history`)).json().items as Array<{ type: string }>;
    expect(history.filter((e) => e.type === 'StageConcluded')).toHaveLength(1);
    const audit = (await as(t.app, s.admin!)('GET', '/api/v1/audit/verify')).json();
    expect(audit.ok).toBe(true);
  });

  it('a return goes back to the earlier step with its reason and shows in the applicant view', async () => {
    const v0 = await acceptedApplication(t, s.applicant!, s.clerk!);
    const id = v0.id;
    await complete(t, s['reviewer.rfb']!, await taskFor(t, s['reviewer.rfb']!, id, 'SZ-RFB-SJSC'));
    await complete(t, s['reviewer.rfb']!, await taskFor(t, s['reviewer.rfb']!, id, 'SZ-RFB-SJSC'));
    const signTask = await taskFor(t, s['approver.rfb']!, id, 'SZ-RFB-SJSC');
    expect(signTask.stepKey).toBe('sign');
    const res = await as(t.app, s['approver.rfb']!)('POST', `/api/v1/tasks/${signTask.id}/return`, { version: signTask.version, toStep: 'handle', reason: '防空地下室面积计算有误，请重新核算' });
    expect(res.statusCode, res.body).toBe(200);
    const back = await taskFor(t, s['reviewer.rfb']!, id, 'SZ-RFB-SJSC');
    expect(back).toMatchObject({ stepKey: 'handle', origin: 'return' });
    expect(back.assignee?.displayName).toContain('人防');
    const v = await getApplication(t, s.applicant!, id);
    expect(v.returnsAndSupplements.map((e) => [e.type, e.data.reason])).toContainEqual(['StepReturned', '防空地下室面积计算有误，请重新核算']);
  });

  it('a supplement request stops the clock; resuming moves the due date by the paused working days', async () => {
    const v0 = await acceptedApplication(t, s.applicant!, s.clerk!);
    const id = v0.id;
    const caseId = v0.cases.find((c) => c.matterCode === 'SZ-CGJ-JZLJ')!.id;
    const due0 = byCode(v0, 'SZ-CGJ-JZLJ').clock!.dueDate;
    // 建筑垃圾处置核准 promises 5 working days from Mon 2026-03-02 → Mon 2026-03-09.
    expect(due0).toBe('2026-03-09');
    // The handler claims it, then asks for a supplement on Tue 2026-03-03.
    await travel('2026-03-03T10:00:00+08:00');
    const task = await taskFor(t, s['reviewer.cgj']!, id, 'SZ-CGJ-JZLJ');
    let res = await as(t.app, s['reviewer.cgj']!)('POST', `/api/v1/tasks/${task.id}/claim`, { version: task.version });
    expect(res.statusCode, res.body).toBe(200);
    res = await as(t.app, s['reviewer.cgj']!)('POST', `/api/v1/cases/${caseId}/request-supplement`, { items: [{ requirementId: null, fieldKey: null, name: '渣土运输合同', reason: '未附运输单位资质' }] });
    expect(res.statusCode, res.body).toBe(200);
    let v = await getApplication(t, s.applicant!, id);
    expect(byCode(v, 'SZ-CGJ-JZLJ')).toMatchObject({ status: 'supplement', nationalCode: 6 });
    expect(byCode(v, 'SZ-CGJ-JZLJ').clock!.paused).toBe(true);
    // While paused, the task cannot be completed.
    const paused = await taskFor(t, s['reviewer.cgj']!, id, 'SZ-CGJ-JZLJ');
    res = await as(t.app, s['reviewer.cgj']!)('POST', `/api/v1/tasks/${paused.id}/complete`, { version: paused.version, decision: 'approve', opinion: 'x' });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('INVALID_STATE');
    // The applicant answers on Fri 2026-03-06: Wed, Thu, Fri = 3 working days do not count.
    await travel('2026-03-06T15:00:00+08:00');
    res = await as(t.app, s.applicant!)('POST', `/api/v1/applications/${id}/cases/${caseId}/supplement-done`);
    expect(res.statusCode, res.body).toBe(200);
    v = res.json();
    expect(byCode(v, 'SZ-CGJ-JZLJ')).toMatchObject({ status: 'handling', nationalCode: 8 });
    expect(byCode(v, 'SZ-CGJ-JZLJ').clock).toMatchObject({ pausedDays: 3, paused: false, dueDate: '2026-03-12' });
    const types = v.returnsAndSupplements.map((e) => e.type);
    expect(types).toEqual(['SupplementRequested', 'SupplementEnded']);
    await travel('2026-03-02T09:00:00+08:00');
  });

  it('a special procedure (expert review) stops the clock and resumes it with its result', async () => {
    const v0 = await acceptedApplication(t, s.applicant!, s.clerk!);
    const id = v0.id;
    const caseId = v0.cases.find((c) => c.matterCode === 'SZ-RFB-SJSC')!.id;
    const task = await taskFor(t, s['reviewer.rfb']!, id, 'SZ-RFB-SJSC');
    await as(t.app, s['reviewer.rfb']!)('POST', `/api/v1/tasks/${task.id}/claim`, { version: task.version });
    let res = await as(t.app, s['reviewer.rfb']!)('POST', `/api/v1/cases/${caseId}/special/start`, { procedure: 'expert_review', reason: '组织专家评审防护方案' });
    expect(res.statusCode, res.body).toBe(200);
    await travel('2026-03-13T16:00:00+08:00');
    res = await as(t.app, s['approver.rfb']!)('POST', `/api/v1/cases/${caseId}/special/end`, { result: '专家评审通过' });
    expect(res.statusCode, res.body).toBe(200);
    const v = await getApplication(t, s.applicant!, id);
    const c = byCode(v, 'SZ-RFB-SJSC');
    // Paused 03-02 → 03-13: 03-03…03-13 = 9 working days excluded.
    expect(c.clock).toMatchObject({ pausedDays: 9, paused: false });
    const history = (await as(t.app, s.applicant!)('GET', `/api/v1/applications/${id}/history`)).json().items as Array<{ type: string; nationalCode: number | null }>;
    expect(history.filter((e) => e.type.startsWith('Special')).map((e) => e.nationalCode)).toEqual([9, 10]);
    await travel('2026-03-02T09:00:00+08:00');
  });
});

describe('window', () => {
  it('asks for the complete list of supplements, then accepts the resubmission', async () => {
    const sub = await submittedApplication(t, s.applicant!);
    expect(sub.status).toBe('received');
    let res = await as(t.app, s.clerk!)('POST', `/api/v1/applications/${sub.id}/request-supplement`, {
      items: [
        { requirementId: sub.requirements[0]!.id, fieldKey: null, name: sub.requirements[0]!.name, reason: '未加盖公章' },
        { requirementId: null, fieldKey: 'contractor', name: '施工单位', reason: '与中标通知书不一致' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'supplement', nationalCode: 6 });
    expect(res.json().supplementItems).toHaveLength(2);
    res = await as(t.app, s.clerk!)('POST', `/api/v1/applications/${sub.id}/accept`, {});
    expect(res.statusCode).toBe(409);
    res = await as(t.app, s.applicant!)('POST', `/api/v1/applications/${sub.id}/submit`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('received');
    res = await as(t.app, s.clerk!)('POST', `/api/v1/applications/${sub.id}/accept`, {});
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuses with reasons; accepts with deficiency only for an eligible enterprise and matters that allow it', async () => {
    const a = await submittedApplication(t, s.applicant!);
    let res = await as(t.app, s.clerk!)('POST', `/api/v1/applications/${a.id}/refuse`, { reason: '不属于本阶段审批范围' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'refused', nationalCode: 5, decisionReason: '不属于本阶段审批范围' });

    const b = await submittedApplication(t, s.applicant!);
    res = await as(t.app, s.clerk!)('POST', `/api/v1/applications/${b.id}/accept`, { deficiency: { items: ['资金证明原件'], deadline: '2026-03-20' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().deficiency).toMatchObject({ items: ['资金证明原件'], deadline: '2026-03-20', satisfiedAt: null });
  });

  it('submit lists everything still missing', async () => {
    const { createProject, processIdOf } = await import('./workflow-support.ts');
    const p = await createProject(t, s.applicant!);
    let res = await as(t.app, s.applicant!)('POST', '/api/v1/applications', { projectId: p.id, processId: await processIdOf(t, 'SZ-T3'), stageCode: 3, answers: STAGE3_ANSWERS });
    const draft = res.json();
    res = await as(t.app, s.applicant!)('POST', `/api/v1/applications/${draft.id}/submit`, {});
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('SUBMIT_CHECK_FAILED');
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths.some((x: string) => x.startsWith('/form/'))).toBe(true);
    expect(paths.some((x: string) => x.startsWith('/materials/'))).toBe(true);
  });
});

describe('inbox', () => {
  it('shows pool tasks of my department and role sorted by due date, not other departments', async () => {
    await acceptedApplication(t, s.applicant!, s.clerk!);
    const mine = await inbox(t, s['reviewer.cgj']!);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((x) => x.matterCode.startsWith('SZ-CGJ'))).toBe(true);
    const dues = mine.map((x) => x.dueDate ?? '9999');
    expect([...dues].sort()).toEqual(dues);
    const res = await as(t.app, s.applicant!)('GET', '/api/v1/tasks');
    expect(res.statusCode).toBe(403);
  });
});
