import { sql, type Kysely } from 'kysely';
import { ErrorCode, type NotificationView, type SupervisionBoard } from '@tongban/contracts';
import { localDate } from '@tongban/engine';
import type { DB } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Actor, RequestContext } from '../accounts/actor.ts';
import { readableRegions, requireRole } from '../accounts/scope.ts';
import type { CalendarService } from './calendar.service.ts';
import { userNames } from './workflow.repository.ts';

const RUNNING = ['handling', 'supplement', 'special'];

/**
 * Supervision (效能监察) of the clocks: the region's board of warnings and overdue cases, the
 * warning job that raises each warning exactly once, and each person's notifications.
 */
export class SupervisionService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly calendars: CalendarService,
  ) {}

  async board(actor: Actor, f: { level?: 'yellow' | 'red'; departmentId?: number; page: number; pageSize: number }): Promise<SupervisionBoard> {
    requireRole(actor, ['supervisor', 'admin']);
    const regions = await readableRegions(this.db, actor);
    const today = localDate(this.clock.now());
    const base = () => {
      let q = this.db.selectFrom('approval_case as c').where('c.status', 'in', RUNNING);
      if (regions) q = q.where('c.region_code', 'in', regions.length ? regions : ['']);
      return q;
    };
    const red = sql<boolean>`c.status = 'handling' AND c.due_date < ${today}`;
    const yellow = sql<boolean>`c.status = 'handling' AND c.warn_date <= ${today} AND c.due_date >= ${today}`;
    const grouped = await base()
      .innerJoin('department as d', 'd.id', 'c.department_id')
      .select(['c.department_id', 'd.name'])
      .select((eb) => eb.fn.countAll<number>().as('running'))
      .select(sql<number>`count(*) FILTER (WHERE ${yellow})`.as('yellow'))
      .select(sql<number>`count(*) FILTER (WHERE ${red})`.as('red'))
      .select(sql<number>`count(*) FILTER (WHERE c.status <> 'handling')`.as('paused'))
      .groupBy(['c.department_id', 'd.name'])
      .orderBy('c.department_id')
      .execute();
    let items = base().innerJoin('application as a', 'a.id', 'c.application_id').innerJoin('project as p', 'p.id', 'a.project_id').innerJoin('enterprise as e', 'e.id', 'a.enterprise_id').innerJoin('department as d', 'd.id', 'c.department_id');
    items = items.where(f.level === 'red' ? red : f.level === 'yellow' ? yellow : sql<boolean>`(${red}) OR (${yellow})`);
    if (f.departmentId) items = items.where('c.department_id', '=', f.departmentId);
    const total = Number((await items.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await items
      .select(['c.id', 'c.application_id', 'a.number', 'p.name as project_name', 'e.name as enterprise_name', 'c.matter_code', 'c.matter_name', 'c.department_id', 'd.name as department_name', 'c.region_code', 'c.status', 'c.started_at', 'c.concluded_at', 'c.pauses', 'c.limit_days', 'c.legal_limit_days', 'c.limit_kind'])
      .orderBy('c.due_date')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    const holders = rows.length
      ? await this.db.selectFrom('task').select(['case_id', 'assignee_id', 'delegated_to']).where('case_id', 'in', rows.map((r) => r.id)).where('status', '=', 'open').execute()
      : [];
    const names = await userNames(this.db, holders.flatMap((h) => [h.delegated_to ?? h.assignee_id]));
    const calendar = await this.calendars.calendar();
    const sum = (k: 'running' | 'yellow' | 'red' | 'paused') => grouped.reduce((n, g) => n + Number(g[k]), 0);
    return {
      counts: { running: sum('running'), yellow: sum('yellow'), red: sum('red'), paused: sum('paused') },
      byDepartment: grouped.map((g) => ({ departmentId: g.department_id, departmentName: g.name, running: Number(g.running), yellow: Number(g.yellow), red: Number(g.red) })),
      items: rows.map((r) => ({
        caseId: r.id,
        applicationId: r.application_id,
        applicationNumber: r.number,
        projectName: r.project_name,
        enterpriseName: r.enterprise_name,
        matterCode: r.matter_code,
        matterName: r.matter_name,
        departmentId: r.department_id,
        departmentName: r.department_name,
        regionCode: r.region_code,
        status: r.status as SupervisionBoard['items'][number]['status'],
        holders: holders.filter((h) => h.case_id === r.id).flatMap((h) => {
          const id = h.delegated_to ?? h.assignee_id;
          return id === null ? [] : [{ id, displayName: names.get(id) ?? '' }];
        }),
        clock: this.calendars.read(calendar, { startedAt: r.started_at, limitDays: r.limit_days, legalLimitDays: r.legal_limit_days, limitKind: r.limit_kind, pauses: r.pauses as never, concludedAt: r.concluded_at })!,
      })),
      total,
    };
  }

  /**
   * The clock job: claims running cases whose warning (yellow) or overdue (red) moment has come
   * and that have not been told yet, with FOR UPDATE SKIP LOCKED so several processes share the
   * work without telling anyone twice; notifies the holders and the department's approvers
   * (yellow), and the approvers and the region's supervisors (red); audits each escalation.
   */
  async runWarnings(batch = 100): Promise<{ yellow: number; red: number }> {
    const now = this.clock.now();
    const today = localDate(now);
    const counts = { yellow: 0, red: 0 };
    for (;;) {
      const done = await inTransaction(this.db, async (trx) => {
        // Claims the cases' applications, not the cases: a workflow command locks its
        // application, then the application's audit chain head, then writes its cases. Locking
        // cases first here, then that head, would deadlock with it. SKIP LOCKED passes over
        // applications a command (or another process's job) holds right now; they come round
        // on the next run.
        const rows = await trx
          .selectFrom('approval_case as c')
          .innerJoin('application as a', 'a.id', 'c.application_id')
          .select(['c.id', 'c.application_id', 'c.matter_name', 'c.department_id', 'c.region_code', 'c.due_date', 'c.warn_date', 'c.yellow_notified_at', 'c.red_notified_at'])
          .where('c.status', '=', 'handling')
          .where('c.red_notified_at', 'is', null)
          .where((eb) => eb.or([eb.and([eb('c.yellow_notified_at', 'is', null), eb('c.warn_date', '<=', today)]), eb('c.due_date', '<', today)]))
          .orderBy('c.due_date')
          .limit(batch)
          .forNoKeyUpdate('a')
          .skipLocked()
          .execute();
        for (const c of rows) {
          const level = c.due_date! < today ? 'red' : 'yellow';
          // Marked first, guarded: a command that concluded or paused the case and committed
          // just as its application was claimed leaves the row read above stale.
          const marked = await trx
            .updateTable('approval_case')
            .set(level === 'red' ? { red_notified_at: now, yellow_notified_at: c.yellow_notified_at ?? now } : { yellow_notified_at: now })
            .where('id', '=', c.id)
            .where('status', '=', 'handling')
            .where(level === 'red' ? 'red_notified_at' : 'yellow_notified_at', 'is', null)
            .executeTakeFirst();
          if (!Number(marked.numUpdatedRows)) continue;
          const approvers = await trx.selectFrom('app_user').select('id').where('department_id', '=', c.department_id).where('role', '=', 'approver').where('disabled', '=', false).execute();
          const holders = await trx.selectFrom('task').select(['assignee_id', 'delegated_to']).where('case_id', '=', c.id).where('status', '=', 'open').execute();
          const people = new Set<number>(approvers.map((a) => a.id));
          if (level === 'yellow') holders.forEach((h) => (h.delegated_to ?? h.assignee_id) !== null && people.add((h.delegated_to ?? h.assignee_id)!));
          if (level === 'red') {
            const ancestors = await sql<{ code: string }>`
              WITH RECURSIVE up AS (SELECT code, parent_code FROM region WHERE code = ${c.region_code}
                UNION ALL SELECT r.code, r.parent_code FROM region r JOIN up ON r.code = up.parent_code)
              SELECT code FROM up`.execute(trx);
            const sups = await trx.selectFrom('app_user').select('id').where('role', '=', 'supervisor').where('disabled', '=', false).where('region_code', 'in', ancestors.rows.map((r) => r.code)).execute();
            sups.forEach((s) => people.add(s.id));
          }
          const title = level === 'red' ? `【超期】${c.matter_name}` : `【预警】${c.matter_name}`;
          const body = level === 'red' ? `办理期限 ${c.due_date} 已过，请立即督办。` : `办理期限 ${c.due_date}，即将到期。`;
          if (people.size) {
            await trx
              .insertInto('notification')
              .values([...people].map((userId) => ({ user_id: userId, kind: level === 'red' ? 'overdue' : 'warning', application_id: c.application_id, case_id: c.id, dedupe_key: `${level}:${c.id}`, title, body, created_at: now })))
              .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
              .execute();
          }
          await this.audit.record(trx, { actor: null, requestId: null, ip: null }, {
            chainKey: `application:${c.application_id}`,
            action: level === 'red' ? 'case.clock_overdue' : 'case.clock_warning',
            targetType: 'approval_case',
            targetId: c.id,
            regionCode: c.region_code,
            summary: { dueDate: c.due_date, warnDate: c.warn_date, notified: [...people] },
          });
          counts[level]++;
        }
        return rows.length < batch;
      });
      if (done) return counts;
    }
  }

  async notifications(actor: Actor, f: { unread?: boolean; page: number; pageSize: number }): Promise<{ items: NotificationView[]; total: number; unread: number }> {
    let q = this.db.selectFrom('notification').where('user_id', '=', actor.userId);
    const unread = Number((await q.where('read_at', 'is', null).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    if (f.unread) q = q.where('read_at', 'is', null);
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q.selectAll().orderBy('id', 'desc').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute();
    return {
      items: rows.map((r) => ({ id: r.id, kind: r.kind, applicationId: r.application_id, caseId: r.case_id, title: r.title, body: r.body, createdAt: r.created_at.toISOString(), readAt: r.read_at?.toISOString() ?? null })),
      total,
      unread,
    };
  }

  async markRead(ctx: RequestContext, id: number): Promise<void> {
    const actor = ctx.actor!;
    await inTransaction(this.db, async (trx) => {
      const r = await trx.updateTable('notification').set({ read_at: this.clock.now() }).where('id', '=', id).where('user_id', '=', actor.userId).where('read_at', 'is', null).executeTakeFirst();
      if (!Number(r.numUpdatedRows)) throw new AppError(ErrorCode.NOT_FOUND);
      await this.audit.record(trx, ctx, { chainKey: `user:${actor.userId}`, action: 'notification.read', targetType: 'notification', targetId: id, summary: {} });
    });
  }
}
