/**
 * Key-field readers (关键要素识别) over text extracted from an uploaded document: the USCC and
 * name on a 营业执照, the number, unit and dates of a 规划许可证, ID numbers, project codes,
 * amounts and areas. Made for what PDF text layers and OCR actually produce: values after a
 * label on the same line or the next one, spaces between characters, full-width digits and
 * colons, and O/I read for 0/1 inside a USCC (accepted only when the check character then holds).
 */
import { isValidUscc, PROJECT_CODE_PATTERN } from '@tongban/contracts';
import { findDates, OPEN_ENDED } from './dates.ts';
import { residentIdProblem } from './identifiers.ts';
import type { Bilingual } from './types.ts';

/** The facts `readFacts` can report, with their names for messages. */
export const FACT_LABELS = {
  uscc: { zh: '统一社会信用代码', en: 'unified social credit code' },
  enterpriseName: { zh: '名称', en: 'name' },
  legalRepresentative: { zh: '法定代表人', en: 'legal representative' },
  residentId: { zh: '公民身份号码', en: 'resident ID number' },
  certificateNumber: { zh: '证书编号', en: 'certificate number' },
  projectCode: { zh: '项目代码', en: 'project code' },
  projectName: { zh: '项目名称', en: 'project name' },
  address: { zh: '地址', en: 'address' },
  establishedDate: { zh: '成立日期', en: 'date of establishment' },
  issueDate: { zh: '发证日期', en: 'date of issue' },
  validFrom: { zh: '有效期起始日期', en: 'valid from' },
  validUntil: { zh: '有效期截止日期', en: 'valid until' },
  registeredCapital: { zh: '注册资本（元）', en: 'registered capital (yuan)' },
  investment: { zh: '总投资（元）', en: 'total investment (yuan)' },
  amount: { zh: '金额（元）', en: 'amount (yuan)' },
  landArea: { zh: '用地面积（平方米）', en: 'land area (m²)' },
  floorArea: { zh: '建筑面积（平方米）', en: 'floor area (m²)' },
  issuer: { zh: '发证机关', en: 'issuing authority' },
} as const satisfies Record<string, Bilingual>;

export type FactKey = keyof typeof FACT_LABELS;

type ValueKind = 'text' | 'code' | 'date' | 'validity' | 'money' | 'area';

/** Labels per fact, best first: when several are present the earlier label wins. */
type LabelGroup = { fact: FactKey; kind: Exclude<ValueKind, 'validity'>; labels: string[] } | { fact: 'validity'; kind: 'validity'; labels: string[] };
const LABELS: LabelGroup[] = [
  { fact: 'uscc', kind: 'code', labels: ['统一社会信用代码', '社会信用代码', '信用代码'] },
  { fact: 'enterpriseName', kind: 'text', labels: ['企业名称', '单位名称', '公司名称', '名称', '建设单位', '申请单位'] },
  { fact: 'legalRepresentative', kind: 'text', labels: ['法定代表人', '法人代表', '经营者'] },
  { fact: 'residentId', kind: 'code', labels: ['公民身份号码', '身份证号码', '身份证号'] },
  { fact: 'certificateNumber', kind: 'code', labels: ['许可证编号', '证书编号', '证照编号', '批准文号', '许可证号', '证号', '编号', '文号'] },
  { fact: 'projectCode', kind: 'code', labels: ['项目代码', '项目编码', '项目编号'] },
  { fact: 'projectName', kind: 'text', labels: ['建设项目名称', '项目名称', '工程名称'] },
  { fact: 'address', kind: 'text', labels: ['住所', '地址', '建设位置', '建设地址', '建设地点', '经营场所'] },
  { fact: 'establishedDate', kind: 'date', labels: ['成立日期', '注册日期'] },
  { fact: 'issueDate', kind: 'date', labels: ['发证日期', '核发日期', '签发日期', '发文日期', '批准日期', '日期'] },
  { fact: 'validUntil', kind: 'date', labels: ['有效期至', '有效期限至', '有效截止日期', '截止日期'] },
  { fact: 'validity', kind: 'validity', labels: ['营业期限', '有效期限', '有效期', '经营期限'] },
  { fact: 'registeredCapital', kind: 'money', labels: ['注册资本'] },
  { fact: 'investment', kind: 'money', labels: ['项目总投资', '总投资', '投资总额', '投资额'] },
  { fact: 'amount', kind: 'money', labels: ['合同金额', '金额'] },
  { fact: 'landArea', kind: 'area', labels: ['用地面积'] },
  { fact: 'floorArea', kind: 'area', labels: ['总建筑面积', '建筑面积', '建设规模'] },
  { fact: 'issuer', kind: 'text', labels: ['发证机关', '登记机关', '核发机关', '发证单位'] },
];

const ALL_LABELS = LABELS.flatMap((group, g) => group.labels.map((label, rank) => ({ group: g, rank, label })));
const HAN = /\p{Script=Han}/u;
const MAX_TEXT_VALUE = 100;

interface Line {
  original: string;
  /** The line without white space. */
  compact: string;
  /** compact index → original index. */
  map: number[];
}

