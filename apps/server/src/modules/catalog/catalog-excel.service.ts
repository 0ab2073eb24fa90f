import ExcelJS from 'exceljs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Kysely } from 'kysely';
import { ErrorCode, MatterDraftInput, ProcessDraftInput, type MaterialRequirement, type Question } from '@tongban/contracts';
import type { DB } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, type ErrorDetail } from '../../lib/errors.ts';
import type { RequestContext } from '../accounts/actor.ts';
import { requireRole } from '../accounts/scope.ts';
import { organizationRepository as orgRepo } from '../organization/organization.repository.ts';
import { catalogRepository as repo } from './catalog.repository.ts';
import { addSheet, columnLetter, readSheet, SHEETS, type SheetSpec } from './catalog-excel.ts';
import { draftProblems, toDraftInput, type MattersService } from './matters.service.ts';
import { processDraftProblems, type ProcessesService } from './processes.service.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false }));
const checkMatter: ValidateFunction = ajv.compile(MatterDraftInput);
const checkProcess: ValidateFunction = ajv.compile(ProcessDraftInput);

export type ExportSource = 'published' | 'latest';

/** The materials sheet column of a requirement property (its `code` is the 材料编码 column; 事项编码 is the matter's). */
const materialKey = (field: string | undefined): string => (field === undefined ? 'name' : field === 'code' ? 'materialCode' : field);

/** A cell value read as text (numbers too); anything else is empty. */
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

interface Located {
  row: number;
  values: Record<string, unknown>;
}

