import { describe, expect, it } from 'vitest';
import {
  canActOnTask,
  COUNTERSIGN_PROCEDURE,
  decide,
  emptyApplication,
  nationalCodeOfApplication,
  nationalCodeOfCase,
  openTasks,
  STANDARD_PROCEDURE,
  WorkflowError,
} from '../src/index.ts';
import type { Actor, ApplicationStatus, CaseState, Command, TaskState, WorkflowErrorCode } from '../src/index.ts';
import {
  admin,
  applicant,
  approver,
  clerk,
  DEPT_A,
  DEPT_B,
  DEPT_C,
  DEPT_D,
  errorCodeOf,
  Flow,
  ITEMS,
  matter,
  ORSIGN_PROCEDURE,
  reviewer,
  supervisor,
} from './workflow-harness.ts';

const r1 = reviewer(DEPT_A, 1);
const r2 = reviewer(DEPT_A, 2);
const r3 = reviewer(DEPT_A, 3);
const a1 = approver(DEPT_A, 1);

// ---------------------------------------------------------------------------------------------
// Application-level state machine.

/** Builds an application in the given status (one STANDARD case in department A when accepted). */
function appIn(status: ApplicationStatus | 'accepted_deficiency'): Flow {
  const f = new Flow();
  if (status === 'draft') return f;
  f.do(applicant, { type: 'submit' });
  switch (status) {
    case 'received':
      break;
    case 'supplement':
      f.do(clerk, { type: 'requestSupplement', caseId: null, items: ITEMS });
      break;
    case 'accepted':
      f.do(clerk, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: null });
      break;
    case 'accepted_deficiency':
      f.do(clerk, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: { items: ['土地证明'], deadline: '2025-04-01' } });
      break;
    case 'not_accepted':
      f.do(clerk, { type: 'notAccept', reason: '不属于本中心受理范围' });
      break;
    case 'refused':
      f.do(clerk, { type: 'refuse', reason: '不符合法定条件' });
      break;
    case 'withdrawn':
      f.do(applicant, { type: 'withdraw', reason: '项目取消' });
      break;
    case 'concluded':
      f.do(clerk, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: null });
      f.conclude('A');
      break;
  }
  return f;
}

type AppCommand = [Actor, Command];
const APP_COMMANDS: Record<string, AppCommand> = {
  submit: [applicant, { type: 'submit' }],
  withdraw: [applicant, { type: 'withdraw', reason: '不再需要' }],
  requestSupplement: [clerk, { type: 'requestSupplement', caseId: null, items: ITEMS }],
  endSupplement: [applicant, { type: 'endSupplement', caseId: null }],
  accept: [clerk, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: null }],
  notAccept: [clerk, { type: 'notAccept', reason: '材料不齐' }],
  refuse: [clerk, { type: 'refuse', reason: '不符合条件' }],
  satisfyDeficiency: [applicant, { type: 'satisfyDeficiency' }],
};

const IT = 'INVALID_TRANSITION';
type Expect = ApplicationStatus | WorkflowErrorCode;

// [status, submit, withdraw, requestSupplement, endSupplement, accept, notAccept, refuse, satisfyDeficiency]
const APP_TABLE: Array<[ApplicationStatus | 'accepted_deficiency', Expect, Expect, Expect, Expect, Expect, Expect, Expect, Expect]> = [
  ['draft', 'received', 'withdrawn', IT, IT, IT, IT, IT, IT],
  ['received', IT, 'withdrawn', 'supplement', IT, 'accepted', 'not_accepted', 'refused', IT],
  ['supplement', IT, 'withdrawn', IT, 'received', IT, IT, IT, IT],
  ['accepted', IT, 'withdrawn', IT, IT, IT, IT, IT, IT],
  ['accepted_deficiency', IT, 'withdrawn', IT, IT, IT, IT, IT, 'accepted'],
  ['not_accepted', IT, IT, IT, IT, IT, IT, IT, IT],
  ['refused', IT, IT, IT, IT, IT, IT, IT, IT],
  ['withdrawn', IT, IT, IT, IT, IT, IT, IT, IT],
  ['concluded', IT, IT, IT, IT, IT, IT, IT, IT],
];

