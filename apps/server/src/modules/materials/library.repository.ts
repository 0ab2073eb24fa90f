import { sql, type Selectable } from 'kysely';
import type { LibraryMaterialTable } from '../../db/schema.ts';
import type { Executor } from '../../db/transaction.ts';

export type LibraryMaterialRow = Selectable<LibraryMaterialTable>;

/** Applications still being worked on: a new library version reaches these, never concluded ones. */
export const OPEN_APPLICATION_STATUSES = ['draft', 'received', 'supplement', 'accepted'] as const;

/** Kysely queries of the material library. No decisions here. */
export const libraryRepository = {
  find: (db: Executor, id: number) => db.selectFrom('library_material').selectAll().where('id', '=', id).executeTakeFirst(),
  lock: (db: Executor, id: number) => db.selectFrom('library_material').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),

  /** Versions with what their stored content is (type, size, reading). */
  versions: (db: Executor) =>
    db
      .selectFrom('library_material_version as v')
      .innerJoin('stored_file as f', 'f.sm3', 'v.sm3')
      .select(['v.id', 'v.material_id', 'v.version', 'v.file_name', 'v.sm3', 'v.valid_until', 'v.note', 'v.uploaded_by', 'v.uploaded_at', 'f.content_type', 'f.size_bytes', 'f.text_status', 'f.text_source', 'f.text_reason', 'f.facts']),

  /** The current version of each material. */
  currentVersions: (db: Executor, materialIds: number[]) =>
    libraryRepository
      .versions(db)
      .innerJoin('library_material as m', (j) => j.onRef('m.id', '=', 'v.material_id').onRef('m.current_version', '=', 'v.version'))
      .where('m.id', 'in', materialIds.length ? materialIds : [0])
      .execute(),

  async versionCounts(db: Executor, materialIds: number[]): Promise<Map<number, number>> {
    if (!materialIds.length) return new Map();
    const rows = await db.selectFrom('library_material_version').select(['material_id', (eb) => eb.fn.countAll<number>().as('n')]).where('material_id', 'in', materialIds).groupBy('material_id').execute();
    return new Map(rows.map((r) => [r.material_id, Number(r.n)]));
  },

  /** How many open applications attach some version of each material. */
  async openApplicationCounts(db: Executor, materialIds: number[]): Promise<Map<number, number>> {
    if (!materialIds.length) return new Map();
    const rows = await db
      .selectFrom('application_material as am')
      .innerJoin('library_material_version as v', 'v.id', 'am.library_version_id')
      .innerJoin('application as a', 'a.id', 'am.application_id')
      .select(['v.material_id', sql<number>`count(DISTINCT am.application_id)`.as('n')])
      .where('v.material_id', 'in', materialIds)
      .where('am.removed_at', 'is', null)
      .where('a.status', 'in', [...OPEN_APPLICATION_STATUSES])
      .groupBy('v.material_id')
      .execute();
    return new Map(rows.map((r) => [r.material_id, Number(r.n)]));
  },

  /** Attachments of a material's versions that are still in place, newest application first. */
  usedBy: (db: Executor, materialId: number) =>
    db
      .selectFrom('application_material as am')
      .innerJoin('library_material_version as v', 'v.id', 'am.library_version_id')
      .innerJoin('application as a', 'a.id', 'am.application_id')
      .innerJoin('material_requirement as r', 'r.id', 'am.requirement_id')
      .select(['am.application_id', 'a.number', 'a.status', 'r.name as requirement_name', 'am.library_version_id'])
      .where('v.material_id', '=', materialId)
      .where('am.removed_at', 'is', null)
      .orderBy('am.application_id', 'desc')
      .orderBy('am.id')
      .execute(),

  /** Attachments of older versions of a material in open applications: what a new version replaces. */
  olderAttachments: (db: Executor, materialId: number, version: number) =>
    db
      .selectFrom('application_material as am')
      .innerJoin('library_material_version as v', 'v.id', 'am.library_version_id')
      .innerJoin('application as a', 'a.id', 'am.application_id')
      .select(['am.id', 'am.application_id', 'am.requirement_id', 'v.version'])
      .where('v.material_id', '=', materialId)
      .where('v.version', '<', version)
      .where('am.removed_at', 'is', null)
      .where('a.status', 'in', [...OPEN_APPLICATION_STATUSES])
      .orderBy('am.application_id')
      .orderBy('am.id')
      .execute(),

  /** A non-archived material of the enterprise and kind whose current version has this content. */
  sameContent: (db: Executor, enterpriseId: number, kind: string, sm3: string) =>
    db
      .selectFrom('library_material as m')
      .innerJoin('library_material_version as v', (j) => j.onRef('v.material_id', '=', 'm.id').onRef('v.version', '=', 'm.current_version'))
      .select(['m.id as material_id', 'v.id as version_id'])
      .where('m.enterprise_id', '=', enterpriseId)
      .where('m.kind', '=', kind)
      .where('m.archived_at', 'is', null)
      .where('v.sm3', '=', sm3)
      .orderBy('m.updated_at', 'desc')
      .orderBy('m.id', 'desc')
      .limit(1)
      .executeTakeFirst(),
};
