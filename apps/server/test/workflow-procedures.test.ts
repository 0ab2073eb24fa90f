import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, errorCode, type Session, type TestContext } from './helpers.ts';
import { acceptedApplication, complete, getApplication, sessions, taskFor } from './workflow-support.ts';

let t: TestContext;
let s: Record<string, Session>;
beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, 'applicant', 'clerk', 'admin', 'reviewer', 'reviewer.cgj', 'approver.cgj');
});
afterAll(async () => t?.close());

describe('department procedures as versioned data', () => {
  it('an admin gives 城管局 a countersign step; new cases use it, earlier cases keep theirs', async () => {
    const before = await acceptedApplication(t, s.applicant!, s.clerk!);
    const cgj = before.cases.find((c) => c.matterCode === 'SZ-CGJ-JZLJ')!;
    expect(cgj.procedure.code).toBe('STANDARD');
    const steps = [
      { key: 'handle', name: '承办', role: 'reviewer', mode: 'single', signers: 1, final: false, returnTo: [] },
      { key: 'joint', name: '会签', role: 'approver', mode: 'orsign', signers: 1, final: false, returnTo: ['handle'] },
      { key: 'sign', name: '签发', role: 'approver', mode: 'single', signers: 1, final: true, returnTo: ['handle', 'joint'] },
    ];
    expect((await as(t.app, s.reviewer!)('POST', '/api/v1/procedures', { code: 'CGJ', name: 'x', departmentId: cgj.departmentId, steps })).statusCode).toBe(403);
    let res = await as(t.app, s.admin!)('POST', '/api/v1/procedures', { code: 'CGJ', name: '城管局程序', departmentId: cgj.departmentId, steps: [{ ...steps[0], returnTo: ['sign'] }, ...steps.slice(1)] });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(res.json().error.details[0].path).toBe('/steps/0/returnTo/0');
    res = await as(t.app, s.admin!)('POST', '/api/v1/procedures', { code: 'CGJ', name: '城管局程序', departmentId: cgj.departmentId, steps });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ code: 'CGJ', version: 1 });

    const after = await acceptedApplication(t, s.applicant!, s.clerk!);
    const newCase = after.cases.find((c) => c.matterCode === 'SZ-CGJ-JZLJ')!;
    expect(newCase.procedure).toMatchObject({ code: 'CGJ', version: 1 });
    await complete(t, s['reviewer.cgj']!, await taskFor(t, s['reviewer.cgj']!, after.id, 'SZ-CGJ-JZLJ'));
    expect((await taskFor(t, s['approver.cgj']!, after.id, 'SZ-CGJ-JZLJ')).stepKey).toBe('joint');
    // The earlier case still runs the standard procedure: its next step is 审核 by a reviewer.
    await complete(t, s['reviewer.cgj']!, await taskFor(t, s['reviewer.cgj']!, before.id, 'SZ-CGJ-JZLJ'));
    const old = await getApplication(t, s.applicant!, before.id);
    expect(old.cases.find((c) => c.matterCode === 'SZ-CGJ-JZLJ')).toMatchObject({ stepKey: 'review', procedure: { code: 'STANDARD' } });
    const list = (await as(t.app, s.reviewer!)('GET', '/api/v1/procedures')).json().items;
    expect(list.map((p: { code: string }) => p.code).sort()).toEqual(['CGJ', 'STANDARD']);
  });
});
