import { sql, type Kysely } from 'kysely';
import { ErrorCode, type CaseView, type HistoryEntry, type SupplementItem, type TaskQuery, type TaskView } from '@tongban/contracts';
import { localDate, type Command, type SpecialProcedureKind, type StepRole } from '@tongban/engine';
import type { DB } from '../../db/schema.ts';
import type { Executor } from '../../db/transaction.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Actor, RequestContext } from '../accounts/actor.ts';
import { outOfScope, requireRole } from '../accounts/scope.ts';
import { organizationRepository as orgRepo } from '../organization/organization.repository.ts';
import type { ApplicationsService } from './applications.service.ts';
import { assertCanReadApplication } from './access.ts';
import type { CalendarService } from './calendar.service.ts';
import { loadApplication, userNames } from './workflow.repository.ts';
import { matchingApplications, searchOf } from './application-search.ts';
import { TASK, type RunResult, type WorkflowRunner } from './workflow.runner.ts';

const CASE = { zh: '办件', en: 'Case' };
const DEPARTMENT_ROLES = ['reviewer', 'approver'] as const;

export interface ActionResult {
  applicationId: number;
  caseId: string;
  version: number;
  events: Array<{ type: string; caseId: string | null; taskId: string | null }>;
}

/**
 * The department side: each person's inbox (待办) and the task and case commands (办理, 退回,
 * 转办, 委派, 加签, 撤回, 补正, 特别程序).
 */
