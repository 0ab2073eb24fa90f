import type { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import {
  type BusinessLicenceRecord,
  ErrorCode,
  STAGES,
  type AcceptBody,
  type ApplicationCreate,
  type ApplicationSummary,
  type ApplicationView,
  type CaseView,
  type FormValues,
  type HistoryEntry,
  type MaterialView,
  type RequirementView,
  type ReuseMaterialInput,
  type ReuseOffer,
  type SupplementItem,
} from '@tongban/contracts';
import { evaluateCondition, localDate, nationalCodeOfCase, parseCondition, STANDARD_PROCEDURE, type CaseState, type Command, type NewCase, type ProcedureDefinition, type WorkingCalendar } from '@tongban/engine';
import type { ApplicationRow, DB, FormFieldRow, SelectionEntry } from '../../db/schema.ts';
import { inTransaction, type Executor, type Tx } from '../../db/transaction.ts';
import { AppError, notFound, type ErrorDetail } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Actor, RequestContext } from '../accounts/actor.ts';
import { outOfScope, requireRole } from '../accounts/scope.ts';
import { organizationRepository as orgRepo } from '../organization/organization.repository.ts';
import type { ProcessesService } from '../catalog/processes.service.ts';
import { unifiedForm } from '../catalog/processes.service.ts';
import { catalogRepository as catalogRepo } from '../catalog/catalog.repository.ts';
import { applicationScopeSql, assertCanReadApplication } from './access.ts';
import type { CalendarService } from './calendar.service.ts';
import { satisfies, type FileStore } from '../materials/file-store.ts';
import { displayFileName, OFFERS_PER_REQUIREMENT, type LibraryService } from '../materials/library.service.ts';
import { NOT_READ } from '../materials/intake.ts';
import { precheckDetails, type PrecheckService } from '../materials/precheck.service.ts';
import type { RegistryProvider } from '../sharing/registry.ts';
import { loadApplication, procedureById, userNames, type CaseExtras } from './workflow.repository.ts';
import { matchingApplications, refreshApplicationSearch, searchOf } from './application-search.ts';
import { APPLICATION, type WorkflowRunner } from './workflow.runner.ts';

type Answers = Record<string, string | number | boolean | null>;

const MATERIAL = { zh: '材料', en: 'Material' };
const PROJECT = { zh: '项目', en: 'Project' };

/**
 * Stage applications from draft to conclusion: guided answers pin the matters (and their
 * published versions), the unified form and the materials are filled and checked, and the
 * workflow commands (submit, window decisions, withdrawals) run through the engine.
 */
