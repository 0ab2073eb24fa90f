import type { Kysely } from 'kysely';
import { ErrorCode, PROJECT_TYPES, STAGES, type FormField, type ProcessCreateInput, type ProcessDraftInput, type Question } from '@tongban/contracts';
import { conditionKeys, ConditionSyntaxError, evaluateCondition, explainCondition, parseCondition, type Answers, type Condition, type QuestionLabel } from '@tongban/engine';
import type { DB, ProcessVersionTable } from '../../db/schema.ts';
import { inTransaction, type Executor, type Tx } from '../../db/transaction.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, notFound, type ErrorDetail } from '../../lib/errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { RequestContext } from '../accounts/actor.ts';
import { requireRole } from '../accounts/scope.ts';
import { organizationRepository as orgRepo } from '../organization/organization.repository.ts';
import { catalogRepository as repo, type MatterVersionRow, type ProcessVersionRow } from './catalog.repository.ts';
import { discardDraft, publishVersion, retireVersion, type VersionStore } from './version-lifecycle.ts';

const PROCESS = { zh: '审批流程', en: 'Process' };
const VERSION = { zh: '流程版本', en: 'Process version' };

/** Calendar days expressed in working days, rounded up: 5 working days in 7. */
export const toWorkingDays = (days: number, kind: 'working' | 'calendar') => (kind === 'working' ? days : Math.ceil((days * 5) / 7));

function tryParse(src: string | null, path: string, label: string, problems: ErrorDetail[]): Condition | null {
  if (!src) return null;
  try {
    return parseCondition(src);
  } catch (e) {
    if (!(e instanceof ConditionSyntaxError)) throw e;
    problems.push({ path, message: `${label}的条件无法解析：${e.message}` });
    return null;
  }
}

/** Problems a process draft may not be saved with. */
export function processDraftProblems(input: ProcessDraftInput): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const keys = new Map<string, Question>();
  input.questions.forEach((q, i) => {
    if (keys.has(q.key)) problems.push({ path: `/questions/${i}/key`, message: `问题 ${q.key} 重复 / duplicate question key` });
    keys.set(q.key, q);
    if (q.type === 'choice' && !q.options?.length) problems.push({ path: `/questions/${i}/options`, message: `选择题 ${q.key} 缺少选项 / a choice question needs options` });
  });
  const stageCodes = new Set<number>();
  input.stages.forEach((s, si) => {
    if (stageCodes.has(s.stageCode)) problems.push({ path: `/stages/${si}/stageCode`, message: `阶段 ${s.stageCode} 重复 / duplicate stage` });
    stageCodes.add(s.stageCode);
    const codes = new Set<string>();
    s.matters.forEach((m, mi) => {
      const path = `/stages/${si}/matters/${mi}`;
      if (codes.has(m.matterCode)) problems.push({ path: `${path}/matterCode`, message: `事项 ${m.matterCode} 在本阶段重复 / duplicate matter in stage` });
      codes.add(m.matterCode);
      const c = tryParse(m.condition, `${path}/condition`, `事项 ${m.matterCode} `, problems);
      if (c) {
        for (const k of conditionKeys(c)) if (!keys.has(k)) problems.push({ path: `${path}/condition`, message: `条件引用了未定义的问题 ${k} / the condition uses an undefined question` });
      }
    });
  });
  return problems;
}

interface MatterFacts {
  code: string;
  name: string;
  published: MatterVersionRow | undefined;
}

/** Finds a cycle in the prerequisite graph (code → prerequisites), or null. */
export function prerequisiteCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of graph.keys()) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return null;
}

/**
 * Publish checks: every matter published and known, prerequisites known, earlier or in the same
 * stage and without a cycle, at least one matter per stage, and a stage limit that fits the
 * longest chain of promised limits of its mandatory matters (matters run in parallel; a
 * prerequisite in the same stage runs before its dependant).
 */
