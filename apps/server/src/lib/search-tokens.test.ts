import { describe, expect, it } from 'vitest';
import { indexTokens, queryTokens } from './search-tokens.ts';

const matches = (doc: string, q: string) => {
  const idx = new Set(indexTokens(doc));
  const need = queryTokens(q);
  return need.length > 0 && need.every((t) => idx.has(t));
};

describe('CJK bigram search', () => {
  it.each([
    ['建筑工程施工许可证核发', '施工许可', true],
    ['建筑工程施工许可证核发', '施工', true],
    ['建筑工程施工许可证核发', '许', true],
    ['建设工程规划许可证核发', '施工许可', false],
    ['环境影响评价报告书审批 EIA', 'eia', true],
    ['人防工程设计审查', '人防 审查', true],
    ['企业投资项目备案', '投资项目核准', false],
  ])('%s ~ %s → %s', (doc, q, expected) => {
    expect(matches(doc, q)).toBe(expected);
  });

  it('has nothing to look for in punctuation', () => {
    expect(queryTokens('%_ ;--')).toEqual([]);
  });
});
