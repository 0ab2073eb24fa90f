/**
 * Commands on one task (待办): 签收 claim, 办理 complete, 退回 return, 转办 transfer, 委派 delegate,
 * 加签 addSigner. All share the same checks first (see `openTaskFor`).
 *
 * Who may act:
 * - the task's holder (`canActOnTask`): its delegate while delegated, else its assignee, else
 *   (a pool task) any user of its role in its department;
 * - a delegate may only complete (their opinion is advisory and goes back to the assignee):
 *   return, transfer, delegate and addSigner need the holder proper (a strict choice);
 * - acting on a pool task (complete, delegate, addSigner) claims it implicitly;
 * - one user may hold only one task of a step round (claiming, being transferred, delegated or
 *   added a second one → NOT_ALLOWED), so nobody signs a 会签 twice.
 */
import { createTask, enterStep, latestCompleter, settleRound, cancelTask } from './flow.ts';
import { canActOnTask } from './queries.ts';
import { currentStep, fail, findTask, hasOtherTaskInRound, requireRole, requireText, requireUserId, roundTasks, stepOf, type Run } from './run.ts';
import type { Actor, CaseState, Command, TaskState } from './types.ts';

type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

const DEPARTMENT_ROLES: readonly Actor['role'][] = ['reviewer', 'approver'];

/**
 * The checks shared by task commands, in this order: the task exists (INVALID_COMMAND); its
 * version is the expected one (CONFLICT); it is still open — otherwise someone else completed or
 * cancelled it meanwhile (CONFLICT); its case is handling — not paused by 补正 or 特别程序
 * (INVALID_TRANSITION); the application is accepted (INVALID_TRANSITION).
 */
function openTaskFor(run: Run, cmd: { taskId: string; expectedVersion?: number }): { c: CaseState; task: TaskState } {
  const { c, task } = findTask(run.state, cmd.taskId);
  if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== task.version) {
    fail('CONFLICT', '待办已被他人更新，请刷新后重试', `Task ${task.id} changed (version ${task.version}, expected ${cmd.expectedVersion})`);
  }
  if (task.status !== 'open') {
    fail('CONFLICT', task.status === 'done' ? '该待办已办理' : '该待办已取消', `Task ${task.id} is ${task.status === 'done' ? 'already completed' : 'cancelled'}`);
  }
  if (c.status === 'supplement' || c.status === 'special') {
    fail(
      'INVALID_TRANSITION',
      `办件${c.status === 'supplement' ? '补正' : '特别程序'}期间计时暂停，不能办理待办`,
      `The clock is paused (${c.status}): the task cannot be acted on until it resumes`,
    );
  }
  if (c.status !== 'handling') fail('INVALID_TRANSITION', '办件不在办理中', `Case ${c.id} is not being handled (${c.status})`);
  if (run.state.status !== 'accepted') fail('INVALID_TRANSITION', '申报不在办理中', `The application is ${run.state.status}`);
  return { c, task };
}

function requireCanAct(task: TaskState, actor: Actor): void {
  if (!canActOnTask(task, actor)) fail('NOT_ALLOWED', '您不是该待办的办理人', 'You do not hold this task');
}

/** The holder proper: may act on it, and is not merely its delegate. */
function requireHolder(task: TaskState, actor: Actor, zhWhat: string): void {
  requireCanAct(task, actor);
  if (task.delegatedTo === actor.userId) {
    fail('NOT_ALLOWED', `受委派人只能提出办理意见，不能${zhWhat}`, 'A delegate may only give an opinion on the task');
  }
}

/** Nobody may hold two tasks of one step round. */
function requireNoOtherTask(c: CaseState, task: TaskState, userId: number, except: TaskState | null): void {
  if (hasOtherTaskInRound(c, task.round, userId, except)) {
    fail('NOT_ALLOWED', '同一用户不能在同一步骤中持有两个待办', `User ${userId} already has a task of this step round`);
  }
}

/** Acting on a task claims it; a pool task becomes the actor's. */
function takeTask(c: CaseState, task: TaskState, actor: Actor): void {
  if (task.assigneeId === null) {
    requireNoOtherTask(c, task, actor.userId, task);
    task.assigneeId = actor.userId;
  }
  task.claimed = true;
}

function taskData(task: TaskState, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { stepKey: task.stepKey, round: task.round, ...extra };
}

// ---------------------------------------------------------------------------------------------

/**
 * 签收: a pool task by a user of its role and department, or a task assigned to the actor but
 * not yet claimed (after 退回 or 转办). Claimed by someone else → CONFLICT; assigned to someone
 * else → NOT_ALLOWED; already claimed by the actor → INVALID_TRANSITION.
 */
export function claim(run: Run, cmd: CommandOf<'claim'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '签收待办', 'claim a task');
  const { c, task } = openTaskFor(run, cmd);
  const me = run.actor.userId;
  if (task.assigneeId === me || task.delegatedTo === me) {
    if (task.claimed || task.delegatedTo === me) fail('INVALID_TRANSITION', '您已签收该待办', 'You already hold this task');
  } else if (task.assigneeId !== null) {
    if (task.claimed) fail('CONFLICT', '该待办已被他人签收', 'Someone else claimed this task');
    fail('NOT_ALLOWED', '该待办已指派给他人', 'This task is assigned to someone else');
  } else {
    requireCanAct(task, run.actor);
    requireNoOtherTask(c, task, me, task);
    task.assigneeId = me;
  }
  task.claimed = true;
  run.emit('TaskClaimed', { caseId: c.id, taskId: task.id, data: taskData(task) });
}