export function processPublishProblems(input: ProcessDraftInput, matters: ReadonlyMap<string, MatterFacts>): ErrorDetail[] {
  const problems = processDraftProblems(input);
  if (!input.stages.length) problems.push({ path: '/stages', message: '流程至少需要一个阶段 / at least one stage' });
  const stageOf = new Map<string, number>();
  for (const s of input.stages) for (const m of s.matters) stageOf.set(m.matterCode, s.stageCode);
  const graph = new Map<string, string[]>();
  input.stages.forEach((s, si) => {
    if (!s.matters.length) problems.push({ path: `/stages/${si}/matters`, message: `阶段「${s.name}」没有事项 / a stage needs matters` });
    s.matters.forEach((m, mi) => {
      const path = `/stages/${si}/matters/${mi}`;
      const facts = matters.get(m.matterCode);
      if (!facts) problems.push({ path: `${path}/matterCode`, message: `事项 ${m.matterCode} 不存在 / unknown matter` });
      else if (!facts.published) problems.push({ path: `${path}/matterCode`, message: `事项「${facts.name}」尚未发布 / the matter has no published version` });
      if (!m.mandatory && !m.condition && !m.conditionNote) problems.push({ path: `${path}/condition`, message: `非必办事项 ${m.matterCode} 须写明适用条件 / a conditional matter needs its condition` });
      graph.set(m.matterCode, m.prerequisites);
      m.prerequisites.forEach((p, pi) => {
        const ps = stageOf.get(p);
        if (ps === undefined) problems.push({ path: `${path}/prerequisites/${pi}`, message: `前置事项 ${p} 不在本流程中 / the prerequisite is not in this process` });
        else if (ps > s.stageCode && s.stageCode !== 5 && ps !== 5) problems.push({ path: `${path}/prerequisites/${pi}`, message: `前置事项 ${p} 位于更晚的阶段 / the prerequisite is in a later stage` });
      });
    });
  });
  const cycle = prerequisiteCycle(graph);
  if (cycle) problems.push({ path: '/stages', message: `前置事项存在循环：${cycle.join(' → ')} / prerequisites form a cycle` });
  if (!cycle) {
    input.stages.forEach((s, si) => {
      const inStage = new Map(s.matters.filter((m) => m.mandatory).map((m) => [m.matterCode, m]));
      const memo = new Map<string, number>();
      const chain = (code: string): number => {
        if (memo.has(code)) return memo.get(code)!;
        const v = matters.get(code)?.published;
        const own = v ? toWorkingDays(v.promised_limit_days, v.limit_kind) : 0;
        const before = Math.max(0, ...(inStage.get(code)?.prerequisites ?? []).filter((p) => inStage.has(p)).map(chain));
        memo.set(code, own + before);
        return own + before;
      };
      const longest = Math.max(0, ...[...inStage.keys()].map(chain));
      if (longest > s.timeLimitDays) {
        problems.push({ path: `/stages/${si}/timeLimitDays`, message: `阶段「${s.name}」时限 ${s.timeLimitDays} 个工作日短于其必办事项的最长承诺时限链 ${longest} 个工作日 / the stage limit is shorter than its matters need` });
      }
    });
  }
  return problems;
}

/**
 * The unified form (一张表单) of a stage: the union of its matters' fields by key, each asked once;
 * a field is required when any matter requires it.
 */
export function unifiedForm(fieldLists: ReadonlyArray<readonly FormField[]>): FormField[] {
  const byKey = new Map<string, FormField>();
  for (const list of fieldLists) {
    for (const f of list) {
      const seen = byKey.get(f.key);
      if (!seen) byKey.set(f.key, { ...f });
      else if (f.required && !seen.required) seen.required = true;
    }
  }
  return [...byKey.values()];
}

export interface GuideMatter {
  code: string;
  name: string;
  departmentId: number;
  departmentName: string;
  mandatory: boolean;
  legalLimitDays: number;
  promisedLimitDays: number;
  limitKind: string;
  commitmentAllowed: boolean;
  deficiencyAllowed: boolean;
  prerequisites: string[];
  /** Why this matter applies, in Chinese. */
  reason: string;
  materials: Array<{ name: string; necessity: string; form: string; copies: number; reason: string | null }>;
  formFields: FormField[];
}

