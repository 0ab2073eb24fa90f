import { describe, expect, it } from 'vitest';
import { COUNTERSIGN_PROCEDURE, STANDARD_PROCEDURE, validateProcedure } from '../src/index.ts';
import type { StepDefinition } from '../src/index.ts';
import { ORSIGN_PROCEDURE } from './workflow-harness.ts';

const step = (over: Partial<StepDefinition> = {}): StepDefinition => ({
  key: 'handle',
  name: '承办',
  role: 'reviewer',
  mode: 'single',
  signers: 1,
  final: false,
  returnTo: [],
  ...over,
});
const sign = (over: Partial<StepDefinition> = {}) => step({ key: 'sign', name: '签发', role: 'approver', final: true, returnTo: ['handle'], ...over });
const def = (over: Record<string, unknown> = {}) => ({ code: 'DEPT_A', version: 1, name: '甲部门程序', steps: [step(), sign()], ...over });

function pathsOf(input: unknown): string[] {
  const result = validateProcedure(input);
  return result.ok ? [] : result.problems.map((p) => p.path);
}

describe('validateProcedure', () => {
  it.each([STANDARD_PROCEDURE, COUNTERSIGN_PROCEDURE, ORSIGN_PROCEDURE])('accepts $code', (procedure) => {
    expect(validateProcedure(procedure)).toEqual({ ok: true, procedure });
  });

  it('the standard procedure is 承办 → 审核 → 签发', () => {
    expect(STANDARD_PROCEDURE.steps.map((s) => [s.key, s.name, s.role, s.final])).toEqual([
      ['handle', '承办', 'reviewer', false],
      ['review', '审核', 'reviewer', false],
      ['sign', '签发', 'approver', true],
    ]);
  });

  it('returns a clean copy without unknown fields', () => {
    const result = validateProcedure({ ...def(), extra: 1, steps: [{ ...step(), color: 'red' }, sign()] });
    expect(result).toEqual({ ok: true, procedure: def() });
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'x', ['']],
    ['lower-case code', def({ code: 'dept' }), ['/code']],
    ['one-letter code', def({ code: 'A' }), ['/code']],
    ['version 0', def({ version: 0 }), ['/version']],
    ['fractional version', def({ version: 1.5 }), ['/version']],
    ['blank name', def({ name: ' ' }), ['/name']],
    ['long name', def({ name: '长'.repeat(101) }), ['/name']],
    ['no steps', def({ steps: [] }), ['/steps']],
    ['steps not an array', def({ steps: {} }), ['/steps']],
    ['21 steps', def({ steps: [...Array.from({ length: 20 }, (_, i) => step({ key: `s${i}` })), sign({ returnTo: [] })] }), ['/steps']],
    ['bad step key', def({ steps: [step({ key: 'Handle' }), sign({ returnTo: [] })] }), ['/steps/0/key']],
    ['duplicate key', def({ steps: [step(), step(), sign()] }), ['/steps/1/key']],
    ['blank step name', def({ steps: [step({ name: '' }), sign()] }), ['/steps/0/name']],
    ['bad role', def({ steps: [step({ role: 'clerk' as 'reviewer' }), sign()] }), ['/steps/0/role']],
    ['bad mode', def({ steps: [step({ mode: 'all' as 'single' }), sign()] }), ['/steps/0/mode']],
    ['single with 2 signers', def({ steps: [step({ signers: 2 }), sign()] }), ['/steps/0/signers']],
    ['0 signers', def({ steps: [step({ mode: 'countersign', signers: 0 }), sign()] }), ['/steps/0/signers']],
    ['21 signers', def({ steps: [step({ mode: 'orsign', signers: 21 }), sign()] }), ['/steps/0/signers']],
    ['no final step', def({ steps: [step(), sign({ final: false })] }), ['/steps/1/final']],
    ['final not last', def({ steps: [step({ final: true }), sign()] }), ['/steps/0/final']],
    ['two finals', def({ steps: [step({ final: true }), sign({ final: true })] }), ['/steps/0/final']],
    ['return forward', def({ steps: [step({ returnTo: ['sign'] }), sign()] }), ['/steps/0/returnTo/0']],
    ['return to itself', def({ steps: [step(), sign({ returnTo: ['handle', 'sign'] })] }), ['/steps/1/returnTo/1']],
    ['return twice', def({ steps: [step(), sign({ returnTo: ['handle', 'handle'] })] }), ['/steps/1/returnTo/1']],
    ['return to unknown', def({ steps: [step(), sign({ returnTo: ['nope'] })] }), ['/steps/1/returnTo/0']],
    ['several problems', { code: 'x', version: 'one', name: '', steps: [null] }, ['/code', '/version', '/name', '/steps/0']],
  ])('refuses %s', (_name, input, paths) => {
    expect(pathsOf(input)).toEqual(paths);
  });

  it('explains problems in Chinese', () => {
    const result = validateProcedure(def({ steps: [step(), sign({ returnTo: ['sign'] })] }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.message).toMatch(/退回/);
  });
});
