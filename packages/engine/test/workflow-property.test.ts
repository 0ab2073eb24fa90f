/**
 * Property test of the workflow engine: seeded random walks of plausible commands, checking the
 * invariants after every step, then driving every surviving application to its conclusion with
 * "complete approve" only.
 */
import { describe, expect, it } from 'vitest';
import { COUNTERSIGN_PROCEDURE, decide, STANDARD_PROCEDURE, WorkflowError } from '../src/index.ts';
import type { Actor, ApplicationState, CaseState, Command, NewCase, ProcedureDefinition, TaskState, WorkflowEvent } from '../src/index.ts';
import { applicant, approver, clerk, Flow, ITEMS, matter, ORSIGN_PROCEDURE, reviewer, userById, usersOf } from './workflow-harness.ts';

/** mulberry32: a tiny seeded PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(items.length)]!;
  }
}

const ONE_STEP: ProcedureDefinition = {
  code: 'ONE',
  version: 1,
  name: '即办',
  steps: [{ key: 'sign', name: '签发', role: 'approver', mode: 'single', signers: 1, final: true, returnTo: [] }],
};

const FINAL_JOINT: ProcedureDefinition = {
  code: 'FINAL-JOINT',
  version: 1,
  name: '联合签发',
  steps: [
    { key: 'handle', name: '承办', role: 'reviewer', mode: 'single', signers: 1, final: false, returnTo: [] },
    { key: 'review', name: '审核', role: 'reviewer', mode: 'orsign', signers: 2, final: false, returnTo: ['handle'] },
    { key: 'sign', name: '签发', role: 'approver', mode: 'countersign', signers: 2, final: true, returnTo: ['handle', 'review'] },
  ],
};

const PROCEDURES = [STANDARD_PROCEDURE, COUNTERSIGN_PROCEDURE, ORSIGN_PROCEDURE, ONE_STEP, FINAL_JOINT];
const DEPARTMENTS = [10, 20, 30];
const SPECIALS = ['expert_review', 'hearing', 'site_inspection', 'public_notice', 'technical_review'] as const;

/** 1–4 cases over the departments; prerequisites only point to earlier cases, so no cycles. */
function randomCases(rnd: Random): NewCase[] {
  const count = 1 + rnd.int(4);
  const cases: NewCase[] = [];
  for (let i = 0; i < count; i++) {
    const code = `M${i}`;
    const prerequisites = cases.filter(() => rnd.chance(0.3)).map((c) => c.matterCode);
    cases.push(matter(code, rnd.pick(DEPARTMENTS), rnd.pick(PROCEDURES), prerequisites));
  }
  return cases;
}

function acceptedFlow(rnd: Random, seed: number): Flow {
  const f = new Flow(`app-${seed}`);
  f.do(applicant, { type: 'submit' });
  if (rnd.chance(0.2)) {
    f.do(clerk, { type: 'requestSupplement', caseId: null, items: ITEMS });
    f.do(applicant, { type: 'endSupplement', caseId: null });
  }
  const deficiency = rnd.chance(0.3) ? { items: ['容缺材料'], deadline: '2025-12-31' } : null;
  f.do(clerk, { type: 'accept', cases: randomCases(rnd), deficiency });
  return f;
}

// ---------------------------------------------------------------------------------------------
// Choosing commands.

const activeStatuses = new Set(['handling', 'supplement', 'special']);

function sameRoleUsers(task: TaskState): Actor[] {
  return usersOf(task.departmentId, task.role);
}

/** The task's holder when it has one, else a random user of its pool. */
function holderOrPoolUser(rnd: Random, task: TaskState): Actor {
  if (task.delegatedTo !== null) return userById(task.delegatedTo);
  if (task.assigneeId !== null) return userById(task.assigneeId);
  return rnd.pick(sameRoleUsers(task));
}