export class TasksService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly calendars: CalendarService,
    private readonly runner: WorkflowRunner,
    private readonly applications: ApplicationsService,
  ) {}

  /** The caller's inbox: tasks assigned or delegated to them, and unclaimed pool tasks of their role and department. */
  async inbox(actor: Actor, f: TaskQuery): Promise<{ items: TaskView[]; total: number }> {
    requireRole(actor, [...DEPARTMENT_ROLES]);
    const today = localDate(this.clock.now());
    const me = actor.userId;
    const dept = actor.departmentId ?? -1;
    const view = f.view ?? 'all';
    const status = f.status ?? 'open';
    // Each raw condition carries its own parentheses: Kysely ANDs where() calls without wrapping raw
    // SQL, so an unwrapped `a OR b` would escape the status and filter conditions.
    const mine = sql<boolean>`((t.assignee_id = ${me} AND t.delegated_to IS NULL) OR t.delegated_to = ${me})`;
    const pool = sql<boolean>`(t.assignee_id IS NULL AND t.department_id = ${dept} AND t.role = ${actor.role})`;
    let q =
      status === 'done'
        ? this.db.selectFrom('task as t').where('t.status', '=', 'done').where('t.completed_by', '=', me)
        : this.db
            .selectFrom('task as t')
            .where('t.status', '=', 'open')
            .where(view === 'mine' ? mine : view === 'pool' ? pool : sql<boolean>`(${mine} OR ${pool})`);
    // Filters on the case, application, project and enterprise are semi-joins: the task rows are
    // counted and paged on their own, and only the page's rows are joined for display. (Joining
    // every task of a large pool before sorting and counting cost hundreds of ms at 1M cases.)
    if (f.matterCode) {
      q = q.where((eb) => eb.exists(eb.selectFrom('approval_case as c').select('c.id').whereRef('c.id', '=', 't.case_id').where('c.matter_code', '=', f.matterCode!)));
    }
    // Colours from the dates an open task carries from its case's clock (workflow.repository
    // taskClock), without reading the case. Overdue: past its due date with the case's clock
    // running. An open task's case is always handling, in 补正 or in a special procedure (the
    // engine's invariant), so "not paused" is "handling"; the few paused cases are excluded in
    // one pass (index approval_case_paused).
    if (f.level === 'red') {
      q = q
        .where('t.due_date', '<', today)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('approval_case as c').select('c.id').whereRef('c.id', '=', 't.case_id').where('c.status', 'in', ['supplement', 'special']))));
    }
    if (f.level === 'yellow') q = q.where('t.warn_date', '<=', today).where('t.due_date', '>=', today);
    if (f.level === 'green') q = q.where('t.warn_date', '>', today);
    // A search: the ids of the matching applications, found once and hashed (decision 0015).
    if (f.q) {
      const search = await searchOf(this.db, f.q);
      q = q.where(search ? (eb) => eb('t.application_id', 'in', matchingApplications(this.db, search)) : sql<boolean>`false`);
    }
    const order = f.order ?? 'asc';
    const byDue = (f.sort ?? 'due') === 'due';
    const pageSize = f.pageSize ?? 20;
    const page = q
      .selectAll('t')
      .$if(byDue, (qb) => qb.orderBy('t.due_date', (ob) => (order === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast())))
      .orderBy('t.created_at', order)
      .orderBy('t.id')
      .limit(pageSize)
      .offset(((f.page ?? 1) - 1) * pageSize);
    // The total and the page are independent: two pooled connections run them side by side.
    const [counted, rows] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      this.db
        .selectFrom(page.as('t'))
        .innerJoin('approval_case as c', 'c.id', 't.case_id')
        .innerJoin('application as a', 'a.id', 't.application_id')
        .innerJoin('project as p', 'p.id', 'a.project_id')
        .innerJoin('enterprise as e', 'e.id', 'a.enterprise_id')
        .selectAll('t')
        .select(['a.number', 'p.name as project_name', 'e.name as enterprise_name', 'c.matter_code', 'c.matter_name', 'c.status as case_status', 'c.procedure_id', 'c.limit_kind'])
        .$if(byDue, (qb) => qb.orderBy('t.due_date', (ob) => (order === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast())))
        .orderBy('t.created_at', order)
        .orderBy('t.id')
        .execute(),
    ]);
    const total = Number(counted.n);
    const calendar = await this.calendars.calendar();
    const names = await userNames(this.db, rows.flatMap((r) => [r.assignee_id, r.delegated_to, r.completed_by]));
    const ref = (id: number | null) => (id === null ? null : { id, displayName: names.get(id) ?? '' });
    const items: TaskView[] = [];
    for (const r of rows) {
      const procedure = await this.applications.procedureOf(r.procedure_id);
      const running = ['handling', 'supplement', 'special'].includes(r.case_status) && r.status === 'open';
      let level: TaskView['level'] = 'none';
      let daysLeft: number | null = null;
      if (running && r.due_date) {
        level = today > r.due_date ? 'red' : r.warn_date && today >= r.warn_date ? 'yellow' : 'green';
        daysLeft = today <= r.due_date ? calendar.countWorkingDays(today, r.due_date) : -calendar.countWorkingDays(r.due_date, today);
      }
      items.push({
        id: r.id,
        stepKey: r.step_key,
        stepName: procedure.steps.find((s) => s.key === r.step_key)?.name ?? r.step_key,
        round: r.round,
        role: r.role,
        status: r.status,
        assignee: ref(r.assignee_id),
        claimed: r.claimed,
        delegatedTo: ref(r.delegated_to),
        delegateOpinion: r.delegate_opinion,
        origin: r.origin,
        decision: r.decision,
        opinion: r.opinion,
        createdAt: r.created_at.toISOString(),
        completedAt: r.completed_at?.toISOString() ?? null,
        completedBy: ref(r.completed_by),
        version: r.version,
        caseId: r.case_id,
        applicationId: r.application_id,
        applicationNumber: r.number,
        projectName: r.project_name,
        enterpriseName: r.enterprise_name,
        matterCode: r.matter_code,
        matterName: r.matter_name,
        departmentId: r.department_id,
        caseStatus: r.case_status as TaskView['caseStatus'],
        dueDate: r.due_date,
        level,
        daysLeft,
      });
    }
    return { items, total };
  }

  private async taskRow(taskId: string) {
    const t = await this.db.selectFrom('task').select(['id', 'application_id', 'case_id', 'role', 'department_id']).where('id', '=', taskId).executeTakeFirst();
    if (!t) throw notFound(TASK);
    return t;
  }

  /** A colleague a task may be handed to: same department, a department role (transfer: same role). */
  private async checkColleague(db: Executor, userId: number, departmentId: number, role: StepRole | null): Promise<void> {
    const u = await db.selectFrom('app_user').select(['department_id', 'role', 'disabled']).where('id', '=', userId).executeTakeFirst();
    const ok = u && !u.disabled && u.department_id === departmentId && (role ? u.role === role : (DEPARTMENT_ROLES as readonly string[]).includes(u.role));
    if (!ok) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '只能交给本部门同岗位的在岗人员', en: 'Hand tasks only to active colleagues of the same department and role' }, [{ path: '/toUserId', message: String(userId) }]);
  }

  /**
   * A task command. The runner finds and locks the application through the task (no lookup of
   * the task before the transaction); the task's department is checked here on the task as read
   * under that lock. The runner's read check (the caller's department has a case in the
   * application) runs before it; both must pass and both refuse with OUT_OF_SCOPE, so which one
   * refuses first makes no difference to the caller.
   */
  private async onTask(ctx: RequestContext, taskId: string, command: Command, colleague?: { userId: number; sameRole: boolean }): Promise<ActionResult> {
    requireRole(ctx.actor!, [...DEPARTMENT_ROLES]);
    let caseId = '';
    const r = await this.runner.run(ctx, { taskId }, async (loaded, trx) => {
      const t = loaded.state.cases.flatMap((c) => c.tasks).find((x) => x.id === taskId);
      if (!t) throw notFound(TASK);
      if (t.departmentId !== ctx.actor!.departmentId) throw outOfScope();
      if (colleague) await this.checkColleague(trx, colleague.userId, t.departmentId, colleague.sameRole ? t.role : null);
      caseId = t.caseId;
      return { command };
    });
    return result(r, caseId);
  }

  claim = (ctx: RequestContext, taskId: string, version?: number) => this.onTask(ctx, taskId, { type: 'claim', taskId, expectedVersion: version });
  complete = (ctx: RequestContext, taskId: string, b: { version?: number; decision: 'approve' | 'refuse'; opinion: string }) =>
    this.onTask(ctx, taskId, { type: 'complete', taskId, expectedVersion: b.version, decision: b.decision, opinion: b.opinion });
  returnTo = (ctx: RequestContext, taskId: string, b: { version?: number; toStep: string; reason: string }) => this.onTask(ctx, taskId, { type: 'return', taskId, expectedVersion: b.version, toStep: b.toStep, reason: b.reason });
  transfer = (ctx: RequestContext, taskId: string, b: { version?: number; toUserId: number; reason: string }) =>
    this.onTask(ctx, taskId, { type: 'transfer', taskId, expectedVersion: b.version, toUserId: b.toUserId, reason: b.reason }, { userId: b.toUserId, sameRole: true });
  delegate = (ctx: RequestContext, taskId: string, b: { version?: number; toUserId: number; reason: string }) =>
    this.onTask(ctx, taskId, { type: 'delegate', taskId, expectedVersion: b.version, toUserId: b.toUserId, reason: b.reason }, { userId: b.toUserId, sameRole: false });
  addSigner = (ctx: RequestContext, taskId: string, b: { version?: number; userId: number; reason: string }) =>
    this.onTask(ctx, taskId, { type: 'addSigner', taskId, expectedVersion: b.version, userId: b.userId, reason: b.reason }, { userId: b.userId, sameRole: true });

  /** People of the task's department a task can be handed to. */
  async candidates(actor: Actor, taskId: string) {
    requireRole(actor, [...DEPARTMENT_ROLES]);
    const t = await this.taskRow(taskId);
    if (t.department_id !== actor.departmentId) throw outOfScope();
    const rows = await this.db.selectFrom('app_user').select(['id', 'display_name', 'role']).where('department_id', '=', t.department_id).where('role', 'in', [...DEPARTMENT_ROLES]).where('disabled', '=', false).where('id', '!=', actor.userId).orderBy('id').execute();
    return { items: rows.map((r) => ({ id: r.id, displayName: r.display_name, role: r.role, sameRole: r.role === t.role })) };
  }

  // ------------------------------------------------------------------------------ case level

  private async caseRow(caseId: string) {
    const c = await this.db.selectFrom('approval_case').select(['id', 'application_id', 'department_id']).where('id', '=', caseId).executeTakeFirst();
    if (!c) throw notFound(CASE);
    return c;
  }

  private async onCase(ctx: RequestContext, caseId: string, command: Command): Promise<ActionResult> {
    requireRole(ctx.actor!, [...DEPARTMENT_ROLES]);
    const c = await this.caseRow(caseId);
    if (c.department_id !== ctx.actor!.departmentId) throw outOfScope();
    return result(await this.runner.run(ctx, c.application_id, () => ({ command })), caseId);
  }

  requestSupplement = (ctx: RequestContext, caseId: string, items: SupplementItem[]) => this.onCase(ctx, caseId, { type: 'requestSupplement', caseId, items });
  startSpecial = (ctx: RequestContext, caseId: string, procedure: SpecialProcedureKind, reason: string) => this.onCase(ctx, caseId, { type: 'startSpecial', caseId, procedure, reason });
  endSpecial = (ctx: RequestContext, caseId: string, resultText: string) => this.onCase(ctx, caseId, { type: 'endSpecial', caseId, result: resultText });
  withdrawStep = (ctx: RequestContext, caseId: string) => this.onCase(ctx, caseId, { type: 'withdrawStep', caseId });

  /** One case with its tasks and clock, for anyone who may read its application. */
  async caseView(actor: Actor, caseId: string): Promise<CaseView & { history: HistoryEntry[]; applicationNumber: string | null }> {
    const c = await this.caseRow(caseId);
    const loaded = await loadApplication(this.db, { applicationId: c.application_id }, false);
    await assertCanReadApplication(this.db, actor, loaded!.row);
    // Department staff see their own department's cases; other cases of the application only through the application view.
    if ((DEPARTMENT_ROLES as readonly string[]).includes(actor.role) && c.department_id !== actor.departmentId) throw outOfScope();
    const depts = new Map((await orgRepo.listDepartments(this.db, null)).map((d) => [d.id, d.name]));
    const calendar = await this.calendars.calendar();
    const [view] = await this.applications.caseViews(this.db, loaded!.state.cases.filter((x) => x.id === caseId), loaded!.caseRows, calendar, depts);
    return { ...view!, history: await this.applications.history(this.db, c.application_id, caseId), applicationNumber: loaded!.row.number };
  }
}

function result(r: RunResult, caseId: string): ActionResult {
  return { applicationId: r.applicationId, caseId, version: r.version, events: r.events.map((e) => ({ type: e.type, caseId: e.caseId, taskId: e.taskId })) };
}