/**
 * 办理: the holder completes with a decision and an opinion, then the round is settled (see
 * `settleRound`). A delegate's completion only sends the task back to the assignee with the
 * delegate's opinion (their decision is advisory, kept in the event).
 */
export function complete(run: Run, cmd: CommandOf<'complete'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '办理待办', 'complete a task');
  if (cmd.decision !== 'approve' && cmd.decision !== 'refuse') fail('INVALID_COMMAND', '办理结论必须是同意或不同意', 'decision must be approve or refuse');
  const opinion = requireText(cmd.opinion, '办理意见', 'opinion');
  const { c, task } = openTaskFor(run, cmd);
  requireCanAct(task, run.actor);

  if (task.delegatedTo === run.actor.userId) {
    task.delegatedTo = null;
    task.delegateOpinion = opinion;
    run.emit('TaskReturnedFromDelegate', {
      caseId: c.id,
      taskId: task.id,
      data: taskData(task, { delegateId: run.actor.userId, assigneeId: task.assigneeId, decision: cmd.decision, opinion }),
    });
    return;
  }

  takeTask(c, task, run.actor);
  task.status = 'done';
  task.decision = cmd.decision;
  task.opinion = opinion;
  task.completedAt = run.now;
  task.completedBy = run.actor.userId;
  run.emit('TaskCompleted', { caseId: c.id, taskId: task.id, data: taskData(task, { decision: cmd.decision, opinion }) });
  settleRound(run, c, task);
}

/**
 * 退回 to an earlier step listed in the current step's returnTo. All open tasks of the current
 * round are cancelled (completed ones stay done, also across a partly done 会签), the proposal is
 * dropped, and the target step is entered with a new round: a one-person step goes back to
 * whoever completed it last (assigned, not claimed); otherwise pool tasks.
 */
export function returnTask(run: Run, cmd: CommandOf<'return'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '退回', 'return a task');
  const reason = requireText(cmd.reason, '退回理由', 'reason');
  if (typeof cmd.toStep !== 'string' || cmd.toStep === '') fail('INVALID_COMMAND', '请选择退回的步骤', 'toStep is required');
  const { c, task } = openTaskFor(run, cmd);
  requireHolder(task, run.actor, '退回');
  const from = currentStep(c);
  if (!from.returnTo.includes(cmd.toStep)) {
    fail('INVALID_COMMAND', `“${from.name}”不能退回到步骤 ${cmd.toStep}`, `Step ${from.key} cannot return to ${cmd.toStep}`);
  }
  const target = stepOf(c, cmd.toStep);

  for (const t of roundTasks(c, c.round)) if (t.status === 'open') cancelTask(run, c, t, 'returned');
  c.proposal = null;
  run.emit('StepReturned', { caseId: c.id, taskId: task.id, data: { from: from.key, to: target.key, reason } });
  const previous = target.signers === 1 ? latestCompleter(c, target.key) : null;
  enterStep(run, c, target.key, { origin: 'return', assigneeId: previous, claimed: false });
}

/** 转办: the holder hands the task to another user (the server checks their role and department). */
export function transfer(run: Run, cmd: CommandOf<'transfer'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '转办', 'transfer a task');
  const to = requireUserId(cmd.toUserId, run.actor);
  const reason = requireText(cmd.reason, '转办理由', 'reason');
  const { c, task } = openTaskFor(run, cmd);
  requireHolder(task, run.actor, '转办');
  requireNoOtherTask(c, task, to, task);
  const from = task.assigneeId;
  task.assigneeId = to;
  task.claimed = false;
  task.delegatedTo = null;
  run.emit('TaskTransferred', { caseId: c.id, taskId: task.id, data: taskData(task, { from, to, reason }) });
}

/** 委派: the holder asks another user for an opinion; the task comes back when they complete. */
export function delegate(run: Run, cmd: CommandOf<'delegate'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '委派', 'delegate a task');
  const to = requireUserId(cmd.toUserId, run.actor);
  const reason = requireText(cmd.reason, '委派理由', 'reason');
  const { c, task } = openTaskFor(run, cmd);
  requireHolder(task, run.actor, '委派');
  takeTask(c, task, run.actor);
  requireNoOtherTask(c, task, to, task);
  task.delegatedTo = to;
  task.delegateOpinion = null;
  run.emit('TaskDelegated', { caseId: c.id, taskId: task.id, data: taskData(task, { to, reason }) });
}

/**
 * 加签: the holder adds a signer to the current step round. From then on the round needs all its
 * tasks completed (会签 semantics), unless the step is 或签.
 */
export function addSigner(run: Run, cmd: CommandOf<'addSigner'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '加签', 'add a signer');
  const userId = requireUserId(cmd.userId, run.actor);
  const reason = requireText(cmd.reason, '加签理由', 'reason');
  const { c, task } = openTaskFor(run, cmd);
  requireHolder(task, run.actor, '加签');
  takeTask(c, task, run.actor);
  requireNoOtherTask(c, task, userId, null);
  const added = createTask(run, c, {
    stepKey: task.stepKey,
    round: task.round,
    role: task.role,
    assigneeId: userId,
    claimed: false,
    origin: 'added',
  });
  run.emit('SignerAdded', { caseId: c.id, taskId: added.id, data: taskData(added, { fromTaskId: task.id, userId, reason }) });
}
