/**
 * Checks rule definitions as an admin editor (or an import) hands them over: plain JSON of
 * unknown shape. Every problem is named with the rule's position and id, in Chinese (the admin's
 * language), so the editor can show them as they are.
 */
import { isValidDate } from '../calendar.ts';
import type { PrecheckRule } from './types.ts';

const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;
/** The unified-form field key of the catalog (FormField.key). */
const FIELD_KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const MATERIAL_CODE = /^[A-Za-z0-9][A-Za-z0-9_./:-]{0,79}$/;
const FACT_KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
export const PLACEHOLDERS = ['label', 'otherLabel', 'material', 'fileName', 'actual', 'expected', 'problem', 'today'] as const;
const MAX_RULES = 500;
const MAX_TEXT = 500;
const MAX_PATTERN = 200;

const COMMON_KEYS = ['id', 'kind', 'severity', 'message', 'fix', 'label'];
const KIND_KEYS: Record<PrecheckRule['kind'], string[]> = {
  required: ['target'],
  pattern: ['target', 'pattern', 'flags', 'description'],
  uscc: ['target'],
  'resident-id': ['target'],
  date: ['target', 'notBefore', 'notAfter'],
  range: ['target', 'min', 'max'],
  'cross-field': ['left', 'op', 'right', 'as', 'otherLabel'],
  'document-matches-form': ['material', 'fact', 'field', 'as'],
  'document-readable': ['material'],
};
const OPS = ['eq', 'lt', 'le', 'gt', 'ge'];
const COMPARE_AS = ['text', 'number', 'date'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A quantified group that itself contains a quantifier ((a+)+, (\d*)*) can take exponential time
 * on a crafted value; admins never need one for a form field, so it is refused.
 */
function nestedQuantifier(pattern: string): boolean {
  return /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/.test(pattern);
}

/** The compiled form of a pattern rule: anchored, so the whole value has to match. */
export function compilePattern(pattern: string, flags = ''): RegExp {
  return new RegExp(`^(?:${pattern})$`, flags);
}

/** Problems in a list of rule definitions; empty when the list can be run. */
export function validatePrecheckRules(rules: unknown): string[] {
  if (!Array.isArray(rules)) return ['规则应为数组'];
  if (rules.length > MAX_RULES) return [`规则最多 ${MAX_RULES} 条，实有 ${rules.length} 条`];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  rules.forEach((rule: unknown, i) => {
    const where = isObj(rule) && typeof rule.id === 'string' ? `第 ${i + 1} 条规则（${rule.id}）` : `第 ${i + 1} 条规则`;
    const say = (m: string) => problems.push(`${where}：${m}`);
    if (!isObj(rule)) return say('应为对象');

    if (typeof rule.id !== 'string' || !RULE_ID.test(rule.id)) say('id 应为 1–80 位字母、数字或 _ . : -');
    else if (seen.has(rule.id)) say(`id 与第 ${seen.get(rule.id)! + 1} 条重复`);
    else seen.set(rule.id, i);
    if (rule.severity !== 'error' && rule.severity !== 'warning') say('severity 应为 error 或 warning');
    for (const key of ['message', 'fix', 'label'] as const) if (rule[key] !== undefined) checkBilingual(rule[key], key, say, key !== 'label');

    const kind = rule.kind as PrecheckRule['kind'];
    if (typeof kind !== 'string' || !Object.hasOwn(KIND_KEYS, kind)) return say(`未知的规则类型 ${JSON.stringify(rule.kind)}，应为 ${Object.keys(KIND_KEYS).join('、')}`);
    const allowed = new Set([...COMMON_KEYS, ...KIND_KEYS[kind]]);
    for (const key of Object.keys(rule)) if (!allowed.has(key)) say(`${kind} 规则没有属性 ${key}`);

    switch (kind) {
      case 'required':
      case 'uscc':
      case 'resident-id':
        checkRef(rule.target, 'target', say);
        break;
      case 'pattern': {
        checkRef(rule.target, 'target', say);
        checkBilingual(rule.description, 'description', say, false);
        const flags = rule.flags ?? '';
        if (typeof flags !== 'string' || !/^(?:i?u?|u?i?)$/.test(flags)) say('flags 只能包含 i、u');
        if (typeof rule.pattern !== 'string' || rule.pattern === '' || rule.pattern.length > MAX_PATTERN) {
          say(`pattern 应为 1–${MAX_PATTERN} 个字符的正则表达式`);
        } else if (nestedQuantifier(rule.pattern)) {
          say('pattern 含有嵌套的重复（如 (a+)+），可能极慢，请改写');
        } else {
          try {
            compilePattern(rule.pattern, typeof flags === 'string' ? flags : '');
          } catch (e) {
            say(`pattern 不是有效的正则表达式：${(e as Error).message}`);
          }
        }
        break;
      }
      case 'date':
        checkRef(rule.target, 'target', say);
        for (const key of ['notBefore', 'notAfter'] as const) if (rule[key] !== undefined) checkBound(rule[key], key, say);
        break;
      case 'range': {
        checkRef(rule.target, 'target', say);
        const { min, max } = rule;
        for (const [key, v] of [['min', min], ['max', max]] as const) if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) say(`${key} 应为有限数字`);
        if (min === undefined && max === undefined) say('min 和 max 至少给出一个');
        if (typeof min === 'number' && typeof max === 'number' && min > max) say(`min ${min} 大于 max ${max}`);
        break;
      }
      case 'cross-field':
        checkRef(rule.left, 'left', say);
        checkRef(rule.right, 'right', say);
        if (!OPS.includes(rule.op as string)) say(`op 应为 ${OPS.join('、')}`);
        if (!COMPARE_AS.includes(rule.as as string)) say(`as 应为 ${COMPARE_AS.join('、')}`);
        else if (rule.as === 'text' && rule.op !== 'eq') say('文本只能比较是否相等（op 应为 eq）');
        if (rule.otherLabel !== undefined) checkBilingual(rule.otherLabel, 'otherLabel', say, false);
        break;
      case 'document-matches-form':
        if (typeof rule.material !== 'string' || !MATERIAL_CODE.test(rule.material)) say('material 应为材料编码');
        if (typeof rule.fact !== 'string' || !FACT_KEY.test(rule.fact)) say('fact 应为要素键，如 uscc');
        if (typeof rule.field !== 'string' || !FIELD_KEY.test(rule.field)) say('field 应为表单字段键');
        if (rule.as !== undefined && !COMPARE_AS.includes(rule.as as string)) say(`as 应为 ${COMPARE_AS.join('、')}`);
        break;
      case 'document-readable':
        if (typeof rule.material !== 'string' || !MATERIAL_CODE.test(rule.material)) say('material 应为材料编码');
        break;
    }
  });
  return problems;
}

