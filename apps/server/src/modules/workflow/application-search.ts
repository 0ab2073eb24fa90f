/**
 * Finding applications by what people type (申报号, project code or name, enterprise name or
 * USCC, matter name) at the scale of a city: one row of search tokens per application in
 * `application_search`, GIN-indexed, in the catalog's CJK bigram scheme (lib/search-tokens.ts).
 * A search is one index lookup giving the matching application ids, joined by hash with whatever
 * else the list filters on (decision 0015); the inbox used to test four joined rows per task.
 *
 * The row is rewritten, in the same transaction, by whatever changes a source: an application's
 * creation and guided answers (its matters), a project's or an enterprise's renaming.
 */
import { sql, type QueryCreator } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Executor } from '../../db/transaction.ts';
import { indexTokens, queryTokens } from '../../lib/search-tokens.ts';

export type SearchScope = { applicationId: number } | { projectId: number } | { enterpriseId: number } | { afterId: number; limit: number };

/**
 * The tokens of one application. Its matters are held by code (`matter:<code>`, a form the
 * tokenizer never produces): their names are long and would triple the row; a query is matched
 * against the matter names separately (`searchOf`).
 */
export function applicationTokens(s: { number: string | null; projectCode: string; projectName: string; enterpriseName: string; uscc: string; matterCodes: string[] }): string[] {
  return [...indexTokens(s.number, s.projectCode, s.projectName, s.enterpriseName, s.uscc), ...new Set(s.matterCodes.map(matterToken))];
}

const matterToken = (code: string) => `matter:${code}`;

/**
 * Recomputes the search rows of the applications in `scope` (`afterId`/`limit`: a batch in id
 * order, for backfills). Returns how many rows were written and the last application id.
 */
export async function refreshApplicationSearch(db: Executor, scope: SearchScope): Promise<{ rows: number; lastId: number | null }> {
  let q = db
    .selectFrom('application as a')
    .innerJoin('project as p', 'p.id', 'a.project_id')
    .innerJoin('enterprise as e', 'e.id', 'a.enterprise_id')
    .select(['a.id', 'a.number', 'a.selection', 'p.code', 'p.name as project_name', 'e.name as enterprise_name', 'e.uscc']);
  if ('applicationId' in scope) q = q.where('a.id', '=', scope.applicationId);
  else if ('projectId' in scope) q = q.where('a.project_id', '=', scope.projectId);
  else if ('enterpriseId' in scope) q = q.where('a.enterprise_id', '=', scope.enterpriseId);
  else q = q.where('a.id', '>', scope.afterId).orderBy('a.id').limit(scope.limit);
  const rows = await q.execute();
  if (!rows.length) return { rows: 0, lastId: null };
  const tokens = rows.map((r) =>
    applicationTokens({ number: r.number, projectCode: r.code, projectName: r.project_name, enterpriseName: r.enterprise_name, uscc: r.uscc, matterCodes: r.selection.map((m) => m.code) }),
  );
  // One statement for the batch: ids and token lists travel as two arrays (a token list as JSON).
  await sql`
    INSERT INTO application_search (application_id, tokens)
    SELECT x.id, ARRAY(SELECT jsonb_array_elements_text(x.tokens))
    FROM unnest(${sql.val(rows.map((r) => r.id))}::int[], ${sql.val(tokens.map((t) => JSON.stringify(t)))}::jsonb[]) AS x(id, tokens)
    ON CONFLICT (application_id) DO UPDATE SET tokens = excluded.tokens`.execute(db);
  return { rows: rows.length, lastId: rows[rows.length - 1]!.id };
}

/**
 * Writes the search rows of every application with an id above `afterId`, in batches (a
 * migration's backfill; a bulk load's).
 */
export async function refreshAllApplicationSearch(db: Executor, opts: { afterId?: number; batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 2000;
  let afterId = opts.afterId ?? 0;
  let total = 0;
  for (;;) {
    const r = await refreshApplicationSearch(db, { afterId, limit: batch });
    if (r.lastId === null) return total;
    total += r.rows;
    afterId = r.lastId;
  }
}

/** What a query looks for: all of its tokens, or one of the matters whose name it matches. */
export interface ApplicationSearch {
  tokens: string[];
  matterTokens: string[];
}

/**
 * The search for `q`, or null when it has nothing searchable (punctuation only): such a query
 * matches nothing, as in the catalog. A matter matches when its name (in any version) holds all
 * of the query's tokens.
 */
export async function searchOf(db: Executor, q: string): Promise<ApplicationSearch | null> {
  const tokens = queryTokens(q);
  if (!tokens.length) return null;
  const matters = await db.selectFrom('matter as m').innerJoin('matter_version as v', 'v.matter_id', 'm.id').select(['m.code', 'v.name']).distinct().execute();
  const named = new Set<string>();
  for (const m of matters) {
    const have = new Set(indexTokens(m.name));
    if (tokens.every((t) => have.has(t))) named.add(m.code);
  }
  return { tokens, matterTokens: [...named].map(matterToken) };
}

/**
 * The ids of the applications a search finds (one GIN index scan, two when matters match), for
 * `IN (…)`. OFFSET 0 keeps the planner from pulling the subquery up into a per-row probe of
 * application_search: it underestimates a person's tasks (independent-column estimates) and would
 * probe once per task; behind the fence the ids are hashed once (decision 0015).
 */
export function matchingApplications(db: QueryCreator<DB>, search: ApplicationSearch) {
  const all = sql<boolean>`tokens @> ${sql.val(search.tokens)}::text[]`;
  return db
    .selectFrom('application_search')
    .select('application_id')
    .where(search.matterTokens.length ? sql<boolean>`(${all} OR tokens && ${sql.val(search.matterTokens)}::text[])` : all)
    .offset(0);
}