const processStore: VersionStore<ProcessVersionRow> = {
  kind: 'process',
  label: VERSION,
  find: (trx, id) => repo.findProcessVersion(trx, id),
  ownerOf: (v) => v.process_id,
  published: (trx, processId) => repo.processVersionByStatus(trx, processId, 'published'),
  update: (trx, id, patch) => repo.updateProcessVersion(trx, id, patch),
  remove: async (trx, id) => {
    await repo.deleteProcessVersion(trx, id);
  },
  regionOf: async (trx, v) => (await repo.findProcess(trx, v.process_id))?.region_code ?? null,
};

/** Processes (审批流程 / 主题) per project type and region, their versions, and guided selection. */
export class ProcessesService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async list(f: { projectType?: number; regionCode?: string; publishedOnly: boolean }) {
    const regionCodes = f.regionCode ? await orgRepo.regionSubtree(this.db, f.regionCode) : undefined;
    const rows = await repo.listProcesses(this.db, { projectType: f.projectType, regionCodes, publishedOnly: f.publishedOnly });
    return rows.map((r) => ({
      processId: r.process_id,
      code: r.code,
      projectType: r.project_type,
      projectTypeName: PROJECT_TYPES[r.project_type] ?? '',
      regionCode: r.region_code,
      regionName: r.region_name,
      name: r.name,
      publishedVersion: r.published_version,
      publishedVersionId: r.published_id,
      draftVersion: f.publishedOnly ? null : r.draft_version,
      draftVersionId: f.publishedOnly ? null : r.draft_id,
    }));
  }

  async history(processId: number) {
    const p = await repo.findProcess(this.db, processId);
    if (!p) throw notFound(PROCESS);
    const versions = await repo.processVersionList(this.db, processId);
    return {
      processId: p.id,
      code: p.code,
      versions: versions.map((v) => ({ id: v.id, version: v.version, status: v.status, name: v.name, createdAt: v.created_at.toISOString(), publishedAt: v.published_at ? v.published_at.toISOString() : null })),
    };
  }

  private async draftInputOf(db: Executor, v: ProcessVersionRow): Promise<ProcessDraftInput> {
    const stages = await repo.stagesOf(db, v.id);
    const sms = await repo.stageMattersOf(db, stages.map((s) => s.id));
    return {
      name: v.name,
      description: v.description,
      questions: v.questions,
      stages: stages.map((s) => ({
        stageCode: s.stage_code,
        name: s.name,
        timeLimitDays: s.time_limit_days,
        leadDepartmentId: s.lead_department_id,
        matters: sms
          .filter((m) => m.process_stage_id === s.id)
          .map((m) => ({ matterCode: m.matter_code, mandatory: m.mandatory, condition: m.condition, conditionNote: m.condition_note, prerequisites: m.prerequisites })),
      })),
    };
  }

  /** A version with its stages; each stage matter carries the name and limits of its current published version. */
  async versionDto(db: Executor, v: ProcessVersionRow) {
    const process = (await repo.findProcess(db, v.process_id))!;
    const input = await this.draftInputOf(db, v);
    const facts = await this.matterFacts(db, input);
    const depts = new Map((await orgRepo.listDepartments(db, null)).map((d) => [d.id, d.name]));
    return {
      id: v.id,
      processId: v.process_id,
      code: process.code,
      projectType: process.project_type,
      projectTypeName: PROJECT_TYPES[process.project_type] ?? '',
      regionCode: process.region_code,
      version: v.version,
      status: v.status,
      createdAt: v.created_at.toISOString(),
      updatedAt: v.updated_at.toISOString(),
      publishedAt: v.published_at ? v.published_at.toISOString() : null,
      name: input.name,
      description: input.description,
      questions: input.questions,
      stages: input.stages.map((s) => ({
        ...s,
        stageName: STAGES[s.stageCode] ?? '',
        leadDepartmentName: depts.get(s.leadDepartmentId) ?? '',
        form: unifiedForm(s.matters.map((m) => facts.get(m.matterCode)?.published?.form_fields ?? [])),
        matters: s.matters.map((m) => {
          const p = facts.get(m.matterCode)?.published;
          return {
            ...m,
            name: facts.get(m.matterCode)?.name ?? m.matterCode,
            departmentName: p ? (depts.get(p.department_id) ?? '') : '',
            legalLimitDays: p?.legal_limit_days ?? null,
            promisedLimitDays: p?.promised_limit_days ?? null,
            limitKind: p?.limit_kind ?? null,
          };
        }),
      })),
    };
  }

  async getVersion(id: number, opts: { includeDrafts: boolean }) {
    const v = await repo.findProcessVersion(this.db, id);
    if (!v || (!opts.includeDrafts && v.status === 'draft')) throw notFound(VERSION);
    return this.versionDto(this.db, v);
  }

  private async matterFacts(db: Executor, input: ProcessDraftInput): Promise<Map<string, MatterFacts>> {
    const codes = [...new Set(input.stages.flatMap((s) => s.matters.flatMap((m) => [m.matterCode, ...m.prerequisites])))];
    const matters = await repo.findMattersByCodes(db, codes);
    const published = new Map((await repo.publishedMatterVersions(db, matters.map((m) => m.id))).map((v) => [v.matter_id, v]));
    const out = new Map<string, MatterFacts>();
    for (const m of matters) {
      const p = published.get(m.id);
      let name = p?.name;
      if (!name) name = (await repo.matterVersionByStatus(db, m.id, 'draft'))?.name ?? m.code;
      out.set(m.code, { code: m.code, name, published: p });
    }
    return out;
  }

  private async checkDraft(trx: Tx, input: ProcessDraftInput) {
    const problems = processDraftProblems(input);
    const facts = await this.matterFacts(trx, input);
    input.stages.forEach((s, si) =>
      s.matters.forEach((m, mi) => {
        if (!facts.has(m.matterCode)) problems.push({ path: `/stages/${si}/matters/${mi}/matterCode`, message: `事项 ${m.matterCode} 不存在 / unknown matter` });
      }),
    );
    for (const [si, s] of input.stages.entries()) {
      if (!(await orgRepo.findDepartment(trx, s.leadDepartmentId))) problems.push({ path: `/stages/${si}/leadDepartmentId`, message: '牵头部门不存在 / unknown lead department' });
    }
    if (problems.length) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: `草稿有 ${problems.length} 处问题`, en: `The draft has ${problems.length} problem(s)` }, problems);
    return facts;
  }

  private async writeStages(trx: Tx, versionId: number, input: ProcessDraftInput, facts: Map<string, MatterFacts>) {
    const ids = new Map((await repo.findMattersByCodes(trx, [...facts.keys()])).map((m) => [m.code, m.id]));
    await repo.replaceStages(
      trx,
      versionId,
      input.stages.map((s) => ({
        stage: { stage_code: s.stageCode, name: s.name, time_limit_days: s.timeLimitDays, lead_department_id: s.leadDepartmentId },
        matters: s.matters.map((m, i) => ({
          matter_id: ids.get(m.matterCode)!,
          seq: i + 1,
          mandatory: m.mandatory,
          condition: m.condition,
          condition_note: m.conditionNote,
          prerequisites: JSON.stringify(m.prerequisites),
        })),
      })),
    );
  }

  private versionColumns(input: ProcessDraftInput): Pick<ProcessVersionTable, 'name' | 'description'> & { questions: string } {
    return { name: input.name, description: input.description, questions: JSON.stringify(input.questions) };
  }

  async create(ctx: RequestContext, input: ProcessCreateInput, trxIn?: Tx) {
    requireRole(ctx.actor!, ['admin']);
    const run = async (trx: Tx) => {
      const { code, projectType, regionCode, ...draft } = input;
      if (!(await orgRepo.findRegion(trx, regionCode))) throw new AppError(ErrorCode.INVALID_REGION_CODE);
      if (await repo.findProcessByCode(trx, code)) throw new AppError(ErrorCode.ALREADY_EXISTS, { zh: `流程编码 ${code} 已存在`, en: `Process code ${code} exists` });
      const facts = await this.checkDraft(trx, draft);
      const process = await repo.insertProcess(trx, { code, project_type: projectType, region_code: regionCode });
      const v = await repo.insertProcessVersion(trx, { process_id: process.id, version: 1, status: 'draft', created_by: ctx.actor!.userId, ...this.versionColumns(draft) });
      await this.writeStages(trx, v.id, draft, facts);
      await this.audit.record(trx, ctx, { chainKey: `process:${process.id}`, action: 'process.create', targetType: 'process', targetId: process.id, regionCode, summary: { after: input } });
      return this.versionDto(trx, v);
    };
    return trxIn ? run(trxIn) : inTransaction(this.db, run);
  }

  async saveDraft(ctx: RequestContext, processId: number, input: ProcessDraftInput, trxIn?: Tx) {
    requireRole(ctx.actor!, ['admin']);
    const run = async (trx: Tx) => {
      const process = await repo.findProcess(trx, processId);
      if (!process) throw notFound(PROCESS);
      const facts = await this.checkDraft(trx, input);
      const existing = await repo.processVersionByStatus(trx, processId, 'draft');
      const v = existing
        ? await repo.updateProcessVersion(trx, existing.id, this.versionColumns(input))
        : await repo.insertProcessVersion(trx, { process_id: processId, version: await repo.nextProcessVersion(trx, processId), status: 'draft', created_by: ctx.actor!.userId, ...this.versionColumns(input) });
      await this.writeStages(trx, v.id, input, facts);
      await this.audit.record(trx, ctx, { chainKey: `process:${processId}`, action: 'process.draft_save', targetType: 'process_version', targetId: v.id, regionCode: process.region_code, summary: { version: v.version, after: input } });
      return this.versionDto(trx, v);
    };
    return trxIn ? run(trxIn) : inTransaction(this.db, run);
  }

  async startDraft(ctx: RequestContext, processId: number) {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      if (!(await repo.findProcess(trx, processId))) throw notFound(PROCESS);
      const open = await repo.processVersionByStatus(trx, processId, 'draft');
      if (open) return this.versionDto(trx, open);
      const published = await repo.processVersionByStatus(trx, processId, 'published');
      if (!published) throw new AppError(ErrorCode.NOT_PUBLISHED);
      return this.saveDraft(ctx, processId, await this.draftInputOf(trx, published), trx);
    });
  }

  async publish(ctx: RequestContext, versionId: number) {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => {
      const published = await publishVersion(trx, processStore, this.audit, ctx, versionId, this.clock.now(), async (v) => {
        const input = await this.draftInputOf(trx, v);
        return processPublishProblems(input, await this.matterFacts(trx, input));
      });
      return this.versionDto(trx, published);
    });
  }

  async retire(ctx: RequestContext, versionId: number) {
    requireRole(ctx.actor!, ['admin']);
    return inTransaction(this.db, async (trx) => this.versionDto(trx, await retireVersion(trx, processStore, this.audit, ctx, versionId)));
  }

  async deleteDraft(ctx: RequestContext, versionId: number): Promise<void> {
    requireRole(ctx.actor!, ['admin']);
    await inTransaction(this.db, (trx) => discardDraft(trx, processStore, this.audit, ctx, versionId));
  }

  /**
   * Guided selection (智能引导): with the applicant's answers, the stages of the published version
   * and exactly the matters that apply, each with its reason; matters the answers do not decide
   * yet are listed with the questions that would decide them.
   */
  async guide(processId: number, answers: Answers, db: Executor = this.db) {
    const process = await repo.findProcess(db, processId);
    if (!process) throw notFound(PROCESS);
    const v = await repo.processVersionByStatus(db, processId, 'published');
    if (!v) throw new AppError(ErrorCode.NOT_PUBLISHED);
    const input = await this.draftInputOf(db, v);
    const questions = new Map(input.questions.map((q) => [q.key, q]));
    const problems: ErrorDetail[] = [];
    for (const [key, value] of Object.entries(answers)) {
      const q = questions.get(key);
      if (!q) problems.push({ path: `/answers/${key}`, message: '没有这个问题 / unknown question' });
      else if (value !== null && !answerFits(q, value)) problems.push({ path: `/answers/${key}`, message: `回答不符合问题类型 ${q.type} / the answer does not fit the question` });
    }
    if (problems.length) throw new AppError(ErrorCode.VALIDATION_FAILED, undefined, problems);

    const labels: Record<string, QuestionLabel> = Object.fromEntries(input.questions.map((q) => [q.key, { label: q.label, options: q.options, unit: q.unit }]));
    const facts = await this.matterFacts(db, input);
    const publishedIds = [...facts.values()].flatMap((f) => (f.published ? [f.published.id] : []));
    const materials = await repo.materialsOf(db, publishedIds);
    const depts = new Map((await orgRepo.listDepartments(db, null)).map((d) => [d.id, d.name]));
    const unanswered = new Set<string>();

    const stages = input.stages.map((s) => {
      const applies: GuideMatter[] = [];
      const undecided: Array<{ code: string; name: string; needs: string[] }> = [];
      const notApplicable: Array<{ code: string; name: string; reason: string }> = [];
      for (const m of s.matters) {
        const f = facts.get(m.matterCode);
        const p = f?.published;
        if (!f || !p) continue;
        const condition = m.condition ? parseCondition(m.condition) : null;
        let reason = '必办事项';
        if (!m.mandatory) {
          if (!condition) {
            undecided.push({ code: f.code, name: f.name, needs: [] });
            continue;
          }
          const r = evaluateCondition(condition, answers);
          if (r.value === null) {
            r.missing.forEach((k) => unanswered.add(k));
            undecided.push({ code: f.code, name: f.name, needs: r.missing });
            continue;
          }
          if (!r.value) {
            notApplicable.push({ code: f.code, name: f.name, reason: `不满足：${m.conditionNote ?? explainCondition(condition, answers, labels)}` });
            continue;
          }
          reason = explainCondition(condition, answers, labels) + (m.conditionNote ? `（${m.conditionNote}）` : '');
        }
        applies.push({
          code: f.code,
          name: p.name,
          departmentId: p.department_id,
          departmentName: depts.get(p.department_id) ?? '',
          mandatory: m.mandatory,
          legalLimitDays: p.legal_limit_days,
          promisedLimitDays: p.promised_limit_days,
          limitKind: p.limit_kind,
          commitmentAllowed: p.commitment_allowed,
          deficiencyAllowed: p.deficiency_allowed,
          prerequisites: m.prerequisites,
          reason,
          formFields: p.form_fields,
          materials: materials
            .filter((x) => x.matter_version_id === p.id)
            .flatMap((x) => {
              if (!x.condition) return [{ name: x.name, necessity: x.necessity, form: x.form, copies: x.copies, reason: x.condition_note }];
              const r = evaluateCondition(parseCondition(x.condition), answers);
              if (r.value === false) return [];
              r.missing.forEach((k) => unanswered.add(k));
              return [{ name: x.name, necessity: r.value ? 'required' : x.necessity, form: x.form, copies: x.copies, reason: r.value ? explainCondition(parseCondition(x.condition), answers, labels) : (x.condition_note ?? '视情况提交') }];
            }),
        });
      }
      return {
        stageCode: s.stageCode,
        name: s.name,
        stageName: STAGES[s.stageCode] ?? '',
        timeLimitDays: s.timeLimitDays,
        leadDepartmentId: s.leadDepartmentId,
        leadDepartmentName: depts.get(s.leadDepartmentId) ?? '',
        matters: applies.map(({ formFields: _f, ...rest }) => rest),
        form: unifiedForm(applies.map((a) => a.formFields)),
        undecided,
        notApplicable,
      };
    });
    return {
      processId,
      processVersionId: v.id,
      version: v.version,
      name: v.name,
      projectType: process.project_type,
      stages,
      unanswered: input.questions.filter((q) => unanswered.has(q.key)).map((q) => ({ key: q.key, label: q.label })),
    };
  }
}

function answerFits(q: Question, v: unknown): boolean {
  switch (q.type) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'choice':
      return typeof v === 'string' && (q.options ?? []).some((o) => o.value === v);
  }
}
