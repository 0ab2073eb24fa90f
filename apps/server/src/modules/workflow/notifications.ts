import { sql, type Insertable } from 'kysely';
import type { ApplicationState, WorkflowEvent } from '@tongban/engine';
import type { ApplicationRow, NotificationTable } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';
import type { WriteBatch } from '../../db/write-batch.ts';

const text = (v: unknown) => (typeof v === 'string' ? v : '');

type NewNotification = Insertable<NotificationTable>;

/**
 * One message to every active applicant account of an enterprise, as a single
 * `INSERT … SELECT` (no query of its own to find them). Executed by the caller, or queued on a
 * write batch.
 */
export function applicantNotification(
  trx: Tx,
  n: { enterpriseId: number; applicationId: number; caseId: string | null; kind: string; title: string; body: string; now: Date },
) {
  return trx
    .insertInto('notification')
    .columns(['user_id', 'kind', 'application_id', 'case_id', 'title', 'body', 'created_at'])
    .expression(
      trx
        .selectFrom('app_user')
        .select([
          'id',
          sql<string>`${n.kind}::text`.as('kind'),
          sql<number>`${n.applicationId}::integer`.as('application_id'),
          sql<string | null>`${n.caseId}::uuid`.as('case_id'),
          sql<string>`${n.title}::text`.as('title'),
          sql<string>`${n.body}::text`.as('body'),
          sql<Date>`${n.now}::timestamptz`.as('created_at'),
        ])
        .where('enterprise_id', '=', n.enterpriseId)
        .where('role', '=', 'applicant')
        .where('disabled', '=', false),
    );
}

/**
 * Turns workflow events into messages for people: applicants hear of supplement requests,
 * decisions and conclusions; a person a task is assigned, transferred or delegated to hears of
 * it. Pool tasks are not announced (they are in every colleague's inbox).
 *
 * The messages are queued on the command's write batch. A message to the applicants is one
 * `INSERT … SELECT` over the enterprise's active applicant accounts, so it needs no query of its
 * own to find them.
 */
export function notifyForEvents(trx: Tx, app: ApplicationRow, state: ApplicationState, events: WorkflowEvent[], now: Date, batch: WriteBatch): void {
  const out: NewNotification[] = [];
  const label = app.number ?? `#${app.id}`;
  const matterOf = (caseId: string | null) => state.cases.find((c) => c.id === caseId)?.matterName ?? '';
  const toApplicants = (kind: string, title: string, body: string, caseId: string | null) => {
    batch.add(applicantNotification(trx, { enterpriseId: app.enterprise_id, applicationId: app.id, caseId, kind, title, body, now }));
  };
  for (const e of events) {
    switch (e.type) {
      case 'SupplementRequested': {
        const items = (e.data.items as Array<{ name: string }> | undefined) ?? [];
        toApplicants('supplement', `申报 ${label} 需要补正${e.caseId ? `（${matterOf(e.caseId)}）` : ''}`, `请一次性补正以下 ${items.length} 项：${items.map((i) => i.name).join('；')}`, e.caseId);
        break;
      }
      case 'ApplicationAccepted':
        toApplicants('accepted', `申报 ${label} 已受理`, '各部门已开始并联审批。', null);
        break;
      case 'ApplicationNotAccepted':
      case 'ApplicationRefused':
        toApplicants('rejected', `申报 ${label} 未予受理`, text(e.data.reason), null);
        break;
      case 'CaseConcluded':
        toApplicants('concluded', `${matterOf(e.caseId)} 已办结`, `结果：${e.data.outcome === 'refused' ? '不予许可' : '准予许可'}`, e.caseId);
        break;
      case 'StageConcluded':
        toApplicants('stage', `申报 ${label} 本阶段已全部办结`, `结论：${text(e.data.outcome)}`, null);
        break;
      case 'TaskCreated':
      case 'TaskTransferred':
      case 'TaskDelegated':
      case 'SignerAdded': {
        const task = state.cases.flatMap((c) => c.tasks).find((t) => t.id === e.taskId);
        const userId = e.type === 'TaskDelegated' ? task?.delegatedTo : task?.assigneeId;
        if (task && userId && userId !== e.actorId) {
          out.push({ user_id: userId, kind: 'task', application_id: app.id, case_id: task.caseId, title: `新待办：${matterOf(task.caseId)}`, body: `申报 ${label}，${e.type === 'TaskDelegated' ? '委派' : e.type === 'SignerAdded' ? '加签' : '请办理'}`, created_at: now });
        }
        break;
      }
      case 'ApplicationSubmitted':
      case 'ApplicationWithdrawn':
      case 'CaseStarted':
      case 'CaseWaiting':
      case 'CaseWithdrawn':
      case 'DeficiencySatisfied':
      case 'SpecialEnded':
      case 'SpecialStarted':
      case 'StepAdvanced':
      case 'StepReturned':
      case 'StepWithdrawn':
      case 'SupplementEnded':
      case 'TaskCancelled':
      case 'TaskClaimed':
      case 'TaskCompleted':
      case 'TaskReturnedFromDelegate':
        break;
    }
  }
  if (out.length) batch.add(trx.insertInto('notification').values(out));
}

/**
 * Tells the people holding the open tasks of these applications: the assignee (or the delegate),
 * or — for a pool task nobody has claimed — every active colleague of the task's role in its
 * department. One message per person and application; the actor is not told of their own act.
 */
export async function notifyTaskHolders(
  trx: Tx,
  messages: ReadonlyMap<number, { kind: string; title: string; body: string }>,
  actorId: number,
  now: Date,
): Promise<number> {
  const ids = [...messages.keys()];
  if (!ids.length) return 0;
  const tasks = await trx.selectFrom('task').select(['application_id', 'case_id', 'role', 'department_id', 'assignee_id', 'delegated_to']).where('application_id', 'in', ids).where('status', '=', 'open').execute();
  const pools = new Map<string, number[]>();
  const out: NewNotification[] = [];
  const told = new Set<string>();
  for (const t of tasks) {
    let holders: number[];
    const holder = t.delegated_to ?? t.assignee_id;
    if (holder !== null) holders = [holder];
    else {
      const key = `${t.department_id}:${t.role}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = (await trx.selectFrom('app_user').select('id').where('department_id', '=', t.department_id).where('role', '=', t.role).where('disabled', '=', false).execute()).map((u) => u.id);
        pools.set(key, pool);
      }
      holders = pool;
    }
    const m = messages.get(t.application_id)!;
    for (const userId of holders) {
      const key = `${userId}:${t.application_id}`;
      if (userId === actorId || told.has(key)) continue;
      told.add(key);
      out.push({ user_id: userId, kind: m.kind, application_id: t.application_id, case_id: t.case_id, title: m.title, body: m.body, created_at: now });
    }
  }
  if (out.length) await trx.insertInto('notification').values(out).execute();
  return out.length;
}