/** Excel export and import of the whole catalog (事项、材料、流程、阶段、阶段事项、引导问题). */
export class CatalogExcelService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly matters: MattersService,
    private readonly processes: ProcessesService,
  ) {}

  /** The catalog as .xlsx: published versions, or the newest version (draft if open). */
  async export(source: ExportSource): Promise<Buffer> {
    const db = this.db;
    const depts = new Map((await orgRepo.listDepartments(db, null)).map((d) => [d.id, d.code]));
    const matterRows: Array<Record<string, unknown>> = [];
    const materialRows: Array<Record<string, unknown>> = [];
    for (const m of await repo.listMatters(db, { publishedOnly: source === 'published' })) {
      const versionId = source === 'latest' ? (m.draft_id ?? m.published_id) : m.published_id;
      if (!versionId) continue;
      const v = (await repo.findMatterVersion(db, versionId))!;
      const d = toDraftInput(v, await repo.materialsOf(db, [v.id]));
      matterRows.push({ code: m.code, deptCode: depts.get(d.departmentId), ...d });
      d.materials.forEach((mat, i) => materialRows.push({ ...mat, materialCode: mat.code ?? null, code: m.code, seq: i + 1 }));
    }
    const processRows: Array<Record<string, unknown>> = [];
    const stageRows: Array<Record<string, unknown>> = [];
    const stageMatterRows: Array<Record<string, unknown>> = [];
    const questionRows: Array<Record<string, unknown>> = [];
    for (const p of await repo.listProcesses(db, { publishedOnly: source === 'published' })) {
      const versionId = source === 'latest' ? (p.draft_id ?? p.published_id) : p.published_id;
      if (!versionId) continue;
      const v = await this.processes.getVersion(versionId, { includeDrafts: true });
      processRows.push({ code: p.code, projectType: p.project_type, regionCode: p.region_code, name: v.name, description: v.description });
      v.questions.forEach((q, i) => questionRows.push({ processCode: p.code, seq: i + 1, ...q }));
      for (const s of v.stages) {
        stageRows.push({ processCode: p.code, stageCode: s.stageCode, name: s.name, timeLimitDays: s.timeLimitDays, leadDeptCode: depts.get(s.leadDepartmentId) });
        s.matters.forEach((m, i) => stageMatterRows.push({ processCode: p.code, stageCode: s.stageCode, seq: i + 1, ...m }));
      }
    }
    const wb = new ExcelJS.Workbook();
    wb.creator = 'Tongban 通办';
    const readme = wb.addWorksheet('说明');
    readme.getColumn(1).width = 110;
    [
      '通办 · 审批事项与流程目录',
      `导出内容：${source === 'published' ? '已发布版本' : '最新版本（有草稿时为草稿）'}`,
      '导入：每个事项和流程导入为新的草稿（已有的保留其已发布版本），在管理页面审阅后发布。',
      '任何一个单元格有错，整个文件都不会导入，并逐一列出出错的工作表、行和列。',
      '条件写法示例：eia in ["report", "table"] and not inParkAssessed；landArea >= 0.5',
      '布尔列填「是」或「否」；列表列用逗号分隔；JSON 列保持导出时的格式。',
    ].forEach((line) => readme.addRow([line]));
    addSheet(wb, SHEETS.matters, matterRows);
    addSheet(wb, SHEETS.materials, materialRows);
    addSheet(wb, SHEETS.processes, processRows);
    addSheet(wb, SHEETS.stages, stageRows);
    addSheet(wb, SHEETS.stageMatters, stageMatterRows);
    addSheet(wb, SHEETS.questions, questionRows);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  /**
   * Imports a workbook as drafts, all in one transaction. Every bad cell is reported with its
   * address; with any problem nothing is written.
   */
  async import(ctx: RequestContext, file: Buffer): Promise<{ matters: { created: number; updated: number }; processes: { created: number; updated: number } }> {
    requireRole(ctx.actor!, ['admin']);
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(file as unknown as ArrayBuffer);
    } catch {
      throw new AppError(ErrorCode.IMPORT_FAILED, { zh: '文件不是有效的 Excel（.xlsx）工作簿', en: 'The file is not a valid .xlsx workbook' });
    }
    const problems: ErrorDetail[] = [];
    const sheets = {
      matters: readSheet(wb, SHEETS.matters, problems),
      materials: readSheet(wb, SHEETS.materials, problems),
      processes: readSheet(wb, SHEETS.processes, problems),
      stages: readSheet(wb, SHEETS.stages, problems),
      stageMatters: readSheet(wb, SHEETS.stageMatters, problems),
      questions: readSheet(wb, SHEETS.questions, problems),
    };
    const at = (spec: SheetSpec, r: Located, key: string) => `${spec.name}!${columnLetter(wb, spec, key)}${r.row}`;
    const deptIds = new Map((await orgRepo.listDepartments(this.db, null)).map((d) => [d.code, d.id]));
    const knownCodes = new Set((await repo.listMatters(this.db, { publishedOnly: false })).map((m) => m.code));

    // ---- matters with their materials
    const matters: Array<{ code: string; draft: MatterDraftInput }> = [];
    const seen = new Set<string>();
    for (const r of sheets.matters) {
      const code = str(r.values.code);
      if (seen.has(code)) problems.push({ path: at(SHEETS.matters, r, 'code'), message: `事项编码 ${code} 重复 / duplicate` });
      seen.add(code);
      const departmentId = deptIds.get(str(r.values.deptCode));
      if (!departmentId) problems.push({ path: at(SHEETS.matters, r, 'deptCode'), message: `部门编码「${str(r.values.deptCode)}」不存在 / unknown department` });
      const mats = sheets.materials.filter((m) => m.values.code === code).sort((a, b) => Number(a.values.seq) - Number(b.values.seq));
      const { code: _c, deptCode: _d, ...fields } = r.values;
      const draft = {
        ...fields,
        departmentId: departmentId ?? 1,
        specialProcedures: fields.specialProcedures ?? [],
        formFields: fields.formFields ?? [],
        precheckRules: fields.precheckRules ?? [],
        legalBasis: fields.legalBasis ?? '',
        fees: fields.fees ?? '',
        conditions: fields.conditions ?? '',
        materials: mats.map(({ values: { code: _mc, seq: _s, materialCode, ...m } }) => ({ ...m, code: materialCode ?? null, description: m.description ?? '' })),
      } as unknown as MatterDraftInput;
      if (!checkMatter(draft)) {
        for (const e of checkMatter.errors ?? []) {
          const [, top, index, field] = e.instancePath.split('/');
          if (top === 'materials' && index !== undefined && mats[Number(index)]) problems.push({ path: at(SHEETS.materials, mats[Number(index)]!, materialKey(field)), message: `${e.message ?? '无效'} / invalid` });
          else if (top) problems.push({ path: at(SHEETS.matters, r, top), message: `${e.message ?? '无效'} / invalid` });
          else problems.push({ path: `${SHEETS.matters.name}!${r.row}`, message: `${e.message ?? '无效'}` });
        }
        continue;
      }
      for (const p of draftProblems(draft)) {
        const [, top, index, field] = p.path.split('/');
        problems.push({ path: top === 'materials' && mats[Number(index)] ? at(SHEETS.materials, mats[Number(index)]!, materialKey(field)) : at(SHEETS.matters, r, top ?? 'code'), message: p.message });
      }
      matters.push({ code, draft });
    }
    for (const m of sheets.materials) {
      if (!seen.has(str(m.values.code))) problems.push({ path: at(SHEETS.materials, m, 'code'), message: `事项编码 ${str(m.values.code)} 不在「事项」表中 / unknown matter` });
    }

    // ---- processes with stages, stage matters and questions
    const processes: Array<{ code: string; projectType: number; regionCode: string; draft: ProcessDraftInput }> = [];
    for (const r of sheets.processes) {
      const code = str(r.values.code);
      if (!(await orgRepo.findRegion(this.db, str(r.values.regionCode)))) problems.push({ path: at(SHEETS.processes, r, 'regionCode'), message: '区划代码不存在 / unknown region' });
      const stageRows = sheets.stages.filter((s) => s.values.processCode === code).sort((a, b) => Number(a.values.stageCode) - Number(b.values.stageCode));
      const stages = stageRows.map((s) => {
        const lead = deptIds.get(str(s.values.leadDeptCode));
        if (!lead) problems.push({ path: at(SHEETS.stages, s, 'leadDeptCode'), message: `部门编码「${str(s.values.leadDeptCode)}」不存在 / unknown department` });
        const sms = sheets.stageMatters.filter((x) => x.values.processCode === code && x.values.stageCode === s.values.stageCode).sort((a, b) => Number(a.values.seq) - Number(b.values.seq));
        for (const x of sms) {
          const mc = str(x.values.matterCode);
          if (!seen.has(mc) && !knownCodes.has(mc)) problems.push({ path: at(SHEETS.stageMatters, x, 'matterCode'), message: `事项编码 ${mc} 不存在 / unknown matter` });
        }
        return {
          stageCode: s.values.stageCode,
          name: s.values.name,
          timeLimitDays: s.values.timeLimitDays,
          leadDepartmentId: lead ?? 1,
          matters: sms.map(({ values: { processCode: _p, stageCode: _s, seq: _q, ...m } }) => m),
        };
      });
      const questions = sheets.questions
        .filter((q) => q.values.processCode === code)
        .sort((a, b) => Number(a.values.seq) - Number(b.values.seq))
        .map(({ values: { processCode: _p, seq: _s, ...q } }) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== null && v !== undefined)) as unknown as Question);
      const draft = { name: r.values.name, description: r.values.description ?? '', questions, stages } as unknown as ProcessDraftInput;
      if (!checkProcess(draft)) {
        for (const e of checkProcess.errors ?? []) problems.push({ path: `${SHEETS.processes.name}!${r.row}（${code}${e.instancePath}）`, message: `${e.message ?? '无效'} / invalid` });
        continue;
      }
      for (const p of processDraftProblems(draft)) problems.push({ path: `${SHEETS.processes.name}!${r.row}（${code}${p.path}）`, message: p.message });
      processes.push({ code, projectType: Number(r.values.projectType), regionCode: str(r.values.regionCode), draft });
    }

    if (problems.length) throw new AppError(ErrorCode.IMPORT_FAILED, { zh: `导入文件有 ${problems.length} 处错误，未做任何修改`, en: `The file has ${problems.length} error(s); nothing was changed` }, problems);

    return inTransaction(this.db, async (trx) => {
      const result = { matters: { created: 0, updated: 0 }, processes: { created: 0, updated: 0 } };
      for (const m of matters) {
        const existing = await repo.findMatterByCode(trx, m.code);
        if (existing) {
          await this.matters.saveDraft(ctx, existing.id, m.draft, trx);
          result.matters.updated++;
        } else {
          await this.matters.create(ctx, { code: m.code, ...m.draft }, trx);
          result.matters.created++;
        }
      }
      for (const p of processes) {
        const existing = await repo.findProcessByCode(trx, p.code);
        if (existing) {
          await this.processes.saveDraft(ctx, existing.id, p.draft, trx);
          result.processes.updated++;
        } else {
          await this.processes.create(ctx, { code: p.code, projectType: p.projectType, regionCode: p.regionCode, ...p.draft }, trx);
          result.processes.created++;
        }
      }
      return result;
    });
  }
}

export type { MaterialRequirement };
