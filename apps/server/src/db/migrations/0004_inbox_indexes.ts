import { sql, type Kysely } from 'kysely';

/**
 * The inbox at scale (bench/workflow, docs/performance.md): the 已办 list (done tasks, newest
 * first: `status=done&sort=created&order=desc`) reads its page from this index instead of
 * sorting every task the person ever completed (250,000 rows for one approver at 1M cases).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX task_done_created ON task (completed_by, created_at DESC, id) WHERE status = 'done'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS task_done_created`.execute(db);
}
