import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, errorCode, type Session, type TestContext } from './helpers.ts';
import { acceptedApplication, createProject, getApplication, inbox, processIdOf, sessions, STAGE3_ANSWERS, submittedApplication, taskFor, TINY_PDF } from './workflow-support.ts';

/**
 * The clock on the official calendar, travelling in time: due dates across National Day 2026,
 * a provisional due date in 2027 until an admin enters the State Council's notice, and the
 * warning job raising yellow and red exactly once.
 */
let t: TestContext;
let s: Record<string, Session>;
const PEOPLE = ['applicant', 'applicant2', 'clerk', 'reviewer', 'approver', 'reviewer.cgj', 'approver.cgj', 'reviewer.zrzy', 'supervisor', 'supervisor.gusu', 'admin'];
async function travel(to: string) {
  t.clock.set(to);
  s = await sessions(t, ...PEOPLE);
}
beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, ...PEOPLE);
});
afterAll(async () => t?.close());

const clockOf = (v: { cases: Array<{ matterCode: string; clock: unknown }> }, code: string) => v.cases.find((c) => c.matterCode === code)!.clock as { dueDate: string; provisional: boolean; provisionalYears: number[]; level: string; daysLeft: number };

describe('due dates on the official calendar', () => {
  it('counts working days across National Day 2026 with its make-up Saturday', async () => {
    await travel('2026-09-28T10:00:00+08:00');
    const v = await acceptedApplication(t, s.applicant!, s.clerk!);
    // Accepted Mon 09-28; counting starts the next day: 09-29, 09-30, (10-01…10-07 holiday), 10-08, 10-09,
    // 10-10 (Saturday make-up working day) = 5 → 建筑垃圾处置核准 (5 days) is due Saturday 2026-10-10.
    expect(clockOf(v, 'SZ-CGJ-JZLJ').dueDate).toBe('2026-10-10');
    // …then 10-12, 10-13, 10-14, 10-15, 10-16 = 10 → 施工图审查 (10 days) is due 2026-10-16.
    expect(clockOf(v, 'SZ-ZJJ-SGTSC').dueDate).toBe('2026-10-16');
    // The stage (施工许可, 15 working days) ends 10-23.
    expect(v.stageDueDate).toBe('2026-10-23');
  });

  it('counts across the 2026 Spring Festival', async () => {
    await travel('2026-02-10T10:00:00+08:00');
    const v = await acceptedApplication(t, s.applicant!, s.clerk!);
    // From Tue 02-10: 02-11, 02-12, 02-13, 02-14 (Sat make-up) = 4, (02-15…02-23 holiday), 02-24 = 5.
    expect(clockOf(v, 'SZ-CGJ-JZLJ').dueDate).toBe('2026-02-24');
    // 02-25, 02-26, 02-27, 02-28 (Sat make-up), 03-02 = 10.
    expect(clockOf(v, 'SZ-ZJJ-SGTSC').dueDate).toBe('2026-03-02');
  });

  it('a due date in 2027 is provisional until the admin enters the 2027 notice, then it is recomputed', async () => {
    await travel('2026-12-21T10:00:00+08:00');
    let v = await acceptedApplication(t, s.applicant!, s.clerk!);
    // Without 2027 data every weekday counts: 12-22…12-31 = 8, 2027-01-01, 01-04 = 10.
    expect(clockOf(v, 'SZ-ZJJ-SGTSC')).toMatchObject({ dueDate: '2027-01-04', provisional: true, provisionalYears: [2027] });
    const years = (await as(t.app, s.admin!)('GET', '/api/v1/calendar/years')).json().items as Array<{ year: number; source: string }>;
    expect(years.find((y) => y.year === 2027)?.source).toBe('none');
    expect(years.find((y) => y.year === 2026)?.source).toBe('package');

    // Only an admin may enter a year.
    let res = await as(t.app, s.clerk!)('PUT', '/api/v1/calendar/years/2027', { holidays: ['2027-01-01'], workdays: [], notice: 'x' });
    expect(res.statusCode).toBe(403);
    res = await as(t.app, s.admin!)('PUT', '/api/v1/calendar/years/2027', { holidays: ['2027-13-01'], workdays: ['2027-01-04'], notice: '错误示例' });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');

    // Test data shaped like a State Council notice (not the real 2027 one).
    res = await as(t.app, s.admin!)('PUT', '/api/v1/calendar/years/2027', {
      holidays: ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
      workdays: ['2027-01-31', '2027-02-20'],
      notice: '测试数据：2027年部分节假日安排',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ year: 2027, source: 'admin', official: true });
    v = await getApplication(t, s.applicant!, v.id);
    // 2027-01-01 is now a holiday: the tenth working day moves to 01-05 and is no longer provisional.
    expect(clockOf(v, 'SZ-ZJJ-SGTSC')).toMatchObject({ dueDate: '2027-01-05', provisional: false });
    const stored = await t.database.db.selectFrom('approval_case').select(['due_date', 'provisional']).where('id', '=', v.cases.find((c) => c.matterCode === 'SZ-ZJJ-SGTSC')!.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ due_date: '2027-01-05', provisional: false });
    const task = await taskFor(t, s.reviewer!, v.id, 'SZ-ZJJ-SGTSC');
    expect(task.dueDate).toBe('2027-01-05');
    res = await as(t.app, s.admin!)('DELETE', '/api/v1/calendar/years/2027');
    expect(res.statusCode).toBe(204);
    v = await getApplication(t, s.applicant!, v.id);
    expect(clockOf(v, 'SZ-ZJJ-SGTSC')).toMatchObject({ dueDate: '2027-01-04', provisional: true });
  });
});