describe('application state machine', () => {
  const names = Object.keys(APP_COMMANDS);
  const rows = APP_TABLE.flatMap(([status, ...expected]) => names.map((name, i) => [status, name, expected[i]!] as const));

  it.each(rows)('%s + %s → %s', (status, name, expected) => {
    const f = appIn(status);
    const before = f.state;
    const [actor, command] = APP_COMMANDS[name]!;
    const outcome = f.attempt(actor, command);
    if (outcome === 'OK') {
      expect(f.state.status).toBe(expected);
      expect(f.state.version).toBe(before.version + 1);
    } else {
      expect(outcome).toBe(expected);
      expect(f.state).toBe(before);
    }
  });

  it('emits the national codes of what happened', () => {
    const f = new Flow();
    expect(f.do(applicant, { type: 'submit' })).toMatchObject([{ type: 'ApplicationSubmitted', nationalCode: 1, actorId: 1, caseId: null }]);
    expect(f.do(clerk, { type: 'requestSupplement', caseId: null, items: ITEMS })).toMatchObject([{ type: 'SupplementRequested', nationalCode: 6, data: { items: ITEMS } }]);
    expect(f.state.supplementItems).toEqual(ITEMS);
    expect(f.do(applicant, { type: 'endSupplement', caseId: null })).toMatchObject([{ type: 'SupplementEnded', nationalCode: 7 }]);
    expect(f.state.supplementItems).toEqual(ITEMS);
    const accepted = f.do(clerk, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: null });
    expect(accepted.map((e) => [e.type, e.nationalCode])).toEqual([
      ['ApplicationAccepted', 3],
      ['CaseStarted', 8],
      ['TaskCreated', null],
    ]);
    for (const e of f.events) expect(e.at).toMatch(/^2025-03-03T/);
  });

  it.each([
    ['notAccept', 'ApplicationNotAccepted', 4],
    ['refuse', 'ApplicationRefused', 5],
  ] as const)('%s concludes at the window with code %i', (type, event, code) => {
    const f = appIn('received');
    const events = f.do(clerk, { type, reason: '  理由  ' });
    expect(events).toMatchObject([{ type: event, nationalCode: code, data: { reason: '理由' } }]);
    expect(f.state.concludedAt).toBe(events[0]!.at);
    expect(nationalCodeOfApplication(f.state)).toBe(code);
  });

  it('withdrawal before acceptance is code 2, after acceptance 14 with every open case withdrawn', () => {
    const before = appIn('received');
    expect(before.do(applicant, { type: 'withdraw', reason: '撤回' })).toMatchObject([{ type: 'ApplicationWithdrawn', nationalCode: 2 }]);
    expect(nationalCodeOfApplication(before.state)).toBe(2);

    const f = new Flow().submitAndAccept([matter('A', DEPT_A), matter('B', DEPT_B), matter('C', DEPT_C, STANDARD_PROCEDURE, ['A']), matter('D', DEPT_D)]);
    f.conclude('D');
    f.do(r1, { type: 'claim', taskId: f.task('A').id });
    f.do(r1, { type: 'requestSupplement', caseId: f.case('A').id, items: ITEMS });
    const events = f.do(applicant, { type: 'withdraw', reason: '项目终止' });
    expect(events.map((e) => e.type)).toEqual(['TaskCancelled', 'CaseWithdrawn', 'TaskCancelled', 'CaseWithdrawn', 'CaseWithdrawn', 'ApplicationWithdrawn']);
    expect(events.filter((e) => e.type.endsWith('Withdrawn')).every((e) => e.nationalCode === 14)).toBe(true);
    expect(f.state.status).toBe('withdrawn');
    expect(f.state.concludedAt).toBe(events[0]!.at);
    expect(nationalCodeOfApplication(f.state)).toBe(14);
    expect(['A', 'B', 'C'].map((m) => f.case(m).status)).toEqual(['withdrawn', 'withdrawn', 'withdrawn']);
    expect(f.case('D').status).toBe('approved');
    expect(openTasks(f.state)).toEqual([]);
    expect(f.case('A').pauses).toMatchObject([{ kind: 'supplement', to: events[0]!.at }]);
    expect(f.eventsOf('StageConcluded')).toHaveLength(0);
  });

  it('records and satisfies a deficiency (容缺) once', () => {
    const f = appIn('accepted_deficiency');
    expect(f.state.deficiency).toEqual({ items: ['土地证明'], deadline: '2025-04-01', satisfiedAt: null });
    const events = f.do(applicant, { type: 'satisfyDeficiency' });
    expect(events).toMatchObject([{ type: 'DeficiencySatisfied', nationalCode: null }]);
    expect(f.state.deficiency?.satisfiedAt).toBe(events[0]!.at);
    expect(f.attempt(applicant, { type: 'satisfyDeficiency' })).toBe(IT);
  });
});

describe('roles (NOT_ALLOWED)', () => {
  it.each<[string, ApplicationStatus, Actor, Command]>([
    ['clerk submits', 'draft', clerk, { type: 'submit' }],
    ['admin submits', 'draft', admin, { type: 'submit' }],
    ['reviewer withdraws', 'received', r1, { type: 'withdraw', reason: 'x' }],
    ['applicant accepts', 'received', applicant, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: null }],
    ['admin accepts', 'received', admin, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: null }],
    ['reviewer accepts', 'received', r1, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: null }],
    ['reviewer asks the window supplement', 'received', r1, { type: 'requestSupplement', caseId: null, items: ITEMS }],
    ['applicant does not accept', 'received', applicant, { type: 'notAccept', reason: 'x' }],
    ['supervisor refuses', 'received', supervisor, { type: 'refuse', reason: 'x' }],
    ['clerk ends the window supplement', 'supplement', clerk, { type: 'endSupplement', caseId: null }],
    ['clerk satisfies the deficiency', 'accepted', clerk, { type: 'satisfyDeficiency' }],
  ])('%s', (_name, status, actor, command) => {
    expect(appIn(status).attempt(actor, command)).toBe('NOT_ALLOWED');
  });

  it('task and case commands need a reviewer or approver of the right department', () => {
    const f = appIn('accepted');
    const task = f.task('A');
    const caseId = f.case('A').id;
    for (const actor of [applicant, clerk, admin, supervisor]) {
      expect(f.attempt(actor, { type: 'claim', taskId: task.id })).toBe('NOT_ALLOWED');
      expect(f.attempt(actor, { type: 'complete', taskId: task.id, decision: 'approve', opinion: 'ok' })).toBe('NOT_ALLOWED');
      expect(f.attempt(actor, { type: 'withdrawStep', caseId })).toBe('NOT_ALLOWED');
      expect(f.attempt(actor, { type: 'startSpecial', caseId, procedure: 'hearing', reason: 'x' })).toBe('NOT_ALLOWED');
    }
    expect(f.attempt(clerk, { type: 'requestSupplement', caseId, items: ITEMS })).toBe('NOT_ALLOWED');
    // Pool rule: role and department must match the task.
    expect(f.attempt(reviewer(DEPT_B), { type: 'claim', taskId: task.id })).toBe('NOT_ALLOWED');
    expect(f.attempt(a1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: 'ok' })).toBe('NOT_ALLOWED');
    expect(f.attempt(reviewer(DEPT_B), { type: 'startSpecial', caseId, procedure: 'hearing', reason: 'x' })).toBe('NOT_ALLOWED');
    expect(f.attempt(reviewer(DEPT_B), { type: 'requestSupplement', caseId, items: ITEMS })).toBe('NOT_ALLOWED');
    f.do(r1, { type: 'startSpecial', caseId, procedure: 'hearing', reason: '听证' });
    expect(f.attempt(reviewer(DEPT_B), { type: 'endSpecial', caseId, result: 'x' })).toBe('NOT_ALLOWED');
    expect(f.attempt(applicant, { type: 'endSupplement', caseId })).toBe(IT);
    expect(f.attempt(r1, { type: 'endSupplement', caseId })).toBe('NOT_ALLOWED');
  });
});

