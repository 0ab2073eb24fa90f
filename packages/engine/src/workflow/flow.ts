/**
 * How a case moves: entering steps (new rounds of tasks), deciding a round, advancing, concluding
 * (办结), releasing cases that wait for prerequisites (前置事项) and concluding the stage. Shared
 * by the command modules; every function mutates the run's cloned state and emits its events.
 */
import { nationalCodeOfApplication, nationalCodeOfCase } from './queries.ts';
import { currentStep, instantMs, isCaseApproved, isCaseConcluded, roundTasks, stepIndex, stepOf, type Run } from './run.ts';
import type { CaseState, Decision, Pause, StepDefinition, StepRole, TaskState } from './types.ts';

// ---------------------------------------------------------------------------------------------
// Tasks.

export interface NewTaskFields {
  stepKey: string;
  round: number;
  role: StepRole;
  assigneeId: number | null;
  claimed: boolean;
  origin: TaskState['origin'];
}

/** Appends a new open task to the case (version 1). Emits nothing: callers say why it exists. */
export function createTask(run: Run, c: CaseState, f: NewTaskFields): TaskState {
  const task: TaskState = {
    id: run.ctx.newId(),
    caseId: c.id,
    stepKey: f.stepKey,
    round: f.round,
    role: f.role,
    departmentId: c.departmentId,
    status: 'open',
    assigneeId: f.assigneeId,
    claimed: f.claimed,
    delegatedTo: null,
    delegateOpinion: null,
    origin: f.origin,
    decision: null,
    opinion: null,
    createdAt: run.now,
    completedAt: null,
    completedBy: null,
    version: 1,
  };
  c.tasks.push(task);
  return task;
}

export function cancelTask(run: Run, c: CaseState, task: TaskState, reason: string): void {
  task.status = 'cancelled';
  run.emit('TaskCancelled', { caseId: c.id, taskId: task.id, data: { stepKey: task.stepKey, round: task.round, reason } });
}

/** Cancels the open tasks of the case's current round (退回, 撤回, 或签 decided, 撤件). */
export function cancelOpenTasks(run: Run, c: CaseState, reason: string): void {
  for (const t of c.tasks) if (t.status === 'open') cancelTask(run, c, t, reason);
}

// ---------------------------------------------------------------------------------------------
// Steps and rounds.

/** How a step is entered: by the procedure (pool tasks), or for one named user. */
export interface StepEntry {
  origin: 'step' | 'return' | 'withdraw';
  /** null: `signers` pool tasks; a user: one task assigned to them. */
  assigneeId: number | null;
  claimed: boolean;
}

/**
 * Enters a step: the case-wide round counter goes up by one (the first step of a started case
 * gets round 1) and the step's tasks are created.
 */
export function enterStep(run: Run, c: CaseState, stepKey: string, entry: StepEntry): void {
  const step = stepOf(c, stepKey);
  c.round += 1;
  c.stepKey = step.key;
  const count = entry.assigneeId === null ? step.signers : 1;
  for (let i = 0; i < count; i++) {
    const task = createTask(run, c, {
      stepKey: step.key,
      round: c.round,
      role: step.role,
      assigneeId: entry.assigneeId,
      claimed: entry.claimed,
      origin: entry.origin,
    });
    run.emit('TaskCreated', { caseId: c.id, taskId: task.id, data: { stepKey: step.key, round: c.round, assigneeId: task.assigneeId } });
  }
}

/** Starts a case's clock (开始办理) and enters its first step. */
export function startCase(run: Run, c: CaseState): void {
  c.status = 'handling';
  c.startedAt = run.now;
  run.emit('CaseStarted', { caseId: c.id, nationalCode: nationalCodeOfCase(c), data: { matterCode: c.matterCode } });
  const first = c.procedure.steps[0];
  if (!first) throw new Error(`procedure ${c.procedure.code} has no steps`);
  enterStep(run, c, first.key, { origin: 'step', assigneeId: null, claimed: false });
}

/** A round's combined decision: refuse if any completed task refused, else approve. */
export function roundDecision(tasks: readonly TaskState[]): Decision {
  return tasks.some((t) => t.status === 'done' && t.decision === 'refuse') ? 'refuse' : 'approve';
}

/**
 * After a task of the current round was completed: decide the round if it is complete.
 * - 或签 (orsign): this completion decides; the round's other open tasks are cancelled.
 * - otherwise (single, 会签, and any round widened by 加签): wait while a task of the round is
 *   open; the last completion decides — refuse if any task refused, else approve. A single
 *   round with one task is therefore decided by its only completion.
 */
export function settleRound(run: Run, c: CaseState, completed: TaskState): void {
  const step = currentStep(c);
  let decision: Decision;
  if (step.mode === 'orsign') {
    decision = completed.decision ?? 'approve';
    for (const t of roundTasks(c, c.round)) if (t.status === 'open') cancelTask(run, c, t, 'orsign_decided');
  } else {
    const tasks = roundTasks(c, c.round);
    if (tasks.some((t) => t.status === 'open')) return;
    decision = roundDecision(tasks);
  }
  decideStep(run, c, step, decision);
}

/**
 * A step is decided. The final step (签发) concludes the case; any other step carries its
 * decision as the proposal to the next step — even a refusal: the signer decides.
 */
