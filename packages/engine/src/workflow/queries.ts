/**
 * Read-only questions about an application's state, shared by the engine and the server
 * (which lists 待办, shows national codes and checks who may act before loading a form).
 */
import type { Actor, ApplicationState, CaseState, TaskState } from './types.ts';

/** A fresh draft application (申报) with nothing in it. */
export function emptyApplication(id: string): ApplicationState {
  return {
    id,
    status: 'draft',
    supplementItems: null,
    deficiency: null,
    acceptedAt: null,
    concludedAt: null,
    outcome: null,
    cases: [],
    version: 0,
  };
}

/** Every open task (待办) of the application, case by case. */
export function openTasks(state: ApplicationState): TaskState[] {
  return state.cases.flatMap((c) => c.tasks.filter((t) => t.status === 'open'));
}

/** The national 办理状态 code of the application; null for a draft (not yet submitted). */
export function nationalCodeOfApplication(state: ApplicationState): number | null {
  switch (state.status) {
    case 'draft':
      return null;
    case 'received':
      return 1;
    case 'supplement':
      return 6;
    case 'accepted':
      return 3;
    case 'not_accepted':
      return 4;
    case 'refused':
      return 5;
    case 'withdrawn':
      // 撤回 before acceptance (2) or 撤件 after (14).
      return state.acceptedAt === null ? 2 : 14;
    case 'concluded':
      return state.outcome === 'approved' ? 11 : 13;
  }
}

/** The national 办理状态 code of a case (办件). */
export function nationalCodeOfCase(c: CaseState): number {
  switch (c.status) {
    case 'waiting':
      return 3;
    case 'handling':
      return 8;
    case 'supplement':
      return 6;
    case 'special':
      return 9;
    case 'approved':
      return 11;
    case 'approved_deficiency':
      return 12;
    case 'refused':
      return 13;
    case 'withdrawn':
      return 14;
  }
}

/**
 * Whether `actor` may act on `task` now (leaving aside the task's and case's status):
 * - a delegated task (委派) is held by its delegate only;
 * - an assigned task by its assignee;
 * - a pool task (no assignee) by any user of the task's role in the task's department.
 */
export function canActOnTask(task: TaskState, actor: Actor): boolean {
  if (task.delegatedTo !== null) return task.delegatedTo === actor.userId;
  if (task.assigneeId !== null) return task.assigneeId === actor.userId;
  return actor.role === task.role && actor.departmentId === task.departmentId;
}
