import { describe, expect, it } from 'vitest';
import {
  isValidResidentId,
  maskResidentId,
  parseDateValue,
  readFacts,
  residentIdCheckChar,
  residentIdProblem,
  runPrecheck,
  usccProblem,
  validatePrecheckRules,
  PrecheckRuleError,
  type PrecheckDocument,
  type PrecheckInput,
  type PrecheckRule,
} from '../src/index.ts';

// ---------------------------------------------------------------------------------------------
// Check characters computed here from the published algorithms, independently of the code under
// test, so that the fixtures are valid by construction rather than by copying the code's output.

/** GB 32100-2015 §5: C18 = 31 − (Σ Ci·Wi mod 31), Wi = 3^(i−1) mod 31; 31 maps to 0. */
function gbUscc(first17: string): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(first17[i]!) * (3 ** i % 31);
  const c = 31 - (sum % 31);
  return first17 + alphabet[c === 31 ? 0 : c];
}

/** GB 11643-1999 / ISO 7064 MOD 11-2: Wi = 2^(17−i) mod 11; check = (12 − Σ mod 11) mod 11, 10 → X. */
function gbResidentId(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const c = (12 - (sum % 11)) % 11;
  return first17 + (c === 10 ? 'X' : String(c));
}

/** Changes one character of a code to another of the same class, so the check character no longer holds. */
function typo(code: string, at: number): string {
  const c = code[at]!;
  const swapped = /\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'A' ? 'B' : 'A';
  return code.slice(0, at) + swapped + code.slice(at + 1);
}

const USCC = gbUscc('91320594MA1XXXXX0');
const USCC_OTHER = gbUscc('91320505MA2YYY8K1');
/** Published codes (the standard's own example and two well-known companies). */
const PUBLISHED_USCC = ['91350100M000100Y43', '9144030071526726XG', '914403001922038216'];
const ID = gbResidentId('32050319900307123');
const ID_X = (() => {
  for (let seq = 100; seq < 999; seq++) {
    const id = gbResidentId(`32050319880715${seq}`);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X found');
})();

const toFullWidth = (s: string) => s.replace(/[0-9A-Za-z:]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

// ---------------------------------------------------------------------------------------------

describe('identifiers', () => {
  it('the fixture algorithms agree with published codes', () => {
    for (const code of PUBLISHED_USCC) expect(gbUscc(code.slice(0, 17))).toBe(code);
    // GB 11643-1999's own examples.
    expect(gbResidentId('11010519491231002')).toBe('11010519491231002X');
    expect(gbResidentId('44052418800101001')).toBe('440524188001010014');
  });

  it.each([
    ...PUBLISHED_USCC.map((c) => [c, null] as const),
    [USCC, null],
    [typo(USCC, 10), 'check-char'],
    [typo(USCC, 3), 'check-char'],
    [USCC.slice(0, 17), 'length'],
    [`${USCC}0`, 'length'],
    ['91320594MA1XXXXI0P', 'characters'],
    ['9132059AMA1XXXXX0P', 'characters'],
  ] as const)('USCC %s → %s', (code, reason) => {
    expect(usccProblem(code)?.reason ?? null).toBe(reason);
  });

  it.each([
    ['11010519491231002X', null],
    ['440524188001010014', null],
    [ID, null],
    [ID_X, null],
    [typo(ID, 16), 'check-char'],
    [typo(ID, 2), 'check-char'],
    [ID_X.toLowerCase(), 'characters'],
    [ID.slice(0, 17), 'length'],
    [gbResidentId('99050319900307123'), 'region'],
    [gbResidentId('32050319900230123'), 'birth-date'],
    [gbResidentId('32050320300101123'), 'birth-date'],
    [gbResidentId('32050320000229123'), null],
  ] as const)('resident ID %s → %s', (id, reason) => {
    expect(residentIdProblem(id, '2026-03-05')?.reason ?? null).toBe(reason);
  });

  it('computes the check character and masks the middle', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('1101051949123100')).toBeNull();
    expect(isValidResidentId(ID)).toBe(true);
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });
});

