import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { ErrorCode, type LibraryMaterialDetail, type LibraryMaterialView, type LibraryUploadQuery, type LibraryVersionQuery, type LibraryVersionView } from '@tongban/contracts';
import { isValidDate, localDate } from '@tongban/engine';
import type { DB } from '../../db/schema.ts';
import { inTransaction, type Executor, type Tx } from '../../db/transaction.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { Actor, RequestContext } from '../accounts/actor.ts';
import { outOfScope, requireRole } from '../accounts/scope.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { notifyTaskHolders } from '../workflow/notifications.ts';
import { userNames } from '../workflow/workflow.repository.ts';
import type { MaterialIntake, Received } from './intake.ts';
import { libraryRepository as repo, OPEN_APPLICATION_STATUSES, type LibraryMaterialRow } from './library.repository.ts';

const MATERIAL = { zh: '库中材料', en: 'Library material' };
const VERSION = { zh: '材料版本', en: 'Material version' };

/** What the library takes: every type a material requirement can accept (sniffed, never by name). */
export const LIBRARY_TYPES = ['pdf', 'ofd', 'jpg', 'png', 'dwg', 'doc', 'docx', 'xls', 'xlsx', 'zip'];
/** Largest library upload; requirements with larger limits (drawings) upload to the application. */
export const LIBRARY_MAX_BYTES = 500 * 1024 * 1024;
/** Offers per requirement in reuse-offers: same kind first, then the most recently changed. */
export const OFFERS_PER_REQUIREMENT = 20;

/** An uploader's file name as a display name only: no path separators, no control characters. */
export function displayFileName(name: string): string {
  return name.replace(/[\\/\u0000-\u001f]/g, '_').trim().slice(0, 200) || 'file';
}

type VersionRow = Awaited<ReturnType<ReturnType<typeof repo.versions>['execute']>>[number];

export interface NewVersionInput {
  fileName: string;
  received: Pick<Received, 'sm3' | 'sizeBytes' | 'contentType'>;
  validUntil: string | null;
  note: string | null;
}

/**
 * The enterprise material library (一次提交、多方调用, decision 0013): materials with versions;
 * every file uploaded for a requirement also enters it, and a new version of a material reaches
 * every open application that attaches an older one (the old attachment is removed, a new one
 * inserted, each application audited and its task holders notified).
 */
