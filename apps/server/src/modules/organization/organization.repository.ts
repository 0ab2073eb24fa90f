import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { DepartmentTable, EnterpriseTable, RegionTable } from '../../db/schema.ts';
import type { Insertable, Updateable } from 'kysely';

/** Kysely queries for regions, departments and enterprises. */
export const organizationRepository = {
  listRegions: (db: Executor) => db.selectFrom('region').selectAll().orderBy('code').execute(),
  findRegion: (db: Executor, code: string) => db.selectFrom('region').selectAll().where('code', '=', code).executeTakeFirst(),
  insertRegion: (db: Executor, r: Insertable<RegionTable>) => db.insertInto('region').values(r).returningAll().executeTakeFirstOrThrow(),
  updateRegion: (db: Executor, code: string, r: Updateable<RegionTable>) =>
    db.updateTable('region').set({ ...r, updated_at: sql`now()` }).where('code', '=', code).returningAll().executeTakeFirstOrThrow(),
  deleteRegion: (db: Executor, code: string) => db.deleteFrom('region').where('code', '=', code).execute(),

  /** The region and every region below it. */
  async regionSubtree(db: Executor, code: string): Promise<string[]> {
    const { rows } = await sql<{ code: string }>`
      WITH RECURSIVE t(code) AS (
        SELECT code FROM region WHERE code = ${code}
        UNION ALL
        SELECT r.code FROM region r JOIN t ON r.parent_code = t.code
      ) SELECT code FROM t`.execute(db);
    return rows.map((r) => r.code);
  },

  async regionReferences(db: Executor, code: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM region WHERE parent_code = ${code})
           + (SELECT count(*) FROM department WHERE region_code = ${code})
           + (SELECT count(*) FROM enterprise WHERE region_code = ${code})
           + (SELECT count(*) FROM app_user WHERE region_code = ${code}) AS n`.execute(db);
    return Number(rows[0]!.n);
  },

  listDepartments: (db: Executor, regionCodes: string[] | null) => {
    let q = db.selectFrom('department').selectAll();
    if (regionCodes) q = q.where('region_code', 'in', regionCodes.length ? regionCodes : ['']);
    return q.orderBy('region_code').orderBy('id').execute();
  },
  findDepartment: (db: Executor, id: number) => db.selectFrom('department').selectAll().where('id', '=', id).executeTakeFirst(),
  findDepartmentByCode: (db: Executor, code: string) => db.selectFrom('department').selectAll().where('code', '=', code).executeTakeFirst(),
  insertDepartment: (db: Executor, d: Insertable<DepartmentTable>) => db.insertInto('department').values(d).returningAll().executeTakeFirstOrThrow(),
  updateDepartment: (db: Executor, id: number, d: Updateable<DepartmentTable>) =>
    db
      .updateTable('department')
      .set({ ...d, version: sql`version + 1`, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow(),
  deleteDepartment: (db: Executor, id: number) => db.deleteFrom('department').where('id', '=', id).execute(),
  async departmentMembers(db: Executor, id: number): Promise<number> {
    const r = await db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).where('department_id', '=', id).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  listEnterprises: (db: Executor, f: { ids: number[] | null; regionCodes: string[] | null; q?: string; limit: number; offset: number }) => {
    let q = db.selectFrom('enterprise');
    if (f.ids) q = q.where('id', 'in', f.ids.length ? f.ids : [0]);
    if (f.regionCodes) q = q.where('region_code', 'in', f.regionCodes.length ? f.regionCodes : ['']);
    if (f.q) q = q.where((eb) => eb.or([eb('name', 'like', `%${f.q}%`), eb('uscc', '=', f.q!.toUpperCase())]));
    return Promise.all([
      q.selectAll().orderBy('id').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  findEnterprise: (db: Executor, id: number) => db.selectFrom('enterprise').selectAll().where('id', '=', id).executeTakeFirst(),
  findEnterpriseByUscc: (db: Executor, uscc: string) => db.selectFrom('enterprise').selectAll().where('uscc', '=', uscc).executeTakeFirst(),
  insertEnterprise: (db: Executor, e: Insertable<EnterpriseTable>) => db.insertInto('enterprise').values(e).returningAll().executeTakeFirstOrThrow(),
  updateEnterprise: (db: Executor, id: number, e: Updateable<EnterpriseTable>) =>
    db.updateTable('enterprise').set({ ...e, updated_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
};
