import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type DatabaseConnection, type Driver } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgresql';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  close(): Promise<void>;
  /** The embedded instance, when kind is pglite (tests dump it as a template). */
  pglite?: PGlite;
}

/**
 * PGlite is one connection. Kysely's PGlite driver hands that same connection to every caller,
 * so two requests would interleave their statements inside each other's transactions. This
 * dialect puts a mutex around the connection: a transaction holds it until commit, a single
 * query until it returns. Concurrency on PGlite is therefore one at a time, which is the
 * truth of an embedded database anyway.
 */
class SerializedPGliteDialect extends PGliteDialect {
  override createDriver(): Driver {
    const inner = super.createDriver();
    let tail: Promise<void> = Promise.resolve();
    const releases = new Map<DatabaseConnection, () => void>();
    return {
      init: () => inner.init(),
      async acquireConnection() {
        let release!: () => void;
        const prev = tail;
        tail = new Promise<void>((resolve) => (release = resolve));
        await prev;
        const conn = await inner.acquireConnection();
        releases.set(conn, release);
        return conn;
      },
      async releaseConnection(conn) {
        await inner.releaseConnection(conn);
        const release = releases.get(conn);
        releases.delete(conn);
        release?.();
      },
      beginTransaction: (c, s) => inner.beginTransaction(c, s),
      commitTransaction: (c) => inner.commitTransaction(c),
      rollbackTransaction: (c) => inner.rollbackTransaction(c),
      savepoint: inner.savepoint?.bind(inner),
      rollbackToSavepoint: inner.rollbackToSavepoint?.bind(inner),
      releaseSavepoint: inner.releaseSavepoint?.bind(inner),
      destroy: () => inner.destroy(),
    };
  }
}

/** A DATE is a local calendar day ('YYYY-MM-DD'), never an instant: both drivers return the text. */
const DATE_OID = 1082;
const keepText = (v: string) => v;

/** pg returns int8 (count(*), bigserial) as strings; PGlite as numbers. Make both numbers. */
const parseInt8 = (v: string) => Number(v);
function getTypeParser(oid: number): (v: string) => unknown {
  if (oid === 20) return parseInt8;
  if (oid === DATE_OID) return keepText;
  // pg types its parsers as returning any; they return the parsed column value.
  return pg.types.getTypeParser(oid, 'text') as (v: string) => unknown;
}
const pgTypes: pg.CustomTypesConfig = { getTypeParser: getTypeParser as pg.CustomTypesConfig['getTypeParser'] };

export interface OpenOptions {
  /** PostgreSQL URL; null = embedded PGlite. */
  databaseUrl: string | null;
  /** PGlite data folder; null = in memory (tests). */
  dataDir: string | null;
  poolSize?: number;
  /** PGlite only: start from this data-dir dump (a migrated template) instead of an empty database. */
  loadDataDir?: Blob;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, types: pgTypes });
    // A dead pool connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgresql', close: () => db.destroy() };
  }
  if (opts.dataDir) fs.mkdirSync(opts.dataDir, { recursive: true });
  const pglite = new PGlite({ parsers: { [DATE_OID]: keepText }, ...(opts.dataDir && { dataDir: opts.dataDir }), ...(opts.loadDataDir && { loadDataDir: opts.loadDataDir }) });
  await pglite.waitReady;
  const db = new Kysely<DB>({ dialect: new SerializedPGliteDialect({ pglite }) });
  return { db, kind: 'pglite', close: () => db.destroy(), pglite };
}