export class ApplicationsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly processes: ProcessesService,
    private readonly calendars: CalendarService,
    private readonly runner: WorkflowRunner,
    private readonly files: FileStore,
    private readonly library: LibraryService,
    private readonly precheck: PrecheckService,
    private readonly registry: RegistryProvider,
  ) {}

  // -------------------------------------------------------------------------------- drafts

  /**
   * The enterprise's business licence from the data-sharing registry (数据共享), to prefill the
   * form with the registered name and legal representative. A registry that fails or does not
   * know the code leaves the form to the platform's own enterprise record: a province exchange
   * being down must not stop anyone from starting an application.
   */
  private async businessLicence(uscc: string): Promise<BusinessLicenceRecord | null> {
    try {
      const r = await this.registry.businessLicence(uscc);
      return r && r.status === 'active' ? r : null;
    } catch {
      return null;
    }
  }

  /** Guided selection for one stage, with the applying matters pinned to their published versions. */
  private async select(db: Executor, processId: number, stageCode: number, answers: Answers) {
    const guide = await this.processes.guide(processId, answers, db);
    const stage = guide.stages.find((s) => s.stageCode === stageCode);
    if (!stage) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: `该流程没有第 ${stageCode} 阶段`, en: `The process has no stage ${stageCode}` });
    const matters = await catalogRepo.findMattersByCodes(db, stage.matters.map((m) => m.code));
    const published = await catalogRepo.publishedMatterVersions(db, matters.map((m) => m.id));
    const selection: SelectionEntry[] = stage.matters.map((m) => {
      const matter = matters.find((x) => x.code === m.code)!;
      const v = published.find((p) => p.matter_id === matter.id)!;
      return { matterId: matter.id, matterVersionId: v.id, code: m.code, name: m.name, departmentId: m.departmentId, reason: m.reason, mandatory: m.mandatory, prerequisites: m.prerequisites, deficiencyAllowed: m.deficiencyAllowed };
    });
    return { guide, stage, selection };
  }

  async create(ctx: RequestContext, input: ApplicationCreate): Promise<ApplicationView> {
    const actor = ctx.actor!;
    requireRole(actor, ['applicant']);
    const project = await this.db.selectFrom('project').selectAll().where('id', '=', input.projectId).executeTakeFirst();
    if (!project) throw notFound(PROJECT);
    if (project.enterprise_id !== actor.enterpriseId) throw outOfScope();
    const process = await catalogRepo.findProcess(this.db, input.processId);
    if (!process) throw notFound({ zh: '审批流程', en: 'Process' });
    if (process.project_type !== project.project_type) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '所选流程与项目的审批流程类型不一致', en: 'The process is for another project type' }, [{ path: '/processId', message: `项目类型 ${project.project_type}，流程类型 ${process.project_type}` }]);
    }
    const covers = await orgRepo.regionSubtree(this.db, process.region_code);
    if (!covers.includes(project.region_code)) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '该流程不适用于项目所在地区', en: 'The process does not cover the project region' });
    const open = await this.db
      .selectFrom('application')
      .select(['id', 'number'])
      .where('project_id', '=', project.id)
      .where('stage_code', '=', input.stageCode)
      .where('status', 'in', ['draft', 'received', 'supplement', 'accepted'])
      .executeTakeFirst();
    if (open) throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: `该项目本阶段已有进行中的申报 ${open.number ?? open.id}`, en: `The project already has an open application for this stage (${open.number ?? open.id})` });
    const enterprise = await orgRepo.findEnterprise(this.db, project.enterprise_id);
    const licence = enterprise ? await this.businessLicence(enterprise.uscc) : null;
    const { guide, stage, selection } = await this.select(this.db, input.processId, input.stageCode, input.answers);
    const stageRow = (await catalogRepo.stagesOf(this.db, guide.processVersionId)).find((s) => s.stage_code === input.stageCode)!;
    const id = await inTransaction(this.db, async (trx) => {
      const row = await trx
        .insertInto('application')
        .values({
          project_id: project.id,
          enterprise_id: project.enterprise_id,
          region_code: project.region_code,
          process_version_id: guide.processVersionId,
          process_stage_id: stageRow.id,
          stage_code: input.stageCode,
          lead_department_id: stage.leadDepartmentId,
          stage_limit_days: stage.timeLimitDays,
          answers: JSON.stringify(input.answers),
          selection: JSON.stringify(selection),
          form: JSON.stringify(prefill(stage.form, project, { name: licence?.name ?? enterprise?.name ?? '', uscc: enterprise?.uscc ?? null, legalRepresentative: licence?.legalRepresentative ?? null })),
          status: 'draft',
          created_by: actor.userId,
          created_at: this.clock.now(),
          updated_at: this.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const number = `SB${localDate(this.clock.now()).slice(0, 4)}${String(row.id).padStart(7, '0')}`;
      await trx.updateTable('application').set({ number }).where('id', '=', row.id).execute();
      await refreshApplicationSearch(trx, { applicationId: row.id });
      await this.audit.record(trx, ctx, {
        chainKey: `application:${row.id}`,
        action: 'application.create',
        targetType: 'application',
        targetId: row.id,
        regionCode: project.region_code,
        summary: { projectId: project.id, processVersionId: guide.processVersionId, stageCode: input.stageCode, matters: selection.map((s) => `${s.code}@${s.matterVersionId}`) },
      });
      return row.id;
    });
    return this.view(actor, id);
  }

  /** Loads a draft the caller may edit (the applicant of its enterprise), locked. */
  private async editable(trx: Tx, actor: Actor, id: number, version: number | undefined, statuses: string[]): Promise<ApplicationRow> {
    requireRole(actor, ['applicant']);
    const row = await trx.selectFrom('application').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
    if (!row) throw notFound(APPLICATION);
    if (row.enterprise_id !== actor.enterpriseId) throw outOfScope();
    if (version !== undefined && version !== row.version) throw new AppError(ErrorCode.CONFLICT);
    if (!statuses.includes(row.status)) throw new AppError(ErrorCode.INVALID_STATE, { zh: '申报已提交，不能再修改', en: 'The application can no longer be changed' });
    return row;
  }

  async updateAnswers(ctx: RequestContext, id: number, version: number, answers: Answers): Promise<ApplicationView> {
    const actor = ctx.actor!;
    await inTransaction(this.db, async (trx) => {
      const row = await this.editable(trx, actor, id, version, ['draft']);
      const pv = await catalogRepo.findProcessVersion(trx, row.process_version_id);
      const { guide, selection } = await this.select(trx, pv!.process_id, row.stage_code, answers);
      if (guide.processVersionId !== row.process_version_id) {
        throw new AppError(ErrorCode.CONFLICT, { zh: '流程已发布新版本，请新建申报', en: 'A new process version was published; start a new application' });
      }
      await trx.updateTable('application').set({ answers: JSON.stringify(answers), selection: JSON.stringify(selection), version: row.version + 1, updated_at: this.clock.now() }).where('id', '=', id).execute();
      await refreshApplicationSearch(trx, { applicationId: id });
      await this.audit.record(trx, ctx, { chainKey: `application:${id}`, action: 'application.answers', targetType: 'application', targetId: id, regionCode: row.region_code, summary: { answers, matters: selection.map((s) => s.code) } });
    });
    return this.view(actor, id);
  }

  /** Draft autosave: values are checked against their field types; required fields only at submit. */
  async updateForm(ctx: RequestContext, id: number, version: number, values: FormValues): Promise<ApplicationView> {
    const actor = ctx.actor!;
    await inTransaction(this.db, async (trx) => {
      const row = await this.editable(trx, actor, id, version, ['draft', 'supplement']);
      const fields = await this.formFields(trx, row.selection);
      const problems = checkFormValues(fields, values);
      if (problems.length) throw new AppError(ErrorCode.VALIDATION_FAILED, undefined, problems);
      const form = { ...(row.form) };
      for (const [k, v] of Object.entries(values)) {
        if (v === null || v === '') delete form[k];
        else form[k] = v;
      }
      await trx.updateTable('application').set({ form: JSON.stringify(form), version: row.version + 1, updated_at: this.clock.now() }).where('id', '=', id).execute();
      await this.audit.record(trx, ctx, { chainKey: `application:${id}`, action: 'application.form', targetType: 'application', targetId: id, regionCode: row.region_code, summary: { fields: Object.keys(values) } });
    });
    return this.view(actor, id);
  }

  private async formFields(db: Executor, selection: SelectionEntry[]): Promise<FormFieldRow[]> {
    if (!selection.length) return [];
    const versions = await db.selectFrom('matter_version').select(['id', 'form_fields']).where('id', 'in', selection.map((s) => s.matterVersionId)).execute();
    const byId = new Map(versions.map((v) => [v.id, v.form_fields]));
    return unifiedForm(selection.map((s) => byId.get(s.matterVersionId) ?? []));
  }

  // -------------------------------------------------------------------------------- materials

  /** Requirements of the pinned matter versions that apply to these answers. */
  private async requirements(db: Executor, selection: SelectionEntry[], answers: Answers) {
    if (!selection.length) return [];
    const rows = await catalogRepo.materialsOf(db, selection.map((s) => s.matterVersionId));
    const byVersion = new Map(selection.map((s) => [s.matterVersionId, s]));
    return rows.flatMap((r) => {
      const s = byVersion.get(r.matter_version_id)!;
      let required = r.necessity === 'required';
      let reason = r.condition_note;
      if (r.condition) {
        const e = evaluateCondition(parseCondition(r.condition), answers);
        if (e.value === false) return [];
        if (e.value === true) required = true;
        reason = r.condition_note ?? r.condition;
      }
      return [{ row: r, matter: s, required, reason }];
    });
  }

  async uploadMaterial(ctx: RequestContext, id: number, requirementId: number, fileName: string, body: Readable): Promise<MaterialView> {
    const actor = ctx.actor!;
    requireRole(actor, ['applicant']);
    const app = await this.db.selectFrom('application').selectAll().where('id', '=', id).executeTakeFirst();
    if (!app) throw notFound(APPLICATION);
    if (app.enterprise_id !== actor.enterpriseId) throw outOfScope();
    const requirement = (await this.requirements(this.db, app.selection, app.answers)).find((r) => r.row.id === requirementId);
    if (!requirement) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '该申报没有这项材料要求', en: 'The application has no such material requirement' }, [{ path: '/requirementId', message: String(requirementId) }]);
    if (!uploadAllowed(app)) throw new AppError(ErrorCode.INVALID_STATE, { zh: '当前状态不能上传材料', en: 'Materials cannot be uploaded now' });
    // Streamed in (sniffed, measured, hashed) and, on first sight of the content, read once for the pre-check.
    const stored = await this.library.intake.receive(body, { maxBytes: requirement.row.max_size_mb * 1024 * 1024, accepted: requirement.row.accepted_types });
    const safeName = displayFileName(fileName);
    const materialId = await inTransaction(this.db, async (trx) => {
      const row = await trx.selectFrom('application').select(['status', 'version']).where('id', '=', id).forNoKeyUpdate().executeTakeFirstOrThrow();
      if (!uploadAllowed({ ...app, status: row.status })) throw new AppError(ErrorCode.INVALID_STATE);
      // Every upload also enters the enterprise library; a replacement becomes the material's next version.
      const filed = await this.library.fileUpload(trx, ctx, app, requirement.row, safeName, stored);
      const m =
        filed.attachedId !== null
          ? { id: filed.attachedId }
          : await trx
              .insertInto('application_material')
              .values({ application_id: id, requirement_id: requirementId, file_name: safeName, content_type: stored.contentType, size_bytes: stored.sizeBytes, sm3: stored.sm3, uploaded_by: actor.userId, uploaded_at: this.clock.now(), library_version_id: filed.versionId })
              .returning('id')
              .executeTakeFirstOrThrow();
      await trx
        .updateTable('application')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: this.clock.now() }))
        .where('id', '=', id)
        .execute();
      await this.audit.record(trx, ctx, { chainKey: `application:${id}`, action: 'application.material_upload', targetType: 'application', targetId: id, regionCode: app.region_code, summary: { requirementId, fileName: safeName, sm3: stored.sm3, sizeBytes: stored.sizeBytes, libraryVersionId: filed.versionId } });
      return m.id;
    });
    return (await this.materialViews(this.db, id)).find((m) => m.id === materialId)!;
  }

  async removeMaterial(ctx: RequestContext, id: number, materialId: number): Promise<void> {
    const actor = ctx.actor!;
    await inTransaction(this.db, async (trx) => {
      const row = await this.editable(trx, actor, id, undefined, ['draft', 'supplement']);
      const gone = await trx.updateTable('application_material').set({ removed_at: this.clock.now() }).where('id', '=', materialId).where('application_id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
      if (!Number(gone.numUpdatedRows)) throw notFound(MATERIAL);
      await trx.updateTable('application').set({ version: row.version + 1, updated_at: this.clock.now() }).where('id', '=', id).execute();
      await this.audit.record(trx, ctx, { chainKey: `application:${id}`, action: 'application.material_remove', targetType: 'application', targetId: id, regionCode: row.region_code, summary: { materialId } });
    });
  }

  /** A material's content for someone who may read the application; the read is audited. */
  async openMaterial(ctx: RequestContext, id: number, materialId: number) {
    const actor = ctx.actor!;
    const app = await this.db.selectFrom('application').select(['id', 'enterprise_id', 'region_code']).where('id', '=', id).executeTakeFirst();
    if (!app) throw notFound(APPLICATION);
    await assertCanReadApplication(this.db, actor, app);
    const m = await this.db.selectFrom('application_material').selectAll().where('id', '=', materialId).where('application_id', '=', id).executeTakeFirst();
    if (!m) throw notFound(MATERIAL);
    // Opened before the read is audited: a download that cannot start is not recorded as made.
    const stream = await this.files.open(m.sm3);
    await inTransaction(this.db, (trx) =>
      this.audit.record(trx, ctx, { chainKey: `application:${id}`, action: 'application.material_download', targetType: 'application_material', targetId: materialId, regionCode: app.region_code, summary: { sm3: m.sm3 } }),
    ).catch((err: unknown) => {
      stream.destroy();
      throw err;
    });
    return { fileName: m.file_name, contentType: m.content_type, sizeBytes: m.size_bytes, stream };
  }

  private async materialViews(db: Executor, id: number): Promise<MaterialView[]> {
    const rows = await db
      .selectFrom('application_material as am')
      .leftJoin('library_material_version as v', 'v.id', 'am.library_version_id')
      .selectAll('am')
      .select(['v.material_id as library_material_id', 'v.version as library_version'])
      .where('am.application_id', '=', id)
      .where('am.removed_at', 'is', null)
      .orderBy('am.id')
      .execute();
    const names = await userNames(db, rows.map((r) => r.uploaded_by));
    const readings = await this.library.intake.readings(db, rows.map((r) => r.sm3));
    return rows.map((r) => ({
      id: r.id,
      requirementId: r.requirement_id,
      fileName: r.file_name,
      contentType: r.content_type,
      sizeBytes: Number(r.size_bytes),
      sm3: r.sm3,
      uploadedAt: r.uploaded_at.toISOString(),
      uploadedBy: { id: r.uploaded_by, displayName: names.get(r.uploaded_by) ?? '' },
      libraryMaterialId: r.library_material_id,
      libraryVersion: r.library_version,
      certificateId: r.certificate_id,
      extraction: readings.get(r.sm3) ?? NOT_READ,
    }));
  }

  // -------------------------------------------------------------------------------- reuse (一次提交、多方调用)

  /** Per requirement, what the enterprise already has: library materials (same kind first) and its valid certificates. */
  async reuseOffers(actor: Actor, id: number): Promise<ReuseOffer[]> {
    requireRole(actor, ['applicant', 'admin']);
    const app = await this.db.selectFrom('application').selectAll().where('id', '=', id).executeTakeFirst();
    if (!app) throw notFound(APPLICATION);
    if (actor.role === 'applicant' && app.enterprise_id !== actor.enterpriseId) throw outOfScope();
    const today = localDate(this.clock.now());
    const [requirements, materials, certificates] = await Promise.all([
      this.requirements(this.db, app.selection, app.answers),
      this.library.offerable(this.db, app.enterprise_id),
      this.db
        .selectFrom('certificate')
        .select(['id', 'number', 'title', 'issue_date', 'valid_until'])
        .where('enterprise_id', '=', app.enterprise_id)
        .where('kind', '=', 'certificate')
        .where('status', '=', 'valid')
        .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>=', today)]))
        .orderBy('id', 'desc')
        .limit(200)
        .execute(),
    ]);
    return requirements.map(({ row }) => {
      const kind = row.code ?? 'other';
      const fits = materials.filter((m) => satisfies(m.current.contentType, row.accepted_types) && m.current.sizeBytes <= row.max_size_mb * 1024 * 1024);
      const sameKind = fits.filter((m) => m.kind === kind);
      const certs = row.accepted_types.includes('pdf') ? certificates : [];
      // A certificate named like the requirement (建设工程规划许可证) first.
      const named = (c: { title: string }) => row.name.includes(c.title) || c.title.includes(row.name);
      return {
        requirementId: row.id,
        materials: [...sameKind, ...fits.filter((m) => m.kind !== kind)].slice(0, OFFERS_PER_REQUIREMENT),
        certificates: [...certs.filter(named), ...certs.filter((c) => !named(c))].map((c) => ({ id: c.id, number: c.number, title: c.title, issueDate: c.issue_date, validUntil: c.valid_until })),
      };
    });
  }

  /** Attaches a library material's current version, or an issued certificate's PDF, to a requirement. */
  async reuseMaterial(ctx: RequestContext, id: number, input: ReuseMaterialInput): Promise<MaterialView> {
    const actor = ctx.actor!;
    requireRole(actor, ['applicant']);
    const app = await this.db.selectFrom('application').selectAll().where('id', '=', id).executeTakeFirst();
    if (!app) throw notFound(APPLICATION);
    if (app.enterprise_id !== actor.enterpriseId) throw outOfScope();
    const requirement = (await this.requirements(this.db, app.selection, app.answers)).find((r) => r.row.id === input.requirementId)?.row;
    if (!requirement) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '该申报没有这项材料要求', en: 'The application has no such material requirement' }, [{ path: '/requirementId', message: String(input.requirementId) }]);
    if (!uploadAllowed(app)) throw new AppError(ErrorCode.INVALID_STATE, { zh: '当前状态不能添加材料', en: 'Materials cannot be added now' });
    const refuseType = () => new AppError(ErrorCode.FILE_TYPE_REFUSED, { zh: `该文件不是这项材料允许的格式（${requirement.accepted_types.join('、')}）`, en: `The file is not one of the accepted types (${requirement.accepted_types.join(', ')})` });
    const materialId = await inTransaction(this.db, async (trx) => {
      const row = await trx.selectFrom('application').select(['status']).where('id', '=', id).forNoKeyUpdate().executeTakeFirstOrThrow();
      if (!uploadAllowed({ ...app, status: row.status })) throw new AppError(ErrorCode.INVALID_STATE);
      const now = this.clock.now();
      let values: { file_name: string; content_type: string; size_bytes: number; sm3: string; library_version_id: number | null; certificate_id: number | null };
      let duplicate;
      if ('libraryMaterialId' in input) {
        const v = await this.library.currentForReuse(trx, app.enterprise_id, input.libraryMaterialId);
        if (!satisfies(v.content_type, requirement.accepted_types)) throw refuseType();
        if (Number(v.size_bytes) > requirement.max_size_mb * 1024 * 1024) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, { zh: `文件超过 ${requirement.max_size_mb} MB 上限`, en: `The file exceeds ${requirement.max_size_mb} MB` });
        values = { file_name: v.file_name, content_type: v.content_type, size_bytes: Number(v.size_bytes), sm3: v.sm3, library_version_id: v.id, certificate_id: null };
        duplicate = trx.selectFrom('application_material').select('id').where('library_version_id', '=', v.id);
      } else {
        const c = await trx.selectFrom('certificate').selectAll().where('id', '=', input.certificateId).executeTakeFirst();
        if (!c) throw notFound({ zh: '证照', en: 'Certificate' });
        if (c.enterprise_id !== app.enterprise_id) throw outOfScope();
        if (c.kind !== 'certificate') throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '决定书不能作为证照复用', en: 'A decision letter is not a certificate to reuse' }, [{ path: '/certificateId', message: String(c.id) }]);
        if (c.status !== 'valid') throw new AppError(ErrorCode.INVALID_STATE, { zh: '该证照已被吊销或撤销', en: 'The certificate is revoked' });
        if (c.valid_until !== null && c.valid_until < localDate(now)) throw new AppError(ErrorCode.INVALID_STATE, { zh: `该证照已于 ${c.valid_until} 过期`, en: `The certificate expired on ${c.valid_until}` });
        if (!requirement.accepted_types.includes('pdf')) throw refuseType();
        // The certificate's facts come from its signed record, not from reading its PDF.
        await trx
          .insertInto('stored_file')
          .values({
            sm3: c.pdf_sm3,
            size_bytes: Number(c.pdf_size_bytes),
            content_type: 'application/pdf',
            text_status: 'read',
            text_source: 'certificate',
            text_reason: null,
            text: null,
            facts: JSON.stringify({ certificateNumber: c.number, enterpriseName: c.holder_name, uscc: c.holder_uscc, projectCode: c.project_code, projectName: c.project_name, issueDate: c.issue_date, ...(c.valid_until && { validUntil: c.valid_until }), issuer: c.department_name }),
            created_at: now,
          })
          .onConflict((oc) => oc.column('sm3').doNothing())
          .execute();
        values = { file_name: displayFileName(`${c.title}（${c.number}）.pdf`), content_type: 'application/pdf', size_bytes: Number(c.pdf_size_bytes), sm3: c.pdf_sm3, library_version_id: null, certificate_id: c.id };
        duplicate = trx.selectFrom('application_material').select('id').where('certificate_id', '=', c.id);
      }
      if (await duplicate.where('application_id', '=', id).where('requirement_id', '=', requirement.id).where('removed_at', 'is', null).executeTakeFirst()) {
        throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: '这份材料已添加到该项要求', en: 'This file is already attached to the requirement' });
      }
      const m = await trx
        .insertInto('application_material')
        .values({ application_id: id, requirement_id: requirement.id, uploaded_by: actor.userId, uploaded_at: now, ...values })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('application')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', id)
        .execute();
      await this.audit.record(trx, ctx, {
        chainKey: `application:${id}`,
        action: 'application.material_reuse',
        targetType: 'application',
        targetId: id,
        regionCode: app.region_code,
        summary: { requirementId: requirement.id, fileName: values.file_name, sm3: values.sm3, ...('libraryMaterialId' in input ? { libraryMaterialId: input.libraryMaterialId, libraryVersionId: values.library_version_id } : { certificateId: input.certificateId }) },
      });
      return m.id;
    });
    return (await this.materialViews(this.db, id)).find((m) => m.id === materialId)!;
  }

  // -------------------------------------------------------------------------------- commands

  /** What still blocks submission: unanswered deciding questions, required fields, required materials. */
  private async problems(db: Executor, row: ApplicationRow): Promise<ErrorDetail[]> {
    const out: ErrorDetail[] = [];
    const pv = await catalogRepo.findProcessVersion(db, row.process_version_id);
    const guide = await this.processes.guide(pv!.process_id, row.answers, db).catch(() => null);
    const stage = guide?.stages.find((s) => s.stageCode === row.stage_code);
    for (const u of stage?.undecided ?? []) out.push({ path: `/answers`, message: `请回答引导问题以确定是否需要办理「${u.name}」` });
    if (!row.selection.length) out.push({ path: '/answers', message: '按当前回答本阶段没有需要办理的事项' });
    const form = row.form;
    for (const f of await this.formFields(db, row.selection)) {
      if (f.required && (form[f.key] === undefined || form[f.key] === null || form[f.key] === '')) out.push({ path: `/form/${f.key}`, message: `请填写「${f.label}」` });
    }
    const files = await db.selectFrom('application_material').select('requirement_id').where('application_id', '=', row.id).where('removed_at', 'is', null).execute();
    const have = new Set(files.map((f) => f.requirement_id));
    for (const r of await this.requirements(db, row.selection, row.answers)) {
      if (r.required && !have.has(r.row.id)) out.push({ path: `/materials/${r.row.id}`, message: `请上传「${r.row.name}」（${r.matter.name}）` });
    }
    return out;
  }

  /** Submits a draft, or resubmits after the window's supplement request. */
  async submit(ctx: RequestContext, id: number, version: number | undefined): Promise<ApplicationView> {
    await this.runner.run(ctx, id, async (loaded, trx) => {
      if (version !== undefined && version !== loaded.row.version) throw new AppError(ErrorCode.CONFLICT);
      if (['draft', 'supplement'].includes(loaded.row.status)) {
        const problems = await this.problems(trx, loaded.row);
        if (problems.length) throw new AppError(ErrorCode.SUBMIT_CHECK_FAILED, undefined, problems);
        // 智能预审: errors block submission, warnings do not.
        const report = await this.precheck.compute(trx, loaded.row);
        if (!report.ok) throw new AppError(ErrorCode.PRECHECK_FAILED, { zh: `智能预审发现 ${report.errors} 处错误，请修改后再提交`, en: `The pre-check found ${report.errors} error(s); correct them first` }, precheckDetails(report));
      }
      return { command: loaded.row.status === 'supplement' ? { type: 'endSupplement', caseId: null } : { type: 'submit' } };
    });
    return this.view(ctx.actor!, id);
  }

  async withdraw(ctx: RequestContext, id: number, reason: string, version?: number) {
    return this.command(ctx, id, version, { type: 'withdraw', reason });
  }

  async satisfyDeficiency(ctx: RequestContext, id: number) {
    return this.command(ctx, id, undefined, { type: 'satisfyDeficiency' });
  }

  async endCaseSupplement(ctx: RequestContext, id: number, caseId: string) {
    return this.command(ctx, id, undefined, { type: 'endSupplement', caseId });
  }

  async requestSupplement(ctx: RequestContext, id: number, items: SupplementItem[], version?: number) {
    return this.command(ctx, id, version, { type: 'requestSupplement', caseId: null, items });
  }

  async notAccept(ctx: RequestContext, id: number, reason: string, version?: number) {
    return this.command(ctx, id, version, { type: 'notAccept', reason }, { decision_reason: reason });
  }

  async refuse(ctx: RequestContext, id: number, reason: string, version?: number) {
    return this.command(ctx, id, version, { type: 'refuse', reason }, { decision_reason: reason });
  }

  private async command(ctx: RequestContext, id: number, version: number | undefined, command: Command, columns?: Record<string, unknown>): Promise<ApplicationView> {
    await this.runner.run(ctx, id, (loaded) => {
      if (version !== undefined && version !== loaded.row.version) throw new AppError(ErrorCode.CONFLICT);
      return { command, ...(columns && { columns }) };
    });
    return this.view(ctx.actor!, id);
  }

  /** 受理: fan out into one case per selected matter, each on its department's procedure. */
  async accept(ctx: RequestContext, id: number, body: AcceptBody): Promise<ApplicationView> {
    await this.runner.run(ctx, id, async (loaded, trx) => {
      if (body.version !== undefined && body.version !== loaded.row.version) throw new AppError(ErrorCode.CONFLICT);
      const selection = loaded.row.selection;
      if (body.deficiency) {
        const enterprise = await orgRepo.findEnterprise(trx, loaded.row.enterprise_id);
        if (!enterprise?.deficiency_eligible) throw new AppError(ErrorCode.INVALID_STATE, { zh: '该企业不具备容缺受理资格', en: 'The enterprise is not eligible for acceptance with deficiency' });
        const refused = selection.filter((s) => !s.deficiencyAllowed);
        if (refused.length === selection.length) throw new AppError(ErrorCode.INVALID_STATE, { zh: '本次申报的事项均不允许容缺受理', en: 'None of the matters allows acceptance with deficiency' });
        if (body.deficiency.deadline <= this.clock.now().toISOString().slice(0, 10)) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '补齐期限须晚于今天', en: 'The deadline must be after today' }, [{ path: '/deficiency/deadline', message: body.deficiency.deadline }]);
      }
      const versions = await trx.selectFrom('matter_version').selectAll().where('id', 'in', selection.map((s) => s.matterVersionId)).execute();
      const cases: NewCase[] = [];
      const extras = new Map<string, CaseExtras>();
      for (const [i, s] of selection.entries()) {
        const v = versions.find((x) => x.id === s.matterVersionId)!;
        const proc = await this.procedureFor(trx, s.departmentId, ctx.actor!.userId);
        const present = new Set(selection.map((x) => x.code));
        cases.push({ matterCode: s.code, matterName: s.name, departmentId: s.departmentId, procedure: proc.definition, prerequisites: s.prerequisites.filter((p) => present.has(p)) });
        extras.set(s.code, { seq: i + 1, matterId: s.matterId, matterVersionId: s.matterVersionId, regionCode: loaded.row.region_code, procedureId: proc.id, limitKind: v.limit_kind, limitDays: v.promised_limit_days, legalLimitDays: v.legal_limit_days });
      }
      return { command: { type: 'accept', cases, deficiency: body.deficiency ?? null }, extras };
    });
    return this.view(ctx.actor!, id);
  }

  /** The department's latest procedure version, else the platform standard (created on first use). */
  private async procedureFor(trx: Tx, departmentId: number, userId: number): Promise<{ id: number; definition: ProcedureDefinition }> {
    const own = await trx.selectFrom('procedure_definition').select(['id', 'definition']).where('department_id', '=', departmentId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const row = own ?? (await trx.selectFrom('procedure_definition').select(['id', 'definition']).where('code', '=', STANDARD_PROCEDURE.code).where('department_id', 'is', null).orderBy('version', 'desc').limit(1).executeTakeFirst());
    if (row) return { id: row.id, definition: row.definition as ProcedureDefinition };
    const created = await trx
      .insertInto('procedure_definition')
      .values({ code: STANDARD_PROCEDURE.code, version: STANDARD_PROCEDURE.version, name: STANDARD_PROCEDURE.name, department_id: null, definition: JSON.stringify(STANDARD_PROCEDURE), created_by: userId })
      .onConflict((oc) => oc.columns(['code', 'version']).doNothing())
      .returning('id')
      .executeTakeFirst();
    const id = created?.id ?? (await trx.selectFrom('procedure_definition').select('id').where('code', '=', STANDARD_PROCEDURE.code).where('version', '=', STANDARD_PROCEDURE.version).executeTakeFirstOrThrow()).id;
    return { id, definition: STANDARD_PROCEDURE };
  }

  // -------------------------------------------------------------------------------- reading

  async list(actor: Actor, f: { status?: string; projectId?: number; q?: string; page: number; pageSize: number }): Promise<{ items: ApplicationSummary[]; total: number }> {
    const scope = await applicationScopeSql(this.db, actor);
    let q = this.db
      .selectFrom('application as a')
      .innerJoin('project as p', 'p.id', 'a.project_id')
      .innerJoin('enterprise as e', 'e.id', 'a.enterprise_id')
      .innerJoin('process_version as pv', 'pv.id', 'a.process_version_id');
    if (scope) q = q.where(scope);
    if (f.status) q = q.where('a.status', '=', f.status);
    if (f.projectId) q = q.where('a.project_id', '=', f.projectId);
    if (f.q) {
      const search = await searchOf(this.db, f.q);
      q = q.where(search ? (eb) => eb('a.id', 'in', matchingApplications(this.db, search)) : sql<boolean>`false`);
    }
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q
      .select(['a.id', 'a.number', 'a.project_id', 'p.code as project_code', 'p.name as project_name', 'a.enterprise_id', 'e.name as enterprise_name', 'a.region_code', 'a.stage_code', 'pv.name as process_name', 'a.status', 'a.national_code', 'a.submitted_at', 'a.accepted_at', 'a.concluded_at', 'a.stage_due_date', 'a.created_at'])
      .select(sql<number>`(SELECT count(*) FROM approval_case c WHERE c.application_id = a.id)`.as('cases'))
      .select(sql<number>`(SELECT count(*) FROM approval_case c WHERE c.application_id = a.id AND c.concluded_at IS NOT NULL)`.as('cases_concluded'))
      .orderBy('a.id', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return { items: rows.map((r) => summaryOf(r)), total };
  }

  async view(actor: Actor, id: number): Promise<ApplicationView> {
    const loaded = await loadApplication(this.db, { applicationId: id }, false);
    if (!loaded) throw notFound(APPLICATION);
    const { row, state } = loaded;
    await assertCanReadApplication(this.db, actor, row);
    const calendar = await this.calendars.calendar();
    const [project, enterprise, pv, leadDept] = await Promise.all([
      this.db.selectFrom('project').selectAll().where('id', '=', row.project_id).executeTakeFirstOrThrow(),
      orgRepo.findEnterprise(this.db, row.enterprise_id),
      catalogRepo.findProcessVersion(this.db, row.process_version_id),
      orgRepo.findDepartment(this.db, row.lead_department_id),
    ]);
    const depts = new Map((await orgRepo.listDepartments(this.db, null)).map((d) => [d.id, d.name]));
    const draftLike = ['draft', 'supplement'].includes(row.status);
    const guide = row.status === 'draft' ? await this.processes.guide(pv!.process_id, row.answers).catch(() => null) : null;
    const stageGuide = guide?.stages.find((s) => s.stageCode === row.stage_code);
    const materials = await this.materialViews(this.db, id);
    const requirements: RequirementView[] = (await this.requirements(this.db, row.selection, row.answers)).map((r) => ({
      id: r.row.id,
      matterCode: r.matter.code,
      matterName: r.matter.name,
      name: r.row.name,
      necessity: r.row.necessity,
      required: r.required,
      reason: r.reason,
      acceptedTypes: r.row.accepted_types,
      maxSizeMb: r.row.max_size_mb,
      files: materials.filter((m) => m.requirementId === r.row.id),
    }));
    const events = await this.history(this.db, id, null);
    const caseViews = await this.caseViews(this.db, loaded.state.cases, loaded.caseRows, calendar, depts);
    const counts = { cases: state.cases.length, concluded: state.cases.filter((c) => c.concludedAt).length };
    return {
      ...summaryOf({
        ...row,
        project_code: project.code,
        project_name: project.name,
        enterprise_name: enterprise?.name ?? '',
        process_name: pv?.name ?? '',
        cases: counts.cases,
        cases_concluded: counts.concluded,
      }),
      processId: pv!.process_id,
      processVersionId: row.process_version_id,
      processVersion: pv!.version,
      stageLimitDays: row.stage_limit_days,
      leadDepartmentId: row.lead_department_id,
      leadDepartmentName: leadDept?.name ?? '',
      answers: row.answers,
      questions: (pv!.questions).map(({ help: _h, ...q }) => q),
      unanswered: guide?.unanswered ?? [],
      matters: row.selection.map((s) => ({ code: s.code, name: s.name, departmentId: s.departmentId, departmentName: depts.get(s.departmentId) ?? '', matterVersionId: s.matterVersionId, reason: s.reason, prerequisites: s.prerequisites, deficiencyAllowed: s.deficiencyAllowed })),
      undecided: stageGuide?.undecided ?? [],
      formFields: await this.formFields(this.db, row.selection),
      form: row.form as FormValues,
      requirements,
      problems: draftLike ? await this.problems(this.db, row) : [],
      supplementItems: state.supplementItems,
      deficiency: state.deficiency,
      deficiencyEligible: enterprise?.deficiency_eligible ?? false,
      outcome: state.outcome,
      decisionReason: row.decision_reason,
      stageClock: row.accepted_at
        ? this.calendars.read(calendar, { startedAt: row.accepted_at, limitDays: row.stage_limit_days, legalLimitDays: row.stage_limit_days, limitKind: 'working', pauses: [], concludedAt: row.concluded_at })
        : null,
      cases: caseViews,
      returnsAndSupplements: events.filter((e) => ['StepReturned', 'SupplementRequested', 'SupplementEnded'].includes(e.type)),
      allowedActions: allowedActions(actor, state.status, row, state.cases),
      version: row.version,
    };
  }

  async caseViews(db: Executor, cases: CaseState[], rows: Map<string, { matter_version_id: number; limit_days: number; legal_limit_days: number; limit_kind: 'working' | 'calendar'; application_id: number; document_status: CaseView['documentStatus'] }>, calendar: WorkingCalendar, depts: Map<number, string>): Promise<CaseView[]> {
    const names = await userNames(
      db,
      cases.flatMap((c) => c.tasks.flatMap((t) => [t.assigneeId, t.delegatedTo, t.completedBy])),
    );
    // The issued certificate or decision letter of each case (decision 0013), in one query when any was issued.
    const issued = cases.filter((c) => rows.get(c.id)!.document_status === 'issued').map((c) => c.id);
    const documents = new Map(
      (issued.length ? await db.selectFrom('certificate').select(['id', 'case_id', 'kind', 'number', 'verification_code', 'status']).where('case_id', 'in', issued).execute() : []).map((d) => [
        d.case_id,
        { certificateId: d.id, kind: d.kind, number: d.number, verificationCode: d.verification_code, status: d.status },
      ]),
    );
    const ref = (id: number | null) => (id === null ? null : { id, displayName: names.get(id) ?? '' });
    return cases.map((c) => {
      const r = rows.get(c.id)!;
      const stepName = (key: string | null) => c.procedure.steps.find((s) => s.key === key)?.name ?? null;
      const open = c.tasks.filter((t) => t.status === 'open');
      return {
        id: c.id,
        applicationId: r.application_id,
        matterCode: c.matterCode,
        matterName: c.matterName,
        matterVersionId: r.matter_version_id,
        departmentId: c.departmentId,
        departmentName: depts.get(c.departmentId) ?? '',
        procedure: { code: c.procedure.code, version: c.procedure.version, name: c.procedure.name, steps: c.procedure.steps.map((s) => ({ key: s.key, name: s.name, role: s.role, mode: s.mode, final: s.final, returnTo: s.returnTo })) },
        prerequisites: c.prerequisites,
        status: c.status,
        nationalCode: nationalCodeOfCase(c),
        stepKey: c.stepKey,
        stepName: stepName(c.stepKey),
        holders: open.flatMap((t) => {
          const holder = t.delegatedTo ?? (t.assigneeId !== null ? t.assigneeId : null);
          return holder === null ? [] : [ref(holder)!];
        }),
        proposal: c.proposal,
        startedAt: c.startedAt,
        concludedAt: c.concludedAt,
        pauses: c.pauses,
        clock: this.calendars.read(calendar, { startedAt: c.startedAt, limitDays: r.limit_days, legalLimitDays: r.legal_limit_days, limitKind: r.limit_kind, pauses: c.pauses, concludedAt: c.concludedAt }),
        tasks: c.tasks.map((t) => ({
          id: t.id,
          stepKey: t.stepKey,
          stepName: stepName(t.stepKey) ?? t.stepKey,
          round: t.round,
          role: t.role,
          status: t.status,
          assignee: ref(t.assigneeId),
          claimed: t.claimed,
          delegatedTo: ref(t.delegatedTo),
          delegateOpinion: t.delegateOpinion,
          origin: t.origin,
          decision: t.decision,
          opinion: t.opinion,
          createdAt: t.createdAt,
          completedAt: t.completedAt,
          completedBy: ref(t.completedBy),
          version: t.version,
        })),
        documentStatus: r.document_status,
        document: documents.get(c.id) ?? null,
        version: c.version,
      };
    });
  }

  async history(db: Executor, applicationId: number, caseId: string | null): Promise<HistoryEntry[]> {
    let q = db.selectFrom('workflow_event as w').leftJoin('approval_case as c', 'c.id', 'w.case_id').innerJoin('app_user as u', 'u.id', 'w.actor_id').where('w.application_id', '=', applicationId);
    if (caseId) q = q.where('w.case_id', '=', caseId);
    const rows = await q.select(['w.id', 'w.type', 'w.case_id', 'c.matter_name', 'w.task_id', 'w.national_code', 'w.actor_id', 'u.display_name', 'w.at', 'w.data']).orderBy('w.id').execute();
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      caseId: r.case_id,
      matterName: r.matter_name,
      taskId: r.task_id,
      nationalCode: r.national_code,
      actor: { id: r.actor_id, displayName: r.display_name },
      at: r.at.toISOString(),
      data: r.data,
    }));
  }

  async applicationHistory(actor: Actor, id: number): Promise<HistoryEntry[]> {
    const app = await this.db.selectFrom('application').select(['id', 'enterprise_id', 'region_code']).where('id', '=', id).executeTakeFirst();
    if (!app) throw notFound(APPLICATION);
    await assertCanReadApplication(this.db, actor, app);
    return this.history(this.db, id, null);
  }

  async procedureOf(id: number) {
    return procedureById(this.db, id);
  }
}

