/**
 * The parallel approval engine (并联审批): `decide(state, command, ctx) → { state, events }`.
 *
 * Pure: the input state is never mutated (the command works on a deep clone, which is
 * simply dropped when a WorkflowError is thrown), time comes from `ctx.now`, ids from
 * `ctx.newId()`. See types.ts for the data and the modules beside this one for the rules:
 * application-commands.ts (申报, 窗口), task-commands.ts (待办), case-commands.ts (撤回, 补正,
 * 特别程序), flow.ts (steps, rounds, 办结, 前置事项).
 *
 * Versions: every successful command bumps the application's version by 1, and the version of
 * each task and case it changed (a case counts as changed when any of its tasks did) by 1.
 * New cases and tasks start at version 1.
 */
import { accept, endWindowSupplement, rejectAtWindow, requestWindowSupplement, satisfyDeficiency, submit, withdraw } from './application-commands.ts';
import { endCaseSupplement, endSpecial, requestCaseSupplement, startSpecial, withdrawStep } from './case-commands.ts';
import { cloneJson, fail, Run } from './run.ts';
import { addSigner, claim, complete, delegate, returnTask, transfer } from './task-commands.ts';
import type { ApplicationState, Command, DecideContext, DecideResult } from './types.ts';

export { canActOnTask, emptyApplication, nationalCodeOfApplication, nationalCodeOfCase, openTasks } from './queries.ts';

export function decide(state: ApplicationState, command: Command, ctx: DecideContext): DecideResult {
  const run = new Run(cloneJson(state), ctx);
  apply(run, command);
  bumpVersions(state, run.state);
  return { state: run.state, events: run.events };
}

function apply(run: Run, command: Command): void {
  switch (command.type) {
    case 'submit':
      return submit(run);
    case 'withdraw':
      return withdraw(run, command);
    case 'requestSupplement':
      return command.caseId === null || command.caseId === undefined ? requestWindowSupplement(run, command) : requestCaseSupplement(run, command);
    case 'endSupplement':
      return command.caseId === null || command.caseId === undefined ? endWindowSupplement(run) : endCaseSupplement(run, command);
    case 'accept':
      return accept(run, command);
    case 'notAccept':
    case 'refuse':
      return rejectAtWindow(run, command);
    case 'satisfyDeficiency':
      return satisfyDeficiency(run);
    case 'claim':
      return claim(run, command);
    case 'complete':
      return complete(run, command);
    case 'return':
      return returnTask(run, command);
    case 'transfer':
      return transfer(run, command);
    case 'delegate':
      return delegate(run, command);
    case 'addSigner':
      return addSigner(run, command);
    case 'withdrawStep':
      return withdrawStep(run, command);
    case 'startSpecial':
      return startSpecial(run, command);
    case 'endSpecial':
      return endSpecial(run, command);
  }
  // Only reachable with a command that is not a Command (untyped input).
  fail('INVALID_COMMAND', '未知的指令', `Unknown command ${String((command as { type?: unknown }).type)}`);
}

/** Bumps versions of the application and of every existing case and task that changed. */
function bumpVersions(before: ApplicationState, after: ApplicationState): void {
  after.version = before.version + 1;
  const oldCases = new Map(before.cases.map((c) => [c.id, c]));
  for (const c of after.cases) {
    const old = oldCases.get(c.id);
    if (!old) continue;
    const oldTasks = new Map(old.tasks.map((t) => [t.id, t]));
    for (const t of c.tasks) {
      const oldTask = oldTasks.get(t.id);
      if (oldTask && !sameJson(oldTask, t)) t.version = oldTask.version + 1;
    }
    if (!sameJson(old, c)) c.version = old.version + 1;
  }
}

/** The clone keeps key order, so equal JSON means unchanged. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