describe('parseDateValue', () => {
  it.each([
    ['2026-03-05', '2026-03-05'],
    ['2026.3.5', '2026-03-05'],
    ['2026/03/05', '2026-03-05'],
    ['2026年3月5日', '2026-03-05'],
    ['２０２６年０３月０５日', '2026-03-05'],
    ['2026 年 3 月 5 日', '2026-03-05'],
    ['二〇二六年三月五日', '2026-03-05'],
    ['二〇二八年二月二十九日', '2028-02-29'],
    ['2028-02-29', '2028-02-29'],
    ['2026-02-29', 'invalid'],
    ['2026-13-01', 'invalid'],
    ['2026-04-31', 'invalid'],
    ['2026-03-05 前', 'invalid'],
    ['20260305', 'invalid'],
    ['长期', 'open'],
  ])('%s → %s', (raw, expected) => {
    const v = parseDateValue(raw);
    expect(v.kind === 'date' ? v.iso : v.kind).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------

const TODAY = '2026-03-05';
const licence = (facts: Record<string, string>, status: 'read' | 'unreadable' | 'not-attempted' = 'read', fileName = '营业执照.pdf'): PrecheckDocument => ({
  materialCode: 'licence',
  fileName,
  extraction: status === 'read' ? { status, text: '…', facts } : { status, reason: status === 'unreadable' ? 'scanned PDF without text layer' : 'no OCR engine', facts: {} },
});
const input = (form: PrecheckInput['form'], documents: PrecheckDocument[] = []): PrecheckInput => ({ form, documents });
const run = (rules: PrecheckRule[], i: PrecheckInput) => runPrecheck(rules, i, { today: TODAY, labels: { fields: { uscc: '统一社会信用代码', start: '开工日期', end: '竣工日期' }, materials: { licence: { zh: '营业执照', en: 'business licence' } } } });

/** [title, rule, input, expected rule ids of the findings ([] = passes), checked]. */
type Case = [string, PrecheckRule, PrecheckInput, number, number];

describe('runPrecheck: every rule kind, good and bad', () => {
  const req: PrecheckRule = { id: 'r', kind: 'required', target: { field: 'name' }, severity: 'error' };
  const reqFact: PrecheckRule = { id: 'r', kind: 'required', target: { material: 'licence', fact: 'uscc' }, severity: 'error' };
  const pat: PrecheckRule = { id: 'r', kind: 'pattern', target: { field: 'zip' }, pattern: '\\d{6}', description: { zh: '6 位数字的邮政编码', en: 'a 6-digit postcode' }, severity: 'error' };
  const uscc: PrecheckRule = { id: 'r', kind: 'uscc', target: { field: 'uscc' }, severity: 'error' };
  const rid: PrecheckRule = { id: 'r', kind: 'resident-id', target: { field: 'idNo' }, severity: 'error' };
  const notExpired: PrecheckRule = { id: 'r', kind: 'date', target: { material: 'licence', fact: 'validUntil' }, notBefore: { today: 0 }, severity: 'error' };
  const within3Months: PrecheckRule = { id: 'r', kind: 'date', target: { field: 'start' }, notBefore: { today: 0 }, notAfter: { today: 3, unit: 'month' }, severity: 'warning' };
  const date: PrecheckRule = { id: 'r', kind: 'date', target: { field: 'start' }, severity: 'error' };
  const range: PrecheckRule = { id: 'r', kind: 'range', target: { field: 'height' }, min: 0, max: 100, severity: 'error' };
  const startBeforeEnd: PrecheckRule = { id: 'r', kind: 'cross-field', left: { field: 'start' }, op: 'le', right: { field: 'end' }, as: 'date', severity: 'error' };
  const footprint: PrecheckRule = { id: 'r', kind: 'cross-field', left: { field: 'footprint' }, op: 'le', right: { field: 'siteArea' }, as: 'number', severity: 'error' };
  const sameName: PrecheckRule = { id: 'r', kind: 'cross-field', left: { field: 'applicant' }, op: 'eq', right: { material: 'licence', fact: 'enterpriseName' }, as: 'text', severity: 'error' };
  const match: PrecheckRule = { id: 'r', kind: 'document-matches-form', material: 'licence', fact: 'uscc', field: 'uscc', severity: 'error' };
  const matchDate: PrecheckRule = { id: 'r', kind: 'document-matches-form', material: 'licence', fact: 'establishedDate', field: 'established', as: 'date', severity: 'error' };
  const readable: PrecheckRule = { id: 'r', kind: 'document-readable', material: 'licence', severity: 'warning' };

  it.each<Case>([
    ['required: filled', req, input({ name: '通办' }), 0, 1],
    ['required: missing', req, input({}), 1, 1],
    ['required: null', req, input({ name: null }), 1, 1],
    ['required: blank', req, input({ name: '  ' }), 1, 1],
    ['required: 0 and false are answers', req, input({ name: 0 }), 0, 1],
    ['required fact: found', reqFact, input({}, [licence({ uscc: USCC })]), 0, 1],
    ['required fact: not on the readable document', reqFact, input({}, [licence({})]), 1, 1],
    ['required fact: no readable document is not this rule’s business', reqFact, input({}, [licence({}, 'unreadable')]), 0, 0],
    ['pattern: matches', pat, input({ zip: '215000' }), 0, 1],
    ['pattern: anchored, a longer value fails', pat, input({ zip: '2150001' }), 1, 1],
    ['pattern: letters fail', pat, input({ zip: '21500A' }), 1, 1],
    ['pattern: absent is skipped', pat, input({}), 0, 0],
    ['uscc: valid', uscc, input({ uscc: USCC }), 0, 1],
    ['uscc: valid with spaces, lower case and full width', uscc, input({ uscc: toFullWidth(USCC.toLowerCase()).replace(/(.{4})/g, '$1 ') }), 0, 1],
    ['uscc: one character mistyped', uscc, input({ uscc: typo(USCC, 5) }), 1, 1],
    ['uscc: 17 characters', uscc, input({ uscc: USCC.slice(0, 17) }), 1, 1],
    ['resident-id: valid', rid, input({ idNo: ID }), 0, 1],
    ['resident-id: valid with lower-case x', rid, input({ idNo: ID_X.toLowerCase() }), 0, 1],
    ['resident-id: check digit wrong', rid, input({ idNo: typo(ID, 16) }), 1, 1],
    ['resident-id: born tomorrow', rid, input({ idNo: gbResidentId('32050320260306123') }), 1, 1],
    ['date: valid', date, input({ start: '2028-02-29' }), 0, 1],
    ['date: 2026-02-29 does not exist', date, input({ start: '2026-02-29' }), 1, 1],
    ['date: not expired, valid until today', notExpired, input({}, [licence({ validUntil: TODAY })]), 0, 1],
    ['date: expired yesterday', notExpired, input({}, [licence({ validUntil: '2026-03-04' })]), 1, 1],
    ['date: 长期 never expires', notExpired, input({}, [licence({ validUntil: '长期' })]), 0, 1],
    ['date: within 3 months, last day', within3Months, input({ start: '2026-06-05' }), 0, 1],
    ['date: within 3 months, one day late', within3Months, input({ start: '2026-06-06' }), 1, 1],
    ['date: within 3 months, in the past', within3Months, input({ start: '2026-03-04' }), 1, 1],
    ['range: inside', range, input({ height: 99.5 }), 0, 1],
    ['range: bounds are inclusive', range, input({ height: '100' }), 0, 1],
    ['range: above', range, input({ height: 100.01 }), 1, 1],
    ['range: below', range, input({ height: -1 }), 1, 1],
    ['range: not a number', range, input({ height: '二十' }), 1, 1],
    ['cross-field: start before end', startBeforeEnd, input({ start: '2026-03-05', end: '2027-03-05' }), 0, 1],
    ['cross-field: same day is ≤', startBeforeEnd, input({ start: '2026-03-05', end: '2026-03-05' }), 0, 1],
    ['cross-field: start after end', startBeforeEnd, input({ start: '2026-03-06', end: '2026-03-05' }), 1, 1],
    ['cross-field: one side missing is skipped', startBeforeEnd, input({ start: '2026-03-06' }), 0, 0],
    ['cross-field: footprint within site', footprint, input({ footprint: 1200, siteArea: '12,000' }), 0, 1],
    ['cross-field: compared as numbers, not as text (9000 ≤ 12000)', footprint, input({ footprint: 9000, siteArea: 12000 }), 0, 1],
    ['cross-field: footprint larger than site', footprint, input({ footprint: 13000, siteArea: 12000 }), 1, 1],
    ['cross-field: text with a document', sameName, input({ applicant: '苏州通办（集团）有限公司' }, [licence({ enterpriseName: '苏州通办(集团)有限公司' })]), 0, 1],
    ['cross-field: text differs', sameName, input({ applicant: '苏州通办有限公司' }, [licence({ enterpriseName: '苏州通达有限公司' })]), 1, 1],
    ['matches: equal', match, input({ uscc: USCC }, [licence({ uscc: USCC })]), 0, 1],
    ['matches: full-width, spaced, lower case on the form', match, input({ uscc: toFullWidth(USCC.toLowerCase()).split('').join(' ') }, [licence({ uscc: USCC })]), 0, 1],
    ['matches: different', match, input({ uscc: USCC_OTHER }, [licence({ uscc: USCC })]), 1, 1],
    ['matches: each document is compared', match, input({ uscc: USCC }, [licence({ uscc: USCC }), licence({ uscc: USCC_OTHER }, 'read', '营业执照副本.jpg')]), 1, 2],
    ['matches: form empty is skipped', match, input({}, [licence({ uscc: USCC })]), 0, 0],
    ['matches: unreadable document is skipped', match, input({ uscc: USCC }, [licence({}, 'unreadable')]), 0, 0],
    ['matches: fact not found is a warning', match, input({ uscc: USCC }, [licence({ enterpriseName: '通办' })]), 1, 1],
    ['matches as date: 2018年6月15日 = 2018-06-15', matchDate, input({ established: '2018年6月15日' }, [licence({ establishedDate: '2018-06-15' })]), 0, 1],
    ['matches as date: different day', matchDate, input({ established: '2018-06-16' }, [licence({ establishedDate: '2018-06-15' })]), 1, 1],
    ['readable: read', readable, input({}, [licence({ uscc: USCC })]), 0, 1],
    ['readable: unreadable', readable, input({}, [licence({}, 'unreadable')]), 1, 1],
    ['readable: not attempted', readable, input({}, [licence({}, 'not-attempted')]), 1, 1],
    ['readable: one of two', readable, input({}, [licence({ uscc: USCC }), licence({}, 'unreadable', 'scan.pdf')]), 1, 2],
  ])('%s', (_title, rule, i, findings, checked) => {
    const report = run([rule], i);
    expect(report.items).toHaveLength(findings);
    expect(report.checked).toBe(checked);
    expect(report.ok).toBe(!report.items.some((x) => x.severity === 'error'));
    for (const item of report.items) {
      expect(item.ruleId).toBe('r');
      expect(item.message.zh).not.toMatch(/\{\w+\}/);
      expect(item.message.en).not.toMatch(/\{\w+\}/);
      expect(item.fix.zh.length).toBeGreaterThan(4);
    }
  });
});

describe('runPrecheck: reports', () => {
  it('says what differs between the licence and the form, and how to fix it', () => {
    const report = run(
      [{ id: 'licence-uscc', kind: 'document-matches-form', material: 'licence', fact: 'uscc', field: 'uscc', severity: 'error' }],
      input({ uscc: USCC_OTHER }, [licence({ uscc: USCC })]),
    );
    expect(report.ok).toBe(false);
    expect(report.items[0]).toEqual({
      ruleId: 'licence-uscc',
      kind: 'document-matches-form',
      severity: 'error',
      field: 'uscc',
      materialCode: 'licence',
      fileName: '营业执照.pdf',
      fact: 'uscc',
      message: { zh: `「营业执照」上的统一社会信用代码 ${USCC} 与表单填写的 ${USCC_OTHER} 不一致`, en: `The unified social credit code on business licence (${USCC}) differs from the form (${USCC_OTHER})` },
      fix: { zh: '请核对表单或上传正确的「营业执照」', en: 'Correct the form or upload the right business licence' },
      expected: USCC_OTHER,
      actual: USCC,
    });
  });

  it('explains a mistyped USCC by its check character', () => {
    const bad = typo(USCC, 5);
    const [item] = run([{ id: 'u', kind: 'uscc', target: { field: 'uscc' }, severity: 'error' }], input({ uscc: bad })).items;
    expect(item!.message.zh).toBe(`「统一社会信用代码」${bad} 不是有效的统一社会信用代码：末位校验码应为 ${gbUscc(bad.slice(0, 17)).slice(-1)}，实为 ${bad[17]}，说明其中有输错的字符`);
  });

  it('masks resident ID numbers in messages', () => {
    const bad = typo(ID, 16);
    const [item] = run([{ id: 'i', kind: 'resident-id', target: { field: 'idNo' }, severity: 'error' }], input({ idNo: bad })).items;
    expect(item!.actual).toBe(maskResidentId(bad));
    expect(item!.message.zh).not.toContain(bad);
  });

  it('uses the rule’s own texts with placeholders', () => {
    const rule: PrecheckRule = {
      id: 'licence-valid',
      kind: 'date',
      target: { material: 'licence', fact: 'validUntil' },
      notBefore: { today: 0 },
      severity: 'error',
      message: { zh: '营业执照已于 {actual} 到期（今天是 {today}）', en: 'The business licence expired on {actual} (today is {today})' },
      fix: { zh: '请上传换发后的「{material}」', en: 'Upload the renewed {material}' },
    };
    const [item] = run([rule], input({}, [licence({ validUntil: '2026-01-31' })])).items;
    expect(item!.message).toEqual({ zh: '营业执照已于 2026-01-31 到期（今天是 2026-03-05）', en: 'The business licence expired on 2026-01-31 (today is 2026-03-05)' });
    expect(item!.fix.zh).toBe('请上传换发后的「营业执照」');
    expect(item!.expected).toBe(TODAY);
  });

  it('describes cross-field failures with both values', () => {
    const [item] = run([{ id: 'c', kind: 'cross-field', left: { field: 'start' }, op: 'le', right: { field: 'end' }, as: 'date', severity: 'error' }], input({ start: '2026-04-01', end: '2026年3月31日' })).items;
    expect(item!.message.zh).toBe('「开工日期」2026-04-01 应不晚于「竣工日期」2026-03-31');
    expect(item!.message.en).toBe('开工日期 (2026-04-01) should be no later than 竣工日期 (2026-03-31)');
  });

  it('orders errors before warnings, then by rule and document order, and is deterministic', () => {
    const rules: PrecheckRule[] = [
      { id: 'w1', kind: 'document-readable', material: 'licence', severity: 'warning' },
      { id: 'e1', kind: 'required', target: { field: 'a' }, severity: 'error' },
      { id: 'w2', kind: 'required', target: { field: 'b' }, severity: 'warning' },
      { id: 'e2', kind: 'required', target: { field: 'c' }, severity: 'error' },
    ];
    const i = input({}, [licence({}, 'unreadable', '1.pdf'), licence({}, 'not-attempted', '2.png')]);
    const report = run(rules, i);
    expect(report.items.map((x) => `${x.ruleId}${x.fileName ? `:${x.fileName}` : ''}`)).toEqual(['e1', 'e2', 'w1:1.pdf', 'w1:2.png', 'w2']);
    expect(report.checked).toBe(5);
    expect(run(rules, i)).toEqual(report);
  });

  it('is ok with warnings only', () => {
    const report = run([{ id: 'w', kind: 'required', target: { field: 'x' }, severity: 'warning' }], input({}));
    expect(report.ok).toBe(true);
    expect(report.items).toHaveLength(1);
  });

  it('refuses invalid rules and an invalid today', () => {
    expect(() => run([{ id: 'p', kind: 'pattern', target: { field: 'x' }, pattern: '(', description: { zh: 'x', en: 'x' }, severity: 'error' }], input({}))).toThrow(PrecheckRuleError);
    expect(() => runPrecheck([], input({}), { today: '2026-02-29' })).toThrow(RangeError);
  });
});

describe('validatePrecheckRules', () => {
  const ok: PrecheckRule[] = [
    { id: 'a', kind: 'required', target: { field: 'uscc' }, severity: 'error' },
    { id: 'b', kind: 'pattern', target: { field: 'zip' }, pattern: '\\d{6}', flags: 'u', description: { zh: '6 位数字', en: '6 digits' }, severity: 'warning' },
    { id: 'c', kind: 'date', target: { material: 'licence', fact: 'validUntil' }, notBefore: { today: 0 }, notAfter: { date: '2099-12-31' }, severity: 'error' },
    { id: 'd', kind: 'range', target: { field: 'h' }, max: 100, severity: 'error', message: { zh: '{label} 太高：{actual}', en: '{label} too high: {actual}' } },
    { id: 'e', kind: 'cross-field', left: { field: 's' }, op: 'le', right: { field: 'e' }, as: 'date', severity: 'error' },
    { id: 'f', kind: 'document-matches-form', material: 'licence', fact: 'uscc', field: 'uscc', severity: 'error' },
    { id: 'g', kind: 'document-readable', material: 'licence', severity: 'warning' },
  ];
  it('accepts well-formed rules that survive a JSON round trip', () => {
    expect(validatePrecheckRules(JSON.parse(JSON.stringify(ok)))).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['not an array', {}, '规则应为数组'],
    ['unknown kind', [{ id: 'x', kind: 'magic', severity: 'error' }], '未知的规则类型'],
    ['duplicate id', [ok[0], ok[0]], '重复'],
    ['bad severity', [{ ...ok[0], severity: 'fatal' }], 'severity'],
    ['bad field key', [{ ...ok[0], target: { field: '1x' } }], 'target.field'],
    ['target with both', [{ ...ok[0], target: { field: 'a', material: 'b', fact: 'c' } }], 'target 应为'],
    ['invalid regex', [{ ...ok[1], pattern: '([' }], '不是有效的正则表达式'],
    ['catastrophic regex', [{ ...ok[1], pattern: '(\\d+)+x' }], '嵌套的重复'],
    ['bad flags', [{ ...ok[1], flags: 'g' }], 'flags'],
    ['pattern without description', [{ ...ok[1], description: undefined }], 'description'],
    ['invalid bound date', [{ ...ok[2], notAfter: { date: '2026-02-29' } }], 'notAfter.date'],
    ['bound with a bad unit', [{ ...ok[2], notBefore: { today: 1, unit: 'week' } }], 'notBefore.unit'],
    ['range without bounds', [{ id: 'd', kind: 'range', target: { field: 'h' }, severity: 'error' }], '至少给出一个'],
    ['range min > max', [{ ...ok[3], min: 200 }], '大于 max'],
    ['unknown placeholder', [{ ...ok[3], message: { zh: '{值}', en: '{value}' } }], '占位符 {值}'],
    ['message missing a language', [{ ...ok[3], message: { zh: '太高' } }], 'message 应为 { zh, en }'],
    ['text compared with le', [{ ...ok[4], as: 'text' }], 'op 应为 eq'],
    ['unknown property', [{ ...ok[5], materal: 'x' }], '没有属性 materal'],
    ['bad material code', [{ ...ok[6], material: '' }], 'material'],
  ])('%s', (_title, rules, problem) => {
    const problems = validatePrecheckRules(rules);
    expect(problems.join('\n')).toContain(problem);
  });
});

// ---------------------------------------------------------------------------------------------

describe('readFacts', () => {
  it('reads a 营业执照 as its PDF text layer gives it', () => {
    const text = [
      '营 业 执 照',
      '（副 本）',
      `统一社会信用代码 ${USCC}`,
      '名　　称 苏州工业园区通办建设发展有限公司',
      '类　　型 有限责任公司（自然人投资或控股）',
      '法定代表人 张三',
      '经营范围 房地产开发经营；建设工程施工。',
      '注册资本 5000万元整',
      '成立日期 2018年06月15日',
      '营业期限 2018年06月15日至长期',
      '住　　所 苏州工业园区星湖街328号',
      '登记机关 苏州工业园区市场监督管理局 2026年03月05日',
    ].join('\n');
    expect(readFacts(text)).toEqual({
      uscc: USCC,
      enterpriseName: '苏州工业园区通办建设发展有限公司',
      legalRepresentative: '张三',
      address: '苏州工业园区星湖街328号',
      establishedDate: '2018-06-15',
      issueDate: '2026-03-05',
      validFrom: '2018-06-15',
      validUntil: '长期',
      registeredCapital: '50000000',
      issuer: '苏州工业园区市场监督管理局',
    });
  });

  it('reads a 建设工程规划许可证', () => {
    const text = [
      '中华人民共和国',
      '建设工程规划许可证',
      '建字第320500202600123号',
      '根据《中华人民共和国城乡规划法》第四十条和国家有关规定，经审核，本建设工程符合国土空间规划和用途管制要求，颁发此证。',
      '发证机关 苏州市自然资源和规划局',
      '日　　期 二〇二六年三月五日',
      '建设单位（个人） 苏州工业园区通办建设发展有限公司',
      '建设项目名称 通办科创中心一期',
      '建设位置 苏州工业园区星湖街与金鸡湖大道交叉口东北角',
      '建设规模 总建筑面积 56,800.5平方米',
      '项目代码 2026-320571-47-01-123456',
      '附图及附件名称 总平面图',
    ].join('\n');
    expect(readFacts(text)).toEqual({
      enterpriseName: '苏州工业园区通办建设发展有限公司',
      certificateNumber: '建字第320500202600123号',
      projectCode: '2026-320571-47-01-123456',
      projectName: '通办科创中心一期',
      address: '苏州工业园区星湖街与金鸡湖大道交叉口东北角',
      issueDate: '2026-03-05',
      floorArea: '56800.5',
      issuer: '苏州市自然资源和规划局',
    });
  });

  it('reads an OCR-noisy licence: spaced characters, full-width digits and colons, O for 0 and I for 1', () => {
    const noisy = toFullWidth(USCC).replace(/０/g, 'Ｏ').replace(/１/g, 'I').split('').join(' ');
    const text = [
      '营 业 执 照',
      `统 一 社 会 信 用 代 码 ： ${noisy}`,
      '名 称 ： 苏 州 工 业 园 区 通 办 建 设 发 展 有 限 公 司',
      '法 定 代 表 人 ： 张 三',
      '成 立 日 期 ： ２ ０ １ ８ 年 ６ 月 １ ５ 日',
      '营 业 期 限 ： 2018 年 06 月 15 日 至 2048 年 06 月 14 日',
    ].join('\n');
    expect(readFacts(text)).toEqual({
      uscc: USCC,
      enterpriseName: '苏州工业园区通办建设发展有限公司',
      legalRepresentative: '张三',
      establishedDate: '2018-06-15',
      validFrom: '2018-06-15',
      validUntil: '2048-06-14',
    });
  });

  it('reads values that OCR put on the line after their label (table layout)', () => {
    const text = ['EAR', '', '统一社会信用代码', '', USCC, '', '名称', '', '苏州工业园区通办建设发展有限公司', '', '法定代表人                   张三', '有效期至 2030.12.31'].join('\n');
    expect(readFacts(text)).toMatchObject({ uscc: USCC, enterpriseName: '苏州工业园区通办建设发展有限公司', legalRepresentative: '张三', validUntil: '2030-12-31' });
  });

  it('takes only codes whose check characters hold, and prefers the labelled one', () => {
    const wrong = typo(USCC, 4);
    expect(readFacts(`统一社会信用代码 ${wrong}`)).toEqual({});
    expect(readFacts(`统一社会信用代码：${wrong}\n备注：${USCC}`)).toEqual({ uscc: USCC });
    expect(readFacts(`付款方 ${USCC_OTHER}\n统一社会信用代码：${USCC}`)).toEqual({ uscc: USCC });
    // This ID number happens to pass the USCC check too (one in 31 do): the label decides.
    expect(usccProblem(ID_X)).toBeNull();
    expect(readFacts(`委托人 李四 公民身份号码 ${ID_X}`)).toEqual({ residentId: ID_X });
    expect(readFacts(`统一社会信用代码 ${ID_X}`)).toEqual({ uscc: ID_X });
    expect(readFacts(`编码 ${ID_X}`)).toEqual({});
    expect(readFacts(`身份证号 ${typo(ID, 16)}`)).toEqual({});
    // An O in a code whose check character does not hold either way is not "corrected" into one.
    expect(readFacts(`统一社会信用代码 ${wrong.slice(0, 10)}O${wrong.slice(11)}`)).toEqual({});
  });

  it('reads certificate numbers after their labels, amounts and areas with units', () => {
    expect(readFacts('许可证编号：320500202600456\n合同金额 1.25亿元\n用地面积 2.5公顷\n投资额 3,000.5万元')).toEqual({
      certificateNumber: '320500202600456',
      investment: '30005000',
      amount: '125000000',
      landArea: '25000',
    });
    expect(readFacts('苏发改投资〔2026〕12号\n文号：苏发改投资〔2026〕12号')).toMatchObject({ certificateNumber: '苏发改投资〔2026〕12号' });
  });

  it('does not read a label inside a longer word or a name', () => {
    const facts = readFacts('附件名称 总平面图\n许可证号 A-123\n建设单位 苏州建设单位管理有限公司');
    expect(facts.enterpriseName).toBe('苏州建设单位管理有限公司');
    expect(facts.certificateNumber).toBe('A-123');
    // Lines joined by OCR: a long label after a name still counts when a colon follows it.
    expect(readFacts('名称：苏州通办有限公司法定代表人：张三')).toEqual({ enterpriseName: '苏州通办有限公司', legalRepresentative: '张三' });
  });

  it('reads nothing from empty or unrelated text', () => {
    expect(readFacts('')).toEqual({});
    expect(readFacts('Lorem ipsum 12.5 2019-320500')).toEqual({});
  });
});