// ---------------------------------------------------------------------------------------------


function uploadAllowed(app: Pick<ApplicationRow, 'status' | 'deficiency'>): boolean {
  // Drafts, window supplements, and — after acceptance — case supplements and deficiency items.
  return ['draft', 'supplement', 'accepted'].includes(app.status);
}

/** Fields the project and the registry already answer (项目信息复用, 数据共享): name, code, areas, investment, location, the unit. */
function prefill(
  fields: ReadonlyArray<{ key: string; type: string }>,
  project: { name: string; code: string; investment: number; land_area: number; floor_area: number; location: string },
  unit: { name: string; uscc: string | null; legalRepresentative: string | null },
) {
  const known: Record<string, unknown> = {
    projectName: project.name,
    projectCode: project.code,
    investment: project.investment,
    totalInvestment: project.investment,
    // The catalog asks land area in 公顷 (hectares); projects record m².
    landArea: Math.round(project.land_area / 100) / 100,
    floorArea: project.floor_area,
    location: project.location,
    address: project.location,
    projectAddress: project.location,
    constructionUnit: unit.name,
    constructionUnitUscc: unit.uscc ?? undefined,
    legalRepresentative: unit.legalRepresentative ?? undefined,
  };
  const out: Record<string, unknown> = {};
  for (const f of fields) if (known[f.key] !== undefined) out[f.key] = known[f.key];
  return out;
}