describe('warning job', () => {
  it('raises yellow then red exactly once each, to the approver and then the supervisors, even with two job runs racing', async () => {
    await travel('2026-03-02T09:00:00+08:00');
    const v = await acceptedApplication(t, s.applicant!, s.clerk!);
    const caseId = v.cases.find((c) => c.matterCode === 'SZ-CGJ-JZLJ')!.id;
    // Due 2026-03-09 (5 working days); warning 3 working days before: 03-04.
    await travel('2026-03-04T08:00:00+08:00');
    const [a, b] = await Promise.all([t.services.supervision.runWarnings(), t.services.supervision.runWarnings()]);
    const notes = () => t.database.db.selectFrom('notification').select(['user_id', 'kind']).where('case_id', '=', caseId).where('kind', 'in', ['warning', 'overdue']).execute();
    let n = await notes();
    const approverCgj = s['approver.cgj']!.userId;
    expect(n.filter((x) => x.kind === 'warning').map((x) => x.user_id)).toContain(approverCgj);
    expect(n.filter((x) => x.user_id === approverCgj)).toHaveLength(1);
    expect(a.yellow + b.yellow).toBeGreaterThanOrEqual(1);
    // Running again raises nothing new.
    await t.services.supervision.runWarnings();
    expect(await notes()).toHaveLength(n.length);
    let board = (await as(t.app, s.supervisor!)('GET', '/api/v1/supervision/clock?level=yellow')).json();
    expect(board.items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);

    await travel('2026-03-10T08:00:00+08:00');
    await Promise.all([t.services.supervision.runWarnings(), t.services.supervision.runWarnings()]);
    n = await notes();
    const overdue = n.filter((x) => x.kind === 'overdue').map((x) => x.user_id);
    expect(overdue).toContain(s.supervisor!.userId);
    expect(overdue).toContain(s['supervisor.gusu']!.userId);
    expect(overdue).toContain(approverCgj);
    expect(new Set(overdue).size).toBe(overdue.length);
    board = (await as(t.app, s.supervisor!)('GET', '/api/v1/supervision/clock?level=red')).json();
    expect(board.counts.red).toBeGreaterThanOrEqual(1);
    expect(board.items.find((i: { caseId: string }) => i.caseId === caseId).clock.level).toBe('red');
    const inbox = (await as(t.app, s['approver.cgj']!)('GET', '/api/v1/notifications?unread=true')).json();
    expect(inbox.items.some((x: { kind: string; caseId: string }) => x.kind === 'overdue' && x.caseId === caseId)).toBe(true);
    const audited = await t.database.db.selectFrom('audit_event').select('action').where('target_id', '=', caseId).execute();
    expect(audited.map((x) => x.action).sort()).toEqual(['case.clock_overdue', 'case.clock_warning']);
    // A supervisor of another region sees nothing of it.
    const red = (await as(t.app, s.reviewer!)('GET', '/api/v1/supervision/clock')).statusCode;
    expect(red).toBe(403);
  });
});

