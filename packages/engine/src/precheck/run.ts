/**
 * Runs pre-check rules over an application's unified form and the facts read from its documents
 * and says, per finding, what is wrong and how to fix it, in zh-CN and en-US. Pure: "today" comes
 * from the caller, nothing is read or written.
 *
 * A rule that has nothing to look at is skipped, not failed: a missing value is the business of a
 * `required` rule, an unreadable document that of a `document-readable` rule, a missing upload
 * that of the materials check.
 */
import { isValidDate } from '../calendar.ts';
import { dateSortKey, parseDateValue, resolveDateBound, type DateValue } from './dates.ts';
import { FACT_LABELS } from './facts.ts';
import { maskResidentId, normalizeForCompare, residentIdProblem, usccProblem, type ResidentIdProblem, type UsccProblem } from './identifiers.ts';
import { defaultTexts, MISSING_FACT_TEXTS, render, type Texts } from './messages.ts';
import type {
  Bilingual,
  CompareAs,
  PrecheckCompareOp,
  FormValue,
  PrecheckContext,
  PrecheckDocument,
  PrecheckInput,
  PrecheckItem,
  PrecheckReport,
  PrecheckRule,
  ValueRef,
} from './types.ts';
import { compilePattern, validatePrecheckRules } from './validate.ts';

