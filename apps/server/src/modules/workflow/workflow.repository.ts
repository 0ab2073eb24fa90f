import { sql } from 'kysely';
import type { ApplicationState, CaseState, Pause, ProcedureDefinition, TaskState, WorkflowEvent } from '@tongban/engine';
import type { ApplicationRow, ApprovalCaseRow, TaskRow } from '../../db/schema.ts';
import type { Executor, Tx } from '../../db/transaction.ts';
import type { WriteBatch } from '../../db/write-batch.ts';

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

/**
 * A task row as `json_agg` returns it (loadApplication reads tasks nested in their case's row):
 * JSON has no timestamp type, so timestamptz columns arrive as ISO 8601 text with an offset on
 * both drivers; DATE is 'YYYY-MM-DD' text as in a plain row; integers, booleans and text are
 * unchanged.
 */
export type TaskRowJson = Omit<TaskRow, 'created_at' | 'completed_at'> & { created_at: string; completed_at: string | null };

export function taskFromRow(t: TaskRow | TaskRowJson): TaskState {
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

/** Which application to load: by its id, or by the id of one of its tasks (task commands). */
export type ApplicationKey = { applicationId: number } | { taskId: string };

/**
 * Loads one application as the engine sees it. Null when there is no such application (or task).
 *
 * Without `lock` (reads): two statements, the application row, then its cases with their tasks.
 *
 * With `lock` (commands): the application row is locked, so commands on one application run one
 * after another while different applications proceed in parallel. FOR NO KEY UPDATE, not FOR
 * UPDATE: it excludes every other command on the application just the same, but lets
 * foreign-key checks of rows that merely reference the application (FOR KEY SHARE) — the
 * notifications and uploads other transactions insert — through instead of queueing them behind
 * the command.
 *
 * A locked load is one statement when nobody holds the application: the row is locked with SKIP
 * LOCKED and its cases and tasks come in the same statement (`lockAndLoad`). The cases are read
 * in the statement's snapshot, taken before the lock; so the statement also reads the
 * application's version in that snapshot, and if a command committed between the snapshot and
 * the lock (the locked row is newer than the snapshot's) the cases are read again. When the row
 * is locked by someone else, the load falls back to waiting for the lock, then reading the cases
 * (the snapshot of that next statement sees what the holder committed). Writers that change
 * cases without moving the application's version (the clock warning job's notified-at stamps)
 * change nothing a command reads or writes.
 *
 * By task id, the application is found through the task in the same statement that locks it
 * (`WHERE id = (SELECT application_id FROM task WHERE id = $1)`): a task command needs no
 * lookup of its own before the transaction. A task never moves to another application, so the
 * task read before the lock names the application the lock is taken on.
 */
export async function loadApplication(db: Executor, key: ApplicationKey, lock: boolean): Promise<LoadedApplication | null> {
  const appId = applicationIdOf(db, key);
  let row: ApplicationRow | undefined;
  let caseRows: CaseRowWithTasks[] | undefined;
  if (lock) {
    const hit = await lockAndLoad(db, key);
    if (hit) {
      const { seen_version, cases, ...rest } = hit;
      row = rest;
      if (seen_version === row.version) caseRows = cases.map(caseRowFromJson);
    } else {
      row = await db.selectFrom('application').selectAll().where('application.id', '=', appId).forNoKeyUpdate().executeTakeFirst();
    }
  } else {
    row = await db.selectFrom('application').selectAll().where('application.id', '=', appId).executeTakeFirst();
  }
  if (!row) return null;
  caseRows ??= await casesWithTasks(db, row.id);
  return loaded(db, row, caseRows);
}

/** The application's id, or a subquery finding it through the task. */
function applicationIdOf(db: Executor, key: ApplicationKey) {
  return 'taskId' in key ? db.selectFrom('task').select('task.application_id').where('task.id', '=', key.taskId) : key.applicationId;
}

async function loaded(db: Executor, row: ApplicationRow, rows: CaseRowWithTasks[]): Promise<LoadedApplication> {
  const caseRows = new Map<string, ApprovalCaseRow>();
  const cases: CaseState[] = [];
  for (const { tasks, ...c } of rows) {
    caseRows.set(c.id, c);
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
      tasks: tasks.map(taskFromRow),
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
  return { row, caseRows, state };
}

type CaseRowWithTasks = ApprovalCaseRow & { tasks: TaskRowJson[] };

/** The tasks of a case as a JSON array, in creation order (by the task_case index). */
const TASKS_OF_CASE = sql<TaskRowJson[]>`coalesce((SELECT json_agg(t ORDER BY t.created_at, t.id) FROM task t WHERE t.case_id = c.id), '[]')`;

/**
 * The cases of an application in `seq` order, each with its tasks in creation order, in one
 * statement: the case rows as they are (their timestamps and dates typed by the driver), the
 * tasks of each case aggregated into a JSON array (`json_agg`, by the task_case index), typed
 * TaskRowJson because JSON carries timestamps as text.
 */
function casesWithTasks(db: Executor, applicationId: number): Promise<CaseRowWithTasks[]> {
  return db.selectFrom('approval_case as c').selectAll('c').select(TASKS_OF_CASE.as('tasks')).where('c.application_id', '=', applicationId).orderBy('c.seq').execute();
}

/** An approval_case row with its tasks as json_agg returns it: timestamptz columns as text. */
type CaseRowJson = Omit<CaseRowWithTasks, CaseTimestamp> & Record<CaseTimestamp, string | null>;
type CaseTimestamp = 'started_at' | 'concluded_at' | 'yellow_notified_at' | 'red_notified_at' | 'created_at' | 'updated_at';
const CASE_TIMESTAMPS: CaseTimestamp[] = ['started_at', 'concluded_at', 'yellow_notified_at', 'red_notified_at', 'created_at', 'updated_at'];

function caseRowFromJson(c: CaseRowJson): CaseRowWithTasks {
  const row = { ...c } as unknown as Record<string, unknown>;
  for (const k of CASE_TIMESTAMPS) row[k] = c[k] === null ? null : new Date(c[k]);
  return row as unknown as CaseRowWithTasks;
}

/**
 * The application row locked FOR NO KEY UPDATE SKIP LOCKED (undefined when another transaction
 * holds it, or there is none), with its version as the statement's snapshot sees it and its cases
 * with their tasks as JSON, in one statement:
 *
 *   SELECT a.*, (SELECT version FROM application s WHERE s.id = a.id) AS seen_version,
 *          coalesce((SELECT json_agg(c ORDER BY c.seq) FROM (SELECT c.*, <tasks> AS tasks
 *                    FROM approval_case c WHERE c.application_id = a.id) c), '[]') AS cases
 *   FROM application a WHERE a.id = $1 FOR NO KEY UPDATE SKIP LOCKED
 */
function lockAndLoad(db: Executor, key: ApplicationKey) {
  return db
    .selectFrom('application as a')
    .selectAll('a')
    .select((eb) => [
      eb.selectFrom('application as s').select('s.version').whereRef('s.id', '=', 'a.id').$asScalar().as('seen_version'),
      sql<CaseRowJson[]>`coalesce((SELECT json_agg(c ORDER BY c.seq) FROM (SELECT c.*, ${TASKS_OF_CASE} AS tasks FROM approval_case c WHERE c.application_id = a.id) c), '[]')`.as('cases'),
    ])
    .where('a.id', '=', applicationIdOf(db, key))
    .forNoKeyUpdate()
    .skipLocked()
    .executeTakeFirst();
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

/** The dates an open task carries from its case's clock (the inbox sorts and colours by them). */
export const taskClock = (c: Pick<CaseClockColumns, 'due_date' | 'warn_date'>) => ({ due_date: c.due_date, warn_date: c.warn_date });
const NO_CLOCK = { due_date: null, warn_date: null };

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
 * A case that has just concluded approved or refused owes a certificate or a decision letter: the
 * same UPDATE marks it 'pending' for the issuing job (certificates.job.ts), so nothing is lost if
 * the process dies and the completion path pays no extra statement.
 */
const issuesDocument = (prev: CaseState, c: CaseState) => prev.status !== c.status && (c.status === 'approved' || c.status === 'approved_deficiency' || c.status === 'refused');

/**
 * Queues what a command changed: the application row, new and changed cases and tasks, each
 * guarded by the version it was loaded with (a write that finds another version means a
 * concurrent change slipped past the lock: the batch reports it, the runner answers CONFLICT and
 * the transaction rolls back), the new tasks and the workflow events it raised. The writes are
 * independent of each other (each row written once), so they go out as one statement.
 */
export async function saveChanges(
  trx: Tx,
  before: ApplicationState,
  after: ApplicationState,
  appColumns: { national_code: number | null; [k: string]: unknown },
  /** dueDateBefore: the stored due date of an existing case (undefined: unknown, treat as moved). */
  caseColumns: (c: CaseState) => { nationalCode: number; clock: CaseClockColumns; dueDateBefore?: string | null; extras?: CaseExtras },
  now: Date,
  events: WorkflowEvent[],
  /** Receives the writes; the caller may add its own (notifications) and sends them in one statement. */
  batch: WriteBatch,
): Promise<void> {
  const id = Number(after.id);
  batch.add(
    trx
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
      .where('version', '=', before.version),
    1,
  );

  const oldCases = new Map(before.cases.map((c) => [c.id, c]));
  const newTasks: TaskState[] = [];
  for (const c of after.cases) {
    const prev = oldCases.get(c.id);
    const cols = caseColumns(c);
    if (!prev) {
      const x = cols.extras!;
      batch.add(
        trx.insertInto('approval_case').values({
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
        }),
      );
      newTasks.push(...c.tasks);
      continue;
    }
    if (prev.version !== c.version) {
      batch.add(
        trx
          .updateTable('approval_case')
          .set({ ...caseValues(c, cols.nationalCode), ...cols.clock, ...(issuesDocument(prev, c) && { document_status: 'pending' as const }), updated_at: now })
          .where('id', '=', c.id)
          .where('version', '=', prev.version),
        1,
      );
    }
    // A clock that moved (pause, resume) moves the due and warning dates its open tasks sort and
    // filter by. Open tasks always carry their case's stored dates, and the warning date follows
    // the due date, so an unchanged due date needs no write. (Rare; sent on its own and first,
    // because the batch below may update the same task rows and one statement must not write a
    // row twice.)
    if (prev.version !== c.version && (cols.dueDateBefore === undefined || cols.dueDateBefore !== cols.clock.due_date)) {
      await trx.updateTable('task').set(taskClock(cols.clock)).where('case_id', '=', c.id).where('status', '=', 'open').execute();
    }
    const oldTasks = new Map(prev.tasks.map((t) => [t.id, t]));
    for (const t of c.tasks) {
      const pt = oldTasks.get(t.id);
      if (!pt) newTasks.push(t);
      else if (pt.version !== t.version) {
        batch.add(
          trx
            .updateTable('task')
            .set({ ...taskValues(t), ...taskClock(cols.clock) })
            .where('id', '=', t.id)
            .where('version', '=', pt.version),
          1,
        );
      }
    }
  }
  // A new task carries its case's due and warning dates (read from the clocks only when there are new tasks).
  const clockOf = new Map(newTasks.length ? after.cases.map((c) => [c.id, taskClock(caseColumns(c).clock)]) : []);
  if (newTasks.length) batch.add(trx.insertInto('task').values(newTasks.map((t) => ({ id: t.id, application_id: id, case_id: t.caseId, ...taskValues(t), ...(clockOf.get(t.caseId) ?? NO_CLOCK) }))));
  if (events.length) {
    batch.add(
      trx.insertInto('workflow_event').values(
        events.map((e) => ({
          application_id: id,
          case_id: e.caseId,
          task_id: e.taskId,
          type: e.type,
          national_code: e.nationalCode,
          actor_id: e.actorId,
          at: e.at,
          data: JSON.stringify(e.data),
        })),
      ),
    );
  }
}

/** Display names of users, for views. */
export async function userNames(db: Executor, ids: Iterable<number | null | undefined>): Promise<Map<number, string>> {
  const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
  if (!list.length) return new Map();
  const rows = await db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

