/**
 * Commands on one case (办件): 撤回 (withdrawStep), the department's 补正 request and its end,
 * and 特别程序 (special procedures). 补正 and 特别程序 pause the case's clock: a Pause is opened,
 * the open tasks stay open but cannot be acted on until the case is handling again.
 */
import { validateSupplementItems } from './application-commands.ts';
import { cancelTask, closePause, decidingCompleter, enterStep, entryOrigin, openPause, proposalDuring } from './flow.ts';
import { canActOnTask } from './queries.ts';
import { cloneJson, fail, findCase, requireRole, requireText, roundTasks, type Run } from './run.ts';
import type { Actor, CaseState, Command, SpecialProcedureKind } from './types.ts';

type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

const DEPARTMENT_ROLES: readonly Actor['role'][] = ['reviewer', 'approver'];
const SPECIAL_KINDS: readonly SpecialProcedureKind[] = ['expert_review', 'hearing', 'site_inspection', 'public_notice', 'technical_review'];

/** The case must be handling (and the application accepted); paused or concluded → INVALID_TRANSITION. */
function requireHandling(run: Run, c: CaseState, zhWhat: string): void {
  if (c.status === 'supplement' || c.status === 'special') {
    fail('INVALID_TRANSITION', `办件${c.status === 'supplement' ? '补正' : '特别程序'}期间计时暂停，不能${zhWhat}`, `The clock is paused (${c.status})`);
  }
  if (c.status !== 'handling') fail('INVALID_TRANSITION', `办件当前状态（${c.status}）下不能${zhWhat}`, `Case ${c.id} is ${c.status}, not handling`);
  if (run.state.status !== 'accepted') fail('INVALID_TRANSITION', '申报不在办理中', `The application is ${run.state.status}`);
}

/** The actor holds an open task of the case (its current round) → else NOT_ALLOWED. */
function requireOpenTaskHolder(run: Run, c: CaseState): void {
  const holds = c.tasks.some((t) => t.status === 'open' && canActOnTask(t, run.actor));
  if (!holds) fail('NOT_ALLOWED', '只有正在办理该办件的人员可以这样做', 'Only a holder of an open task of the case may do this');
}

// ---------------------------------------------------------------------------------------------
// 撤回.

/**
 * 撤回: take back one's last completion while nobody has acted on what followed. Tried in order:
 * (a) the actor completed a task of the current round and the round is still undecided (other
 *     tasks open) → that task reopens for them;
 * (b) the current round was entered by StepAdvanced decided by the actor's completion, and none of
 *     its tasks has been touched (claimed, assigned, delegated, completed, or a signer added) →
 *     the round is cancelled and the previous step re-entered with a new round holding one task
 *     for the actor; the proposal goes back to what it was during the previous round.
 *     Because that new round holds only the actor's task, 撤回 is refused when another signer of
 *     the previous round refused (their refusal would otherwise be lost).
 * Otherwise INVALID_TRANSITION. A concluded case is not handling, so 办结 cannot be withdrawn.
 * Who decided the previous round is derived from its tasks (latest completion).
 */
export function withdrawStep(run: Run, cmd: CommandOf<'withdrawStep'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '撤回', 'withdraw a step');
  const c = findCase(run.state, cmd.caseId);
  requireHandling(run, c, '撤回');
  if (reopenOwnCompletion(run, c)) return;
  retakePreviousStep(run, c);
}

function reopenOwnCompletion(run: Run, c: CaseState): boolean {
  const me = run.actor.userId;
  const tasks = roundTasks(c, c.round);
  const mine = tasks.find((t) => t.status === 'done' && t.completedBy === me);
  if (!mine || !tasks.some((t) => t.status === 'open')) return false;
  mine.status = 'open';
  mine.decision = null;
  mine.opinion = null;
  mine.completedAt = null;
  mine.completedBy = null;
  mine.claimed = true;
  mine.assigneeId = me;
  mine.delegatedTo = null;
  run.emit('StepWithdrawn', { caseId: c.id, taskId: mine.id, data: { kind: 'reopen', stepKey: mine.stepKey, round: mine.round } });
  return true;
}

