/**
 * Conditions of guided matter selection (智能引导) as data: a small expression language with a
 * parser, a printer and a three-valued evaluator that explains itself. No `eval`, no property
 * access, no functions: a condition can only compare answers to constants.
 *
 * Text form (what admins type and what Excel holds):
 *   eia in ["report", "table"] and not inPark
 *   landSupply == "allocation" or floorArea >= 20000
 * Grammar:
 *   expr   := or
 *   or     := and ("or" and)*
 *   and    := unary ("and" unary)*
 *   unary  := "not" unary | "(" expr ")" | test
 *   test   := ident (op literal | "in" "[" literal ("," literal)* "]")?   -- a bare ident means `ident == true`
 *   op     := "==" | "!=" | ">" | ">=" | "<" | "<="
 *   literal:= number | "string" | true | false
 */

export type Literal = string | number | boolean;
export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { q: string; op: CompareOp; value: Literal }
  | { q: string; in: Literal[] };

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at ${position})`);
    this.name = 'ConditionSyntaxError';
  }
}

type Token = { kind: 'ident' | 'number' | 'string' | 'op' | 'punct' | 'kw'; text: string; value?: Literal; pos: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false']);
const MAX_LENGTH = 2000;
const MAX_DEPTH = 32;

function tokenize(src: string): Token[] {
  if (src.length > MAX_LENGTH) throw new ConditionSyntaxError(`condition longer than ${MAX_LENGTH} characters`, MAX_LENGTH);
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i]!)) i++;
      const text = src.slice(start, i);
      out.push({ kind: KEYWORDS.has(text) ? 'kw' : 'ident', text, pos: start });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      i++;
      while (i < src.length && /[0-9.]/.test(src[i]!)) i++;
      const text = src.slice(start, i);
      const value = Number(text);
      if (!Number.isFinite(value)) throw new ConditionSyntaxError(`bad number ${text}`, start);
      out.push({ kind: 'number', text, value, pos: start });
    } else if (c === '"') {
      i++;
      let s = '';
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        s += src[i];
        i++;
      }
      if (src[i] !== '"') throw new ConditionSyntaxError('unterminated string', start);
      i++;
      out.push({ kind: 'string', text: src.slice(start, i), value: s, pos: start });
    } else if ('=!<>'.includes(c)) {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '>=', '<='].includes(two)) {
        out.push({ kind: 'op', text: two, pos: start });
        i += 2;
      } else if (c === '<' || c === '>') {
        out.push({ kind: 'op', text: c, pos: start });
        i++;
      } else throw new ConditionSyntaxError(`unexpected "${c}"`, start);
    } else if ('()[],'.includes(c)) {
      out.push({ kind: 'punct', text: c, pos: start });
      i++;
    } else throw new ConditionSyntaxError(`unexpected "${c}"`, start);
  }
  return out;
}

/** Parses the text form into a condition; throws ConditionSyntaxError with a position. */
export function parseCondition(src: string): Condition {
  const tokens = tokenize(src);
  let p = 0;
  const peek = () => tokens[p];
  const end = () => src.length;
  const expect = (text: string) => {
    const t = tokens[p];
    if (!t || t.text !== text) throw new ConditionSyntaxError(`expected "${text}"`, t?.pos ?? end());
    p++;
  };
  const literal = (): Literal => {
    const t = tokens[p];
    if (!t) throw new ConditionSyntaxError('expected a value', end());
    p++;
    if (t.kind === 'number' || t.kind === 'string') return t.value!;
    if (t.kind === 'kw' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    throw new ConditionSyntaxError(`expected a value, found "${t.text}"`, t.pos);
  };
  const orExpr = (depth: number): Condition => {
    if (depth > MAX_DEPTH) throw new ConditionSyntaxError('condition nested too deeply', peek()?.pos ?? end());
    const parts = [andExpr(depth)];
    while (peek()?.text === 'or') {
      p++;
      parts.push(andExpr(depth));
    }
    return parts.length === 1 ? parts[0]! : { any: parts };
  };
  const andExpr = (depth: number): Condition => {
    const parts = [unary(depth)];
    while (peek()?.text === 'and') {
      p++;
      parts.push(unary(depth));
    }
    return parts.length === 1 ? parts[0]! : { all: parts };
  };
  const unary = (depth: number): Condition => {
    const t = peek();
    if (!t) throw new ConditionSyntaxError('unexpected end', end());
    if (t.text === 'not') {
      p++;
      return { not: unary(depth + 1) };
    }
    if (t.text === '(') {
      p++;
      const inner = orExpr(depth + 1);
      expect(')');
      return inner;
    }
    if (t.kind !== 'ident') throw new ConditionSyntaxError(`expected a question key, found "${t.text}"`, t.pos);
    p++;
    const next = peek();
    if (next?.kind === 'op') {
      p++;
      return { q: t.text, op: next.text as CompareOp, value: literal() };
    }
    if (next?.text === 'in') {
      p++;
      expect('[');
      const values = [literal()];
      while (peek()?.text === ',') {
        p++;
        values.push(literal());
      }
      expect(']');
      return { q: t.text, in: values };
    }
    return { q: t.text, op: '==', value: true };
  };
  const result = orExpr(0);
  if (p < tokens.length) throw new ConditionSyntaxError(`unexpected "${tokens[p]!.text}"`, tokens[p]!.pos);
  return result;
}

const lit = (v: Literal) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Prints a condition in the text form; parseCondition(formatCondition(c)) equals c. */
export function formatCondition(c: Condition, parentPrec = 0): string {
  if ('all' in c || 'any' in c) {
    const isAll = 'all' in c;
    const prec = isAll ? 2 : 1;
    const s = (isAll ? c.all : c.any).map((x) => formatCondition(x, prec)).join(isAll ? ' and ' : ' or ');
    return prec < parentPrec ? `(${s})` : s;
  }
  if ('not' in c) return `not ${formatCondition(c.not, 3)}`;
  if ('in' in c) return `${c.q} in [${c.in.map(lit).join(', ')}]`;
  if (c.op === '==' && c.value === true) return c.q;
  return `${c.q} ${c.op} ${lit(c.value)}`;
}

/** Every question key a condition reads. */
export function conditionKeys(c: Condition, into = new Set<string>()): Set<string> {
  if ('all' in c) c.all.forEach((x) => conditionKeys(x, into));
  else if ('any' in c) c.any.forEach((x) => conditionKeys(x, into));
  else if ('not' in c) conditionKeys(c.not, into);
  else into.add(c.q);
  return into;
}

export type Answers = Readonly<Record<string, Literal | null | undefined>>;

export interface Evaluation {
  /** null when the answers given do not decide it. */
  value: boolean | null;
  /** Question keys whose answers would be needed to decide. */
  missing: string[];
}

function compare(a: Literal, op: CompareOp, b: Literal): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return typeof a === 'number' && typeof b === 'number' && a > b;
    case '>=':
      return typeof a === 'number' && typeof b === 'number' && a >= b;
    case '<':
      return typeof a === 'number' && typeof b === 'number' && a < b;
    case '<=':
      return typeof a === 'number' && typeof b === 'number' && a <= b;
  }
}

/**
 * Three-valued (Kleene) evaluation: an unanswered question is unknown, `false and unknown` is
 * false, `true or unknown` is true, so the applicant is asked only what decides the matter.
 */
export function evaluateCondition(c: Condition, answers: Answers): Evaluation {
  if ('all' in c || 'any' in c) {
    const isAll = 'all' in c;
    const parts = (isAll ? c.all : c.any).map((x) => evaluateCondition(x, answers));
    const decisive = isAll ? false : true;
    if (parts.some((r) => r.value === decisive)) return { value: decisive, missing: [] };
    const missing = [...new Set(parts.flatMap((r) => r.missing))];
    return missing.length ? { value: null, missing } : { value: !decisive, missing: [] };
  }
  if ('not' in c) {
    const r = evaluateCondition(c.not, answers);
    return { value: r.value === null ? null : !r.value, missing: r.missing };
  }
  const answer = answers[c.q];
  if (answer === undefined || answer === null || answer === '') return { value: null, missing: [c.q] };
  if ('in' in c) return { value: c.in.includes(answer), missing: [] };
  return { value: compare(answer, c.op, c.value), missing: [] };
}

export interface QuestionLabel {
  label: string;
  options?: ReadonlyArray<{ value: Literal; label: string }>;
  unit?: string;
}

const OP_WORDS: Record<CompareOp, string> = { '==': '为', '!=': '不为', '>': '大于', '>=': '不小于', '<': '小于', '<=': '不大于' };

/**
 * A sentence in Chinese saying why a condition holds for these answers, naming the answers that
 * decided it, e.g. 「环评类别 为 报告书（已答：报告书）」. Used as the reason a matter applies.
 */
export function explainCondition(c: Condition, answers: Answers, labels: Readonly<Record<string, QuestionLabel>>): string {
  const name = (q: string) => labels[q]?.label ?? q;
  const show = (q: string, v: Literal | null | undefined) => {
    if (v === undefined || v === null) return '未答';
    const opt = labels[q]?.options?.find((o) => o.value === v);
    if (opt) return opt.label;
    if (typeof v === 'boolean') return v ? '是' : '否';
    return `${v}${labels[q]?.unit ?? ''}`;
  };
  const walk = (x: Condition): string => {
    if ('all' in x) return x.all.map(walk).join('，且');
    if ('any' in x) {
      // Name only the branches that hold: those are the reason.
      const holding = x.any.filter((b) => evaluateCondition(b, answers).value === true);
      return (holding.length ? holding : x.any).map(walk).join('，或');
    }
    if ('not' in x) {
      if ('q' in x.not && !('in' in x.not) && x.not.op === '==' && x.not.value === true) return `${name(x.not.q)}：否`;
      return `并非（${walk(x.not)}）`;
    }
    if ('in' in x) return `${name(x.q)} 属于 ${x.in.map((v) => show(x.q, v)).join('、')}（已答：${show(x.q, answers[x.q])}）`;
    if (x.op === '==' && x.value === true) return `${name(x.q)}：是`;
    return `${name(x.q)} ${OP_WORDS[x.op]} ${show(x.q, x.value)}（已答：${show(x.q, answers[x.q])}）`;
  };
  return walk(c);
}
