import { describe, expect, it } from 'vitest';
import { conditionKeys, ConditionSyntaxError, evaluateCondition, explainCondition, formatCondition, parseCondition, type Condition } from '../src/conditions.ts';

describe('parseCondition', () => {
  it.each<[string, Condition]>([
    ['inPark', { q: 'inPark', op: '==', value: true }],
    ['not inPark', { not: { q: 'inPark', op: '==', value: true } }],
    ['floorArea >= 20000', { q: 'floorArea', op: '>=', value: 20000 }],
    ['height < 24.5', { q: 'height', op: '<', value: 24.5 }],
    ['landSupply == "allocation"', { q: 'landSupply', op: '==', value: 'allocation' }],
    ['eia in ["report", "table"]', { q: 'eia', in: ['report', 'table'] }],
    ['a and b or c', { any: [{ all: [{ q: 'a', op: '==', value: true }, { q: 'b', op: '==', value: true }] }, { q: 'c', op: '==', value: true }] }],
    ['a and (b or c)', { all: [{ q: 'a', op: '==', value: true }, { any: [{ q: 'b', op: '==', value: true }, { q: 'c', op: '==', value: true }] }] }],
    ['x != false', { q: 'x', op: '!=', value: false }],
    ['t > -3', { q: 't', op: '>', value: -3 }],
  ])('%s', (src, ast) => {
    expect(parseCondition(src)).toEqual(ast);
  });

  it.each([
    ['', 'unexpected end'],
    ['a ==', 'expected a value'],
    ['a and', 'unexpected end'],
    ['(a or b', 'expected ")"'],
    ['a in "x"', 'expected "["'],
    ['a == b', 'expected a value, found "b"'],
    ['a; drop table', 'unexpected ";"'],
    ['process.exit()', 'unexpected "."'],
    ['a == "unterminated', 'unterminated string'],
    ['a b', 'unexpected "b"'],
  ])('refuses %j with a position', (src, message) => {
    expect(() => parseCondition(src)).toThrow(ConditionSyntaxError);
    expect(() => parseCondition(src)).toThrow(message);
  });

  it('refuses absurd nesting and length instead of overflowing the stack', () => {
    expect(() => parseCondition('('.repeat(100) + 'a' + ')'.repeat(100))).toThrow('nested too deeply');
    expect(() => parseCondition('a or '.repeat(500) + 'a')).toThrow('longer than');
  });
});

describe('formatCondition', () => {
  it.each([
    'inPark',
    'not inPark',
    'eia in ["report", "table"] and not inPark',
    'landSupply == "allocation" or floorArea >= 20000',
    '(a or b) and c',
    'not (a and b)',
    'a and (b or c and d)',
    'name == "含\\"引号\\"的值"',
  ])('round-trips %s', (src) => {
    const ast = parseCondition(src);
    expect(parseCondition(formatCondition(ast))).toEqual(ast);
  });
});

describe('evaluateCondition (three-valued)', () => {
  const c = parseCondition('eia in ["report", "table"] and not inPark');
  it('decides from the answers', () => {
    expect(evaluateCondition(c, { eia: 'report', inPark: false })).toEqual({ value: true, missing: [] });
    expect(evaluateCondition(c, { eia: 'registration', inPark: false })).toEqual({ value: false, missing: [] });
    expect(evaluateCondition(c, { eia: 'table', inPark: true })).toEqual({ value: false, missing: [] });
  });
  it('is false as soon as one conjunct is false, even with others unanswered', () => {
    expect(evaluateCondition(c, { eia: 'registration' })).toEqual({ value: false, missing: [] });
  });
  it('names what is missing when it cannot decide', () => {
    expect(evaluateCondition(c, { eia: 'report' })).toEqual({ value: null, missing: ['inPark'] });
    expect(evaluateCondition(c, {})).toEqual({ value: null, missing: ['eia', 'inPark'] });
  });
  it('or is true as soon as one branch is true', () => {
    const o = parseCondition('landSupply == "allocation" or floorArea >= 20000');
    expect(evaluateCondition(o, { floorArea: 30000 }).value).toBe(true);
    expect(evaluateCondition(o, { floorArea: 100 })).toEqual({ value: null, missing: ['landSupply'] });
  });
  it('never compares numbers with strings as numbers', () => {
    expect(evaluateCondition(parseCondition('floorArea >= 20000'), { floorArea: '30000' }).value).toBe(false);
  });
});

describe('explainCondition', () => {
  it('says why in Chinese with the answers that decided it', () => {
    const labels = {
      eia: { label: '环评类别', options: [{ value: 'report', label: '报告书' }, { value: 'table', label: '报告表' }] },
      inPark: { label: '位于已完成区域评估的园区' },
      floorArea: { label: '总建筑面积', unit: '㎡' },
    };
    expect(explainCondition(parseCondition('eia in ["report", "table"] and not inPark'), { eia: 'report', inPark: false }, labels)).toBe(
      '环评类别 属于 报告书、报告表（已答：报告书），且位于已完成区域评估的园区：否',
    );
    expect(explainCondition(parseCondition('inPark or floorArea >= 20000'), { inPark: false, floorArea: 25000 }, labels)).toBe('总建筑面积 不小于 20000㎡（已答：25000㎡）');
  });
});

it('conditionKeys lists every question read', () => {
  expect([...conditionKeys(parseCondition('a and (b or not c) and d in [1, 2]'))].sort()).toEqual(['a', 'b', 'c', 'd']);
});