describe('inbox due-date filters', () => {
  it('red is past due with the clock running, never a paused case; yellow is the warning window', async () => {
    await travel('2026-03-02T09:00:00+08:00');
    const running = await acceptedApplication(t, s.applicant!, s.clerk!);
    const paused = await acceptedApplication(t, s.applicant!, s.clerk!);
    const ours = [running.id, paused.id];
    const level = async (l: string) => (await inbox(t, s['reviewer.cgj']!, `&level=${l}`)).filter((x) => ours.includes(x.applicationId) && x.matterCode === 'SZ-CGJ-JZLJ').map((x) => x.applicationId).sort();
    // 建筑垃圾处置核准 (5 working days): due 03-09, yellow from 03-04.
    expect(await level('green')).toEqual([...ours].sort());
    expect(await level('yellow')).toEqual([]);
    await travel('2026-03-05T09:00:00+08:00');
    expect(await level('green')).toEqual([]);
    expect(await level('yellow')).toEqual([...ours].sort());
    expect(await level('red')).toEqual([]);
    const task = await taskFor(t, s['reviewer.cgj']!, paused.id, 'SZ-CGJ-JZLJ');
    expect((await as(t.app, s['reviewer.cgj']!)('POST', `/api/v1/tasks/${task.id}/claim`, { version: task.version })).statusCode).toBe(200);
    const caseId = paused.cases.find((c) => c.matterCode === 'SZ-CGJ-JZLJ')!.id;
    const res = await as(t.app, s['reviewer.cgj']!)('POST', `/api/v1/cases/${caseId}/special/start`, { procedure: 'site_inspection', reason: '现场勘验' });
    expect(res.statusCode, res.body).toBe(200);
    // Past 03-09: the running case is overdue. The paused one still carries its old due date
    // (03-09), but its clock stands still, so it is not red.
    await travel('2026-03-12T09:00:00+08:00');
    expect(await level('red')).toEqual([running.id]);
    expect(await level('yellow')).toEqual([]);
    const all = await inbox(t, s['reviewer.cgj']!);
    expect(all.find((x) => x.applicationId === running.id && x.matterCode === 'SZ-CGJ-JZLJ')!.level).toBe('red');
    // The clock resumes: the due date moves by the paused working days, and the task's dates with
    // it — the case is in its warning window now, not overdue.
    const ended = await as(t.app, s['approver.cgj']!)('POST', `/api/v1/cases/${caseId}/special/end`, { result: '勘验完成' });
    expect(ended.statusCode, ended.body).toBe(200);
    const clock = clockOf(await getApplication(t, s.applicant!, paused.id), 'SZ-CGJ-JZLJ');
    expect(clock.dueDate > '2026-03-12').toBe(true);
    const row = (await inbox(t, s['reviewer.cgj']!)).find((x) => x.applicationId === paused.id && x.matterCode === 'SZ-CGJ-JZLJ')!;
    expect({ dueDate: row.dueDate, level: row.level }).toEqual({ dueDate: clock.dueDate, level: clock.level });
    expect(await level(clock.level)).toContain(paused.id);
    const dates = await t.database.db.selectFrom('task as t').innerJoin('approval_case as c', 'c.id', 't.case_id').select(['t.due_date', 't.warn_date', 'c.due_date as case_due', 'c.warn_date as case_warn']).where('t.case_id', '=', caseId).where('t.status', '=', 'open').execute();
    expect(dates.length).toBeGreaterThan(0);
    for (const d of dates) expect([d.due_date, d.warn_date]).toEqual([d.case_due, d.case_warn]);
    expect(await level('red')).toEqual([running.id]);
  });
});

