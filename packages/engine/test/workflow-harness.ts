/**
 * Test harness for the workflow engine: a deterministic clock (one minute per command), counter
 * ids, a small directory of users, and a `Flow` that applies commands and keeps every event.
 */
import { decide, emptyApplication, STANDARD_PROCEDURE, WorkflowError } from '../src/index.ts';
import type { Actor, ApplicationState, CaseState, Command, DecideContext, NewCase, ProcedureDefinition, TaskState, WorkflowErrorCode, WorkflowEvent } from '../src/index.ts';

export const applicant: Actor = { userId: 1, role: 'applicant', departmentId: null };
export const clerk: Actor = { userId: 2, role: 'clerk', departmentId: null };
export const admin: Actor = { userId: 3, role: 'admin', departmentId: null };
export const supervisor: Actor = { userId: 4, role: 'supervisor', departmentId: null };

export const DEPT_A = 10;
export const DEPT_B = 20;
export const DEPT_C = 30;
export const DEPT_D = 40;

/** Department d has reviewers d*10+1 … d*10+5 and approvers d*10+6 … d*10+9 (dept 10: 101…105, 106…109). */
export function reviewer(dept: number, n = 1): Actor {
  return { userId: dept * 10 + n, role: 'reviewer', departmentId: dept };
}
export function approver(dept: number, n = 1): Actor {
  return { userId: dept * 10 + 5 + n, role: 'approver', departmentId: dept };
}
export function userById(id: number): Actor {
  if (id === applicant.userId) return applicant;
  if (id === clerk.userId) return clerk;
  const dept = Math.floor(id / 10);
  const n = id % 10;
  return n >= 1 && n <= 5 ? reviewer(dept, n) : approver(dept, n - 5);
}
export function usersOf(dept: number, role: 'reviewer' | 'approver'): Actor[] {
  return role === 'reviewer' ? [1, 2, 3, 4, 5].map((n) => reviewer(dept, n)) : [1, 2, 3, 4].map((n) => approver(dept, n));
}

export const ORSIGN_PROCEDURE: ProcedureDefinition = {
  code: 'ORSIGN',
  version: 1,
  name: '或签程序',
  steps: [
    { key: 'handle', name: '承办', role: 'reviewer', mode: 'single', signers: 1, final: false, returnTo: [] },
    { key: 'any', name: '或签', role: 'reviewer', mode: 'orsign', signers: 3, final: false, returnTo: ['handle'] },
    { key: 'sign', name: '签发', role: 'approver', mode: 'single', signers: 1, final: true, returnTo: ['handle'] },
  ],
};

export function matter(code: string, departmentId: number, procedure: ProcedureDefinition = STANDARD_PROCEDURE, prerequisites: string[] = []): NewCase {
  return { matterCode: code, matterName: `事项${code}`, departmentId, procedure, prerequisites };
}

export const ITEMS = [
  { requirementId: 7, fieldKey: null, name: '营业执照', reason: '已过期' },
  { requirementId: null, fieldKey: 'area', name: '用地面积', reason: '与附图不符' },
];

const T0 = Date.parse('2025-03-03T01:00:00.000Z');

export function errorCodeOf(fn: () => unknown): WorkflowErrorCode | 'OK' {
  try {
    fn();
    return 'OK';
  } catch (e) {
    if (e instanceof WorkflowError) return e.code;
    throw e;
  }
}

/** One application driven through the engine. */
export class Flow {
  state: ApplicationState;
  readonly events: WorkflowEvent[] = [];
  private nextId = 1;
  private minute = 0;

  constructor(id = 'app-1') {
    this.state = emptyApplication(id);
  }

  /** The context of the next command: a fresh minute and counter ids. */
  ctx(actor: Actor, now?: string): DecideContext {
    this.minute += 1;
    return { actor, now: now ?? new Date(T0 + this.minute * 60_000).toISOString(), newId: () => `id-${this.nextId++}` };
  }

  do(actor: Actor, command: Command, now?: string): WorkflowEvent[] {
    const result = decide(this.state, command, this.ctx(actor, now));
    this.state = result.state;
    this.events.push(...result.events);
    return result.events;
  }

  /** The error code the command fails with (state unchanged), or 'OK' (state applied). */
  attempt(actor: Actor, command: Command): WorkflowErrorCode | 'OK' {
    return errorCodeOf(() => this.do(actor, command));
  }

  case(matterCode: string): CaseState {
    const c = this.state.cases.find((x) => x.matterCode === matterCode);
    if (!c) throw new Error(`no case ${matterCode}`);
    return c;
  }

  open(matterCode: string): TaskState[] {
    return this.case(matterCode).tasks.filter((t) => t.status === 'open');
  }

  /** The only open task of the case. */
  task(matterCode: string): TaskState {
    const open = this.open(matterCode);
    if (open.length !== 1) throw new Error(`case ${matterCode} has ${open.length} open tasks`);
    return open[0]!;
  }

  submitAndAccept(cases: NewCase[], deficiency: { items: string[]; deadline: string } | null = null): this {
    this.do(applicant, { type: 'submit' });
    this.do(clerk, { type: 'accept', cases, deficiency });
    return this;
  }

  /** A user who may complete the task now (its holder, or a free user of the pool). */
  actorFor(task: TaskState): Actor {
    if (task.delegatedTo !== null) return userById(task.delegatedTo);
    if (task.assigneeId !== null) return userById(task.assigneeId);
    const c = this.state.cases.find((x) => x.id === task.caseId)!;
    const busy = new Set(c.tasks.filter((t) => t.round === task.round && t.status !== 'cancelled').flatMap((t) => [t.assigneeId, t.delegatedTo, t.completedBy]));
    const free = usersOf(task.departmentId, task.role).find((u) => !busy.has(u.userId));
    if (!free) throw new Error('no free user');
    return free;
  }

  /** Completes every open task of the case's current round with `decision`. */
  completeStep(matterCode: string, decision: 'approve' | 'refuse' = 'approve'): void {
    for (const t of this.open(matterCode)) {
      if (this.case(matterCode).tasks.find((x) => x.id === t.id)?.status !== 'open') continue;
      this.do(this.actorFor(t), { type: 'complete', taskId: t.id, decision, opinion: decision === 'approve' ? '同意' : '不同意' });
    }
  }

  /** Drives the case through all its steps; the last (签发) decides with `decision`. */
  conclude(matterCode: string, decision: 'approve' | 'refuse' = 'approve'): void {
    for (let i = 0; i < 50 && this.case(matterCode).status === 'handling'; i++) {
      const final = this.case(matterCode).procedure.steps.find((s) => s.key === this.case(matterCode).stepKey)?.final;
      this.completeStep(matterCode, final ? decision : 'approve');
    }
  }

  eventsOf(type: WorkflowEvent['type']): WorkflowEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}