interface Hit {
  group: number;
  rank: number;
  line: number;
  start: number;
  end: number;
}

function prepare(text: string): Line[] {
  return text
    .normalize('NFKC')
    .split(/\r\n|\r|\n/)
    .map((original) => {
      let compact = '';
      const map: number[] = [];
      for (let i = 0; i < original.length; i++) {
        if (/\s/.test(original[i]!)) continue;
        compact += original[i];
        map.push(i);
      }
      return { original, compact, map };
    });
}

/**
 * Label occurrences, longest first where they overlap (建设项目名称 over 名称). A label that follows
 * another Chinese character may be part of a longer word or a name (附件名称, 许可证号, 苏州建设单位
 * 管理有限公司): a short one is then not a label at all, a longer one only when a colon, a space or
 * the line end follows it (OCR joins lines: 有限公司法定代表人：张三).
 */
function findLabels(lines: Line[]): Hit[][] {
  const byLength = [...ALL_LABELS].sort((a, b) => b.label.length - a.label.length);
  return lines.map((line, li) => {
    const taken: Hit[] = [];
    for (const { group, rank, label } of byLength) {
      for (let at = line.compact.indexOf(label); at >= 0; at = line.compact.indexOf(label, at + 1)) {
        const end = at + label.length;
        if (taken.some((h) => at < h.end && end > h.start)) continue;
        const before = line.original[line.map[at]! - 1];
        if (before !== undefined && HAN.test(before)) {
          const after = line.original[line.map[end - 1]! + 1];
          if (label.length <= 3 || (after !== undefined && !/[\s:]/.test(after))) continue;
        }
        taken.push({ group, rank, line: li, start: at, end });
      }
    }
    return taken.sort((a, b) => a.start - b.start);
  });
}