describe('malformed commands (INVALID_COMMAND)', () => {
  const std = STANDARD_PROCEDURE;
  it.each<[string, ApplicationStatus, Actor, Command]>([
    ['blank withdraw reason', 'received', applicant, { type: 'withdraw', reason: '  ' }],
    ['blank not-accept reason', 'received', clerk, { type: 'notAccept', reason: '' }],
    ['blank refuse reason', 'received', clerk, { type: 'refuse', reason: ' ' }],
    ['no supplement items', 'received', clerk, { type: 'requestSupplement', caseId: null, items: [] }],
    ['supplement item without reason', 'received', clerk, { type: 'requestSupplement', caseId: null, items: [{ requirementId: null, fieldKey: null, name: 'x', reason: '' }] }],
    ['accept nothing', 'received', clerk, { type: 'accept', cases: [], deficiency: null }],
    ['duplicate matter codes', 'received', clerk, { type: 'accept', cases: [matter('A', DEPT_A), matter('A', DEPT_B)], deficiency: null }],
    ['unknown prerequisite', 'received', clerk, { type: 'accept', cases: [matter('A', DEPT_A, std, ['Z'])], deficiency: null }],
    ['self prerequisite', 'received', clerk, { type: 'accept', cases: [matter('A', DEPT_A, std, ['A'])], deficiency: null }],
    ['prerequisite cycle', 'received', clerk, { type: 'accept', cases: [matter('A', DEPT_A, std, ['C']), matter('B', DEPT_B, std, ['A']), matter('C', DEPT_C, std, ['B'])], deficiency: null }],
    ['invalid procedure', 'received', clerk, { type: 'accept', cases: [matter('A', DEPT_A, { ...std, steps: [] })], deficiency: null }],
    ['empty deficiency', 'received', clerk, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: { items: [], deadline: '2025-04-01' } }],
    ['bad deficiency deadline', 'received', clerk, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: { items: ['x'], deadline: '2025-02-30' } }],
    ['deadline not a date', 'received', clerk, { type: 'accept', cases: [matter('A', DEPT_A)], deficiency: { items: ['x'], deadline: '1.4.2025' } }],
  ])('%s', (_name, status, actor, command) => {
    const f = appIn(status);
    expect(f.attempt(actor, command)).toBe('INVALID_COMMAND');
  });

  it('task commands: unknown task, blank opinion/reason, self as target, bad return step', () => {
    const f = appIn('accepted');
    const taskId = f.task('A').id;
    const caseId = f.case('A').id;
    const cases: Command[] = [
      { type: 'claim', taskId: 'nope' },
      { type: 'complete', taskId, decision: 'approve', opinion: ' ' },
      { type: 'complete', taskId, decision: 'maybe' as 'approve', opinion: 'x' },
      { type: 'return', taskId, toStep: 'review', reason: 'x' },
      { type: 'return', taskId, toStep: 'handle', reason: 'x' },
      { type: 'transfer', taskId, toUserId: r1.userId, reason: 'x' },
      { type: 'transfer', taskId, toUserId: r2.userId, reason: '' },
      { type: 'delegate', taskId, toUserId: r1.userId, reason: 'x' },
      { type: 'addSigner', taskId, userId: r1.userId, reason: 'x' },
      { type: 'withdrawStep', caseId: 'nope' },
      { type: 'startSpecial', caseId, procedure: 'magic' as 'hearing', reason: 'x' },
      { type: 'startSpecial', caseId, procedure: 'hearing', reason: '' },
      { type: 'requestSupplement', caseId, items: [] },
    ];
    for (const command of cases) expect([command, f.attempt(r1, command)]).toEqual([command, 'INVALID_COMMAND']);
  });

  it('errors carry Chinese and English messages', () => {
    const f = appIn('draft');
    try {
      decide(f.state, { type: 'accept', cases: [], deficiency: null }, f.ctx(clerk));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WorkflowError);
      const err = e as WorkflowError;
      expect(err.code).toBe('INVALID_COMMAND');
      expect(err.messages.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(err.messages.en).toMatch(/[a-z]/);
      expect(err.message).toBe(err.messages.en);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Case-level state machine: every case command in every case status.

type CaseFixture = 'handling' | 'supplement' | 'special' | 'approved' | 'waiting' | 'withdrawn';

/** Application with case A (STANDARD, dept A) in the given status, its latest task, and case W waiting for A. */
function caseIn(status: CaseFixture): { f: Flow; c: () => CaseState; task: TaskState } {
  const f = new Flow().submitAndAccept([matter('A', DEPT_A), matter('W', DEPT_A, STANDARD_PROCEDURE, ['A']), matter('X', DEPT_C)]);
  const target = status === 'waiting' ? 'W' : 'A';
  if (status === 'supplement') f.do(r1, { type: 'requestSupplement', caseId: f.case('A').id, items: ITEMS });
  if (status === 'special') f.do(r1, { type: 'startSpecial', caseId: f.case('A').id, procedure: 'expert_review', reason: '专家评审' });
  if (status === 'approved') f.conclude('A');
  if (status === 'withdrawn') f.do(applicant, { type: 'withdraw', reason: '撤件' });
  const c = () => f.case(target);
  const task = c().tasks.at(-1) ?? f.case('A').tasks.at(-1)!;
  return { f, c, task };
}

const CASE_COMMANDS: Record<string, (c: CaseState, t: TaskState) => [Actor, Command]> = {
  claim: (_c, t) => [r1, { type: 'claim', taskId: t.id }],
  complete: (_c, t) => [r1, { type: 'complete', taskId: t.id, decision: 'approve', opinion: '同意' }],
  return: (_c, t) => [r1, { type: 'return', taskId: t.id, toStep: 'handle', reason: '退回' }],
  transfer: (_c, t) => [r1, { type: 'transfer', taskId: t.id, toUserId: r2.userId, reason: '转办' }],
  delegate: (_c, t) => [r1, { type: 'delegate', taskId: t.id, toUserId: r2.userId, reason: '委派' }],
  addSigner: (_c, t) => [r1, { type: 'addSigner', taskId: t.id, userId: r2.userId, reason: '加签' }],
  withdrawStep: (c) => [r1, { type: 'withdrawStep', caseId: c.id }],
  requestSupplement: (c) => [r1, { type: 'requestSupplement', caseId: c.id, items: ITEMS }],
  endSupplement: (c) => [applicant, { type: 'endSupplement', caseId: c.id }],
  startSpecial: (c) => [r1, { type: 'startSpecial', caseId: c.id, procedure: 'hearing', reason: '听证' }],
  endSpecial: (c) => [r1, { type: 'endSpecial', caseId: c.id, result: '通过' }],
};

// Expected case status after the command, or the error code. `return` from 承办 has nowhere to go.
// [fixture, claim, complete, return, transfer, delegate, addSigner, withdrawStep, requestSupplement, endSupplement, startSpecial, endSpecial]
const CASE_TABLE: Array<[CaseFixture, ...Array<string>]> = [
  ['handling', 'handling', 'handling', 'INVALID_COMMAND', 'handling', 'handling', 'handling', IT, 'supplement', IT, 'special', IT],
  ['supplement', IT, IT, IT, IT, IT, IT, IT, IT, 'handling', IT, IT],
  ['special', IT, IT, IT, IT, IT, IT, IT, IT, IT, IT, 'handling'],
  ['approved', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', IT, IT, IT, IT, IT],
  // A waiting case has no tasks: its task column uses A's latest task (open, so the commands work on A).
  ['waiting', 'waiting', 'waiting', 'INVALID_COMMAND', 'waiting', 'waiting', 'waiting', IT, IT, IT, IT, IT],
  ['withdrawn', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', IT, IT, IT, IT, IT],
];

describe('case state machine', () => {
  const names = Object.keys(CASE_COMMANDS);
  const rows = CASE_TABLE.flatMap(([fixture, ...expected]) => names.map((name, i) => [fixture, name, expected[i]!] as const));

  it.each(rows)('case %s + %s → %s', (fixture, name, expected) => {
    const { f, c, task } = caseIn(fixture);
    const [actor, command] = CASE_COMMANDS[name]!(c(), task);
    const outcome = f.attempt(actor, command);
    expect(outcome === 'OK' ? c().status : outcome).toBe(expected);
  });

  it('national codes of cases and applications', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A), matter('W', DEPT_B, STANDARD_PROCEDURE, ['A'])], { items: ['x'], deadline: '2025-05-01' });
    expect(nationalCodeOfApplication(emptyApplication('x'))).toBeNull();
    expect(nationalCodeOfApplication(f.state)).toBe(3);
    expect(nationalCodeOfCase(f.case('W'))).toBe(3);
    expect(nationalCodeOfCase(f.case('A'))).toBe(8);
    f.do(r1, { type: 'requestSupplement', caseId: f.case('A').id, items: ITEMS });
    expect(nationalCodeOfCase(f.case('A'))).toBe(6);
    f.do(applicant, { type: 'endSupplement', caseId: f.case('A').id });
    f.do(r1, { type: 'startSpecial', caseId: f.case('A').id, procedure: 'site_inspection', reason: '现场勘验' });
    expect(nationalCodeOfCase(f.case('A'))).toBe(9);
    f.do(a1, { type: 'endSpecial', caseId: f.case('A').id, result: '勘验合格' });
    f.conclude('A');
    expect(nationalCodeOfCase(f.case('A'))).toBe(12);
    f.conclude('W', 'refuse');
    expect(nationalCodeOfCase(f.case('W'))).toBe(13);
    expect(f.state.outcome).toBe('partial');
    expect(nationalCodeOfApplication(f.state)).toBe(13);
  });
});

// ---------------------------------------------------------------------------------------------
// Fan-out and prerequisites (前置事项).

describe('fan-out', () => {
  const three = () => [matter('A', DEPT_A), matter('B', DEPT_B, COUNTERSIGN_PROCEDURE), matter('C', DEPT_C, STANDARD_PROCEDURE, ['A'])];

  it('starts independent cases, keeps the dependent one waiting until its prerequisite is approved', () => {
    const f = new Flow().submitAndAccept(three());
    expect(f.state.cases.map((c) => [c.matterCode, c.status, c.stepKey, c.round])).toEqual([
      ['A', 'handling', 'handle', 1],
      ['B', 'handling', 'handle', 1],
      ['C', 'waiting', null, 0],
    ]);
    expect(f.state.cases.map((c) => c.id)).toEqual(['id-1', 'id-3', 'id-5']);
    expect(f.task('A')).toMatchObject({ stepKey: 'handle', round: 1, assigneeId: null, claimed: false, origin: 'step', role: 'reviewer', departmentId: DEPT_A, version: 1 });
    expect(f.case('C').tasks).toEqual([]);
    expect(f.case('C').startedAt).toBeNull();
    expect(f.eventsOf('CaseWaiting')).toMatchObject([{ caseId: 'id-5', nationalCode: 3, data: { prerequisites: ['A'] } }]);

    f.conclude('A');
    expect(f.case('A').status).toBe('approved');
    expect(f.case('C')).toMatchObject({ status: 'handling', stepKey: 'handle', round: 1 });
    expect(f.case('C').startedAt).toBe(f.case('A').concludedAt);
    expect(f.state.status).toBe('accepted');

    f.conclude('B');
    f.conclude('C');
    expect(f.state).toMatchObject({ status: 'concluded', outcome: 'approved' });
    expect(f.eventsOf('StageConcluded')).toMatchObject([{ nationalCode: 11, data: { outcome: 'approved' } }]);
  });

  it('refuses the dependent case when its prerequisite is refused; partial outcome', () => {
    const f = new Flow().submitAndAccept(three());
    f.conclude('A', 'refuse');
    expect(f.case('A').status).toBe('refused');
    expect(f.case('C')).toMatchObject({ status: 'refused', stepKey: null, tasks: [] });
    const refusedC = f.eventsOf('CaseConcluded').find((e) => e.caseId === f.case('C').id)!;
    expect(refusedC.nationalCode).toBe(13);
    expect(refusedC.data.reason).toContain('A');
    expect(f.state.status).toBe('accepted');
    f.conclude('B');
    expect(f.state).toMatchObject({ status: 'concluded', outcome: 'partial' });
    expect(f.eventsOf('StageConcluded')).toHaveLength(1);
    expect(f.eventsOf('StageConcluded')[0]!.nationalCode).toBe(13);
  });

  it('cascades refusals down a prerequisite chain; all refused → refused', () => {
    const std = STANDARD_PROCEDURE;
    const f = new Flow().submitAndAccept([matter('D', DEPT_D, std, ['C']), matter('C', DEPT_C, std, ['A']), matter('A', DEPT_A)]);
    expect(f.case('D').status).toBe('waiting');
    f.conclude('A', 'refuse');
    expect(['A', 'C', 'D'].map((m) => f.case(m).status)).toEqual(['refused', 'refused', 'refused']);
    expect(f.state).toMatchObject({ status: 'concluded', outcome: 'refused' });
    expect(f.eventsOf('StageConcluded')).toHaveLength(1);
  });

  it('waits for all prerequisites', () => {
    const std = STANDARD_PROCEDURE;
    const f = new Flow().submitAndAccept([matter('A', DEPT_A), matter('B', DEPT_B), matter('C', DEPT_C, std, ['A', 'B'])]);
    f.conclude('A');
    expect(f.case('C').status).toBe('waiting');
    f.conclude('B');
    expect(f.case('C').status).toBe('handling');
  });
});

// ---------------------------------------------------------------------------------------------
// Sign modes.

function atJoint(): Flow {
  const f = new Flow().submitAndAccept([matter('B', DEPT_A, COUNTERSIGN_PROCEDURE)]);
  f.do(r1, { type: 'complete', taskId: f.task('B').id, decision: 'approve', opinion: '拟同意' });
  return f;
}

describe('会签 (countersign)', () => {
  it('creates two pool tasks; both approve → advance with proposal approve', () => {
    const f = atJoint();
    const [t1, t2] = f.open('B');
    expect(f.open('B')).toHaveLength(2);
    expect(f.case('B')).toMatchObject({ stepKey: 'joint', round: 2, proposal: 'approve' });
    f.do(r2, { type: 'complete', taskId: t1!.id, decision: 'approve', opinion: '同意' });
    expect(f.case('B').stepKey).toBe('joint');
    // The same user may not sign the second task of the round.
    expect(f.attempt(r2, { type: 'complete', taskId: t2!.id, decision: 'approve', opinion: '同意' })).toBe('NOT_ALLOWED');
    expect(f.attempt(r2, { type: 'claim', taskId: t2!.id })).toBe('NOT_ALLOWED');
    const events = f.do(r3, { type: 'complete', taskId: t2!.id, decision: 'approve', opinion: '同意' });
    expect(events.map((e) => e.type)).toEqual(['TaskCompleted', 'StepAdvanced', 'TaskCreated']);
    expect(events[1]!.data).toEqual({ from: 'joint', to: 'sign', proposal: 'approve' });
    expect(f.case('B')).toMatchObject({ stepKey: 'sign', round: 3, proposal: 'approve' });
  });

  it('one refusal → proposal refuse, carried to the signer who decides', () => {
    const f = atJoint();
    const [t1, t2] = f.open('B');
    f.do(r2, { type: 'complete', taskId: t1!.id, decision: 'refuse', opinion: '不同意' });
    f.do(r3, { type: 'complete', taskId: t2!.id, decision: 'approve', opinion: '同意' });
    expect(f.case('B')).toMatchObject({ stepKey: 'sign', proposal: 'refuse' });
    f.do(a1, { type: 'complete', taskId: f.task('B').id, decision: 'approve', opinion: '签发' });
    expect(f.case('B').status).toBe('approved');
  });

  it('simultaneous completions: the last advances exactly once; a repeated completion conflicts', () => {
    const f = atJoint();
    const [t1, t2] = f.open('B');
    const snapshot = f.state;
    // Both start from the same snapshot; the server serialises them, so the second runs on the first's result.
    const first = decide(snapshot, { type: 'complete', taskId: t1!.id, decision: 'approve', opinion: '同意', expectedVersion: t1!.version }, f.ctx(r2));
    const second = decide(first.state, { type: 'complete', taskId: t2!.id, decision: 'approve', opinion: '同意', expectedVersion: t2!.version }, f.ctx(r3));
    expect(first.events.map((e) => e.type)).toEqual(['TaskCompleted']);
    expect(second.events.filter((e) => e.type === 'StepAdvanced')).toHaveLength(1);
    const signTasks = second.state.cases[0]!.tasks.filter((t) => t.stepKey === 'sign');
    expect(signTasks).toHaveLength(1);
    // A retry of either completion on the newer state is a conflict, and adds nothing.
    expect(errorCodeOf(() => decide(second.state, { type: 'complete', taskId: t2!.id, decision: 'approve', opinion: '同意' }, f.ctx(r3)))).toBe('CONFLICT');
    expect(errorCodeOf(() => decide(second.state, { type: 'complete', taskId: t1!.id, decision: 'approve', opinion: '同意', expectedVersion: t1!.version }, f.ctx(r2)))).toBe('CONFLICT');
  });

  it('two people completing the same single task: the second gets CONFLICT', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    const task = f.task('A');
    f.do(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: '同意' });
    expect(f.attempt(r2, { type: 'complete', taskId: task.id, decision: 'approve', opinion: '同意' })).toBe('CONFLICT');
    expect(f.case('A').tasks.filter((t) => t.stepKey === 'review')).toHaveLength(1);
  });
});

