/**
 * The parallel approval engine's data: one stage application (申报) fanning out into one case
 * (办件) per matter, each case running its department procedure as tasks (待办).
 *
 * The engine is a pure function `decide(state, command, ctx) → { state, events }`: no I/O, no
 * clock of its own, ids from `ctx.newId()`. The server loads an ApplicationState, runs a
 * command, and writes the new state, the events and an audit record in one transaction.
 *
 * All instants are ISO-8601 strings (`ctx.now`). Ids are strings (UUIDs in production).
 */

// ---------------------------------------------------------------------------------------------
// Procedures: versioned data, one per department (or the platform default).

export type StepRole = 'reviewer' | 'approver';

/** How several tasks of one step combine. */
export type SignMode =
  /** One task; its holder decides. */
  | 'single'
  /** 会签: every task must be completed; the step's decision is approve only if all approve. */
  | 'countersign'
  /** 或签: the first completion decides; the other open tasks of the step are cancelled. */
  | 'orsign';

export interface StepDefinition {
  /** Unique within the procedure, `^[a-z][a-z0-9_]{0,39}$`. */
  key: string;
  /** Chinese name shown to users, e.g. 承办, 审核, 签发. */
  name: string;
  /** Who works on the step: reviewers or approvers of the case's department. */
  role: StepRole;
  mode: SignMode;
  /** Pool tasks created when the step is entered (≥ 1; 1 for `single`). One user may hold only one task of a step round. */
  signers: number;
  /** The decision step (签发): completing it concludes the case. Exactly one step is final, and it is the last. */
  final: boolean;
  /** Earlier steps this step may return to (退回), by key. */
  returnTo: string[];
}

/** Steps run in the order given (承办 → 审核 → 签发). */
export interface ProcedureDefinition {
  code: string;
  version: number;
  name: string;
  steps: StepDefinition[];
}

// ---------------------------------------------------------------------------------------------
// State.

/**
 * National 办理状态 codes (PRODUCT.md §2). Stored beside our own status names; events carry the
 * code of what happened (7 supplement ended and 10 special procedure ended only occur as events).
 */
export const NationalCode = {
  received: 1,
  withdrawnBeforeAcceptance: 2,
  accepted: 3,
  notAccepted: 4,
  refused: 5,
  supplementStarted: 6,
  supplementEnded: 7,
  handling: 8,
  specialStarted: 9,
  specialEnded: 10,
  approved: 11,
  approvedWithDeficiency: 12,
  concludedRefused: 13,
  withdrawn: 14,
  revoked: 15,
} as const;

export type ApplicationStatus =
  /** Being filled in by the applicant; no national code yet. */
  | 'draft'
  /** Submitted, waiting for the window (1). */
  | 'received'
  /** The window asked for supplements before acceptance (6); back to `received` when supplied. */
  | 'supplement'
  /** Accepted and fanned out into cases (3); stays here until every case concludes. */
  | 'accepted'
  /** 不受理 (4), final. */
  | 'not_accepted'
  /** 不予受理 (5), final. */
  | 'refused'
  /** Withdrawn by the applicant: before acceptance (2) or after (14), final. */
  | 'withdrawn'
  /** Every case concluded (outcome tells how), final. */
  | 'concluded';

export type CaseStatus =
  /** Accepted, waiting for prerequisite matters (前置事项) to conclude approved (3). */
  | 'waiting'
  /** Department handling (8). */
  | 'handling'
  /** Department asked the applicant for supplements (6); clock paused. */
  | 'supplement'
  /** Special procedure running (9): expert review, hearing, site inspection…; clock paused. */
  | 'special'
  | 'approved' // 11
  | 'approved_deficiency' // 12
  | 'refused' // 13
  | 'withdrawn'; // 14

export type SpecialProcedureKind = 'expert_review' | 'hearing' | 'site_inspection' | 'public_notice' | 'technical_review';

export interface Pause {
  kind: 'supplement' | 'special';
  /** For special procedures. */
  procedure: SpecialProcedureKind | null;
  reason: string;
  from: string;
  /** null while running. */
  to: string | null;
}

export type Decision = 'approve' | 'refuse';

export interface TaskState {
  id: string;
  caseId: string;
  stepKey: string;
  /** Round of the step this task belongs to; a step re-entered after a return gets a new round. */
  round: number;
  role: StepRole;
  departmentId: number;
  status: 'open' | 'done' | 'cancelled';
  /** null: a pool task any user of `role` in `departmentId` may claim. */
  assigneeId: number | null;
  /** The assignee has claimed it (a task assigned by a return is assigned but not yet claimed). */
  claimed: boolean;
  /** 委派: the delegate now holds it; when the delegate completes, it comes back to the assignee. */
  delegatedTo: number | null;
  /** Opinion the delegate left, for the assignee. */
  delegateOpinion: string | null;
  /** `added` for a signer added by 加签. */
  origin: 'step' | 'added' | 'return' | 'withdraw' | 'transfer';
  decision: Decision | null;
  opinion: string | null;
  createdAt: string;
  completedAt: string | null;
  completedBy: number | null;
  /** Optimistic version: bumped on every change; commands may carry `expectedVersion`. */
  version: number;
}

