import { sql, type Kysely } from 'kysely';
import { refreshAllApplicationSearch } from '../../modules/workflow/application-search.ts';

/**
 * The inbox at scale (docs/performance.md, decision 0015):
 * - Search over applications: one row of tokens per application (number, project code and name,
 *   enterprise name and USCC in CJK bigrams; matters by code), GIN-indexed, for the inbox and the
 *   application lists. Existing applications are indexed here, with the tokenizer of this
 *   release (lib/search-tokens.ts).
 * - Due-date colours without reading each task's case: an open task carries its case's warning
 *   date next to its due date (yellow, green), and overdue (red) excludes the few paused cases
 *   (补正, 特别程序) through a partial index instead of checking every candidate task's case.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE application_search (
      application_id integer PRIMARY KEY REFERENCES application(id) ON DELETE CASCADE,
      tokens         text[] NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX application_search_tokens ON application_search USING gin (tokens)`.execute(db);
  await refreshAllApplicationSearch(db);
  await sql`CREATE INDEX approval_case_paused ON approval_case (id) WHERE status IN ('supplement', 'special')`.execute(db);
  await sql`ALTER TABLE task ADD COLUMN warn_date date`.execute(db);
  await sql`UPDATE task t SET warn_date = c.warn_date FROM approval_case c WHERE c.id = t.case_id AND t.status = 'open'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE task DROP COLUMN IF EXISTS warn_date`.execute(db);
  await sql`DROP INDEX IF EXISTS approval_case_paused`.execute(db);
  await sql`DROP TABLE IF EXISTS application_search`.execute(db);
}