export function checkFormValues(fields: FormFieldRow[], values: Record<string, unknown>): ErrorDetail[] {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const problems: ErrorDetail[] = [];
  for (const [key, v] of Object.entries(values)) {
    const f = byKey.get(key);
    const path = `/values/${key}`;
    if (!f) {
      problems.push({ path, message: '表单中没有这一项 / unknown field' });
      continue;
    }
    if (v === null || v === '') continue;
    switch (f.type) {
      case 'text':
        if (typeof v !== 'string') problems.push({ path, message: `「${f.label}」应为文字` });
        break;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ path, message: `「${f.label}」应为数字` });
        else if (v < 0) problems.push({ path, message: `「${f.label}」不能为负数` });
        break;
      case 'date':
        if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) problems.push({ path, message: `「${f.label}」应为日期（YYYY-MM-DD）` });
        break;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push({ path, message: `「${f.label}」应为是或否` });
        break;
      case 'choice':
        if (typeof v !== 'string' || !(f.options ?? []).some((o) => o.value === v)) problems.push({ path, message: `「${f.label}」须从选项中选择` });
        break;
    }
  }
  return problems;
}

function summaryOf(r: {
  id: number;
  number: string | null;
  project_id: number;
  project_code: string;
  project_name: string;
  enterprise_id: number;
  enterprise_name: string;
  region_code: string;
  stage_code: number;
  process_name: string;
  status: string;
  national_code: number | null;
  submitted_at: Date | null;
  accepted_at: Date | null;
  concluded_at: Date | null;
  stage_due_date: string | null;
  created_at: Date;
  cases: number | string;
  cases_concluded: number | string;
}): ApplicationSummary {
  return {
    id: r.id,
    number: r.number,
    projectId: r.project_id,
    projectCode: r.project_code,
    projectName: r.project_name,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    regionCode: r.region_code,
    stageCode: r.stage_code,
    stageName: STAGES[r.stage_code] ?? '',
    processName: r.process_name,
    status: r.status as ApplicationSummary['status'],
    nationalCode: r.national_code,
    cases: Number(r.cases),
    casesConcluded: Number(r.cases_concluded),
    submittedAt: r.submitted_at?.toISOString() ?? null,
    acceptedAt: r.accepted_at?.toISOString() ?? null,
    concludedAt: r.concluded_at?.toISOString() ?? null,
    stageDueDate: r.stage_due_date,
    createdAt: r.created_at.toISOString(),
  };
}

function allowedActions(actor: Actor, status: string, row: ApplicationRow, cases: CaseState[]): string[] {
  const out: string[] = [];
  if (actor.role === 'applicant') {
    if (status === 'draft') out.push('edit', 'submit');
    if (status === 'supplement') out.push('edit', 'submit');
    if (['draft', 'received', 'supplement', 'accepted'].includes(status)) out.push('withdraw');
    if (status === 'accepted' && cases.some((c) => c.status === 'supplement')) out.push('endSupplement');
    const d = row.deficiency as { satisfiedAt: string | null } | null;
    if (status === 'accepted' && d && !d.satisfiedAt) out.push('satisfyDeficiency');
  }
  if (actor.role === 'clerk' && status === 'received') out.push('accept', 'notAccept', 'refuse', 'requestSupplement');
  return out;
}