export class LibraryService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    readonly intake: MaterialIntake,
  ) {}

  private today(): string {
    return localDate(this.clock.now());
  }

  // -------------------------------------------------------------------------------- views

  private versionView(v: VersionRow, names: Map<number, string>): LibraryVersionView {
    return {
      id: v.id,
      version: v.version,
      fileName: v.file_name,
      contentType: v.content_type,
      sizeBytes: Number(v.size_bytes),
      sm3: v.sm3,
      validUntil: v.valid_until,
      note: v.note,
      uploadedAt: v.uploaded_at.toISOString(),
      uploadedBy: { id: v.uploaded_by, displayName: names.get(v.uploaded_by) ?? '' },
      extraction: { status: v.text_status, source: v.text_source, reason: v.text_reason ?? null, facts: v.facts ?? {} },
    };
  }

  async materialViews(db: Executor, rows: LibraryMaterialRow[]): Promise<LibraryMaterialView[]> {
    const ids = rows.map((r) => r.id);
    const [current, counts, open] = await Promise.all([repo.currentVersions(db, ids), repo.versionCounts(db, ids), repo.openApplicationCounts(db, ids)]);
    const names = await userNames(db, current.map((v) => v.uploaded_by));
    const byMaterial = new Map(current.map((v) => [v.material_id, v]));
    const today = this.today();
    return rows.map((m) => {
      const v = byMaterial.get(m.id)!;
      return {
        id: m.id,
        enterpriseId: m.enterprise_id,
        kind: m.kind,
        name: m.name,
        validUntil: v.valid_until,
        expired: v.valid_until !== null && v.valid_until < today,
        current: this.versionView(v, names),
        versionCount: counts.get(m.id) ?? 1,
        openApplications: open.get(m.id) ?? 0,
        createdAt: m.created_at.toISOString(),
        updatedAt: m.updated_at.toISOString(),
      };
    });
  }

  /** A material the actor may read: the applicant's own enterprise's, or any for an admin. */
  private async readable(db: Executor, actor: Actor, id: number): Promise<LibraryMaterialRow> {
    requireRole(actor, ['applicant', 'admin']);
    const m = await repo.find(db, id);
    if (!m) throw notFound(MATERIAL);
    if (actor.role === 'applicant' && m.enterprise_id !== actor.enterpriseId) throw outOfScope();
    return m;
  }

  /** A material the applicant may change: own enterprise, not archived; locked when `trx` is a transaction. */
  private async writable(db: Executor, actor: Actor, id: number, lock: boolean): Promise<LibraryMaterialRow> {
    requireRole(actor, ['applicant']);
    const m = lock ? await repo.lock(db, id) : await repo.find(db, id);
    if (!m) throw notFound(MATERIAL);
    if (m.enterprise_id !== actor.enterpriseId) throw outOfScope();
    if (m.archived_at) throw new AppError(ErrorCode.INVALID_STATE, { zh: '该材料已归档，不能再添加版本', en: 'The material is archived' });
    return m;
  }

  async list(actor: Actor, f: { kind?: string; q?: string; includeArchived?: boolean; enterpriseId?: number; page: number; pageSize: number }): Promise<{ items: LibraryMaterialView[]; total: number }> {
    requireRole(actor, ['applicant', 'admin']);
    let q = this.db.selectFrom('library_material');
    if (actor.role === 'applicant') q = q.where('enterprise_id', '=', actor.enterpriseId ?? -1);
    else if (f.enterpriseId) q = q.where('enterprise_id', '=', f.enterpriseId);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (!f.includeArchived) q = q.where('archived_at', 'is', null);
    if (f.q) q = q.where('name', 'ilike', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q
      .selectAll()
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return { items: await this.materialViews(this.db, rows), total };
  }

  async detail(actor: Actor, id: number, db: Executor = this.db): Promise<LibraryMaterialDetail> {
    const m = await this.readable(db, actor, id);
    const [material] = await this.materialViews(db, [m]);
    const versions = await repo.versions(db).where('v.material_id', '=', id).orderBy('v.version', 'desc').execute();
    const names = await userNames(db, versions.map((v) => v.uploaded_by));
    const used = await repo.usedBy(db, id);
    const open: readonly string[] = OPEN_APPLICATION_STATUSES;
    return {
      material: material!,
      versions: versions.map((v) => this.versionView(v, names)),
      usedBy: used.map((u) => ({ applicationId: u.application_id, applicationNo: u.number ?? `#${u.application_id}`, requirementName: u.requirement_name, versionId: u.library_version_id!, open: open.includes(u.status) })),
    };
  }

  // -------------------------------------------------------------------------------- changes

  private async regionOf(db: Executor, enterpriseId: number): Promise<string | null> {
    return (await db.selectFrom('enterprise').select('region_code').where('id', '=', enterpriseId).executeTakeFirst())?.region_code ?? null;
  }

  /** A new material with its first version, audited. */
  async createMaterial(trx: Tx, ctx: RequestContext, input: { enterpriseId: number; kind: string; name: string } & NewVersionInput): Promise<{ materialId: number; versionId: number }> {
    const now = this.clock.now();
    const m = await trx
      .insertInto('library_material')
      .values({ enterprise_id: input.enterpriseId, kind: input.kind, name: input.name.slice(0, 200), current_version: 1, created_by: ctx.actor!.userId, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const v = await trx
      .insertInto('library_material_version')
      .values({ material_id: m.id, version: 1, file_name: input.fileName, sm3: input.received.sm3, valid_until: input.validUntil, note: input.note, uploaded_by: ctx.actor!.userId, uploaded_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.audit.record(trx, ctx, {
      chainKey: `library:${m.id}`,
      action: 'library.create',
      targetType: 'library_material',
      targetId: m.id,
      regionCode: await this.regionOf(trx, input.enterpriseId),
      summary: { enterpriseId: input.enterpriseId, kind: input.kind, name: input.name, version: 1, fileName: input.fileName, sm3: input.received.sm3, validUntil: input.validUntil },
    });
    return { materialId: m.id, versionId: v.id };
  }

  /**
   * Adds a version to a locked material and propagates it to the open applications attaching an
   * older version (decision 0013), in the caller's transaction.
   */
  async addVersion(trx: Tx, ctx: RequestContext, m: LibraryMaterialRow, input: NewVersionInput): Promise<{ versionId: number; version: number; applications: number[] }> {
    const now = this.clock.now();
    const version = m.current_version + 1;
    const v = await trx
      .insertInto('library_material_version')
      .values({ material_id: m.id, version, file_name: input.fileName, sm3: input.received.sm3, valid_until: input.validUntil, note: input.note, uploaded_by: ctx.actor!.userId, uploaded_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('library_material').set({ current_version: version, updated_at: now }).where('id', '=', m.id).execute();
    await this.audit.record(trx, ctx, {
      chainKey: `library:${m.id}`,
      action: 'library.version',
      targetType: 'library_material',
      targetId: m.id,
      regionCode: await this.regionOf(trx, m.enterprise_id),
      summary: { version, fileName: input.fileName, sm3: input.received.sm3, validUntil: input.validUntil, note: input.note },
    });
    const applications = await this.propagate(trx, ctx, m, { id: v.id, version, ...input });
    return { versionId: v.id, version, applications };
  }

  /**
   * Every open application attaching an older version of `m` gets the new one: old rows removed
   * (never edited, so what a concluded case saw stays provable), one new row per requirement,
   * the application's version bumped, an audit event per application, and the holders of its
   * open tasks notified.
   */
  private async propagate(trx: Tx, ctx: RequestContext, m: LibraryMaterialRow, v: { id: number; version: number } & NewVersionInput): Promise<number[]> {
    const older = await repo.olderAttachments(trx, m.id, v.version);
    if (!older.length) return [];
    const now = this.clock.now();
    const ids = [...new Set(older.map((r) => r.application_id))];
    // Locked in id order so two propagations cannot deadlock each other; FOR NO KEY UPDATE like the
    // workflow runner, so foreign-key checks of rows referencing an application (notifications)
    // pass (workflow.repository.ts loadApplication). A deadlock that still happens is a 409 CONFLICT.
    const apps = await trx.selectFrom('application').select(['id', 'number', 'status', 'region_code']).where('id', 'in', ids).orderBy('id').forNoKeyUpdate().execute();
    const updated: number[] = [];
    const messages = new Map<number, { kind: string; title: string; body: string }>();
    for (const app of apps) {
      if (!(OPEN_APPLICATION_STATUSES as readonly string[]).includes(app.status)) continue;
      const mine = older.filter((r) => r.application_id === app.id);
      await trx.updateTable('application_material').set({ removed_at: now }).where('id', 'in', mine.map((r) => r.id)).where('removed_at', 'is', null).execute();
      const requirements = [...new Set(mine.map((r) => r.requirement_id))];
      const inserted = await trx
        .insertInto('application_material')
        .values(
          requirements.map((requirementId) => ({
            application_id: app.id,
            requirement_id: requirementId,
            file_name: v.fileName,
            content_type: v.received.contentType,
            size_bytes: v.received.sizeBytes,
            sm3: v.received.sm3,
            uploaded_by: ctx.actor!.userId,
            uploaded_at: now,
            library_version_id: v.id,
          })),
        )
        .returning('id')
        .execute();
      await trx
        .updateTable('application')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', app.id)
        .execute();
      await this.audit.record(trx, ctx, {
        chainKey: `application:${app.id}`,
        action: 'application.material_update',
        targetType: 'application',
        targetId: app.id,
        regionCode: app.region_code,
        summary: { libraryMaterialId: m.id, name: m.name, fromVersions: [...new Set(mine.map((r) => r.version))], toVersion: v.version, removed: mine.map((r) => r.id), added: inserted.map((r) => r.id), sm3: v.received.sm3 },
      });
      messages.set(app.id, { kind: 'material', title: `申报 ${app.number ?? `#${app.id}`} 的材料已更新`, body: `「${m.name}」已更新为第 ${v.version} 版（${v.fileName}），请以新版本为准。` });
      updated.push(app.id);
    }
    await notifyTaskHolders(trx, messages, ctx.actor!.userId, now);
    return updated;
  }

  private checkValidUntil(validUntil: string | undefined): string | null {
    if (validUntil === undefined) return null;
    if (!isValidDate(validUntil)) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '有效期不是有效日期', en: 'validUntil is not a real date' }, [{ path: '/validUntil', message: validUntil }]);
    return validUntil;
  }

  /** Uploads a new material into the applicant's enterprise library. */
  async upload(ctx: RequestContext, q: LibraryUploadQuery, fileName: string, body: Readable): Promise<LibraryMaterialDetail> {
    const actor = ctx.actor!;
    requireRole(actor, ['applicant']);
    if (!actor.enterpriseId) throw outOfScope();
    const validUntil = this.checkValidUntil(q.validUntil);
    const received = await this.intake.receive(body, { maxBytes: LIBRARY_MAX_BYTES, accepted: LIBRARY_TYPES });
    const id = await inTransaction(this.db, async (trx) => {
      await this.intake.remember(trx, received);
      const created = await this.createMaterial(trx, ctx, { enterpriseId: actor.enterpriseId!, kind: q.kind, name: q.name.trim(), fileName: displayFileName(fileName), received, validUntil, note: null });
      return created.materialId;
    });
    return this.detail(actor, id);
  }

  /** A new version of a material (a replacement or a renewal); reaches every open application using it. */
  async newVersion(ctx: RequestContext, id: number, q: LibraryVersionQuery, file: () => { name: string; body: Readable }): Promise<LibraryMaterialDetail> {
    const actor = ctx.actor!;
    // Refused before the body is even looked at: an unknown, someone else's or an archived material.
    await this.writable(this.db, actor, id, false);
    const validUntil = this.checkValidUntil(q.validUntil);
    const { name, body } = file();
    const received = await this.intake.receive(body, { maxBytes: LIBRARY_MAX_BYTES, accepted: LIBRARY_TYPES });
    await inTransaction(this.db, async (trx) => {
      const m = await this.writable(trx, actor, id, true);
      await this.intake.remember(trx, received);
      await this.addVersion(trx, ctx, m, { fileName: displayFileName(name), received, validUntil, note: q.note?.trim() ?? null });
    });
    return this.detail(actor, id);
  }

  async archive(ctx: RequestContext, id: number): Promise<LibraryMaterialView> {
    const actor = ctx.actor!;
    const m = await inTransaction(this.db, async (trx) => {
      const row = await this.writable(trx, actor, id, true);
      const now = this.clock.now();
      await trx.updateTable('library_material').set({ archived_at: now, updated_at: now }).where('id', '=', id).execute();
      await this.audit.record(trx, ctx, { chainKey: `library:${id}`, action: 'library.archive', targetType: 'library_material', targetId: id, regionCode: await this.regionOf(trx, row.enterprise_id), summary: { name: row.name, kind: row.kind } });
      return (await repo.find(trx, id))!;
    });
    return (await this.materialViews(this.db, [m]))[0]!;
  }

  /** A version's content for its enterprise's applicants (or an admin); the read is audited. */
  async openVersion(ctx: RequestContext, id: number, versionId: number) {
    const actor = ctx.actor!;
    const m = await this.readable(this.db, actor, id);
    const v = await repo.versions(this.db).where('v.id', '=', versionId).where('v.material_id', '=', id).executeTakeFirst();
    if (!v) throw notFound(VERSION);
    // Opened before the read is audited: a download that cannot start is not recorded as made.
    const stream = await this.intake.files.open(v.sm3);
    await inTransaction(this.db, async (trx) =>
      this.audit.record(trx, ctx, { chainKey: `library:${id}`, action: 'library.download', targetType: 'library_material_version', targetId: versionId, regionCode: await this.regionOf(trx, m.enterprise_id), summary: { version: v.version, sm3: v.sm3 } }),
    ).catch((err: unknown) => {
      stream.destroy();
      throw err;
    });
    return { fileName: v.file_name, contentType: v.content_type, sizeBytes: Number(v.size_bytes), stream };
  }

  // -------------------------------------------------------------------------------- applications

  /**
   * Files a file uploaded for a requirement of an application into the library and returns the
   * library version to attach:
   * - the requirement has a code and the application already attaches a library material of
   *   that kind for it: the upload is its next version (a supplement's replacement), which then
   *   reaches every open application using the material, this one included;
   * - the enterprise already has this very content as the current version of a material of the
   *   kind: that version;
   * - otherwise a new material (kind = the requirement's code, or 'other').
   * `attachedId` is set when the application's attachment was already made (by propagation).
   */
  async fileUpload(
    trx: Tx,
    ctx: RequestContext,
    app: { id: number; enterprise_id: number },
    requirement: { id: number; code: string | null; name: string },
    fileName: string,
    received: Received,
  ): Promise<{ versionId: number; attachedId: number | null }> {
    await this.intake.remember(trx, received);
    const kind = requirement.code ?? 'other';
    if (requirement.code) {
      const pinned = await trx
        .selectFrom('application_material as am')
        .innerJoin('library_material_version as v', 'v.id', 'am.library_version_id')
        .innerJoin('library_material as m', 'm.id', 'v.material_id')
        .select(['am.id', 'v.id as version_id', 'v.sm3', 'm.id as material_id'])
        .where('am.application_id', '=', app.id)
        .where('am.requirement_id', '=', requirement.id)
        .where('am.removed_at', 'is', null)
        .where('m.kind', '=', kind)
        .where('m.enterprise_id', '=', app.enterprise_id)
        .where('m.archived_at', 'is', null)
        .orderBy('am.id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (pinned?.sm3 === received.sm3) return { versionId: pinned.version_id, attachedId: pinned.id };
      if (pinned) {
        const m = (await repo.lock(trx, pinned.material_id))!;
        const added = await this.addVersion(trx, ctx, m, { fileName, received, validUntil: await this.validUntilRead(trx, received), note: null });
        const row = await trx
          .selectFrom('application_material')
          .select('id')
          .where('application_id', '=', app.id)
          .where('requirement_id', '=', requirement.id)
          .where('library_version_id', '=', added.versionId)
          .where('removed_at', 'is', null)
          .executeTakeFirst();
        return { versionId: added.versionId, attachedId: row?.id ?? null };
      }
    }
    const same = await repo.sameContent(trx, app.enterprise_id, kind, received.sm3);
    if (same) return { versionId: same.version_id, attachedId: null };
    const created = await this.createMaterial(trx, ctx, { enterpriseId: app.enterprise_id, kind, name: requirement.name, fileName, received, validUntil: await this.validUntilRead(trx, received), note: null });
    return { versionId: created.versionId, attachedId: null };
  }

  /** The expiry date read from the document (a licence's 有效期至), if any. */
  private async validUntilRead(db: Executor, received: Received): Promise<string | null> {
    const facts = received.reading?.facts ?? (await this.intake.readings(db, [received.sm3])).get(received.sm3)?.facts ?? {};
    const v = facts.validUntil;
    return v && /^\d{4}-\d{2}-\d{2}$/.test(v) && isValidDate(v) ? v : null;
  }

  /** The current version of a material the enterprise may attach now: its own, not archived, not expired. */
  async currentForReuse(db: Executor, enterpriseId: number, id: number): Promise<VersionRow> {
    const m = await repo.find(db, id);
    if (!m) throw notFound(MATERIAL);
    if (m.enterprise_id !== enterpriseId) throw outOfScope();
    if (m.archived_at) throw new AppError(ErrorCode.INVALID_STATE, { zh: '该材料已归档', en: 'The material is archived' });
    const [v] = await repo.currentVersions(db, [id]);
    if (v!.valid_until !== null && v!.valid_until < this.today()) throw new AppError(ErrorCode.INVALID_STATE, { zh: `该材料已于 ${v!.valid_until} 过期，请先上传新版本`, en: `The material expired on ${v!.valid_until}; upload a new version first` });
    return v!;
  }

  /** What the enterprise can reuse: non-archived, non-expired materials, most recently changed first. */
  async offerable(db: Executor, enterpriseId: number): Promise<LibraryMaterialView[]> {
    const rows = await db.selectFrom('library_material').selectAll().where('enterprise_id', '=', enterpriseId).where('archived_at', 'is', null).orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(500).execute();
    return (await this.materialViews(db, rows)).filter((m) => !m.expired);
  }
}
