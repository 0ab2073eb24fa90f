import { ErrorCode } from '@tongban/contracts';
import type { ApplicationState, CaseState, Pause, ProcedureDefinition, TaskState, WorkflowEvent } from '@tongban/engine';
import type { ApplicationRow, ApprovalCaseRow, TaskRow } from '../../db/schema.ts';
import type { Executor, Tx } from '../../db/transaction.ts';
import { AppError } from '../../lib/errors.ts';

const iso = (d: Date | string | null) => (d === null ? null : typeof d === 'string' ? new Date(d).toISOString() : d.toISOString());

/** Procedure versions are immutable: one cache per process is enough. */
const procedureCache = new Map<number, ProcedureDefinition>();

export async function procedureById(db: Executor, id: number): Promise<ProcedureDefinition> {
  const hit = procedureCache.get(id);
  if (hit) return hit;
  const row = await db.selectFrom('procedure_definition').select(['definition']).where('id', '=', id).executeTakeFirstOrThrow();
  const def = row.definition as ProcedureDefinition;
  procedureCache.set(id, def);
  return def;
}

export function taskFromRow(t: TaskRow): TaskState {
  return {
    id: t.id,
    caseId: t.case_id,
    stepKey: t.step_key,
    round: t.round,
    role: t.role,
    departmentId: t.department_id,
    status: t.status,
    assigneeId: t.assignee_id,
    claimed: t.claimed,
    delegatedTo: t.delegated_to,
    delegateOpinion: t.delegate_opinion,
    origin: t.origin as TaskState['origin'],
    decision: t.decision,
    opinion: t.opinion,
    createdAt: iso(t.created_at)!,
    completedAt: iso(t.completed_at),
    completedBy: t.completed_by,
    version: t.version,
  };
}

export interface LoadedApplication {
  row: ApplicationRow;
  caseRows: Map<string, ApprovalCaseRow>;
  state: ApplicationState;
}

/**
 * Loads one application as the engine sees it. With `lock`, the application row is locked
 * first, so commands on one application run one after another while different applications
 * proceed in parallel. FOR NO KEY UPDATE, not FOR UPDATE: it excludes every other command on
 * the application just the same, but lets foreign-key checks of rows that merely reference the
 * application (FOR KEY SHARE) through. The clock warning job locks a case, then inserts a
 * notification referencing its application; with FOR UPDATE, a command holding the
 * application and waiting for that case deadlocked with it (a 409 under load).
 */
export async function loadApplication(db: Executor, id: number, lock: boolean): Promise<LoadedApplication | null> {
  let q = db.selectFrom('application').selectAll().where('id', '=', id);
  if (lock) q = q.forNoKeyUpdate();
  const row = await q.executeTakeFirst();
  if (!row) return null;
  const caseRows = await db.selectFrom('approval_case').selectAll().where('application_id', '=', id).orderBy('seq').execute();
  const taskRows = caseRows.length ? await db.selectFrom('task').selectAll().where('application_id', '=', id).orderBy('created_at').orderBy('id').execute() : [];
  const cases: CaseState[] = [];
  for (const c of caseRows) {
    cases.push({
      id: c.id,
      matterCode: c.matter_code,
      matterName: c.matter_name,
      departmentId: c.department_id,
      procedure: await procedureById(db, c.procedure_id),
      prerequisites: c.prerequisites,
      status: c.status as CaseState['status'],
      stepKey: c.step_key,
      round: c.round,
      proposal: c.proposal as CaseState['proposal'],
      startedAt: iso(c.started_at),
      concludedAt: iso(c.concluded_at),
      pauses: c.pauses as unknown as Pause[],
      tasks: taskRows.filter((t) => t.case_id === c.id).map(taskFromRow),
      version: c.version,
    });
  }
  const state: ApplicationState = {
    id: String(row.id),
    status: row.status as ApplicationState['status'],
    supplementItems: row.supplement_items as ApplicationState['supplementItems'],
    deficiency: row.deficiency as ApplicationState['deficiency'],
    acceptedAt: iso(row.accepted_at),
    concludedAt: iso(row.concluded_at),
    outcome: row.outcome as ApplicationState['outcome'],
    cases,
    version: row.version,
  };
  return { row, caseRows: new Map(caseRows.map((c) => [c.id, c])), state };
}

/** What the service adds to a case row the engine does not know about. */
export interface CaseExtras {
  seq: number;
  matterId: number;
  matterVersionId: number;
  regionCode: string;
  procedureId: number;
  limitKind: 'working' | 'calendar';
  limitDays: number;
  legalLimitDays: number;
}

export interface CaseClockColumns {
  due_date: string | null;
  warn_date: string | null;
  provisional: boolean;
}

const taskValues = (t: TaskState) => ({
  step_key: t.stepKey,
  round: t.round,
  role: t.role,
  department_id: t.departmentId,
  status: t.status,
  assignee_id: t.assigneeId,
  claimed: t.claimed,
  delegated_to: t.delegatedTo,
  delegate_opinion: t.delegateOpinion,
  origin: t.origin,
  decision: t.decision,
  opinion: t.opinion,
  created_at: t.createdAt,
  completed_at: t.completedAt,
  completed_by: t.completedBy,
  version: t.version,
});

