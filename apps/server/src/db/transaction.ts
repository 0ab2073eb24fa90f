import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type Tx = Transaction<DB>;
export type Executor = Kysely<DB> | Tx;

/**
 * Runs `fn` in one transaction: the business change, its audit event and anything it queues
 * commit together or not at all. Every service writes through this.
 */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