describe('或签 (orsign)', () => {
  it('the first completion decides and cancels the others', () => {
    const f = new Flow().submitAndAccept([matter('O', DEPT_A, ORSIGN_PROCEDURE)]);
    f.completeStep('O');
    const open = f.open('O');
    expect(open).toHaveLength(3);
    const events = f.do(r3, { type: 'complete', taskId: open[1]!.id, decision: 'refuse', opinion: '不同意' });
    expect(events.map((e) => e.type)).toEqual(['TaskCompleted', 'TaskCancelled', 'TaskCancelled', 'StepAdvanced', 'TaskCreated']);
    const round = f.case('O').tasks.filter((t) => t.round === 2);
    expect(round.map((t) => t.status)).toEqual(['cancelled', 'done', 'cancelled']);
    expect(f.case('O')).toMatchObject({ stepKey: 'sign', proposal: 'refuse' });
    expect(f.attempt(r1, { type: 'complete', taskId: open[0]!.id, decision: 'approve', opinion: '同意' })).toBe('CONFLICT');
  });

  it('an added signer does not change or-sign semantics', () => {
    const f = new Flow().submitAndAccept([matter('O', DEPT_A, ORSIGN_PROCEDURE)]);
    f.completeStep('O');
    const [t1] = f.open('O');
    f.do(r1, { type: 'addSigner', taskId: t1!.id, userId: reviewer(DEPT_A, 5).userId, reason: '请专家' });
    expect(f.open('O')).toHaveLength(4);
    f.do(r1, { type: 'complete', taskId: t1!.id, decision: 'approve', opinion: '同意' });
    expect(f.case('O').stepKey).toBe('sign');
    expect(f.open('O')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// 退回, 转办, 委派, 加签.

describe('退回 (return)', () => {
  it('across a join: open tasks cancelled, done ones kept, back to the previous handler', () => {
    const f = atJoint();
    const [t1, t2] = f.open('B');
    f.do(r2, { type: 'complete', taskId: t1!.id, decision: 'approve', opinion: '同意' });
    const events = f.do(r3, { type: 'return', taskId: t2!.id, toStep: 'handle', reason: '材料需重新核对' });
    expect(events.map((e) => e.type)).toEqual(['TaskCancelled', 'StepReturned', 'TaskCreated']);
    expect(events[1]!.data).toEqual({ from: 'joint', to: 'handle', reason: '材料需重新核对' });
    const c = f.case('B');
    expect(c).toMatchObject({ stepKey: 'handle', round: 3, proposal: null });
    expect(c.tasks.filter((t) => t.round === 2).map((t) => t.status)).toEqual(['done', 'cancelled']);
    expect(f.task('B')).toMatchObject({ stepKey: 'handle', round: 3, assigneeId: r1.userId, claimed: false, origin: 'return' });
    // Only the previous handler may take it.
    expect(f.attempt(r2, { type: 'claim', taskId: f.task('B').id })).toBe('NOT_ALLOWED');
    f.do(r1, { type: 'claim', taskId: f.task('B').id });
    f.do(r1, { type: 'complete', taskId: f.task('B').id, decision: 'approve', opinion: '已核对' });
    expect(f.case('B')).toMatchObject({ stepKey: 'joint', round: 4 });
    expect(f.open('B')).toHaveLength(2);
    expect(f.open('B').every((t) => t.assigneeId === null)).toBe(true);
  });

  it('from 签发 to 审核 goes to the reviewer who reviewed; only listed steps', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    f.do(r1, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '拟同意' });
    f.do(r2, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '同意' });
    const sign = f.task('A');
    expect(f.attempt(a1, { type: 'return', taskId: sign.id, toStep: 'sign', reason: 'x' })).toBe('INVALID_COMMAND');
    expect(f.attempt(r1, { type: 'return', taskId: sign.id, toStep: 'review', reason: 'x' })).toBe('NOT_ALLOWED');
    f.do(a1, { type: 'return', taskId: sign.id, toStep: 'review', reason: '请补充审核意见' });
    expect(f.task('A')).toMatchObject({ stepKey: 'review', assigneeId: r2.userId, origin: 'return', round: 4 });
    expect(f.case('A').proposal).toBeNull();
  });

  it('to a multi-signer step: pool tasks', () => {
    const f = atJoint();
    f.completeStep('B');
    f.do(a1, { type: 'return', taskId: f.task('B').id, toStep: 'joint', reason: '重新会签' });
    expect(f.open('B')).toHaveLength(2);
    expect(f.open('B').every((t) => t.assigneeId === null && t.origin === 'return')).toBe(true);
  });
});

describe('转办 / 委派 / 加签', () => {
  it('transfer hands the task to another user, unclaimed', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    const task = f.task('A');
    f.do(r1, { type: 'claim', taskId: task.id });
    expect(f.attempt(r2, { type: 'claim', taskId: task.id })).toBe('CONFLICT');
    expect(f.attempt(r1, { type: 'claim', taskId: task.id })).toBe(IT);
    expect(f.attempt(r2, { type: 'transfer', taskId: task.id, toUserId: r3.userId, reason: 'x' })).toBe('NOT_ALLOWED');
    const events = f.do(r1, { type: 'transfer', taskId: task.id, toUserId: r2.userId, reason: '请假' });
    expect(events).toMatchObject([{ type: 'TaskTransferred', data: { from: r1.userId, to: r2.userId, reason: '请假' } }]);
    expect(f.task('A')).toMatchObject({ assigneeId: r2.userId, claimed: false, origin: 'step', delegatedTo: null });
    expect(canActOnTask(f.task('A'), r1)).toBe(false);
    expect(canActOnTask(f.task('A'), r2)).toBe(true);
    expect(f.attempt(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: 'x' })).toBe('NOT_ALLOWED');
    f.do(r2, { type: 'complete', taskId: task.id, decision: 'approve', opinion: '同意' });
    expect(f.case('A').stepKey).toBe('review');
  });

  it('delegate: the delegate advises, the task comes back to the assignee who decides', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    const task = f.task('A');
    // A pool task becomes the delegator's.
    f.do(r1, { type: 'delegate', taskId: task.id, toUserId: r2.userId, reason: '请提出意见' });
    expect(f.task('A')).toMatchObject({ assigneeId: r1.userId, claimed: true, delegatedTo: r2.userId });
    expect(canActOnTask(f.task('A'), r1)).toBe(false);
    expect(f.attempt(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: 'x' })).toBe('NOT_ALLOWED');
    expect(f.attempt(r2, { type: 'transfer', taskId: task.id, toUserId: r3.userId, reason: 'x' })).toBe('NOT_ALLOWED');
    expect(f.attempt(r2, { type: 'addSigner', taskId: task.id, userId: r3.userId, reason: 'x' })).toBe('NOT_ALLOWED');
    const back = f.do(r2, { type: 'complete', taskId: task.id, decision: 'refuse', opinion: '建议不予批准' });
    expect(back).toMatchObject([{ type: 'TaskReturnedFromDelegate', data: { decision: 'refuse', opinion: '建议不予批准', delegateId: r2.userId } }]);
    expect(f.task('A')).toMatchObject({ status: 'open', delegatedTo: null, delegateOpinion: '建议不予批准', assigneeId: r1.userId, decision: null });
    expect(f.case('A').stepKey).toBe('handle');
    f.do(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: '同意' });
    expect(f.case('A')).toMatchObject({ stepKey: 'review', proposal: 'approve' });
  });

  it('addSigner: the step then needs both tasks', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    const task = f.task('A');
    const events = f.do(r1, { type: 'addSigner', taskId: task.id, userId: r2.userId, reason: '涉及专业问题' });
    expect(events).toMatchObject([{ type: 'SignerAdded', data: { fromTaskId: task.id, userId: r2.userId } }]);
    const added = f.open('A').find((t) => t.id !== task.id)!;
    expect(added).toMatchObject({ stepKey: 'handle', round: 1, assigneeId: r2.userId, claimed: false, origin: 'added', role: 'reviewer', departmentId: DEPT_A });
    expect(f.attempt(r1, { type: 'addSigner', taskId: task.id, userId: r2.userId, reason: 'again' })).toBe('NOT_ALLOWED');
    f.do(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: '同意' });
    expect(f.case('A').stepKey).toBe('handle');
    f.do(r2, { type: 'complete', taskId: added.id, decision: 'refuse', opinion: '不同意' });
    expect(f.case('A')).toMatchObject({ stepKey: 'review', proposal: 'refuse' });
  });
});

