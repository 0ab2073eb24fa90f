import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inTransaction } from '../src/db/transaction.ts';
import { WriteBatch } from '../src/db/write-batch.ts';
import { freshDatabase } from './helpers.ts';

/**
 * WriteBatch sends several writes as one statement of data-modifying CTEs. On both drivers: the
 * parameters of every write land in the right place, a guarded UPDATE that misses is reported,
 * a child row may reference a parent inserted by the same statement, and a batch of one is sent
 * as it is.
 */
let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
  await sql`CREATE TABLE wb_parent (id integer PRIMARY KEY, name text NOT NULL, version integer NOT NULL)`.execute(database.db);
  await sql`CREATE TABLE wb_child (id integer PRIMARY KEY, parent_id integer NOT NULL REFERENCES wb_parent(id), note text)`.execute(database.db);
});
afterAll(async () => database?.close());

// The test tables are not in the typed schema. Queries are built on the database and sent on the
// transaction (PGlite has one connection: a query outside the open transaction would wait forever).
const untyped = () => database.db.withTables<{ wb_parent: { id: number; name: string; version: number }; wb_child: { id: number; parent_id: number; note: string | null } }>();

describe('WriteBatch', () => {
  it('writes everything in one statement with each value in its place, and reports guards that held', async () => {
    const db = untyped();
    await db.insertInto('wb_parent').values([{ id: 1, name: 'a', version: 1 }, { id: 2, name: 'b', version: 1 }]).execute();
    const ok = await inTransaction(database.db, async (trx) => {
      const b = new WriteBatch();
      b.add(db.updateTable('wb_parent').set({ name: '甲', version: 2 }).where('id', '=', 1).where('version', '=', 1), 1);
      b.add(db.updateTable('wb_parent').set({ name: '乙', version: 2 }).where('id', '=', 2).where('version', '=', 1), 1);
      b.add(db.insertInto('wb_parent').values({ id: 3, name: 'c $1 $2', version: 1 }));
      // A child of the parent inserted by the same statement: foreign keys are checked at its end.
      b.add(db.insertInto('wb_child').values([{ id: 10, parent_id: 3, note: 'x' }, { id: 11, parent_id: 1, note: null }]));
      expect(b.size).toBe(4);
      return b.execute(trx);
    });
    expect(ok).toBe(true);
    expect(await db.selectFrom('wb_parent').selectAll().orderBy('id').execute()).toEqual([
      { id: 1, name: '甲', version: 2 },
      { id: 2, name: '乙', version: 2 },
      { id: 3, name: 'c $1 $2', version: 1 },
    ]);
    expect(await db.selectFrom('wb_child').selectAll().orderBy('id').execute()).toEqual([
      { id: 10, parent_id: 3, note: 'x' },
      { id: 11, parent_id: 1, note: null },
    ]);
  });

  it('reports a guarded write that missed its version, and the rollback leaves nothing', async () => {
    const db = untyped();
    await expect(
      inTransaction(database.db, async (trx) => {
        const b = new WriteBatch();
        b.add(db.updateTable('wb_parent').set({ name: 'changed' }).where('id', '=', 1).where('version', '=', 2), 1);
        b.add(db.updateTable('wb_parent').set({ name: 'stale' }).where('id', '=', 2).where('version', '=', 1), 1);
        b.add(db.insertInto('wb_parent').values({ id: 4, name: 'd', version: 1 }));
        if (!(await b.execute(trx))) throw new Error('guard missed');
      }),
    ).rejects.toThrow('guard missed');
    expect(await db.selectFrom('wb_parent').select(['id', 'name']).orderBy('id').execute()).toEqual([
      { id: 1, name: '甲' },
      { id: 2, name: '乙' },
      { id: 3, name: 'c $1 $2' },
    ]);
  });

  it('sends a batch of one as it is, guard included, and an empty batch as nothing', async () => {
    const db = untyped();
    expect(await new WriteBatch().execute(db)).toBe(true);
    expect(await new WriteBatch().add(db.updateTable('wb_parent').set({ name: 'x' }).where('id', '=', 99), 1).execute(db)).toBe(false);
    expect(await new WriteBatch().add(db.updateTable('wb_parent').set({ name: '丙' }).where('id', '=', 3), 1).execute(db)).toBe(true);
    expect((await db.selectFrom('wb_parent').select('name').where('id', '=', 3).executeTakeFirstOrThrow()).name).toBe('丙');
  });
});