/** Keeps one space between Latin words (Co., Ltd.) and drops the rest, e.g. OCR's 苏 州 市. */
function tidy(s: string): string {
  return s
    .trim()
    .replace(/\s+/g, (sp: string, offset: number, all: string) => (/[A-Za-z.,&]/.test(all[offset - 1] ?? '') && /[A-Za-z&(]/.test(all[offset + sp.length] ?? '') ? ' ' : ''))
    .replace(/^[:;,、.。]+|[:;,、。]+$/g, '');
}

interface LabelValue {
  /** Normalised, without spaces. */
  compact: string;
  /** As written, spaces tidied. */
  text: string;
}

/** The value after a label: the rest of its line up to the next label, or else the next non-empty line. */
function valueOf(lines: Line[], hits: Hit[][], hit: Hit): LabelValue | null {
  const slice = (li: number, from: number, to: number): LabelValue | null => {
    const line = lines[li]!;
    let start = from;
    // 建设单位（个人）: a short qualifier in brackets belongs to the label.
    const qualifier = /^\([^()]{1,6}\)/.exec(line.compact.slice(start, to));
    if (qualifier) start += qualifier[0].length;
    while (start < to && /[:;,、]/.test(line.compact[start]!)) start++;
    if (start >= to) return null;
    const text = tidy(line.original.slice(line.map[start], line.map[to - 1]! + 1));
    return text ? { compact: line.compact.slice(start, to), text } : null;
  };
  const sameLineEnd = hits[hit.line]!.find((h) => h.start >= hit.end)?.start ?? lines[hit.line]!.compact.length;
  const own = slice(hit.line, hit.end, sameLineEnd);
  if (own) return own;
  if (sameLineEnd < lines[hit.line]!.compact.length) return null;
  for (let li = hit.line + 1; li < lines.length; li++) {
    if (lines[li]!.compact === '') continue;
    const first = hits[li]![0];
    if (first?.start === 0) return null;
    return slice(li, 0, first?.start ?? lines[li]!.compact.length);
  }
  return null;
}

const isResidentId = (s: string) => residentIdProblem(s) === null;

/**
 * GB 32100 candidates in a string: 18-character runs first, then 18-character windows of longer
 * runs. Without a label, a string that is also a valid resident ID number is left alone: about
 * one ID number in 31 passes the USCC check too.
 */
function findUscc(s: string, labelled: boolean): string | null {
  const runs = s.toUpperCase().match(/[0-9A-Z]+/g) ?? [];
  const fix = (c: string) => c.replace(/O/g, '0').replace(/I/g, '1');
  const fits = (c: string) => isValidUscc(c) && (labelled || !isResidentId(c));
  for (const run of runs) if (run.length === 18 && fits(fix(run))) return fix(run);
  for (const run of runs) {
    for (let i = 0; i + 18 <= run.length && run.length > 18; i++) {
      const c = fix(run.slice(i, i + 18));
      if (fits(c)) return c;
    }
  }
  return null;
}

function findResidentId(s: string, labelled: boolean): string | null {
  for (const m of s.toUpperCase().matchAll(/(?<![0-9A-Z])\d{17}[\dX](?![0-9A-Z])/g)) {
    if (isResidentId(m[0]) && (labelled || !isValidUscc(m[0]))) return m[0];
  }
  return null;
}

const PROJECT_CODE_RE = new RegExp(`(?<!\\d)${PROJECT_CODE_PATTERN.slice(1, -1)}(?!\\d)`);
const CERTIFICATE_NUMBER_RE = /\p{Script=Han}{0,8}字(?:第)?[0-9A-Z-]{4,}号/u;

/** '12.5' shifted by 4 places (万) → '125000'; no floating point, so 0.1 + 0.2 cannot creep in. */
function shiftDecimal(num: string, places: number): string {
  const [int = '0', frac = ''] = num.replace(/,/g, '').split('.');
  const digits = int + frac.padEnd(places, '0');
  const cut = int.length + places;
  const whole = digits.slice(0, cut).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(cut).replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : whole;
}

function parseQuantity(compact: string, kind: 'money' | 'area'): string | null {
  const m = kind === 'money' ? /(\d[\d,]*(?:\.\d+)?)(亿|万)?(?:元|人民币)?/.exec(compact) : /(\d[\d,]*(?:\.\d+)?)(公顷|平方米|m2|M2)?/.exec(compact);
  if (!m) return null;
  const places = m[2] === '亿' ? 8 : m[2] === '万' || m[2] === '公顷' ? 4 : 0;
  return shiftDecimal(m[1]!, places);
}

/**
 * Reads the key fields of a document's text. Returns only what it found; dates as 'YYYY-MM-DD'
 * (an open-ended validity as 长期), amounts in yuan and areas in m² as plain decimals, USCC and
 * ID numbers only when their check characters hold.
 */
export function readFacts(text: string): Record<string, string> {
  const lines = prepare(text);
  const hits = findLabels(lines);
  /** Best label hit with a value, per LABELS group. */
  const best = new Map<number, { rank: number; value: LabelValue }>();
  for (const hit of hits.flat()) {
    const prior = best.get(hit.group);
    if (prior && prior.rank <= hit.rank) continue;
    const value = valueOf(lines, hits, hit);
    if (value) best.set(hit.group, { rank: hit.rank, value });
  }
  const labelled = (fact: FactKey | 'validity') => best.get(LABELS.findIndex((g) => g.fact === fact))?.value ?? null;
  const whole = lines.map((l) => l.compact).join('\n');
  const facts: Partial<Record<FactKey, string>> = {};

  const uscc = findUscc(labelled('uscc')?.compact ?? '', true) ?? findUscc(whole, false);
  if (uscc) facts.uscc = uscc;
  const residentId = findResidentId(labelled('residentId')?.compact ?? '', true) ?? findResidentId(whole, false);
  if (residentId) facts.residentId = residentId;
  const projectCode = PROJECT_CODE_RE.exec(labelled('projectCode')?.compact ?? '') ?? PROJECT_CODE_RE.exec(whole);
  if (projectCode) facts.projectCode = projectCode[0];

  for (const group of LABELS) {
    const value = labelled(group.fact);
    if (!value) continue;
    const dates = findDates(value.compact);
    switch (group.kind) {
      case 'text': {
        // A date after a name is the date of the seal (登记机关 苏州市市场监督管理局 2026年3月5日).
        const cut = dates.length ? value.text.search(/\d{4}[年./-]|[〇零○一二三四五六七八九]{4}年/) : -1;
        const text = cut >= 0 ? tidy(value.text.slice(0, cut)) : value.text;
        if (text && text.length <= MAX_TEXT_VALUE) facts[group.fact] = text;
        if (group.fact === 'issuer' && dates[0]) facts.issueDate ??= dates[0].iso;
        break;
      }
      case 'code':
        // USCC, ID numbers and project codes are read by shape above; a certificate number is whatever follows its label.
        if (group.fact === 'certificateNumber' && /\d/.test(value.compact)) facts.certificateNumber = value.compact.replace(/[。.]$/, '').slice(0, 60);
        break;
      case 'date':
        if (dates[0]) facts[group.fact] = dates[0].iso;
        break;
      case 'validity': {
        const openEnded = /长期|永久|无固定期限/.test(value.compact);
        if (dates.length >= 2) {
          facts.validFrom = dates[0]!.iso;
          facts.validUntil ??= dates[1]!.iso;
        } else if (dates.length === 1 && openEnded) {
          facts.validFrom = dates[0]!.iso;
          facts.validUntil ??= OPEN_ENDED;
        } else if (dates.length === 1) {
          facts.validUntil ??= dates[0]!.iso;
        }
        break;
      }
      case 'money':
      case 'area': {
        const q = parseQuantity(value.compact, group.kind);
        if (q !== null) facts[group.fact] = q;
        break;
      }
    }
  }
  if (!facts.certificateNumber) {
    const m = CERTIFICATE_NUMBER_RE.exec(whole);
    if (m) facts.certificateNumber = m[0];
  }
  // Deterministic key order: that of FACT_LABELS.
  const out: Record<string, string> = {};
  for (const key of Object.keys(FACT_LABELS) as FactKey[]) if (facts[key] !== undefined) out[key] = facts[key];
  return out;
}
