import type { Kysely } from 'kysely';
import { ErrorCode, type MatterCreateInput, type MatterDraftInput, type MatterSummary, type MatterVersion } from '@tongban/contracts';
import { ConditionSyntaxError, parseCondition, validatePrecheckRules } from '@tongban/engine';
import type { DB } from '../../db/schema.ts';
import { inTransaction, type Executor, type Tx } from '../../db/transaction.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, notFound, type ErrorDetail } from '../../lib/errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { RequestContext } from '../accounts/actor.ts';
import { requireRole } from '../accounts/scope.ts';
import { organizationRepository as orgRepo } from '../organization/organization.repository.ts';
import { catalogRepository as repo, type MaterialRow, type MatterVersionRow } from './catalog.repository.ts';
import { indexTokens, queryTokens } from '../../lib/search-tokens.ts';
import { discardDraft, publishVersion, retireVersion, type VersionStore } from './version-lifecycle.ts';

const MATTER = { zh: '事项', en: 'Matter' };
const VERSION = { zh: '事项版本', en: 'Matter version' };

/** Problems a draft may not even be saved with (a condition that does not parse, duplicate keys). */
export function draftProblems(input: MatterDraftInput): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const keys = new Set<string>();
  input.formFields.forEach((f, i) => {
    if (keys.has(f.key)) problems.push({ path: `/formFields/${i}/key`, message: `表单字段 ${f.key} 重复 / duplicate field key` });
    keys.add(f.key);
    if (f.type === 'choice' && !f.options?.length) problems.push({ path: `/formFields/${i}/options`, message: `选择题字段 ${f.key} 缺少选项 / a choice field needs options` });
  });
  input.materials.forEach((m, i) => {
    if (m.condition) {
      try {
        parseCondition(m.condition);
      } catch (e) {
        if (!(e instanceof ConditionSyntaxError)) throw e;
        problems.push({ path: `/materials/${i}/condition`, message: `材料「${m.name}」的条件无法解析：${e.message}` });
      }
    }
  });
  problems.push(...precheckRuleProblems(input));
  return problems;
}

/**
 * Pre-check rules that cannot run on this matter: invalid definitions (validatePrecheckRules), and
 * rules naming a material code none of the matter's requirements has, or a field not on its form.
 */
export function precheckRuleProblems(input: MatterDraftInput): ErrorDetail[] {
  const rules = input.precheckRules ?? [];
  if (!rules.length) return [];
  const problems: ErrorDetail[] = [];
  for (const message of validatePrecheckRules(rules)) {
    const n = /^第 (\d+) 条规则/.exec(message)?.[1];
    problems.push({ path: n ? `/precheckRules/${Number(n) - 1}` : '/precheckRules', message });
  }
  if (problems.length) return problems;
  const codes = new Set(input.materials.map((m) => m.code).filter((c): c is string => !!c));
  const fields = new Set(input.formFields.map((f) => f.key));
  rules.forEach((rule, i) => {
    const where = `第 ${i + 1} 条规则（${String(rule.id)}）`;
    const refs = [rule.target, rule.left, rule.right, { field: rule.field, material: rule.material }];
    const seen = new Set<string>();
    for (const ref of refs) {
      if (typeof ref !== 'object' || ref === null) continue;
      const { field, material } = ref as { field?: unknown; material?: unknown };
      if (typeof field === 'string' && !fields.has(field) && !seen.has(`f:${field}`)) {
        seen.add(`f:${field}`);
        problems.push({ path: `/precheckRules/${i}`, message: `${where}：表单中没有字段 ${field} / the form has no field ${field}` });
      }
      if (typeof material === 'string' && !codes.has(material) && !seen.has(`m:${material}`)) {
        seen.add(`m:${material}`);
        problems.push({ path: `/precheckRules/${i}`, message: `${where}：没有材料编码为 ${material} 的材料 / no material has the code ${material}` });
      }
    }
  });
  return problems;
}