export class PrecheckRuleError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid pre-check rules: ${problems.join('; ')}`);
    this.name = 'PrecheckRuleError';
  }
}

const MAX_PATTERN_INPUT = 1000;
const MAX_DISPLAY = 60;

/** Where a value came from, and the value (null when absent). */
interface Resolved {
  value: string | null;
  field?: string;
  materialCode?: string;
  fileName?: string;
  fact?: string;
  /** For a document fact: whether the material has at least one readable document. */
  readable?: boolean;
}

function isPresent(v: FormValue | undefined): v is string | number | boolean {
  return v !== null && v !== undefined && (typeof v !== 'string' || v.trim() !== '');
}

function readableDocuments(input: PrecheckInput, material: string): PrecheckDocument[] {
  return input.documents.filter((d) => d.materialCode === material && d.extraction.status === 'read');
}

function resolve(ref: ValueRef, input: PrecheckInput): Resolved {
  if ('field' in ref) {
    const v = input.form[ref.field];
    return { value: isPresent(v) ? String(v).trim() : null, field: ref.field };
  }
  const docs = readableDocuments(input, ref.material);
  const doc = docs.find((d) => (d.extraction.facts[ref.fact] ?? '').trim() !== '');
  return {
    value: doc ? doc.extraction.facts[ref.fact]!.trim() : null,
    materialCode: ref.material,
    fileName: (doc ?? docs[0])?.fileName,
    fact: ref.fact,
    readable: docs.length > 0,
  };
}

/** 18-digit numbers are shown masked: they are almost always resident ID numbers. */
function display(v: string): string {
  const masked = /^\d{17}[\dXx]$/.test(v) ? maskResidentId(v) : v;
  return masked.length > MAX_DISPLAY ? `${masked.slice(0, MAX_DISPLAY)}…` : masked;
}

function parseNumber(v: string): number | null {
  const s = v.normalize('NFKC').replace(/[\s,]/g, '');
  return /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s) ? Number(s) : null;
}

type Comparable = { ok: true; key: string | number; shown: string } | { ok: false };

function comparable(v: string, as: CompareAs): Comparable {
  switch (as) {
    case 'text':
      return { ok: true, key: normalizeForCompare(v), shown: v };
    case 'number': {
      const n = parseNumber(v);
      return n === null ? { ok: false } : { ok: true, key: n, shown: v };
    }
    case 'date': {
      const d = parseDateValue(v);
      return d.kind === 'invalid' ? { ok: false } : { ok: true, key: dateSortKey(d), shown: d.kind === 'open' ? v : d.iso };
    }
  }
}

function holds(op: PrecheckCompareOp, a: string | number, b: string | number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
  }
}

const OP_WORDS: Record<PrecheckCompareOp, Record<'number' | 'date', Bilingual>> = {
  eq: { number: { zh: '等于', en: 'equal to' }, date: { zh: '等于', en: 'the same day as' } },
  lt: { number: { zh: '小于', en: 'less than' }, date: { zh: '早于', en: 'earlier than' } },
  le: { number: { zh: '不大于', en: 'at most' }, date: { zh: '不晚于', en: 'no later than' } },
  gt: { number: { zh: '大于', en: 'greater than' }, date: { zh: '晚于', en: 'later than' } },
  ge: { number: { zh: '不小于', en: 'at least' }, date: { zh: '不早于', en: 'no earlier than' } },
};

/** "不晚于「竣工日期」2026-03-05", "与「建设单位」… 一致". */
function comparison(op: PrecheckCompareOp, as: CompareAs, other: Bilingual, expected: string): Bilingual {
  if (as === 'text') return { zh: `与「${other.zh}」${expected} 一致`, en: `the same as ${other.en} (${expected})` };
  const w = OP_WORDS[op][as];
  return { zh: `${w.zh}「${other.zh}」${expected}`, en: `${w.en} ${other.en} (${expected})` };
}

type Verdict = { ok: true } | { ok: false; problem: Bilingual; expected?: string };

const ok: Verdict = { ok: true };
const fail = (zh: string, en: string, expected?: string): Verdict => ({ ok: false, problem: { zh, en }, expected });

/** Why a USCC or a resident ID number is not valid, for the applicant. */
function codeVerdict(code: string, p: UsccProblem | ResidentIdProblem | null, kind: 'uscc' | 'resident-id'): Verdict {
  if (!p) return ok;
  const unit = kind === 'uscc' ? { zh: '字符', en: 'character' } : { zh: '数字', en: 'digit' };
  switch (p.reason) {
    case 'length':
      return fail(`应为 18 位，实为 ${code.length} 位`, `it should have 18 characters, not ${code.length}`);
    case 'characters':
      return kind === 'uscc'
        ? fail('含有代码中不使用的字符（不使用 I、O、S、V、Z，第 3–8 位为数字）', 'it contains characters the code never uses (no I, O, S, V, Z; characters 3–8 are digits)')
        : fail('前 17 位应为数字，末位为数字或 X', 'the first 17 characters are digits, the last a digit or X');
    case 'region':
      return fail(`前两位 ${code.slice(0, 2)} 不是省级行政区划代码`, `${code.slice(0, 2)} is not a province code`);
    case 'birth-date':
      return fail(`第 7–14 位的出生日期 ${p.birthDate} 无效`, `the birth date ${p.birthDate} (characters 7–14) is not valid`);
    case 'check-char':
      return fail(`末位校验码应为 ${p.expected}，实为 ${p.actual}，说明其中有输错的${unit.zh}`, `the check character should be ${p.expected}, not ${p.actual}: a ${unit.en} is mistyped`);
  }
}

function checkDate(v: string, rule: Extract<PrecheckRule, { kind: 'date' }>, today: string): Verdict {
  const d: DateValue = parseDateValue(v);
  if (d.kind === 'invalid') return fail('不是有效的日期', 'is not a valid date');
  const key = dateSortKey(d);
  const describe = (b: NonNullable<typeof rule.notBefore>, day: string): Bilingual =>
    'today' in b && b.today === 0 ? { zh: `今天（${day}）`, en: `today (${day})` } : { zh: day, en: day };
  if (rule.notBefore) {
    const day = resolveDateBound(rule.notBefore, today);
    const w = describe(rule.notBefore, day);
    if (key < day) return fail(`早于${w.zh}`, `is before ${w.en}`, day);
  }
  if (rule.notAfter) {
    const day = resolveDateBound(rule.notAfter, today);
    const w = describe(rule.notAfter, day);
    if (key > day) return fail(`晚于${w.zh}`, `is after ${w.en}`, day);
  }
  return ok;
}

function checkRange(v: string, min: number | undefined, max: number | undefined): Verdict {
  const n = parseNumber(v);
  if (n === null) return fail('不是数字', 'is not a number');
  if (min !== undefined && n < min) return fail(`小于下限 ${min}`, `is below the minimum ${min}`, String(min));
  if (max !== undefined && n > max) return fail(`大于上限 ${max}`, `is above the maximum ${max}`, String(max));
  return ok;
}

/** Problems the rule finds with a present value, for the single-value kinds. */
function checkValue(rule: PrecheckRule, v: string, ctx: PrecheckContext): Verdict {
  switch (rule.kind) {
    case 'pattern':
      if (v.length > MAX_PATTERN_INPUT) return fail(`超过 ${MAX_PATTERN_INPUT} 个字符`, `is longer than ${MAX_PATTERN_INPUT} characters`);
      return compilePattern(rule.pattern, rule.flags).test(v) ? ok : { ok: false, problem: rule.description };
    case 'uscc': {
      const code = normalizeForCompare(v);
      return codeVerdict(code, usccProblem(code), rule.kind);
    }
    case 'resident-id': {
      const id = normalizeForCompare(v);
      return codeVerdict(id, residentIdProblem(id, ctx.today), rule.kind);
    }
    case 'date':
      return checkDate(v, rule, ctx.today);
    case 'range':
      return checkRange(v, rule.min, rule.max);
    case 'required':
    case 'cross-field':
    case 'document-matches-form':
    case 'document-readable':
      return ok;
  }
}

function bilingual(v: Bilingual | string | undefined): Bilingual | undefined {
  return typeof v === 'string' ? { zh: v, en: v } : v;
}

export function runPrecheck(rules: readonly PrecheckRule[], input: PrecheckInput, ctx: PrecheckContext): PrecheckReport {
  if (!isValidDate(ctx.today)) throw new RangeError(`today must be a date 'YYYY-MM-DD', got ${JSON.stringify(ctx.today)}`);
  const problems = validatePrecheckRules(rules);
  if (problems.length) throw new PrecheckRuleError(problems);

  const items: PrecheckItem[] = [];
  let checked = 0;

  const labelOf = (ref: ValueRef): Bilingual => {
    if ('field' in ref) return bilingual(ctx.labels?.fields?.[ref.field]) ?? { zh: ref.field, en: ref.field };
    return (FACT_LABELS as Record<string, Bilingual>)[ref.fact] ?? { zh: ref.fact, en: ref.fact };
  };
  const materialName = (code: string | undefined): Bilingual | undefined => (code === undefined ? undefined : (bilingual(ctx.labels?.materials?.[code]) ?? { zh: code, en: code }));

  interface Finding {
    subject: Resolved;
    other?: Resolved;
    label: Bilingual;
    otherLabel?: Bilingual;
    actual?: string;
    expected?: string;
    problem?: Bilingual;
    texts?: Texts;
    severity?: PrecheckRule['severity'];
  }
  const report = (rule: PrecheckRule, f: Finding) => {
    const defaults = f.texts ?? defaultTexts(rule.kind, f.subject.field === undefined);
    // A rule's own texts are for its own finding; the built-in "fact not found" keeps its wording.
    const message = f.texts ? defaults.message : (rule.message ?? defaults.message);
    const fix = f.texts ? defaults.fix : (rule.fix ?? defaults.fix);
    const label = rule.label ?? f.label;
    const material = materialName(f.subject.materialCode ?? f.other?.materialCode);
    const fileName = f.subject.fileName ?? f.other?.fileName;
    const values = (lang: 'zh' | 'en') => ({
      label: label[lang],
      otherLabel: f.otherLabel?.[lang],
      material: material?.[lang],
      fileName,
      actual: f.actual,
      expected: f.expected,
      problem: f.problem?.[lang],
      today: ctx.today,
    });
    const all = { zh: values('zh'), en: values('en') };
    const item: PrecheckItem = { ruleId: rule.id, kind: rule.kind, severity: f.severity ?? rule.severity, message: render(message, all), fix: render(fix, all) };
    const field = f.subject.field ?? f.other?.field;
    if (field !== undefined) item.field = field;
    if (f.subject.materialCode ?? f.other?.materialCode) item.materialCode = (f.subject.materialCode ?? f.other?.materialCode)!;
    if (fileName !== undefined) item.fileName = fileName;
    if (f.subject.fact ?? f.other?.fact) item.fact = (f.subject.fact ?? f.other?.fact)!;
    if (f.expected !== undefined) item.expected = f.expected;
    if (f.actual !== undefined) item.actual = f.actual;
    items.push(item);
  };

  for (const rule of rules) {
    switch (rule.kind) {
      case 'required': {
        const r = resolve(rule.target, input);
        if (r.value === null && r.field === undefined && !r.readable) break;
        checked++;
        if (r.value === null) report(rule, { subject: r, label: labelOf(rule.target) });
        break;
      }
      case 'pattern':
      case 'uscc':
      case 'resident-id':
      case 'date':
      case 'range': {
        const r = resolve(rule.target, input);
        if (r.value === null) break;
        checked++;
        const v = checkValue(rule, r.value, ctx);
        if (!v.ok) report(rule, { subject: r, label: labelOf(rule.target), actual: display(r.value), expected: v.expected, problem: v.problem });
        break;
      }
      case 'cross-field': {
        const left = resolve(rule.left, input);
        const right = resolve(rule.right, input);
        if (left.value === null || right.value === null) break;
        const a = comparable(left.value, rule.as);
        const b = comparable(right.value, rule.as);
        if (!a.ok || !b.ok) break;
        checked++;
        if (!holds(rule.op, a.key, b.key)) {
          const otherLabel = rule.otherLabel ?? labelOf(rule.right);
          report(rule, {
            subject: left,
            other: right,
            label: labelOf(rule.left),
            otherLabel,
            actual: display(a.shown),
            expected: display(b.shown),
            problem: comparison(rule.op, rule.as, otherLabel, display(b.shown)),
          });
        }
        break;
      }
      case 'document-matches-form': {
        const form = resolve({ field: rule.field }, input);
        const docs = readableDocuments(input, rule.material);
        if (form.value === null || docs.length === 0) break;
        const label = labelOf({ material: rule.material, fact: rule.fact });
        const withFact = docs.filter((d) => (d.extraction.facts[rule.fact] ?? '').trim() !== '');
        if (withFact.length === 0) {
          checked++;
          const subject: Resolved = { value: null, materialCode: rule.material, fileName: docs[0]!.fileName, fact: rule.fact, field: rule.field };
          report(rule, { subject, label, texts: MISSING_FACT_TEXTS, severity: 'warning' });
          break;
        }
        for (const doc of withFact) {
          checked++;
          const docValue = doc.extraction.facts[rule.fact]!.trim();
          const as = rule.as ?? 'text';
          let a = comparable(docValue, as);
          let b = comparable(form.value, as);
          // A value that does not parse as a number or date is still compared, as text.
          if (!a.ok || !b.ok) [a, b] = [comparable(docValue, 'text'), comparable(form.value, 'text')];
          if (a.ok && b.ok && a.key !== b.key) {
            const subject: Resolved = { value: docValue, materialCode: rule.material, fileName: doc.fileName, fact: rule.fact, field: rule.field };
            report(rule, { subject, label, actual: display(docValue), expected: display(form.value) });
          }
        }
        break;
      }
      case 'document-readable': {
        for (const doc of input.documents) {
          if (doc.materialCode !== rule.material) continue;
          checked++;
          const { status, reason } = doc.extraction;
          if (status === 'read') continue;
          const problem =
            status === 'unreadable'
              ? { zh: '文件无法读取或没有可识别的文字', en: reason ?? 'could not be read' }
              : { zh: '系统未对该文件进行文字识别', en: reason ?? 'not attempted' };
          report(rule, { subject: { value: null, materialCode: rule.material, fileName: doc.fileName }, label: materialName(rule.material)!, problem });
        }
        break;
      }
    }
  }

  const ordered = [...items.filter((i) => i.severity === 'error'), ...items.filter((i) => i.severity === 'warning')];
  return { ok: !ordered.some((i) => i.severity === 'error'), items: ordered, checked };
}