describe('scope and refusals', () => {
  it('each role reaches only its own applications, cases and actions', async () => {
    await travel('2026-03-02T09:00:00+08:00');
    const v = await acceptedApplication(t, s.applicant!, s.clerk!);
    const call = (who: string) => as(t.app, s[who]!);
    expect((await call('applicant2')('GET', `/api/v1/applications/${v.id}`)).statusCode).toBe(403);
    expect(errorCode(await call('applicant2')('GET', `/api/v1/applications/${v.id}`))).toBe('OUT_OF_SCOPE');
    expect((await call('reviewer.zrzy')('GET', `/api/v1/applications/${v.id}`)).statusCode).toBe(403);
    expect((await call('reviewer.cgj')('GET', `/api/v1/applications/${v.id}`)).statusCode).toBe(200);
    expect((await call('supervisor.gusu')('GET', `/api/v1/applications/${v.id}`)).statusCode).toBe(200);
    expect((await call('applicant')('POST', `/api/v1/applications/${v.id}/accept`, {})).statusCode).toBe(403);
    const task = await taskFor(t, s['reviewer.cgj']!, v.id, 'SZ-CGJ-JZLJ');
    expect((await call('clerk')('POST', `/api/v1/tasks/${task.id}/complete`, { decision: 'approve', opinion: 'x' })).statusCode).toBe(403);
    expect(errorCode(await call('reviewer')('POST', `/api/v1/tasks/${task.id}/complete`, { decision: 'approve', opinion: 'x' }))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('reviewer')('GET', `/api/v1/cases/${task.caseId}`))).toBe('OUT_OF_SCOPE');
    expect((await as(t.app, null)('GET', '/api/v1/tasks')).statusCode).toBe(401);
    // Transfer only to a colleague of the same department and role.
    const res = await call('reviewer.cgj')('POST', `/api/v1/tasks/${task.id}/transfer`, { toUserId: s.reviewer!.userId, reason: '转给住建' });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    // Reviewers see the enterprise's projects only through their department's cases.
    const projects = (await call('reviewer.cgj')('GET', '/api/v1/projects')).json();
    expect(projects.items.every((p: { enterpriseId: number }) => p.enterpriseId === v.enterpriseId)).toBe(true);
    expect((await call('reviewer.zrzy')('GET', `/api/v1/projects/${v.projectId}`)).statusCode).toBe(403);
    // …and the enterprise itself the same way.
    expect((await call('reviewer.cgj')('GET', `/api/v1/enterprises/${v.enterpriseId}`)).statusCode).toBe(200);
    expect(errorCode(await call('reviewer.zrzy')('GET', `/api/v1/enterprises/${v.enterpriseId}`))).toBe('OUT_OF_SCOPE');
    // Only an admin grants acceptance with deficiency.
    expect((await call('applicant')('PATCH', `/api/v1/enterprises/${v.enterpriseId}`, { deficiencyEligible: true })).statusCode).toBe(403);
    expect((await call('admin')('PATCH', `/api/v1/enterprises/${v.enterpriseId}`, { deficiencyEligible: true })).json().deficiencyEligible).toBe(true);
  });

  it('bad input gets a 4xx envelope and writes nothing', async () => {
    const call = as(t.app, s.applicant!);
    let res = await call('POST', '/api/v1/projects', { code: '2099-320508-47-01-000001', name: 'x', projectType: 3, investment: 1, landArea: 1, floorArea: 1, location: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/code');
    res = await call('POST', '/api/v1/projects', { code: '2026-999999-47-01-000001', name: 'x', projectType: 3, investment: 1, landArea: 1, floorArea: 1, location: 'x' });
    expect(res.statusCode).toBe(400);
    res = await call('POST', '/api/v1/projects', { code: '2026-320508-47-01-000001', name: 'x', projectType: 3, investment: -1, landArea: 1, floorArea: 1, location: 'x', extra: 1 });
    expect(res.statusCode).toBe(400);
    expect((await as(t.app, s.reviewer!)('POST', '/api/v1/tasks/not-a-uuid/complete', { decision: 'approve', opinion: 'x' })).statusCode).toBe(400);
    expect((await as(t.app, s.reviewer!)('POST', '/api/v1/tasks/00000000-0000-4000-8000-000000000000/complete', { decision: 'approve', opinion: 'x' })).statusCode).toBe(404);
    expect((await as(t.app, s.reviewer!)('POST', `/api/v1/tasks/00000000-0000-4000-8000-000000000000/complete`, { decision: 'maybe', opinion: 'x' })).statusCode).toBe(400);

    // A renamed executable is refused by its first bytes, and nothing is recorded.
    const p = await createProject(t, s.applicant!);
    const draft = (await call('POST', '/api/v1/applications', { projectId: p.id, processId: await processIdOf(t, 'SZ-T3'), stageCode: 3, answers: STAGE3_ANSWERS })).json();
    const req = draft.requirements[0];
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(64)]);
    res = await call('POST', `/api/v1/applications/${draft.id}/materials?requirementId=${req.id}`, exe, { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('许可证.pdf') });
    expect(res.statusCode).toBe(415);
    expect(errorCode(res)).toBe('FILE_TYPE_REFUSED');
    res = await call('POST', `/api/v1/applications/${draft.id}/materials?requirementId=${req.id}`, TINY_PDF, { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('../../etc/passwd') });
    expect(res.statusCode).toBe(201);
    expect(res.json().fileName).not.toContain('/');
    const rows = await t.database.db.selectFrom('application_material').select('id').where('application_id', '=', draft.id).execute();
    expect(rows).toHaveLength(1);
    // Form values of the wrong type are refused field by field.
    res = await call('PATCH', `/api/v1/applications/${draft.id}/form`, { version: (await getApplication(t, s.applicant!, draft.id)).version, values: { contractAmount: 'lots', plannedStart: '2026-02-30', nope: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/values/contractAmount', '/values/nope', '/values/plannedStart']);
    // A stale version is a conflict.
    res = await call('PATCH', `/api/v1/applications/${draft.id}/form`, { version: 0, values: {} });
    expect(res.statusCode).toBe(409);
    // Withdrawn before acceptance: national code 2.
    const sub = await submittedApplication(t, s.applicant!);
    res = await call('POST', `/api/v1/applications/${sub.id}/withdraw`, { reason: '项目调整' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'withdrawn', nationalCode: 2 });
    res = await call('POST', `/api/v1/applications/${sub.id}/withdraw`, { reason: '再次撤回' });
    expect(res.statusCode).toBe(409);
  });

  it('registers an enterprise with a checked credit code', async () => {
    const bad = await as(t.app, null)('POST', '/api/v1/register', { uscc: '91320508MA1PDEM001', enterpriseName: '测试', regionCode: '320508', username: 'newco', displayName: '新公司', password: 'Newco-pass-2026' });
    expect(bad.statusCode).toBe(400);
    const { usccCheckChar } = await import('@tongban/contracts');
    const uscc = '91320508MA1TEXTA0' + usccCheckChar('91320508MA1TEXTA0');
    const ok = await as(t.app, null)('POST', '/api/v1/register', { uscc, enterpriseName: '苏州测试建设有限公司', regionCode: '320508', username: 'newco', displayName: '新公司', password: 'Newco-pass-2026' });
    expect(ok.statusCode, ok.body).toBe(201);
    const again = await as(t.app, null)('POST', '/api/v1/register', { uscc, enterpriseName: '重复', regionCode: '320508', username: 'newco2', displayName: 'x', password: 'Newco-pass-2026' });
    expect(again.statusCode).toBe(409);
  });
});
