import { sql, type Kysely } from 'kysely';
import { refreshAllApplicationSearch } from '../../modules/workflow/application-search.ts';

/**
 * Search over applications at scale (decision 0015): one row of CJK bigram tokens per application
 * (number, project code and name, enterprise name and USCC, matter names), GIN-indexed, for the
 * inbox and the application lists. Existing applications are indexed here, with the tokenizer of
 * this release (lib/search-tokens.ts).
 *
 * And the inbox's overdue filter (level=red): an open task is overdue when its due date has
 * passed and its case is not paused (补正, 特别程序). Paused cases are few; this index lets the
 * filter exclude them in one pass instead of reading every candidate task's case.
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS approval_case_paused`.execute(db);
  await sql`DROP TABLE IF EXISTS application_search`.execute(db);
}