function retakePreviousStep(run: Run, c: CaseState): void {
  const me = run.actor.userId;
  const refuse = (zh: string, en: string): never => fail('INVALID_TRANSITION', zh, en);
  const current = roundTasks(c, c.round);
  const previous = roundTasks(c, c.round - 1);
  if (c.round <= 1 || entryOrigin(c, c.round) !== 'step' || decidingCompleter(previous) !== me) {
    refuse('没有可撤回的办理（当前步骤不是由您的办理推进的）', 'Nothing to withdraw: the current step was not reached by your completion');
  }
  const touched = current.some((t) => t.status !== 'open' || t.claimed || t.assigneeId !== null || t.delegatedTo !== null || t.origin === 'added');
  if (touched) refuse('下一步骤已开始办理，不能撤回', 'The next step has started; it can no longer be withdrawn');
  if (previous.some((t) => t.status === 'done' && t.completedBy !== me && t.decision === 'refuse')) {
    refuse('本步骤其他签署人已作出不同意意见，不能撤回', 'Another signer of the step refused; the step cannot be withdrawn');
  }

  const from = c.stepKey;
  const to = previous[0]?.stepKey;
  if (to === undefined) throw new Error(`case ${c.id}: round ${c.round - 1} has no tasks`);
  const restored = proposalDuring(c, c.round - 1);
  for (const t of current) if (t.status === 'open') cancelTask(run, c, t, 'step_withdrawn');
  run.emit('StepWithdrawn', { caseId: c.id, data: { kind: 'retake', from, to } });
  enterStep(run, c, to, { origin: 'withdraw', assigneeId: me, claimed: true });
  c.proposal = restored;
}

// ---------------------------------------------------------------------------------------------
// 补正 by the department.

/** 补正 requested by a holder of the case: handling → supplement (6), the clock pauses. */
export function requestCaseSupplement(run: Run, cmd: CommandOf<'requestSupplement'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '要求补正', 'request a supplement');
  const items = validateSupplementItems(cmd.items);
  const c = findCase(run.state, cmd.caseId);
  requireHandling(run, c, '要求补正');
  requireOpenTaskHolder(run, c);
  c.status = 'supplement';
  openPause(run, c, { kind: 'supplement', procedure: null, reason: items.map((i) => i.name).join('、') });
  run.emit('SupplementRequested', { caseId: c.id, nationalCode: 6, data: { items: cloneJson(items) } });
}

/** The applicant supplied: supplement → handling (7), the pause closes. */
export function endCaseSupplement(run: Run, cmd: CommandOf<'endSupplement'>): void {
  requireRole(run.actor, ['applicant'], '提交补正材料', 'end a supplement');
  const c = findCase(run.state, cmd.caseId);
  if (c.status !== 'supplement') fail('INVALID_TRANSITION', '办件不在补正中', `Case ${c.id} is ${c.status}, not in supplement`);
  c.status = 'handling';
  closePause(run, c);
  run.emit('SupplementEnded', { caseId: c.id, nationalCode: 7 });
}

// ---------------------------------------------------------------------------------------------
// 特别程序.

/** A holder of the case starts a special procedure: handling → special (9), the clock pauses. */
export function startSpecial(run: Run, cmd: CommandOf<'startSpecial'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '启动特别程序', 'start a special procedure');
  if (!SPECIAL_KINDS.includes(cmd.procedure)) fail('INVALID_COMMAND', '特别程序种类无效', `Unknown special procedure ${String(cmd.procedure)}`);
  const reason = requireText(cmd.reason, '特别程序理由', 'reason');
  const c = findCase(run.state, cmd.caseId);
  requireHandling(run, c, '启动特别程序');
  requireOpenTaskHolder(run, c);
  c.status = 'special';
  openPause(run, c, { kind: 'special', procedure: cmd.procedure, reason });
  run.emit('SpecialStarted', { caseId: c.id, nationalCode: 9, data: { procedure: cmd.procedure, reason } });
}

/** A reviewer or approver of the case's department ends it with its result: special → handling (10). */
export function endSpecial(run: Run, cmd: CommandOf<'endSpecial'>): void {
  requireRole(run.actor, DEPARTMENT_ROLES, '结束特别程序', 'end a special procedure');
  const result = requireText(cmd.result, '特别程序结果', 'result');
  const c = findCase(run.state, cmd.caseId);
  if (run.actor.departmentId !== c.departmentId) fail('NOT_ALLOWED', '只有本部门人员可以结束特别程序', 'Only the case department may end its special procedure');
  if (c.status !== 'special') fail('INVALID_TRANSITION', '办件不在特别程序中', `Case ${c.id} is ${c.status}, not in a special procedure`);
  c.status = 'handling';
  const pause = closePause(run, c);
  run.emit('SpecialEnded', { caseId: c.id, nationalCode: 10, data: { procedure: pause?.procedure ?? null, result } });
}