/** A random plausible command on the application, with an actor likely (not certain) to be allowed. */
function randomCommand(rnd: Random, state: ApplicationState): [Actor, Command] | null {
  if (rnd.chance(0.003)) return [applicant, { type: 'withdraw', reason: '随机撤件' }];
  if (state.deficiency && rnd.chance(0.02)) return [applicant, { type: 'satisfyDeficiency' }];
  const active = state.cases.filter((c) => activeStatuses.has(c.status));
  if (active.length === 0) return null;
  const c = rnd.pick(active);
  if (c.status === 'supplement') return rnd.chance(0.5) ? [applicant, { type: 'endSupplement', caseId: c.id }] : null;
  if (c.status === 'special') return rnd.chance(0.5) ? [approver(c.departmentId, 1 + rnd.int(4)), { type: 'endSpecial', caseId: c.id, result: '完成' }] : null;
  const open = c.tasks.filter((t) => t.status === 'open');
  if (open.length === 0) return null;
  const task = rnd.pick(open);
  // Mostly the holder, sometimes anybody of the department.
  const actor = rnd.chance(0.85) ? holderOrPoolUser(rnd, task) : rnd.pick([...usersOf(c.departmentId, 'reviewer'), ...usersOf(c.departmentId, 'approver')]);
  const other = rnd.pick(sameRoleUsers(task)).userId;
  const base = { taskId: task.id, ...(rnd.chance(0.1) ? { expectedVersion: task.version + rnd.int(2) } : {}) };
  const roll = rnd.next();
  if (roll < 0.15) return [actor, { type: 'claim', ...base }];
  if (roll < 0.45) return [actor, { type: 'complete', ...base, decision: 'approve', opinion: '同意' }];
  if (roll < 0.55) return [actor, { type: 'complete', ...base, decision: 'refuse', opinion: '不同意' }];
  if (roll < 0.62) {
    const step = c.procedure.steps.find((s) => s.key === c.stepKey)!;
    const toStep = step.returnTo.length > 0 && rnd.chance(0.9) ? rnd.pick(step.returnTo) : rnd.pick(c.procedure.steps).key;
    return [actor, { type: 'return', ...base, toStep, reason: '退回' }];
  }
  if (roll < 0.67) return [actor, { type: 'transfer', ...base, toUserId: other, reason: '转办' }];
  if (roll < 0.72) return [actor, { type: 'delegate', ...base, toUserId: other, reason: '委派' }];
  if (roll < 0.76) {
    // Keep rounds small enough for the five users of a role (a pool task needs a free user).
    if (c.tasks.filter((t) => t.round === c.round && t.status !== 'cancelled').length >= 3) return null;
    return [actor, { type: 'addSigner', ...base, userId: other, reason: '加签' }];
  }
  if (roll < 0.88) {
    const completers = c.tasks.filter((t) => t.completedBy !== null).map((t) => t.completedBy!);
    const who = completers.length > 0 && rnd.chance(0.8) ? userById(completers[completers.length - 1 - rnd.int(Math.min(3, completers.length))]!) : actor;
    return [who, { type: 'withdrawStep', caseId: c.id }];
  }
  if (roll < 0.94) return [actor, { type: 'requestSupplement', caseId: c.id, items: ITEMS }];
  return [actor, { type: 'startSpecial', caseId: c.id, procedure: rnd.pick(SPECIALS), reason: '特别程序' }];
}

// ---------------------------------------------------------------------------------------------
// Invariants.

const concluded = new Set(['approved', 'approved_deficiency', 'refused', 'withdrawn']);

function allTasks(state: ApplicationState): TaskState[] {
  return state.cases.flatMap((c) => c.tasks);
}

/** A cheap assertion (expect() per task and step would dominate the run time). */
function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}

function checkCase(c: CaseState): void {
  const open = c.tasks.filter((t) => t.status === 'open');
  const where = `case ${c.matterCode} (${c.status})`;
  if (activeStatuses.has(c.status)) {
    check(open.length >= 1, `${where} has no open task`);
    for (const t of open) check(t.stepKey === c.stepKey && t.round === c.round, `${where}: open task ${t.id} outside the current step round`);
  } else {
    check(open.length === 0, `${where} has open tasks`);
    check(c.stepKey === null, `${where} is still in a step`);
  }
  const openPauses = c.pauses.filter((p) => p.to === null);
  if (c.status === 'supplement' || c.status === 'special') {
    const last = c.pauses.at(-1);
    check(openPauses.length === 1 && last?.to === null && last.kind === c.status, `${where}: needs exactly one open ${c.status} pause, the latest`);
  } else {
    check(openPauses.length === 0, `${where} has an open pause`);
  }
  // One user, one task per step round.
  const holders = new Set<string>();
  for (const t of c.tasks) {
    const holder = t.completedBy ?? t.assigneeId;
    if (t.status === 'cancelled' || holder === null) continue;
    const key = `${t.round}:${holder}`;
    check(!holders.has(key), `${where}: user ${holder} holds two tasks of round ${t.round}`);
    holders.add(key);
  }
}