// ---------------------------------------------------------------------------------------------
// 撤回.

describe('撤回 (withdrawStep)', () => {
  it('(a) reopens the actor’s completion while the round is undecided', () => {
    const f = atJoint();
    const [t1] = f.open('B');
    f.do(r2, { type: 'complete', taskId: t1!.id, decision: 'approve', opinion: '同意' });
    const events = f.do(r2, { type: 'withdrawStep', caseId: f.case('B').id });
    expect(events).toMatchObject([{ type: 'StepWithdrawn', taskId: t1!.id, data: { kind: 'reopen' } }]);
    const reopened = f.case('B').tasks.find((t) => t.id === t1!.id)!;
    expect(reopened).toMatchObject({ status: 'open', decision: null, opinion: null, completedAt: null, completedBy: null, claimed: true, assigneeId: r2.userId });
    expect(f.case('B').round).toBe(2);
    f.do(r2, { type: 'complete', taskId: t1!.id, decision: 'refuse', opinion: '改为不同意' });
    f.completeStep('B');
    expect(f.case('B')).toMatchObject({ stepKey: 'sign', proposal: 'refuse' });
  });

  it('(b) takes the step back while the next one is untouched', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    f.do(r1, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '拟同意' });
    const review = f.task('A');
    expect(f.attempt(r2, { type: 'withdrawStep', caseId: f.case('A').id })).toBe(IT);
    const events = f.do(r1, { type: 'withdrawStep', caseId: f.case('A').id });
    expect(events.map((e) => e.type)).toEqual(['TaskCancelled', 'StepWithdrawn', 'TaskCreated']);
    expect(events[1]!.data).toEqual({ kind: 'retake', from: 'review', to: 'handle' });
    expect(f.case('A').tasks.find((t) => t.id === review.id)!.status).toBe('cancelled');
    expect(f.task('A')).toMatchObject({ stepKey: 'handle', round: 3, assigneeId: r1.userId, claimed: true, origin: 'withdraw' });
    expect(f.case('A')).toMatchObject({ stepKey: 'handle', proposal: null });
    f.do(r1, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '同意' });
    expect(f.case('A')).toMatchObject({ stepKey: 'review', round: 4 });
  });

  it('(b) restores the proposal of the re-entered step', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    f.do(r1, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '拟同意' });
    f.do(r2, { type: 'complete', taskId: f.task('A').id, decision: 'refuse', opinion: '不同意' });
    expect(f.case('A')).toMatchObject({ stepKey: 'sign', proposal: 'refuse' });
    f.do(r2, { type: 'withdrawStep', caseId: f.case('A').id });
    expect(f.case('A')).toMatchObject({ stepKey: 'review', proposal: 'approve' });
    // Withdraw again: nothing left to take back (the current round was entered by 撤回).
    expect(f.attempt(r2, { type: 'withdrawStep', caseId: f.case('A').id })).toBe(IT);
    expect(f.attempt(r1, { type: 'withdrawStep', caseId: f.case('A').id })).toBe(IT);
  });

  it('(b) the last countersigner takes the joint step back; refused when another signer refused', () => {
    const f = atJoint();
    const [t1, t2] = f.open('B');
    f.do(r2, { type: 'complete', taskId: t1!.id, decision: 'approve', opinion: '同意' });
    f.do(r3, { type: 'complete', taskId: t2!.id, decision: 'approve', opinion: '同意' });
    expect(f.attempt(r2, { type: 'withdrawStep', caseId: f.case('B').id })).toBe(IT);
    f.do(r3, { type: 'withdrawStep', caseId: f.case('B').id });
    expect(f.case('B')).toMatchObject({ stepKey: 'joint', proposal: 'approve' });
    expect(f.task('B')).toMatchObject({ assigneeId: r3.userId, origin: 'withdraw' });

    const g = atJoint();
    const [u1, u2] = g.open('B');
    g.do(r2, { type: 'complete', taskId: u1!.id, decision: 'refuse', opinion: '不同意' });
    g.do(r3, { type: 'complete', taskId: u2!.id, decision: 'approve', opinion: '同意' });
    expect(g.attempt(r3, { type: 'withdrawStep', caseId: g.case('B').id })).toBe(IT);
  });

  it('is refused once the next step was claimed, and after conclusion', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    f.do(r1, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '拟同意' });
    f.do(r2, { type: 'claim', taskId: f.task('A').id });
    expect(f.attempt(r1, { type: 'withdrawStep', caseId: f.case('A').id })).toBe(IT);
    f.do(r2, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '同意' });
    f.do(a1, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '签发' });
    expect(f.case('A').status).toBe('approved');
    expect(f.attempt(a1, { type: 'withdrawStep', caseId: f.case('A').id })).toBe(IT);
  });

  it('is refused when the next step was transferred', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    f.do(r1, { type: 'complete', taskId: f.task('A').id, decision: 'approve', opinion: '拟同意' });
    f.do(r2, { type: 'transfer', taskId: f.task('A').id, toUserId: r3.userId, reason: '转' });
    expect(f.attempt(r1, { type: 'withdrawStep', caseId: f.case('A').id })).toBe(IT);
  });
});

