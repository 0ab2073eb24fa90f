import { CompiledQuery, type Compilable } from 'kysely';
import type { Executor } from './transaction.ts';

interface Part {
  query: CompiledQuery;
  /** Rows a guarded write must touch (an optimistic version check); null: not checked. */
  expect: number | null;
}

/**
 * Several writes sent as one statement, so they cost one round trip instead of one each: every
 * write becomes a data-modifying CTE of
 *
 *   WITH w0 AS (UPDATE … RETURNING 1), w1 AS (INSERT …), …
 *   SELECT (SELECT count(*) FROM w0)::int AS w0, …
 *
 * PostgreSQL runs each such CTE exactly once, to completion, whether or not the final SELECT
 * reads it, and all of them see the same snapshot — so the writes must be independent: no two
 * may touch the same row and none may read what another writes (foreign keys are fine: they are
 * checked at the end of the statement). A guarded write (an UPDATE … WHERE version = n) reports
 * how many rows it touched; `execute` returns false when any guard missed, and the caller rolls
 * the transaction back. The queries are compiled by Kysely with numbered parameters ($1…), which
 * are renumbered into one list; Kysely never inlines values, so `$n` appears nowhere else.
 */
export class WriteBatch {
  private readonly parts: Part[] = [];

  /** Queues a write; `expect` rows for a guarded UPDATE (RETURNING is added to count them). */
  add(query: Compilable, expect: number | null = null): this {
    this.parts.push({ query: query.compile(), expect });
    return this;
  }

  get size(): number {
    return this.parts.length;
  }

  /** Sends the queued writes; false when a guarded write did not touch the rows it expected. */
  async execute(db: Executor): Promise<boolean> {
    const [first] = this.parts;
    if (!first) return true;
    if (this.parts.length === 1) {
      const p = first;
      const r = await db.executeQuery(p.query);
      return p.expect === null || Number(r.numAffectedRows ?? 0n) === p.expect;
    }
    const parameters: unknown[] = [];
    const ctes: string[] = [];
    const counts: string[] = [];
    this.parts.forEach((p, i) => {
      const offset = parameters.length;
      const text = offset === 0 ? p.query.sql : p.query.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
      parameters.push(...p.query.parameters);
      ctes.push(`w${i} AS (${text}${p.expect === null ? '' : ' RETURNING 1'})`);
      if (p.expect !== null) counts.push(`(SELECT count(*) FROM w${i})::int AS w${i}`);
    });
    const statement = `WITH ${ctes.join(', ')} SELECT ${counts.length ? counts.join(', ') : '1 AS done'}`;
    const r = await db.executeQuery<Record<string, number>>(CompiledQuery.raw(statement, parameters));
    const row = r.rows[0] ?? {};
    return this.parts.every((p, i) => p.expect === null || Number(row[`w${i}`]) === p.expect);
  }
}