function checkInvariants(prev: ApplicationState, next: ApplicationState, command: Command, events: WorkflowEvent[], now: string, actor: Actor): void {
  check(next.version === prev.version + 1, 'the application version goes up by one');
  for (const e of events) check(e.at === now && e.actorId === actor.userId, `event ${e.type} carries now and the actor`);

  const tasks = allTasks(next);
  const nextById = new Map(tasks.map((t) => [t.id, t]));
  check(nextById.size === tasks.length, 'task ids are unique');
  for (const before of allTasks(prev)) {
    const after = nextById.get(before.id);
    check(after !== undefined, `task ${before.id} was lost`);
    if (!after) continue;
    check(after.caseId === before.caseId && after.stepKey === before.stepKey && after.round === before.round, `task ${before.id} moved`);
    check(after.version >= before.version, `task ${before.id} version went down`);
    if (before.status === 'cancelled') check(after.status === 'cancelled', `cancelled task ${before.id} came back`);
    if (before.status === 'done' && after.status !== 'done') {
      check(after.status === 'open' && command.type === 'withdrawStep', `done task ${before.id} became ${after.status} by ${command.type}`);
    }
  }
  for (const c of next.cases) checkCase(c);

  const allConcluded = next.cases.length > 0 && next.cases.every((c) => concluded.has(c.status));
  if (next.status === 'concluded') check(allConcluded && !next.cases.some((c) => c.status === 'withdrawn'), 'a concluded application has all cases concluded');
  if (next.status === 'accepted') check(!allConcluded, 'an application whose cases all concluded is concluded');
  if (next.status === 'withdrawn') check(next.cases.every((c) => concluded.has(c.status)), 'a withdrawn application has no case left running');
}

/** Applies a command; a WorkflowError leaves the state as it was. Returns whether it succeeded. */
function step(f: Flow, actor: Actor, command: Command, stats: { ok: number; refused: number }): boolean {
  const prev = f.state;
  const ctx = f.ctx(actor);
  let result;
  try {
    result = decide(prev, command, ctx);
  } catch (e) {
    if (!(e instanceof WorkflowError)) throw e;
    stats.refused++;
    return false;
  }
  checkInvariants(prev, result.state, command, result.events, ctx.now, actor);
  f.state = result.state;
  f.events.push(...result.events);
  stats.ok++;
  return true;
}

/** Ends pauses and completes every open task with approve until the application concludes. */
function driveToConclusion(f: Flow, stats: { ok: number; refused: number }): void {
  for (let i = 0; i < 500 && f.state.status === 'accepted'; i++) {
    const c = f.state.cases.find((x) => activeStatuses.has(x.status));
    if (!c) throw new Error('accepted application with no active case');
    if (c.status === 'supplement') {
      expect(step(f, applicant, { type: 'endSupplement', caseId: c.id }, stats)).toBe(true);
      continue;
    }
    if (c.status === 'special') {
      expect(step(f, approver(c.departmentId), { type: 'endSpecial', caseId: c.id, result: '完成' }, stats)).toBe(true);
      continue;
    }
    const task = c.tasks.find((t) => t.status === 'open')!;
    expect(step(f, f.actorFor(task), { type: 'complete', taskId: task.id, decision: 'approve', opinion: '同意' }, stats)).toBe(true);
  }
  expect(f.state.status).toBe('concluded');
}

describe('workflow property test (seeded random walks)', () => {
  const SEEDS = 300;
  const MAX_STEPS = 200;

  it(`keeps its invariants over ${SEEDS} random runs and always concludes`, () => {
    const stats = { ok: 0, refused: 0 };
    const outcomes = new Map<string, number>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rnd = new Random(seed);
      const f = acceptedFlow(rnd, seed);
      for (const c of f.state.cases) checkCase(c);
      for (let i = 0; i < MAX_STEPS && f.state.status === 'accepted'; i++) {
        const next = randomCommand(rnd, f.state);
        if (next) step(f, next[0], next[1], stats);
      }
      if (f.state.status === 'accepted') driveToConclusion(f, stats);
      expect(f.eventsOf('StageConcluded').length, `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(f.eventsOf('StageConcluded').length).toBe(f.state.status === 'concluded' ? 1 : 0);
      outcomes.set(f.state.outcome ?? f.state.status, (outcomes.get(f.state.outcome ?? f.state.status) ?? 0) + 1);
    }
    // The walk must exercise both successes and refusals, and reach varied outcomes.
    expect(stats.ok).toBeGreaterThan(SEEDS * 20);
    expect(stats.refused).toBeGreaterThan(SEEDS * 5);
    expect(outcomes.get('approved') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('refused') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('partial') ?? 0).toBeGreaterThan(0);
  });

  it(`concludes approved when driven by "complete approve" only (${SEEDS} runs)`, () => {
    const stats = { ok: 0, refused: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rnd = new Random(10_000 + seed);
      const f = acceptedFlow(rnd, seed);
      driveToConclusion(f, stats);
      expect(f.state.outcome).toBe('approved');
      expect(f.state.cases.every((c) => c.status === 'approved' || c.status === 'approved_deficiency')).toBe(true);
      expect(f.eventsOf('StageConcluded')).toHaveLength(1);
    }
    expect(stats.refused).toBe(0);
  });

  it('mulberry32 is deterministic', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    expect(new Set(xs).size).toBe(5);
    expect(reviewer(10).userId).toBe(101);
  });
});