// ---------------------------------------------------------------------------------------------
// Pauses: 补正 and 特别程序.

describe('pauses', () => {
  it('supplement: records the pause, blocks tasks, resumes', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    const task = f.task('A');
    const caseId = f.case('A').id;
    f.do(r1, { type: 'claim', taskId: task.id });
    expect(f.attempt(r2, { type: 'requestSupplement', caseId, items: ITEMS })).toBe('NOT_ALLOWED');
    const events = f.do(r1, { type: 'requestSupplement', caseId, items: ITEMS });
    expect(events).toMatchObject([{ type: 'SupplementRequested', caseId, nationalCode: 6, data: { items: ITEMS } }]);
    const from = events[0]!.at;
    expect(f.case('A')).toMatchObject({ status: 'supplement', pauses: [{ kind: 'supplement', procedure: null, reason: '营业执照、用地面积', from, to: null }] });
    expect(f.state.supplementItems).toBeNull();
    expect(f.task('A').status).toBe('open');
    expect(f.attempt(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: 'x' })).toBe(IT);
    expect(f.attempt(r1, { type: 'startSpecial', caseId, procedure: 'hearing', reason: 'x' })).toBe(IT);
    const ended = f.do(applicant, { type: 'endSupplement', caseId });
    expect(ended).toMatchObject([{ type: 'SupplementEnded', caseId, nationalCode: 7 }]);
    expect(f.case('A')).toMatchObject({ status: 'handling', pauses: [{ from, to: ended[0]!.at }] });
    f.do(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: '同意' });
    expect(f.case('A').stepKey).toBe('review');
  });

  it('special procedure: start by a holder, end by the department with a result', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    const caseId = f.case('A').id;
    f.do(r1, { type: 'requestSupplement', caseId, items: ITEMS });
    f.do(applicant, { type: 'endSupplement', caseId });
    const started = f.do(r1, { type: 'startSpecial', caseId, procedure: 'expert_review', reason: '需专家评审' });
    expect(started).toMatchObject([{ type: 'SpecialStarted', nationalCode: 9, data: { procedure: 'expert_review', reason: '需专家评审' } }]);
    const c = f.case('A');
    expect(c.status).toBe('special');
    expect(c.pauses.map((p) => [p.kind, p.to === null])).toEqual([
      ['supplement', false],
      ['special', true],
    ]);
    expect(f.attempt(r1, { type: 'claim', taskId: f.task('A').id })).toBe(IT);
    expect(f.attempt(a1, { type: 'endSpecial', caseId, result: '  ' })).toBe('INVALID_COMMAND');
    const ended = f.do(a1, { type: 'endSpecial', caseId, result: '评审通过' });
    expect(ended).toMatchObject([{ type: 'SpecialEnded', nationalCode: 10, data: { result: '评审通过', procedure: 'expert_review' } }]);
    expect(f.case('A').pauses[1]).toMatchObject({ kind: 'special', procedure: 'expert_review', reason: '需专家评审', from: started[0]!.at, to: ended[0]!.at });
    expect(f.case('A').status).toBe('handling');
  });
});

