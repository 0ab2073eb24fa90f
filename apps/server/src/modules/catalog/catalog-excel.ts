import ExcelJS from 'exceljs';
import type { ErrorDetail } from '../../lib/errors.ts';

/**
 * The catalog as an Excel workbook, the format integrators already keep their lists in. Each
 * sheet is described once by its columns; the same description writes a row and reads it back,
 * so export and import cannot drift apart. Reading reports every bad cell by its address
 * (事项!F7) and never stops at the first one.
 */

export type Cell = string | number | boolean | null;

interface Column {
  header: string;
  key: string;
  kind: 'text' | 'int' | 'bool' | 'enum' | 'json' | 'list';
  required?: boolean;
  /** enum: stored value → label shown in the sheet. */
  labels?: Record<string, string>;
  width?: number;
  /** Added after the first release: a workbook without the column still imports (as empty). */
  optional?: boolean;
}

export interface SheetSpec {
  name: string;
  columns: Column[];
}

const YES = '是';
const NO = '否';

export const SHEETS: Record<'matters' | 'materials' | 'processes' | 'stages' | 'stageMatters' | 'questions', SheetSpec> = {
  matters: {
    name: '事项',
    columns: [
      { header: '事项编码', key: 'code', kind: 'text', required: true, width: 16 },
      { header: '事项名称', key: 'name', kind: 'text', required: true, width: 36 },
      { header: '实施部门编码', key: 'deptCode', kind: 'text', required: true, width: 14 },
      { header: '时限类型', key: 'limitKind', kind: 'enum', required: true, labels: { working: '工作日', calendar: '自然日' } },
      { header: '法定时限', key: 'legalLimitDays', kind: 'int', required: true },
      { header: '延长时限', key: 'extensionDays', kind: 'int', required: true },
      { header: '承诺时限', key: 'promisedLimitDays', kind: 'int', required: true },
      { header: '告知承诺制', key: 'commitmentAllowed', kind: 'bool', required: true },
      { header: '容缺受理', key: 'deficiencyAllowed', kind: 'bool', required: true },
      { header: '结果类型', key: 'resultType', kind: 'enum', required: true, labels: { licence: '许可证', approval: '批复', opinion: '意见书', filing: '备案', certificate: '合格证书' } },
      { header: '结果名称', key: 'resultName', kind: 'text', required: true, width: 24 },
      { header: '有效期（月）', key: 'validityMonths', kind: 'int' },
      { header: '设定依据', key: 'legalBasis', kind: 'text', width: 40 },
      { header: '收费', key: 'fees', kind: 'text' },
      { header: '受理条件', key: 'conditions', kind: 'text', width: 40 },
      { header: '特别程序(JSON)', key: 'specialProcedures', kind: 'json', width: 20 },
      { header: '表单字段(JSON)', key: 'formFields', kind: 'json', width: 20 },
      { header: '预审规则(JSON)', key: 'precheckRules', kind: 'json', width: 20, optional: true },
    ],
  },
  materials: {
    name: '材料',
    columns: [
      { header: '事项编码', key: 'code', kind: 'text', required: true, width: 16 },
      { header: '序号', key: 'seq', kind: 'int', required: true },
      { header: '材料名称', key: 'name', kind: 'text', required: true, width: 36 },
      { header: '材料形式', key: 'form', kind: 'enum', required: true, labels: { original: '原件', copy: '复印件', original_and_copy: '原件及复印件', electronic: '电子材料' } },
      { header: '份数', key: 'copies', kind: 'int', required: true },
      { header: '必要性', key: 'necessity', kind: 'enum', required: true, labels: { required: '必要', conditional: '容缺/条件', optional: '非必要' } },
      { header: '适用条件', key: 'condition', kind: 'text', width: 24 },
      { header: '条件说明', key: 'conditionNote', kind: 'text', width: 24 },
      { header: '接受格式', key: 'acceptedTypes', kind: 'list', required: true },
      { header: '大小上限(MB)', key: 'maxSizeMb', kind: 'int', required: true },
      { header: '样表地址', key: 'sampleUrl', kind: 'text' },
      { header: '复用来源', key: 'reuse', kind: 'enum', required: true, labels: { none: '无', material_library: '材料库', certificate_library: '证照库' } },
      { header: '说明', key: 'description', kind: 'text', width: 24 },
      { header: '材料编码', key: 'materialCode', kind: 'text', width: 16, optional: true },
    ],
  },
  processes: {
    name: '流程',
    columns: [
      { header: '流程编码', key: 'code', kind: 'text', required: true, width: 12 },
      { header: '项目类型', key: 'projectType', kind: 'int', required: true },
      { header: '区划代码', key: 'regionCode', kind: 'text', required: true },
      { header: '流程名称', key: 'name', kind: 'text', required: true, width: 30 },
      { header: '说明', key: 'description', kind: 'text', width: 40 },
    ],
  },
  stages: {
    name: '阶段',
    columns: [
      { header: '流程编码', key: 'processCode', kind: 'text', required: true, width: 12 },
      { header: '阶段代码', key: 'stageCode', kind: 'int', required: true },
      { header: '阶段名称', key: 'name', kind: 'text', required: true, width: 24 },
      { header: '阶段时限', key: 'timeLimitDays', kind: 'int', required: true },
      { header: '牵头部门编码', key: 'leadDeptCode', kind: 'text', required: true, width: 14 },
    ],
  },
  stageMatters: {
    name: '阶段事项',
    columns: [
      { header: '流程编码', key: 'processCode', kind: 'text', required: true, width: 12 },
      { header: '阶段代码', key: 'stageCode', kind: 'int', required: true },
      { header: '序号', key: 'seq', kind: 'int', required: true },
      { header: '事项编码', key: 'matterCode', kind: 'text', required: true, width: 16 },
      { header: '必办', key: 'mandatory', kind: 'bool', required: true },
      { header: '适用条件', key: 'condition', kind: 'text', width: 36 },
      { header: '条件说明', key: 'conditionNote', kind: 'text', width: 24 },
      { header: '前置事项', key: 'prerequisites', kind: 'list', width: 24 },
    ],
  },
  questions: {
    name: '引导问题',
    columns: [
      { header: '流程编码', key: 'processCode', kind: 'text', required: true, width: 12 },
      { header: '序号', key: 'seq', kind: 'int', required: true },
      { header: '问题键', key: 'key', kind: 'text', required: true, width: 16 },
      { header: '问题', key: 'label', kind: 'text', required: true, width: 36 },
      { header: '类型', key: 'type', kind: 'enum', required: true, labels: { boolean: '是否', choice: '单选', number: '数值' } },
      { header: '选项(JSON)', key: 'options', kind: 'json', width: 24 },
      { header: '单位', key: 'unit', kind: 'text' },
      { header: '说明', key: 'help', kind: 'text', width: 24 },
    ],
  },
};

