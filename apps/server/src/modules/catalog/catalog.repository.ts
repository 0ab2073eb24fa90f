import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { MaterialRequirementTable, MatterVersionTable, ProcessStageTable, ProcessVersionTable, StageMatterTable, VersionStatus } from '../../db/schema.ts';

export type MatterVersionRow = Selectable<MatterVersionTable>;
export type MaterialRow = Selectable<MaterialRequirementTable>;
export type ProcessVersionRow = Selectable<ProcessVersionTable>;
export type StageRow = Selectable<ProcessStageTable>;
export type StageMatterRow = Selectable<StageMatterTable>;

/** Kysely queries of the catalog. No decisions here. */
export const catalogRepository = {
  // ---- matters
  findMatter: (db: Executor, id: number) => db.selectFrom('matter').selectAll().where('id', '=', id).executeTakeFirst(),
  findMatterByCode: (db: Executor, code: string) => db.selectFrom('matter').selectAll().where('code', '=', code).executeTakeFirst(),
  findMattersByCodes: (db: Executor, codes: string[]) => db.selectFrom('matter').selectAll().where('code', 'in', codes.length ? codes : ['']).execute(),
  insertMatter: (db: Executor, m: { code: string; department_id: number }) => db.insertInto('matter').values(m).returningAll().executeTakeFirstOrThrow(),
  setMatterDepartment: (db: Executor, id: number, departmentId: number) => db.updateTable('matter').set({ department_id: departmentId }).where('id', '=', id).execute(),

  findMatterVersion: (db: Executor, id: number) => db.selectFrom('matter_version').selectAll().where('id', '=', id).executeTakeFirst(),
  matterVersionByStatus: (db: Executor, matterId: number, status: VersionStatus) =>
    db.selectFrom('matter_version').selectAll().where('matter_id', '=', matterId).where('status', '=', status).executeTakeFirst(),
  publishedMatterVersions: (db: Executor, matterIds: number[]) =>
    db.selectFrom('matter_version').selectAll().where('matter_id', 'in', matterIds.length ? matterIds : [0]).where('status', '=', 'published').execute(),
  matterVersionList: (db: Executor, matterId: number) =>
    db.selectFrom('matter_version').select(['id', 'version', 'status', 'name', 'created_at', 'published_at']).where('matter_id', '=', matterId).orderBy('version', 'desc').execute(),
  async nextMatterVersion(db: Executor, matterId: number): Promise<number> {
    const r = await db.selectFrom('matter_version').select((eb) => eb.fn.max('version').as('v')).where('matter_id', '=', matterId).executeTakeFirst();
    return Number(r?.v ?? 0) + 1;
  },
  insertMatterVersion: (db: Executor, v: Insertable<MatterVersionTable>) => db.insertInto('matter_version').values(v).returningAll().executeTakeFirstOrThrow(),
  updateMatterVersion: (db: Executor, id: number, v: Updateable<MatterVersionTable>) =>
    db.updateTable('matter_version').set({ ...v, updated_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  deleteMatterVersion: (db: Executor, id: number) => db.deleteFrom('matter_version').where('id', '=', id).execute(),

  materialsOf: (db: Executor, versionIds: number[]) =>
    db.selectFrom('material_requirement').selectAll().where('matter_version_id', 'in', versionIds.length ? versionIds : [0]).orderBy('matter_version_id').orderBy('seq').execute(),
  async replaceMaterials(db: Executor, versionId: number, rows: Array<Omit<Insertable<MaterialRequirementTable>, 'matter_version_id'>>): Promise<void> {
    await db.deleteFrom('material_requirement').where('matter_version_id', '=', versionId).execute();
    if (rows.length) await db.insertInto('material_requirement').values(rows.map((r) => ({ ...r, matter_version_id: versionId }))).execute();
  },

  /**
   * One row per matter with its newest published and draft versions. `publishedOnly` hides
   * matters that were never published; `tokens` filters by the search index of the version shown.
   */
  listMatters(db: Executor, f: { departmentId?: number; tokens?: string[]; publishedOnly: boolean; codes?: string[] }) {
    let q = db
      .selectFrom('matter as m')
      .innerJoin('department as d', 'd.id', 'm.department_id')
      .leftJoin('matter_version as p', (j) => j.onRef('p.matter_id', '=', 'm.id').on('p.status', '=', 'published'))
      .leftJoin('matter_version as dr', (j) => j.onRef('dr.matter_id', '=', 'm.id').on('dr.status', '=', 'draft'))
      .select([
        'm.id as matter_id',
        'm.code',
        'm.department_id',
        'd.name as department_name',
        'p.id as published_id',
        'p.version as published_version',
        'dr.id as draft_id',
        'dr.version as draft_version',
        sql<string>`coalesce(p.name, dr.name)`.as('name'),
        sql<number>`coalesce(p.legal_limit_days, dr.legal_limit_days)`.as('legal_limit_days'),
        sql<number>`coalesce(p.promised_limit_days, dr.promised_limit_days)`.as('promised_limit_days'),
        sql<string>`coalesce(p.limit_kind, dr.limit_kind)`.as('limit_kind'),
      ]);
    if (f.publishedOnly) q = q.where('p.id', 'is not', null);
    if (f.departmentId) q = q.where('m.department_id', '=', f.departmentId);
    if (f.codes) q = q.where('m.code', 'in', f.codes.length ? f.codes : ['']);
    if (f.tokens?.length) {
      const tokens = f.tokens;
      q = f.publishedOnly
        ? q.where(sql<boolean>`p.search_tokens @> ${sql.val(tokens)}::text[]`)
        : q.where(sql<boolean>`coalesce(p.search_tokens, dr.search_tokens) @> ${sql.val(tokens)}::text[]`);
    }
    return q.orderBy('m.code').execute();
  },

  /** Codes of the matters placed in stage `stageCode` of any published process. */
  async matterCodesInStage(db: Executor, stageCode: number): Promise<string[]> {
    const rows = await db
      .selectFrom('stage_matter as sm')
      .innerJoin('process_stage as s', 's.id', 'sm.process_stage_id')
      .innerJoin('process_version as v', 'v.id', 's.process_version_id')
      .innerJoin('matter as m', 'm.id', 'sm.matter_id')
      .select('m.code')
      .distinct()
      .where('s.stage_code', '=', stageCode)
      .where('v.status', '=', 'published')
      .execute();
    return rows.map((r) => r.code);
  },

  /** Published processes whose stages contain this matter (a retirement would orphan them). */
  publishedProcessesUsingMatter: (db: Executor, matterId: number) =>
    db
      .selectFrom('stage_matter as sm')
      .innerJoin('process_stage as s', 's.id', 'sm.process_stage_id')
      .innerJoin('process_version as v', 'v.id', 's.process_version_id')
      .select(['v.id', 'v.name'])
      .where('sm.matter_id', '=', matterId)
      .where('v.status', '=', 'published')
      .execute(),

  // ---- processes
  findProcess: (db: Executor, id: number) => db.selectFrom('process').selectAll().where('id', '=', id).executeTakeFirst(),
  findProcessByCode: (db: Executor, code: string) => db.selectFrom('process').selectAll().where('code', '=', code).executeTakeFirst(),
  insertProcess: (db: Executor, p: { code: string; project_type: number; region_code: string }) => db.insertInto('process').values(p).returningAll().executeTakeFirstOrThrow(),
  listProcesses(db: Executor, f: { projectType?: number; regionCodes?: string[]; publishedOnly: boolean }) {
    let q = db
      .selectFrom('process as pr')
      .innerJoin('region as r', 'r.code', 'pr.region_code')
      .leftJoin('process_version as p', (j) => j.onRef('p.process_id', '=', 'pr.id').on('p.status', '=', 'published'))
      .leftJoin('process_version as dr', (j) => j.onRef('dr.process_id', '=', 'pr.id').on('dr.status', '=', 'draft'))
      .select([
        'pr.id as process_id',
        'pr.code',
        'pr.project_type',
        'pr.region_code',
        'r.name as region_name',
        'p.id as published_id',
        'p.version as published_version',
        'dr.id as draft_id',
        'dr.version as draft_version',
        sql<string>`coalesce(p.name, dr.name)`.as('name'),
      ]);
    if (f.publishedOnly) q = q.where('p.id', 'is not', null);
    if (f.projectType) q = q.where('pr.project_type', '=', f.projectType);
    if (f.regionCodes) q = q.where('pr.region_code', 'in', f.regionCodes.length ? f.regionCodes : ['']);
    return q.orderBy('pr.project_type').orderBy('pr.code').execute();
  },
  findProcessVersion: (db: Executor, id: number) => db.selectFrom('process_version').selectAll().where('id', '=', id).executeTakeFirst(),
  processVersionByStatus: (db: Executor, processId: number, status: VersionStatus) =>
    db.selectFrom('process_version').selectAll().where('process_id', '=', processId).where('status', '=', status).executeTakeFirst(),
  processVersionList: (db: Executor, processId: number) =>
    db.selectFrom('process_version').select(['id', 'version', 'status', 'name', 'created_at', 'published_at']).where('process_id', '=', processId).orderBy('version', 'desc').execute(),
  async nextProcessVersion(db: Executor, processId: number): Promise<number> {
    const r = await db.selectFrom('process_version').select((eb) => eb.fn.max('version').as('v')).where('process_id', '=', processId).executeTakeFirst();
    return Number(r?.v ?? 0) + 1;
  },
  insertProcessVersion: (db: Executor, v: Insertable<ProcessVersionTable>) => db.insertInto('process_version').values(v).returningAll().executeTakeFirstOrThrow(),
  updateProcessVersion: (db: Executor, id: number, v: Updateable<ProcessVersionTable>) =>
    db.updateTable('process_version').set({ ...v, updated_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  deleteProcessVersion: (db: Executor, id: number) => db.deleteFrom('process_version').where('id', '=', id).execute(),
  stagesOf: (db: Executor, versionId: number) => db.selectFrom('process_stage').selectAll().where('process_version_id', '=', versionId).orderBy('stage_code').execute(),
  stageMattersOf: (db: Executor, stageIds: number[]) =>
    db
      .selectFrom('stage_matter as sm')
      .innerJoin('matter as m', 'm.id', 'sm.matter_id')
      .selectAll('sm')
      .select('m.code as matter_code')
      .where('sm.process_stage_id', 'in', stageIds.length ? stageIds : [0])
      .orderBy('sm.process_stage_id')
      .orderBy('sm.seq')
      .execute(),
  async replaceStages(
    db: Executor,
    versionId: number,
    stages: Array<{ stage: Omit<Insertable<ProcessStageTable>, 'process_version_id'>; matters: Array<Omit<Insertable<StageMatterTable>, 'process_stage_id'>> }>,
  ): Promise<void> {
    await db.deleteFrom('process_stage').where('process_version_id', '=', versionId).execute();
    for (const s of stages) {
      const row = await db.insertInto('process_stage').values({ ...s.stage, process_version_id: versionId }).returning('id').executeTakeFirstOrThrow();
      if (s.matters.length) await db.insertInto('stage_matter').values(s.matters.map((m) => ({ ...m, process_stage_id: row.id }))).execute();
    }
  },
};
