/**
 * Bulk copies of one accepted application, in SQL: a project, the application, its cases and
 * its open tasks per copy, with new ids. Creating thousands of applications through the API
 * (project, form, uploads, submit, accept) would take minutes; a copy is the same state the
 * engine loads (application row + case rows + task rows), so the commands that follow run
 * exactly as on the original. Case and task ids are md5-derived UUIDs so the benchmark can
 * compute them without reading them back.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** The UUID a copy gets for an original case or task id (same formula as in the SQL below). */
export function copyUuid(kind: 'case' | 'task', applicationId: number, originalId: string): string {
  const h = createHash('md5').update(`${kind}:${applicationId}:${originalId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function columns(c: pg.Client, table: string): Promise<string[]> {
  const r = await c.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [table]);
  return r.rows.map((x) => x.column_name);
}

/** INSERT … SELECT copying every column of `table` except those given as expressions. */
async function copySql(c: pg.Client, table: string, overrides: Record<string, string>, from: string): Promise<string> {
  const cols = await columns(c, table);
  const list = cols.map((col) => `"${col}"`).join(', ');
  const exprs = cols.map((col) => overrides[col] ?? `src."${col}"`).join(', ');
  return `INSERT INTO ${table} (${list}) OVERRIDING SYSTEM VALUE SELECT ${exprs} FROM ${from}`;
}

/**
 * Copies application `templateId` `count` times.
 * @returns the ids of the copies, in order.
 */
export async function cloneApplication(c: pg.Client, templateId: number, count: number): Promise<number[]> {
  await c.query('BEGIN');
  try {
    const { rows } = await c.query<{ p: number; a: number }>(`SELECT (SELECT coalesce(max(id), 0) FROM project) AS p, (SELECT coalesce(max(id), 0) FROM application) AS a`);
    const pBase = rows[0]!.p;
    const aBase = rows[0]!.a;
    const series = `generate_series(1, ${count}) g`;
    await c.query(
      await copySql(c, 'project', { id: `${pBase} + g`, code: `'2025-320508-47-02-' || lpad((${pBase} + g)::text, 6, '0')`, name: `src.name || ' ' || (${pBase} + g)` }, `project src, ${series} WHERE src.id = (SELECT project_id FROM application WHERE id = ${templateId})`),
    );
    await c.query(
      await copySql(c, 'application', { id: `${aBase} + g`, number: `'SB2026' || lpad((${aBase} + g)::text, 7, '0')`, project_id: `${pBase} + g` }, `application src, ${series} WHERE src.id = ${templateId}`),
    );
    await c.query(
      await copySql(c, 'approval_case', { id: `md5('case:' || (${aBase} + g) || ':' || src.id)::uuid`, application_id: `${aBase} + g` }, `approval_case src, ${series} WHERE src.application_id = ${templateId}`),
    );
    await c.query(
      await copySql(
        c,
        'task',
        { id: `md5('task:' || (${aBase} + g) || ':' || src.id)::uuid`, application_id: `${aBase} + g`, case_id: `md5('case:' || (${aBase} + g) || ':' || src.case_id)::uuid` },
        `task src, ${series} WHERE src.application_id = ${templateId}`,
      ),
    );
    await c.query(`SELECT setval(pg_get_serial_sequence('project', 'id'), ${pBase + count}), setval(pg_get_serial_sequence('application', 'id'), ${aBase + count})`);
    await c.query('COMMIT');
    // Setup, not workload: analyse the grown tables and write the copies out now, so that
    // autovacuum's analyze and the checkpoint they bring forward are less likely to fall in the
    // measured seconds. (The slow first seconds of a round on a fresh server are warm-up, not
    // this: see docs/performance.md.)
    await c.query('VACUUM ANALYZE project, application, approval_case, task');
    await c.query('CHECKPOINT');
    return Array.from({ length: count }, (_, i) => aBase + i + 1);
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  }
}