function checkRef(ref: unknown, name: string, say: (m: string) => void): void {
  if (!isObj(ref)) return say(`${name} 应为 { field } 或 { material, fact }`);
  const keys = Object.keys(ref).sort().join(',');
  if (keys === 'field') {
    if (typeof ref.field !== 'string' || !FIELD_KEY.test(ref.field)) say(`${name}.field 应为表单字段键（字母开头，字母、数字、下划线）`);
  } else if (keys === 'fact,material') {
    if (typeof ref.material !== 'string' || !MATERIAL_CODE.test(ref.material)) say(`${name}.material 应为材料编码`);
    if (typeof ref.fact !== 'string' || !FACT_KEY.test(ref.fact)) say(`${name}.fact 应为要素键，如 uscc`);
  } else say(`${name} 应为 { field } 或 { material, fact }`);
}

function checkBound(b: unknown, name: string, say: (m: string) => void): void {
  if (isObj(b) && Object.keys(b).join() === 'date') {
    if (typeof b.date !== 'string' || !isValidDate(b.date)) say(`${name}.date 不是有效日期（YYYY-MM-DD）`);
    return;
  }
  const keys = isObj(b) ? Object.keys(b).sort().join() : '';
  if (!isObj(b) || (keys !== 'today' && keys !== 'today,unit')) return say(`${name} 应为 { date } 或 { today, unit? }`);
  if (typeof b.today !== 'number' || !Number.isInteger(b.today) || Math.abs(b.today) > 1200) say(`${name}.today 应为 -1200 到 1200 之间的整数`);
  if (b.unit !== undefined && !['day', 'month', 'year'].includes(b.unit as string)) say(`${name}.unit 应为 day、month 或 year`);
}

function checkBilingual(v: unknown, name: string, say: (m: string) => void, template: boolean): void {
  if (!isObj(v) || Object.keys(v).sort().join() !== 'en,zh') return say(`${name} 应为 { zh, en }`);
  for (const lang of ['zh', 'en'] as const) {
    const text = v[lang];
    if (typeof text !== 'string' || !text.trim() || text.length > MAX_TEXT) {
      say(`${name}.${lang} 应为 1–${MAX_TEXT} 个字符`);
      continue;
    }
    if (!template) continue;
    for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) say(`${name}.${lang} 中的占位符 {${m[1]}} 未知，可用：${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`);
    }
  }
}