export interface CaseState {
  id: string;
  matterCode: string;
  matterName: string;
  departmentId: number;
  procedure: ProcedureDefinition;
  /** Matter codes of this application that must conclude approved first. */
  prerequisites: string[];
  status: CaseStatus;
  /** Current step key while handling/supplement/special; null before start and after conclusion. */
  stepKey: string | null;
  /** Round counter of the current step entry (increments every time any step is entered). */
  round: number;
  /** Carried decision proposal of the completed steps (the final step decides). */
  proposal: Decision | null;
  /** When the clock started: acceptance, or when the last prerequisite concluded. */
  startedAt: string | null;
  concludedAt: string | null;
  pauses: Pause[];
  tasks: TaskState[];
  version: number;
}

export interface DeficiencyState {
  /** What the applicant still owes (容缺 items). */
  items: string[];
  /** Local date YYYY-MM-DD by which they must be made up. */
  deadline: string;
  satisfiedAt: string | null;
}

export interface SupplementItem {
  /** Material requirement id, when the item is a material. */
  requirementId: number | null;
  /** Form field key, when the item is a field. */
  fieldKey: string | null;
  name: string;
  reason: string;
}

export interface ApplicationState {
  id: string;
  status: ApplicationStatus;
  /** Where the latest window supplement request's items are kept (the complete list, 一次性告知). */
  supplementItems: SupplementItem[] | null;
  deficiency: DeficiencyState | null;
  acceptedAt: string | null;
  concludedAt: string | null;
  outcome: 'approved' | 'refused' | 'partial' | null;
  cases: CaseState[];
  version: number;
}

// ---------------------------------------------------------------------------------------------
// Commands.

export interface Actor {
  userId: number;
  role: 'applicant' | 'clerk' | 'reviewer' | 'approver' | 'supervisor' | 'admin';
  departmentId: number | null;
}

export interface NewCase {
  matterCode: string;
  matterName: string;
  departmentId: number;
  procedure: ProcedureDefinition;
  prerequisites: string[];
}

interface TaskCommand {
  taskId: string;
  /** When given and not equal to the task's version → CONFLICT. */
  expectedVersion?: number;
}

export type Command =
  | { type: 'submit' }
  | { type: 'withdraw'; reason: string }
  /** Window (no caseId; application `received`) or department (caseId; case `handling`, actor holds an open task of it). */
  | { type: 'requestSupplement'; caseId: string | null; items: SupplementItem[] }
  /** Applicant supplied: window supplement → `received`; case supplement → `handling`. */
  | { type: 'endSupplement'; caseId: string | null }
  | { type: 'accept'; cases: NewCase[]; deficiency: { items: string[]; deadline: string } | null }
  | { type: 'notAccept'; reason: string }
  | { type: 'refuse'; reason: string }
  | { type: 'satisfyDeficiency' }
  | ({ type: 'claim' } & TaskCommand)
  | ({ type: 'complete'; decision: Decision; opinion: string } & TaskCommand)
  | ({ type: 'return'; toStep: string; reason: string } & TaskCommand)
  | ({ type: 'transfer'; toUserId: number; reason: string } & TaskCommand)
  | ({ type: 'delegate'; toUserId: number; reason: string } & TaskCommand)
  | ({ type: 'addSigner'; userId: number; reason: string } & TaskCommand)
  /** 撤回: take back the caller's last completion while the next step has not been acted on. */
  | { type: 'withdrawStep'; caseId: string }
  | { type: 'startSpecial'; caseId: string; procedure: SpecialProcedureKind; reason: string }
  | { type: 'endSpecial'; caseId: string; result: string };

export interface DecideContext {
  actor: Actor;
  now: string;
  newId: () => string;
}

// ---------------------------------------------------------------------------------------------
// Events: what happened, for history, notifications and the national exchange projection.

export type WorkflowEventType =
  | 'ApplicationSubmitted'
  | 'ApplicationWithdrawn'
  | 'SupplementRequested'
  | 'SupplementEnded'
  | 'ApplicationAccepted'
  | 'ApplicationNotAccepted'
  | 'ApplicationRefused'
  | 'DeficiencySatisfied'
  | 'CaseWaiting'
  | 'CaseStarted'
  | 'TaskCreated'
  | 'TaskClaimed'
  | 'TaskCompleted'
  | 'TaskCancelled'
  | 'TaskTransferred'
  | 'TaskDelegated'
  | 'TaskReturnedFromDelegate'
  | 'SignerAdded'
  | 'StepAdvanced'
  | 'StepReturned'
  | 'StepWithdrawn'
  | 'SpecialStarted'
  | 'SpecialEnded'
  | 'CaseConcluded'
  | 'CaseWithdrawn'
  | 'StageConcluded';

export interface WorkflowEvent {
  type: WorkflowEventType;
  at: string;
  actorId: number;
  caseId: string | null;
  taskId: string | null;
  /** The national 办理状态 code this event corresponds to, when it is one. */
  nationalCode: number | null;
  /** Event-specific facts (reasons, opinions, step keys, items…), JSON-safe. */
  data: Record<string, unknown>;
}

export interface DecideResult {
  state: ApplicationState;
  events: WorkflowEvent[];
}

export type WorkflowErrorCode =
  /** The command does not apply in the current state (e.g. complete a cancelled task). */
  | 'INVALID_TRANSITION'
  /** The target changed since the caller saw it (done by someone else, or expectedVersion differs). */
  | 'CONFLICT'
  /** The actor may not do this here (not the holder, wrong department or role). */
  | 'NOT_ALLOWED'
  /** The command itself is malformed (unknown task, step, empty reason…). */
  | 'INVALID_COMMAND';

export class WorkflowError extends Error {
  constructor(
    readonly code: WorkflowErrorCode,
    readonly messages: { zh: string; en: string },
  ) {
    super(messages.en);
    this.name = 'WorkflowError';
  }
}