/** Problems that block publishing. Returns every one, so the admin fixes them in one pass. */
export function publishProblems(input: MatterDraftInput): ErrorDetail[] {
  const problems = draftProblems(input);
  if (input.promisedLimitDays > input.legalLimitDays + input.extensionDays) {
    problems.push({ path: '/promisedLimitDays', message: `承诺时限 ${input.promisedLimitDays} 天超过法定时限 ${input.legalLimitDays} 天 / promised limit exceeds the legal limit` });
  }
  if (!input.legalBasis.trim()) problems.push({ path: '/legalBasis', message: '缺少设定依据 / legal basis is missing' });
  if (!input.conditions.trim()) problems.push({ path: '/conditions', message: '缺少受理条件 / acceptance conditions are missing' });
  if (!input.materials.some((m) => m.necessity === 'required')) problems.push({ path: '/materials', message: '至少需要一项必交材料 / at least one required material' });
  input.materials.forEach((m, i) => {
    if (m.necessity === 'conditional' && !m.condition && !m.conditionNote) {
      problems.push({ path: `/materials/${i}/condition`, message: `容缺/条件材料「${m.name}」须写明适用条件 / a conditional material needs its condition` });
    }
  });
  const names = new Set<string>();
  input.materials.forEach((m, i) => {
    if (names.has(m.name)) problems.push({ path: `/materials/${i}/name`, message: `材料「${m.name}」重复 / duplicate material` });
    names.add(m.name);
  });
  return problems;
}

function materialDto(m: MaterialRow): MatterDraftInput['materials'][number] {
  return {
    name: m.name,
    form: m.form,
    copies: m.copies,
    necessity: m.necessity,
    condition: m.condition,
    conditionNote: m.condition_note,
    acceptedTypes: m.accepted_types as MatterDraftInput['materials'][number]['acceptedTypes'],
    maxSizeMb: m.max_size_mb,
    sampleUrl: m.sample_url,
    reuse: m.reuse,
    description: m.description,
    code: m.code,
  };
}

export function toDraftInput(v: MatterVersionRow, materials: MaterialRow[]): MatterDraftInput {
  return {
    name: v.name,
    departmentId: v.department_id,
    limitKind: v.limit_kind,
    legalLimitDays: v.legal_limit_days,
    extensionDays: v.extension_days,
    promisedLimitDays: v.promised_limit_days,
    commitmentAllowed: v.commitment_allowed,
    deficiencyAllowed: v.deficiency_allowed,
    resultType: v.result_type,
    resultName: v.result_name,
    validityMonths: v.validity_months,
    legalBasis: v.legal_basis,
    fees: v.fees,
    conditions: v.conditions,
    specialProcedures: v.special_procedures as MatterDraftInput['specialProcedures'],
    formFields: v.form_fields,
    materials: materials.map(materialDto),
    precheckRules: v.precheck_rules as NonNullable<MatterDraftInput['precheckRules']>,
  };
}

const matterStore: VersionStore<MatterVersionRow> = {
  kind: 'matter',
  label: VERSION,
  find: (trx, id) => repo.findMatterVersion(trx, id),
  ownerOf: (v) => v.matter_id,
  published: (trx, matterId) => repo.matterVersionByStatus(trx, matterId, 'published'),
  update: (trx, id, patch) => repo.updateMatterVersion(trx, id, patch),
  remove: async (trx, id) => {
    await repo.deleteMatterVersion(trx, id);
  },
};

