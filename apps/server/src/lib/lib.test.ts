import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import { pickLocale } from './locale.ts';
import { sm3Hex } from './sm3.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined, so jsonb key order cannot change a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"x":null,"z":1}]},"b":1}');
    expect(canonicalJson({ t: new Date('2026-01-01T00:00:00.5Z') })).toBe('{"t":"2026-01-01T00:00:00.500Z"}');
  });
});

describe('SM3', () => {
  it('matches the GB/T 32905 test vector for "abc"', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
});

describe('Accept-Language', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['en-US,en;q=0.9', 'en-US'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en;q=0.5, zh;q=0.9', 'zh-CN'],
    ['fr-FR', 'zh-CN'],
    ['fr-FR, en;q=0.3', 'en-US'],
  ])('%s → %s', (header, locale) => expect(pickLocale(header)).toBe(locale));
});