function toCell(col: Column, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  switch (col.kind) {
    case 'bool':
      return v ? YES : NO;
    case 'enum':
      return col.labels?.[text] ?? text;
    case 'json':
      return JSON.stringify(v);
    case 'list':
      return (v as unknown[]).join(',');
    case 'int':
      return v as number;
    case 'text':
      return text;
  }
}

export function addSheet(wb: ExcelJS.Workbook, spec: SheetSpec, rows: Array<Record<string, unknown>>): void {
  const ws = wb.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = spec.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 12 }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(spec.columns.map((c) => toCell(c, r[c.key])));
}

function cellText(v: ExcelJS.CellValue): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((p) => p.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return String(v.text);
  }
  return null;
}

/**
 * Reads a sheet by its header names (column order may change, extra columns are ignored);
 * returns the rows as objects with their row numbers, and pushes a problem per bad cell.
 */
export function readSheet(wb: ExcelJS.Workbook, spec: SheetSpec, problems: ErrorDetail[]): Array<{ row: number; values: Record<string, unknown> }> {
  const ws = wb.getWorksheet(spec.name);
  if (!ws) {
    problems.push({ path: spec.name, message: `缺少工作表「${spec.name}」/ sheet missing` });
    return [];
  }
  const header = ws.getRow(1);
  const colOf = new Map<string, number>();
  header.eachCell((cell, n) => colOf.set(String(cellText(cell.value) ?? '').trim(), n));
  const missing = spec.columns.filter((c) => !c.optional && !colOf.has(c.header));
  for (const c of missing) problems.push({ path: `${spec.name}!1`, message: `缺少列「${c.header}」/ column missing` });
  if (missing.length) return [];
  const out: Array<{ row: number; values: Record<string, unknown> }> = [];
  ws.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const values: Record<string, unknown> = {};
    let empty = true;
    for (const c of spec.columns) {
      const n = colOf.get(c.header);
      if (n === undefined) {
        values[c.key] = c.kind === 'list' ? [] : c.kind === 'json' ? undefined : null;
        continue;
      }
      const addr = `${spec.name}!${ws.getColumn(n).letter}${rowNumber}`;
      const raw = cellText(row.getCell(n).value);
      const text = raw === null ? '' : String(raw).trim();
      if (text !== '') empty = false;
      if (text === '') {
        if (c.required) problems.push({ path: addr, message: `「${c.header}」不能为空 / required` });
        values[c.key] = c.kind === 'list' ? [] : c.kind === 'json' ? undefined : null;
        continue;
      }
      switch (c.kind) {
        case 'text':
          values[c.key] = text;
          break;
        case 'int': {
          const n2 = typeof raw === 'number' ? raw : Number(text);
          if (!Number.isInteger(n2)) problems.push({ path: addr, message: `「${c.header}」应为整数，实为「${text}」/ not an integer` });
          values[c.key] = n2;
          break;
        }
        case 'bool':
          if (raw === true || text === YES) values[c.key] = true;
          else if (raw === false || text === NO) values[c.key] = false;
          else problems.push({ path: addr, message: `「${c.header}」应为「是」或「否」，实为「${text}」/ not yes or no` });
          break;
        case 'enum': {
          const entry = Object.entries(c.labels ?? {}).find(([k, label]) => label === text || k === text);
          if (!entry) problems.push({ path: addr, message: `「${c.header}」应为 ${Object.values(c.labels ?? {}).join(' / ')} 之一，实为「${text}」` });
          values[c.key] = entry?.[0];
          break;
        }
        case 'json':
          try {
            values[c.key] = JSON.parse(text);
          } catch {
            problems.push({ path: addr, message: `「${c.header}」不是合法的 JSON / not valid JSON` });
          }
          break;
        case 'list':
          values[c.key] = text.split(/[,，]/).map((x) => x.trim()).filter(Boolean);
          break;
      }
    }
    if (!empty) out.push({ row: rowNumber, values });
  });
  return out;
}

export const columnLetter = (wb: ExcelJS.Workbook, spec: SheetSpec, key: string): string => {
  const ws = wb.getWorksheet(spec.name);
  const header = spec.columns.find((c) => c.key === key)?.header;
  let letter = '?';
  ws?.getRow(1).eachCell((cell, n) => {
    if (cellText(cell.value) === header) letter = ws.getColumn(n).letter;
  });
  return letter;
};