function decideStep(run: Run, c: CaseState, step: StepDefinition, decision: Decision): void {
  if (step.final) {
    concludeCase(run, c, decision === 'approve' ? approvedStatus(run) : 'refused', {});
    afterCaseConcluded(run);
    return;
  }
  const next = c.procedure.steps[stepIndex(c, step.key) + 1];
  if (!next) throw new Error(`procedure ${c.procedure.code}: no step after ${step.key}`);
  c.proposal = decision;
  run.emit('StepAdvanced', { caseId: c.id, data: { from: step.key, to: next.key, proposal: decision } });
  enterStep(run, c, next.key, { origin: 'step', assigneeId: null, claimed: false });
}

/** 容缺受理: approved while deficiency items are still owed → approved_deficiency (12). */
function approvedStatus(run: Run): 'approved' | 'approved_deficiency' {
  const d = run.state.deficiency;
  return d !== null && d.satisfiedAt === null ? 'approved_deficiency' : 'approved';
}

// ---------------------------------------------------------------------------------------------
// Conclusion.

export function concludeCase(run: Run, c: CaseState, outcome: 'approved' | 'approved_deficiency' | 'refused', data: Record<string, unknown>): void {
  cancelOpenTasks(run, c, 'case_concluded');
  c.status = outcome;
  c.concludedAt = run.now;
  c.stepKey = null;
  run.emit('CaseConcluded', { caseId: c.id, nationalCode: nationalCodeOfCase(c), data: { outcome, ...data } });
}

/** After a case concluded: release or refuse the cases waiting for it, then maybe conclude the stage. */
export function afterCaseConcluded(run: Run): void {
  settleWaitingCases(run);
  concludeStageIfDone(run);
}

/**
 * 前置事项: a waiting case starts once all its prerequisites concluded approved; it is refused at
 * once when one of them concluded refused or withdrawn. Refusals cascade, hence the loop.
 */
function settleWaitingCases(run: Run): void {
  const byCode = new Map(run.state.cases.map((c) => [c.matterCode, c]));
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of run.state.cases) {
      if (c.status !== 'waiting') continue;
      const prerequisites = c.prerequisites.map((code) => {
        const p = byCode.get(code);
        if (!p) throw new Error(`case ${c.id}: prerequisite ${code} is not a case of the application`);
        return p;
      });
      const failed = prerequisites.find((p) => p.status === 'refused' || p.status === 'withdrawn');
      if (failed) {
        concludeCase(run, c, 'refused', {
          reason: `前置事项 ${failed.matterCode}（${failed.matterName}）未获批准 / prerequisite ${failed.matterCode} was not approved`,
          prerequisite: failed.matterCode,
        });
        changed = true;
      } else if (prerequisites.every(isCaseApproved)) {
        startCase(run, c);
      }
    }
  }
}

/** When every case concluded, the stage (申报) concludes — exactly once. */
function concludeStageIfDone(run: Run): void {
  const s = run.state;
  if (s.status !== 'accepted' || s.cases.length === 0 || !s.cases.every(isCaseConcluded)) return;
  s.status = 'concluded';
  s.concludedAt = run.now;
  s.outcome = s.cases.every(isCaseApproved) ? 'approved' : s.cases.every((c) => c.status === 'refused') ? 'refused' : 'partial';
  run.emit('StageConcluded', { nationalCode: nationalCodeOfApplication(s), data: { outcome: s.outcome } });
}

// ---------------------------------------------------------------------------------------------
// Pauses (clock stops: 补正 and 特别程序).

export function openPause(run: Run, c: CaseState, pause: Omit<Pause, 'from' | 'to'>): void {
  c.pauses.push({ ...pause, from: run.now, to: null });
}

export function closePause(run: Run, c: CaseState): Pause | null {
  const open = c.pauses.find((p) => p.to === null) ?? null;
  if (open) open.to = run.now;
  return open;
}

// ---------------------------------------------------------------------------------------------
// Who did what, derived from the tasks (no extra state).

/** The user who completed a task of `stepKey` last, or null. */
export function latestCompleter(c: CaseState, stepKey: string): number | null {
  let best: TaskState | null = null;
  for (const t of c.tasks) {
    if (t.stepKey !== stepKey || t.status !== 'done' || t.completedAt === null) continue;
    if (best === null || instantMs(t.completedAt) >= instantMs(best.completedAt ?? '')) best = t;
  }
  return best?.completedBy ?? null;
}

/**
 * The user whose completion decided a (complete) round: the latest completion. When several
 * completions share the latest instant and were made by different users, nobody can tell who
 * came last, and null is returned (the safe answer for 撤回).
 */
export function decidingCompleter(tasks: readonly TaskState[]): number | null {
  const done = tasks.filter((t) => t.status === 'done' && t.completedAt !== null);
  if (done.length === 0) return null;
  const latest = Math.max(...done.map((t) => instantMs(t.completedAt ?? '')));
  const users = new Set(done.filter((t) => instantMs(t.completedAt ?? '') === latest).map((t) => t.completedBy));
  if (users.size !== 1) return null;
  return [...users][0] ?? null;
}

/** How a round was entered: the origin of its first task ('step' = start or StepAdvanced). */
export function entryOrigin(c: CaseState, round: number): TaskState['origin'] | null {
  return c.tasks.find((t) => t.round === round)?.origin ?? null;
}

/**
 * The proposal in force while round `round` ran, derived from the tasks: null for the first
 * round and after a 退回; the decision of the previous round after an advance; after a 撤回 the
 * proposal of the round that was re-entered (two rounds back).
 */
export function proposalDuring(c: CaseState, round: number): Decision | null {
  let r = round;
  for (;;) {
    if (r <= 1) return null;
    const origin = entryOrigin(c, r);
    if (origin === 'withdraw') {
      r -= 2;
      continue;
    }
    if (origin === 'step') return roundDecision(roundTasks(c, r - 1));
    return null;
  }
}
