import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ErrorCode } from '@tongban/contracts';
import {
  decide,
  localDate,
  nationalCodeOfApplication,
  nationalCodeOfCase,
  readClock,
  WorkflowError,
  type ApplicationState,
  type CaseState,
  type Pause,
  type Command,
  type WorkflowEvent,
  type WorkingCalendar,
} from '@tongban/engine';
import type { DB } from '../../db/schema.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { WriteBatch } from '../../db/write-batch.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { RequestContext } from '../accounts/actor.ts';
import { assertCanReadApplication } from './access.ts';
import type { CalendarService } from './calendar.service.ts';
import { loadApplication, saveChanges, taskClock, type CaseClockColumns, type CaseExtras, type LoadedApplication } from './workflow.repository.ts';
import { notifyForEvents } from './notifications.ts';

export const APPLICATION = { zh: '申报', en: 'Application' };
export const TASK = { zh: '待办', en: 'Task' };

const ERROR_MAP: Record<WorkflowError['code'], ErrorCode> = {
  INVALID_TRANSITION: ErrorCode.INVALID_STATE,
  CONFLICT: ErrorCode.CONFLICT,
  NOT_ALLOWED: ErrorCode.FORBIDDEN,
  INVALID_COMMAND: ErrorCode.VALIDATION_FAILED,
};

export interface Prepared {
  command: Command;
  /** Row facts of cases the command creates (accept). */
  extras?: Map<string, CaseExtras>;
  /** Extra application columns to write with the change. */
  columns?: Record<string, unknown>;
}

export interface RunResult {
  applicationId: number;
  version: number;
  events: WorkflowEvent[];
}

/**
 * Runs one engine command as a transaction: lock the application, load its state, check the
 * caller may see it, decide, then write state, tasks, events, clocks, notifications and the
 * audit record together. Two commands on one application run one after the other; a stale
 * `expectedVersion` or a task someone else finished first is a CONFLICT.
 */
export class WorkflowRunner {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly calendars: CalendarService,
  ) {}

  /**
   * `target`: the application's id, or `{ taskId }` for task commands: the application is then
   * found through the task under the lock, and an unknown task is a 404 of the task.
   */
  async run(ctx: RequestContext, target: number | { taskId: string }, prepare: (loaded: LoadedApplication, trx: Tx) => Promise<Prepared> | Prepared): Promise<RunResult> {
    const actor = ctx.actor!;
    const calendar = await this.calendars.calendar();
    const key = typeof target === 'number' ? { applicationId: target } : target;
    return inTransaction(this.db, async (trx) => {
      const loaded = await loadApplication(trx, key, true);
      if (!loaded) throw notFound('taskId' in key ? TASK : APPLICATION);
      const applicationId = loaded.row.id;
      // The case rows were just read under the lock: the department check needs no query of its own.
      await assertCanReadApplication(trx, actor, loaded.row, { caseDepartmentIds: [...loaded.caseRows.values()].map((c) => c.department_id) });
      const { command, extras, columns } = await prepare(loaded, trx);
      const now = this.clock.now();
      let result;
      try {
        result = decide(loaded.state, command, { actor: { userId: actor.userId, role: actor.role === 'agency' ? 'applicant' : actor.role, departmentId: actor.departmentId }, now: now.toISOString(), newId: randomUUID });
      } catch (err) {
        if (err instanceof WorkflowError) throw new AppError(ERROR_MAP[err.code], err.messages);
        throw err;
      }
      const after = result.state;
      const appColumns: Record<string, unknown> & { national_code: number | null } = { national_code: nationalCodeOfApplication(after), ...columns };
      if (after.acceptedAt && !loaded.row.accepted_at) {
        appColumns.stage_due_date = calendar.addWorkingDays(localDate(after.acceptedAt), loaded.row.stage_limit_days);
        appColumns.accepted_by = actor.userId;
      }
      if (command.type === 'submit') appColumns.submitted_at = now;
      const caseColumns = (c: CaseState) => {
        const row = loaded.caseRows.get(c.id);
        const x = extras?.get(c.matterCode);
        const limit = row ? { kind: row.limit_kind, days: row.limit_days } : { kind: x!.limitKind, days: x!.limitDays };
        return { nationalCode: nationalCodeOfCase(c), clock: clockColumns(calendar, c, limit, this.calendars.warnDays, now), ...(row && { dueDateBefore: row.due_date }), ...(x && { extras: x }) };
      };
      const batch = new WriteBatch();
      await saveChanges(trx, loaded.state, after, appColumns, caseColumns, now, result.events, batch);
      notifyForEvents(trx, loaded.row, after, result.events, now, batch);
      // The audit event goes into the same statement as the change (its chain head is claimed
      // first, one statement); a missed version guard rolls both back.
      await this.audit.recordInBatch(trx, ctx, {
        chainKey: `application:${applicationId}`,
        action: `application.${command.type}`,
        targetType: 'application',
        targetId: applicationId,
        regionCode: loaded.row.region_code,
        summary: auditSummary(command, result.events, loaded.state, after),
      }, batch);
      if (!(await batch.execute(trx))) throw new AppError(ErrorCode.CONFLICT);
      return { applicationId, version: after.version, events: result.events };
    });
  }

  /** Recomputes the stored clock columns of every running case (after a calendar change). */
  async recomputeClocks(trx: Tx, calendar: WorkingCalendar): Promise<number> {
    const rows = await trx.selectFrom('approval_case').select(['id', 'started_at', 'limit_kind', 'limit_days', 'pauses', 'status']).where('status', 'in', ['handling', 'supplement', 'special']).execute();
    const now = this.clock.now();
    for (const r of rows) {
      const cols = clockColumns(calendar, { startedAt: r.started_at?.toISOString() ?? null, pauses: r.pauses as Pause[], concludedAt: null }, { kind: r.limit_kind, days: r.limit_days }, this.calendars.warnDays, now);
      await trx.updateTable('approval_case').set(cols).where('id', '=', r.id).execute();
      await trx.updateTable('task').set(taskClock(cols)).where('case_id', '=', r.id).where('status', '=', 'open').execute();
    }
    return rows.length;
  }
}

export function clockColumns(calendar: WorkingCalendar, c: Pick<CaseState, 'startedAt' | 'pauses' | 'concludedAt'>, limit: { kind: 'working' | 'calendar'; days: number }, warnDays: number, now: Date): CaseClockColumns {
  if (!c.startedAt) return { due_date: null, warn_date: null, provisional: false };
  const r = readClock(calendar, { startedAt: c.startedAt, limitDays: limit.days, limitKind: limit.kind, pauses: c.pauses, warnDays, asOf: now.toISOString(), stoppedAt: c.concludedAt });
  return { due_date: r.dueDate, warn_date: r.warnDate, provisional: r.provisional };
}

function auditSummary(command: Command, events: WorkflowEvent[], before: ApplicationState, after: ApplicationState): Record<string, unknown> {
  const { type, ...args } = command as Command & Record<string, unknown>;
  const brief = Object.fromEntries(Object.entries(args).filter(([k]) => k !== 'cases'));
  return {
    command: type,
    ...brief,
    ...(command.type === 'accept' && { cases: command.cases.map((c) => c.matterCode) }),
    status: before.status === after.status ? after.status : `${before.status} → ${after.status}`,
    events: events.map((e) => e.type + (e.caseId ? `@${e.caseId.slice(0, 8)}` : '')),
  };
}

