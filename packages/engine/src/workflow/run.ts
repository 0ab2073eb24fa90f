/**
 * The working context of one `decide` call (a mutable clone of the state, the events emitted so
 * far) and the small guards and queries the command modules share. Internal to the engine.
 */
import {
  WorkflowError,
  type Actor,
  type ApplicationState,
  type CaseState,
  type CaseStatus,
  type DecideContext,
  type StepDefinition,
  type TaskState,
  type WorkflowErrorCode,
  type WorkflowEvent,
  type WorkflowEventType,
} from './types.ts';

export function fail(code: WorkflowErrorCode, zh: string, en: string): never {
  throw new WorkflowError(code, { zh, en });
}

export interface EventRef {
  caseId?: string | null;
  taskId?: string | null;
  nationalCode?: number | null;
  data?: Record<string, unknown>;
}

/** One command being decided: `state` is the caller's state cloned, mutated in place. */
export class Run {
  readonly events: WorkflowEvent[] = [];

  constructor(
    readonly state: ApplicationState,
    readonly ctx: DecideContext,
  ) {}

  get actor(): Actor {
    return this.ctx.actor;
  }

  get now(): string {
    return this.ctx.now;
  }

  emit(type: WorkflowEventType, ref: EventRef = {}): void {
    this.events.push({
      type,
      at: this.ctx.now,
      actorId: this.ctx.actor.userId,
      caseId: ref.caseId ?? null,
      taskId: ref.taskId ?? null,
      nationalCode: ref.nationalCode ?? null,
      data: ref.data ?? {},
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Guards.

const ROLE_NAMES: Record<Actor['role'], string> = {
  applicant: '申请人',
  clerk: '窗口人员',
  reviewer: '审核人员',
  approver: '签发人员',
  supervisor: '监察人员',
  admin: '管理员',
};

/** The actor's role must be one of `roles` (admin is not special in the engine) → else NOT_ALLOWED. */
export function requireRole(actor: Actor, roles: readonly Actor['role'][], zhWhat: string, enWhat: string): void {
  if (roles.includes(actor.role)) return;
  fail('NOT_ALLOWED', `只有${roles.map((r) => ROLE_NAMES[r]).join('或')}可以${zhWhat}`, `Only ${roles.join(' or ')} may ${enWhat}`);
}

/** A required free text (reason, opinion…): non-empty after trimming → else INVALID_COMMAND. Returns it trimmed. */
export function requireText(value: unknown, zhField: string, enField: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail('INVALID_COMMAND', `${zhField}不能为空`, `${enField} is required`);
  return value.trim();
}

/** A user id named by a command (transfer/delegate/addSigner target). */
export function requireUserId(value: unknown, actor: Actor): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail('INVALID_COMMAND', '目标用户无效', 'The target user id is invalid');
  if (value === actor.userId) fail('INVALID_COMMAND', '不能指定自己', 'The target user must be someone else');
  return value;
}

export function findCase(state: ApplicationState, caseId: unknown): CaseState {
  const c = state.cases.find((x) => x.id === caseId);
  if (!c) fail('INVALID_COMMAND', '办件不存在', `Unknown case ${String(caseId)}`);
  return c;
}

export function findTask(state: ApplicationState, taskId: unknown): { c: CaseState; task: TaskState } {
  for (const c of state.cases) {
    const task = c.tasks.find((t) => t.id === taskId);
    if (task) return { c, task };
  }
  fail('INVALID_COMMAND', '待办不存在', `Unknown task ${String(taskId)}`);
}

// ---------------------------------------------------------------------------------------------
// Queries over cases, steps and rounds.

const CONCLUDED: ReadonlySet<CaseStatus> = new Set<CaseStatus>(['approved', 'approved_deficiency', 'refused', 'withdrawn']);

/** The case is over (办结 or 撤件): approved (with or without 容缺), refused or withdrawn. */
export function isCaseConcluded(c: CaseState): boolean {
  return CONCLUDED.has(c.status);
}

export function isCaseApproved(c: CaseState): boolean {
  return c.status === 'approved' || c.status === 'approved_deficiency';
}

export function stepIndex(c: CaseState, key: string): number {
  return c.procedure.steps.findIndex((s) => s.key === key);
}

export function stepOf(c: CaseState, key: string): StepDefinition {
  const step = c.procedure.steps.find((s) => s.key === key);
  if (!step) throw new Error(`step ${key} is not in procedure ${c.procedure.code}`);
  return step;
}

/** The step the case is in; only call while it is in one (handling/supplement/special). */
export function currentStep(c: CaseState): StepDefinition {
  if (c.stepKey === null) throw new Error(`case ${c.id} is not in a step`);
  return stepOf(c, c.stepKey);
}

/** Tasks of one step round. Rounds are numbered case-wide, so a round is exactly one step entry. */
export function roundTasks(c: CaseState, round: number): TaskState[] {
  return c.tasks.filter((t) => t.round === round);
}

/**
 * Whether `userId` already has a part in round `round` through a task other than `except`:
 * assignee or delegate of a live task, or the one who completed it. One user may hold only one
 * task of a step round — otherwise one person could sign a 会签 twice.
 */
export function hasOtherTaskInRound(c: CaseState, round: number, userId: number, except: TaskState | null): boolean {
  return roundTasks(c, round).some(
    (t) =>
      t !== except &&
      t.status !== 'cancelled' &&
      (t.assigneeId === userId || t.delegatedTo === userId || t.completedBy === userId),
  );
}

/**
 * A deep copy of JSON-safe data (the whole state is JSON-safe by contract). Used instead of
 * structuredClone, which is not part of the engine's ES-only lib; it also keeps key order.
 */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Instants are ISO-8601 strings; compare them as instants. */
export function instantMs(iso: string): number {
  return Date.parse(iso);
}