// ---------------------------------------------------------------------------------------------
// 容缺.

describe('容缺 (deficiency)', () => {
  const deficiency = { items: ['环评批复'], deadline: '2025-06-30' };

  it('approved while items are owed → approved_deficiency (12)', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)], deficiency);
    f.conclude('A');
    expect(f.case('A').status).toBe('approved_deficiency');
    expect(f.eventsOf('CaseConcluded')).toMatchObject([{ nationalCode: 12, data: { outcome: 'approved_deficiency' } }]);
    expect(f.state.outcome).toBe('approved');
    expect(f.eventsOf('StageConcluded')[0]!.nationalCode).toBe(11);
  });

  it('satisfied before conclusion → approved (11)', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)], deficiency);
    f.do(applicant, { type: 'satisfyDeficiency' });
    f.conclude('A');
    expect(f.case('A').status).toBe('approved');
    expect(f.eventsOf('CaseConcluded')).toMatchObject([{ nationalCode: 11 }]);
  });

  it('a refusal stays a refusal (13)', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)], deficiency);
    f.conclude('A', 'refuse');
    expect(f.case('A').status).toBe('refused');
    expect(f.state.outcome).toBe('refused');
  });
});

// ---------------------------------------------------------------------------------------------
// Versions and purity.

describe('versions and purity', () => {
  it('bumps the application, changed cases and changed tasks by one', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A), matter('B', DEPT_B)]);
    expect(f.state.version).toBe(2);
    expect(f.state.cases.map((c) => c.version)).toEqual([1, 1]);
    const task = f.task('A');
    expect(task.version).toBe(1);
    f.do(r1, { type: 'claim', taskId: task.id });
    expect(f.state.version).toBe(3);
    expect(f.task('A').version).toBe(2);
    expect(f.case('A').version).toBe(2);
    expect(f.case('B').version).toBe(1);
    f.do(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: '同意' });
    expect(f.case('A').tasks.map((t) => t.version)).toEqual([3, 1]);
    expect(f.case('A').version).toBe(3);
    expect(f.case('B').version).toBe(1);
  });

  it('expectedVersion mismatch and completing a done task are conflicts', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A)]);
    const task = f.task('A');
    expect(f.attempt(r1, { type: 'claim', taskId: task.id, expectedVersion: 7 })).toBe('CONFLICT');
    f.do(r1, { type: 'claim', taskId: task.id, expectedVersion: 1 });
    expect(f.attempt(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: 'x', expectedVersion: 1 })).toBe('CONFLICT');
    f.do(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: 'x', expectedVersion: 2 });
    expect(f.attempt(r1, { type: 'complete', taskId: task.id, decision: 'approve', opinion: 'x' })).toBe('CONFLICT');
  });

  it('never mutates the input state', () => {
    const f = new Flow().submitAndAccept([matter('A', DEPT_A), matter('B', DEPT_B, COUNTERSIGN_PROCEDURE), matter('C', DEPT_C, STANDARD_PROCEDURE, ['A'])]);
    const commands: Array<[Actor, (fl: Flow) => Command]> = [
      [r1, (fl) => ({ type: 'claim', taskId: fl.task('A').id })],
      [r1, (fl) => ({ type: 'addSigner', taskId: fl.task('A').id, userId: r2.userId, reason: 'x' })],
      [r1, (fl) => ({ type: 'complete', taskId: fl.open('A')[0]!.id, decision: 'approve', opinion: 'x' })],
      [r1, (fl) => ({ type: 'withdrawStep', caseId: fl.case('A').id })],
      [r1, (fl) => ({ type: 'requestSupplement', caseId: fl.case('A').id, items: ITEMS })],
      [applicant, (fl) => ({ type: 'endSupplement', caseId: fl.case('A').id })],
      [reviewer(DEPT_B), (fl) => ({ type: 'complete', taskId: fl.task('B').id, decision: 'approve', opinion: 'x' })],
      [reviewer(DEPT_B, 2), (fl) => ({ type: 'return', taskId: fl.open('B')[0]!.id, toStep: 'handle', reason: 'x' })],
      [applicant, () => ({ type: 'withdraw', reason: 'x' })],
    ];
    for (const [actor, make] of commands) {
      const command = make(f);
      const frozen = JSON.parse(JSON.stringify(f.state));
      const input = f.state;
      errorCodeOf(() => decide(input, command, f.ctx(actor)));
      expect(input).toEqual(frozen);
      f.attempt(actor, command);
    }
    expect(f.state.status).toBe('withdrawn');
  });

  it('emptyApplication is an empty draft', () => {
    expect(emptyApplication('a-1')).toEqual({
      id: 'a-1',
      status: 'draft',
      supplementItems: null,
      deficiency: null,
      acceptedAt: null,
      concludedAt: null,
      outcome: null,
      cases: [],
      version: 0,
    });
  });

  it('every event carries now and the actor', () => {
    const f = new Flow();
    const ctx = f.ctx(applicant, '2025-03-04T00:00:00.000Z');
    const { events } = decide(f.state, { type: 'submit' }, ctx);
    expect(events).toMatchObject([{ at: '2025-03-04T00:00:00.000Z', actorId: applicant.userId }]);
  });
});