const caseValues = (c: CaseState, nationalCode: number) => ({
  status: c.status,
  national_code: nationalCode,
  step_key: c.stepKey,
  round: c.round,
  proposal: c.proposal,
  started_at: c.startedAt,
  concluded_at: c.concludedAt,
  pauses: JSON.stringify(c.pauses),
  prerequisites: JSON.stringify(c.prerequisites),
  version: c.version,
});

/**
 * Writes what a command changed: the application row, new and changed cases and tasks, each
 * guarded by the version it was loaded with (a write that finds another version means a
 * concurrent change slipped past the lock: CONFLICT, and the transaction rolls back).
 */
export async function saveChanges(
  trx: Tx,
  before: ApplicationState,
  after: ApplicationState,
  appColumns: { national_code: number | null; [k: string]: unknown },
  /** dueDateBefore: the stored due date of an existing case (undefined: unknown, treat as moved). */
  caseColumns: (c: CaseState) => { nationalCode: number; clock: CaseClockColumns; dueDateBefore?: string | null; extras?: CaseExtras },
  now: Date,
): Promise<void> {
  const conflict = () => new AppError(ErrorCode.CONFLICT);
  const id = Number(after.id);
  const app = await trx
    .updateTable('application')
    .set({
      status: after.status,
      supplement_items: after.supplementItems === null ? null : JSON.stringify(after.supplementItems),
      deficiency: after.deficiency === null ? null : JSON.stringify(after.deficiency),
      accepted_at: after.acceptedAt,
      concluded_at: after.concludedAt,
      outcome: after.outcome,
      version: after.version,
      updated_at: now,
      ...appColumns,
    })
    .where('id', '=', id)
    .where('version', '=', before.version)
    .executeTakeFirst();
  if (Number(app.numUpdatedRows) !== 1) throw conflict();

  const oldCases = new Map(before.cases.map((c) => [c.id, c]));
  const newTasks: TaskState[] = [];
  for (const c of after.cases) {
    const prev = oldCases.get(c.id);
    const cols = caseColumns(c);
    if (!prev) {
      const x = cols.extras!;
      await trx
        .insertInto('approval_case')
        .values({
          id: c.id,
          application_id: id,
          seq: x.seq,
          matter_id: x.matterId,
          matter_version_id: x.matterVersionId,
          matter_code: c.matterCode,
          matter_name: c.matterName,
          department_id: c.departmentId,
          region_code: x.regionCode,
          procedure_id: x.procedureId,
          limit_kind: x.limitKind,
          limit_days: x.limitDays,
          legal_limit_days: x.legalLimitDays,
          ...caseValues(c, cols.nationalCode),
          ...cols.clock,
          created_at: now,
          updated_at: now,
        })
        .execute();
      newTasks.push(...c.tasks);
      continue;
    }
    if (prev.version !== c.version) {
      const r = await trx
        .updateTable('approval_case')
        .set({ ...caseValues(c, cols.nationalCode), ...cols.clock, updated_at: now })
        .where('id', '=', c.id)
        .where('version', '=', prev.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw conflict();
    }
    const oldTasks = new Map(prev.tasks.map((t) => [t.id, t]));
    for (const t of c.tasks) {
      const pt = oldTasks.get(t.id);
      if (!pt) newTasks.push(t);
      else if (pt.version !== t.version) {
        const r = await trx
          .updateTable('task')
          .set({ ...taskValues(t), due_date: cols.clock.due_date })
          .where('id', '=', t.id)
          .where('version', '=', pt.version)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw conflict();
      }
    }
    // A clock that moved (pause, resume) moves the due date its open tasks sort by. Open tasks
    // always carry their case's stored due date, so an unchanged one needs no write.
    if (prev.version !== c.version && (cols.dueDateBefore === undefined || cols.dueDateBefore !== cols.clock.due_date)) {
      await trx.updateTable('task').set({ due_date: cols.clock.due_date }).where('case_id', '=', c.id).where('status', '=', 'open').execute();
    }
  }
  if (newTasks.length) {
    const dueOf = new Map(after.cases.map((c) => [c.id, caseColumns(c).clock.due_date]));
    await trx
      .insertInto('task')
      .values(newTasks.map((t) => ({ id: t.id, application_id: id, case_id: t.caseId, ...taskValues(t), due_date: dueOf.get(t.caseId) ?? null })))
      .execute();
  }
}

export async function insertEvents(trx: Tx, applicationId: number, events: WorkflowEvent[]): Promise<void> {
  if (!events.length) return;
  await trx
    .insertInto('workflow_event')
    .values(
      events.map((e) => ({
        application_id: applicationId,
        case_id: e.caseId,
        task_id: e.taskId,
        type: e.type,
        national_code: e.nationalCode,
        actor_id: e.actorId,
        at: e.at,
        data: JSON.stringify(e.data),
      })),
    )
    .execute();
}

/** Display names of users, for views. */
export async function userNames(db: Executor, ids: Iterable<number | null | undefined>): Promise<Map<number, string>> {
  const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
  if (!list.length) return new Map();
  const rows = await db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