/** Matters (审批事项) and their versions: drafts are edited, published versions are frozen. */
export class MattersService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** Matters filtered by Chinese full-text query, department and the stage they are placed in. */
  async list(f: { q?: string; departmentId?: number; stage?: number; publishedOnly: boolean }): Promise<MatterSummary[]> {
    const tokens = f.q ? queryTokens(f.q) : undefined;
    if (f.q && !tokens?.length) return [];
    const codes = f.stage ? await repo.matterCodesInStage(this.db, f.stage) : undefined;
    const rows = await repo.listMatters(this.db, { departmentId: f.departmentId, tokens, publishedOnly: f.publishedOnly, codes });
    return rows.map((r) => ({
      matterId: r.matter_id,
      code: r.code,
      name: r.name,
      departmentId: r.department_id,
      departmentName: r.department_name,
      publishedVersion: r.published_version,
      publishedVersionId: r.published_id,
      draftVersion: f.publishedOnly ? null : r.draft_version,
      draftVersionId: f.publishedOnly ? null : r.draft_id,
      legalLimitDays: r.legal_limit_days,
      promisedLimitDays: r.promised_limit_days,
      limitKind: r.limit_kind,
    }));
  }

  async versionDto(db: Executor, v: MatterVersionRow): Promise<MatterVersion> {
    const [matter, materials, dept] = await Promise.all([repo.findMatter(db, v.matter_id), repo.materialsOf(db, [v.id]), orgRepo.findDepartment(db, v.department_id)]);
    return {
      id: v.id,
      matterId: v.matter_id,
      code: matter!.code,
      version: v.version,
      status: v.status,
      departmentName: dept?.name ?? '',
      createdAt: v.created_at.toISOString(),
      updatedAt: v.updated_at.toISOString(),
      publishedAt: v.published_at ? v.published_at.toISOString() : null,
      ...toDraftInput(v, materials),
    };
  }

  /** One version; the public sees published and retired ones only (never drafts). */
  async getVersion(id: number, opts: { includeDrafts: boolean }): Promise<MatterVersion> {
    const v = await repo.findMatterVersion(this.db, id);
    if (!v || (!opts.includeDrafts && v.status === 'draft')) throw notFound(VERSION);
    return this.versionDto(this.db, v);
  }

  /** The published version of a matter by its code (the service guide page). */
  async getPublishedByCode(code: string): Promise<MatterVersion> {
    const m = await repo.findMatterByCode(this.db, code);
    if (!m) throw notFound(MATTER);
    const v = await repo.matterVersionByStatus(this.db, m.id, 'published');
    if (!v) throw new AppError(ErrorCode.NOT_PUBLISHED);
    return this.versionDto(this.db, v);
  }

  async history(matterId: number) {
    const m = await repo.findMatter(this.db, matterId);
    if (!m) throw notFound(MATTER);
    const versions = await repo.matterVersionList(this.db, matterId);
    return {
      matterId: m.id,
      code: m.code,
      versions: versions.map((v) => ({ id: v.id, version: v.version, status: v.status, name: v.name, createdAt: v.created_at.toISOString(), publishedAt: v.published_at ? v.published_at.toISOString() : null })),
    };
  }

  private async checkDraft(trx: Tx, input: MatterDraftInput) {
    const problems = draftProblems(input);
    if (problems.length) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: `草稿有 ${problems.length} 处问题`, en: `The draft has ${problems.length} problem(s)` }, problems);
    if (!(await orgRepo.findDepartment(trx, input.departmentId))) throw notFound({ zh: '部门', en: 'Department' });
  }

  private versionColumns(code: string, input: MatterDraftInput) {
    return {
      name: input.name,
      department_id: input.departmentId,
      limit_kind: input.limitKind,
      legal_limit_days: input.legalLimitDays,
      extension_days: input.extensionDays,
      promised_limit_days: input.promisedLimitDays,
      commitment_allowed: input.commitmentAllowed,
      deficiency_allowed: input.deficiencyAllowed,
      result_type: input.resultType,
      result_name: input.resultName,
      validity_months: input.validityMonths,
      legal_basis: input.legalBasis,
      fees: input.fees,
      conditions: input.conditions,
      special_procedures: JSON.stringify(input.specialProcedures),
      form_fields: JSON.stringify(input.formFields),
      precheck_rules: JSON.stringify(input.precheckRules ?? []),
      search_tokens: indexTokens(code, input.name, input.legalBasis, input.conditions, input.resultName, ...input.materials.map((m) => m.name)),
    };
  }

  private materialRows(input: MatterDraftInput) {
    return input.materials.map((m, i) => ({
      seq: i + 1,
      name: m.name,
      form: m.form,
      copies: m.copies,
      necessity: m.necessity,
      condition: m.condition,
      condition_note: m.conditionNote,
      accepted_types: JSON.stringify(m.acceptedTypes),
      max_size_mb: m.maxSizeMb,
      sample_url: m.sampleUrl,
      reuse: m.reuse,
      description: m.description,
      code: m.code ?? null,
    }));
  }

  /** Creates a matter with its first draft. */
  async create(ctx: RequestContext, input: MatterCreateInput, trxIn?: Tx): Promise<MatterVersion> {
    requireRole(ctx.actor!, ['admin']);
    const run = async (trx: Tx) => {
      const { code, ...draft } = input;
      await this.checkDraft(trx, draft);
      if (await repo.findMatterByCode(trx, code)) throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: `事项编码 ${code} 已存在`, en: `Matter code ${code} exists` });
      const matter = await repo.insertMatter(trx, { code, department_id: draft.departmentId });
      const v = await repo.insertMatterVersion(trx, { matter_id: matter.id, version: 1, status: 'draft', created_by: ctx.actor!.userId, ...this.versionColumns(code, draft) });
      await repo.replaceMaterials(trx, v.id, this.materialRows(draft));
      await this.audit.record(trx, ctx, { chainKey: `matter:${matter.id}`, action: 'matter.create', targetType: 'matter', targetId: matter.id, summary: { after: { code, version: 1, ...draft } } });
      return this.versionDto(trx, v);
    };
    return trxIn ? run(trxIn) : inTransaction(this.db, run);
  }

  /**
   * Saves the matter's draft: updates the open draft, or, when there is none, opens a new draft
   * version (a published version is never changed in place).
   */
  async saveDraft(ctx: RequestContext, matterId: number, input: MatterDraftInput, trxIn?: Tx): Promise<MatterVersion> {
    requireRole(ctx.actor!, ['admin']);
    const run = async (trx: Tx) => {
      const matter = await repo.findMatter(trx, matterId);
      if (!matter) throw notFound(MATTER);
      await this.checkDraft(trx, input);
      const existing = await repo.matterVersionByStatus(trx, matterId, 'draft');
      let v: MatterVersionRow;
      if (existing) {
        v = await repo.updateMatterVersion(trx, existing.id, this.versionColumns(matter.code, input));
      } else {
        const version = await repo.nextMatterVersion(trx, matterId);
        v = await repo.insertMatterVersion(trx, { matter_id: matterId, version, status: 'draft', created_by: ctx.actor!.userId, ...this.versionColumns(matter.code, input) });
      }
      await repo.replaceMaterials(trx, v.id, this.materialRows(input));
      if (matter.department_id !== input.departmentId) await repo.setMatterDepartment(trx, matterId, input.departmentId);
      const before = existing && { name: existing.name, legalLimitDays: existing.legal_limit_days, promisedLimitDays: existing.promised_limit_days };
      await this.audit.record(trx, ctx, {
        chainKey: `matter:${matterId}`,
        action: 'matter.draft_save',
        targetType: 'matter_version',
        targetId: v.id,
        summary: { version: v.version, before, after: input },
      });
      return this.versionDto(trx, v);
    };
    return trxIn ? run(trxIn) : inTransaction(this.db, run);
  }

  /** Opens a draft copied from the published version (or returns the open draft). */
  async startDraft(ctx: RequestContext, matterId: number): Promise<MatterVersion> {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      if (!(await repo.findMatter(trx, matterId))) throw notFound(MATTER);
      const open = await repo.matterVersionByStatus(trx, matterId, 'draft');
      if (open) return this.versionDto(trx, open);
      const published = await repo.matterVersionByStatus(trx, matterId, 'published');
      if (!published) throw new AppError(ErrorCode.NOT_PUBLISHED);
      return this.saveDraft(ctx, matterId, toDraftInput(published, await repo.materialsOf(trx, [published.id])), trx);
    });
  }

  /** Publishes a draft after the publish checks; the previous published version is retired. */
  async publish(ctx: RequestContext, versionId: number): Promise<MatterVersion> {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      const published = await publishVersion(trx, matterStore, this.audit, ctx, versionId, this.clock.now(), async (v) => publishProblems(toDraftInput(v, await repo.materialsOf(trx, [v.id]))));
      return this.versionDto(trx, published);
    });
  }

  /** Retires the published version; refused while a published process still lists the matter. */
  async retire(ctx: RequestContext, versionId: number): Promise<MatterVersion> {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      const retired = await retireVersion(trx, matterStore, this.audit, ctx, versionId, async (v) => {
        const users = await repo.publishedProcessesUsingMatter(trx, v.matter_id);
        if (users.length) {
          throw new AppError(ErrorCode.IN_USE, { zh: `已发布的流程仍在使用该事项：${users.map((u) => u.name).join('、')}`, en: `Published processes still use it: ${users.map((u) => u.name).join(', ')}` });
        }
      });
      return this.versionDto(trx, retired);
    });
  }

  async deleteDraft(ctx: RequestContext, versionId: number): Promise<void> {
    requireRole(ctx.actor!, ['admin']);
    await inTransaction(this.db, (trx) => discardDraft(trx, matterStore, this.audit, ctx, versionId));
  }
}
