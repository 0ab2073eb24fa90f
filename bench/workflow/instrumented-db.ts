/**
 * The server's database handle (apps/server/src/db/database.ts: a pg pool under Kysely, int8 as
 * number, DATE as text) with hooks to see every statement the server code sends: its text,
 * parameters and round-trip time (BEGIN and COMMIT included), and every wait for a pooled
 * connection.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../apps/server/src/db/database.ts';
import type { DB } from '../../apps/server/src/db/schema.ts';

const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number) => (oid === 20 ? (v: string) => Number(v) : oid === 1082 ? (v: string) => v : (pg.types.getTypeParser(oid, 'text') as (v: string) => unknown))) as pg.CustomTypesConfig['getTypeParser'],
};

export interface Hooks {
  onQuery?: (text: string, values: unknown[] | undefined, ms: number) => void;
  onPoolWait?: (ms: number) => void;
}

export function instrumentedDatabase(url: string, poolSize: number, hooks: Hooks): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<unknown>;
    (client as unknown as { query: typeof query }).query = (text: string, values?: unknown[]) => {
      const t0 = performance.now();
      const p = query(text, values);
      const done = () => hooks.onQuery?.(text, values, performance.now() - t0);
      void p.then(done, done);
      return p;
    };
  });
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  (pool as unknown as { connect: typeof connect }).connect = async () => {
    const t0 = performance.now();
    const c = await connect();
    hooks.onPoolWait?.(performance.now() - t0);
    return c;
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgresql', close: () => db.destroy() };
}
