/**
 * Department procedures (办理程序) as versioned data, and their validation.
 *
 * A procedure is an ordered list of steps (承办 → 审核 → 签发). The engine runs a case through
 * them; `validateProcedure` is what admins' uploads and the engine's `accept` both go through, so
 * the engine never meets a procedure it cannot run.
 */
import type { ProcedureDefinition, SignMode, StepDefinition, StepRole } from './types.ts';

/** The platform default: 承办 → 审核 → 签发, one person per step. */
export const STANDARD_PROCEDURE: ProcedureDefinition = {
  code: 'STANDARD',
  version: 1,
  name: '标准程序（承办→审核→签发）',
  steps: [
    { key: 'handle', name: '承办', role: 'reviewer', mode: 'single', signers: 1, final: false, returnTo: [] },
    { key: 'review', name: '审核', role: 'reviewer', mode: 'single', signers: 1, final: false, returnTo: ['handle'] },
    { key: 'sign', name: '签发', role: 'approver', mode: 'single', signers: 1, final: true, returnTo: ['handle', 'review'] },
  ],
};

/** Example with a joint review (会签) by two reviewers between 承办 and 签发. */
export const COUNTERSIGN_PROCEDURE: ProcedureDefinition = {
  code: 'COUNTERSIGN',
  version: 1,
  name: '会签程序（承办→会签→签发）',
  steps: [
    { key: 'handle', name: '承办', role: 'reviewer', mode: 'single', signers: 1, final: false, returnTo: [] },
    { key: 'joint', name: '会签', role: 'reviewer', mode: 'countersign', signers: 2, final: false, returnTo: ['handle'] },
    { key: 'sign', name: '签发', role: 'approver', mode: 'single', signers: 1, final: true, returnTo: ['handle', 'joint'] },
  ],
};

export interface ProcedureProblem {
  /** JSON-pointer-like path into the definition, e.g. `/steps/1/returnTo/0`. */
  path: string;
  /** Chinese message for the admin. */
  message: string;
}

export type ProcedureValidation = { ok: true; procedure: ProcedureDefinition } | { ok: false; problems: ProcedureProblem[] };

const CODE_PATTERN = /^[A-Z][A-Z0-9_-]{1,39}$/;
const STEP_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_NAME_LENGTH = 100;
const MAX_STEPS = 20;
const MAX_SIGNERS = 20;
const ROLES: readonly StepRole[] = ['reviewer', 'approver'];
const MODES: readonly SignMode[] = ['single', 'countersign', 'orsign'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonEmptyName(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && v.length <= MAX_NAME_LENGTH;
}

/**
 * Checks an untrusted procedure definition. On success returns a clean copy holding only the
 * known fields; otherwise every problem found, each with its path and a Chinese message.
 */
export function validateProcedure(def: unknown): ProcedureValidation {
  const problems: ProcedureProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });

  if (!isRecord(def)) return { ok: false, problems: [{ path: '', message: '程序定义必须是对象' }] };

  if (typeof def.code !== 'string' || !CODE_PATTERN.test(def.code)) {
    problem('/code', '程序编码须以大写字母开头，由 2–40 位大写字母、数字、下划线或连字符组成');
  }
  if (typeof def.version !== 'number' || !Number.isInteger(def.version) || def.version < 1) {
    problem('/version', '版本号必须是不小于 1 的整数');
  }
  if (!isNonEmptyName(def.name)) problem('/name', `程序名称不能为空，且不超过 ${MAX_NAME_LENGTH} 个字符`);

  const steps: StepDefinition[] = [];
  if (!Array.isArray(def.steps)) {
    problem('/steps', '步骤列表必须是数组');
  } else {
    if (def.steps.length < 1 || def.steps.length > MAX_STEPS) problem('/steps', `步骤数必须在 1 到 ${MAX_STEPS} 之间`);
    const rawSteps: unknown[] = def.steps;
    const seenKeys: string[] = [];
    rawSteps.forEach((raw, i) => {
      const step = validateStep(raw, i, rawSteps.length, seenKeys, problem);
      if (step) steps.push(step);
    });
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    procedure: { code: def.code as string, version: def.version as number, name: (def.name as string).trim(), steps },
  };
}

/**
 * Validates step `i`. `earlierKeys` holds the keys of the steps before it (returnTo may only name
 * those); the step's own key is appended to it. Returns the clean step, or null when it has problems.
 */
function validateStep(
  raw: unknown,
  i: number,
  count: number,
  earlierKeys: string[],
  problem: (path: string, message: string) => void,
): StepDefinition | null {
  const at = `/steps/${i}`;
  if (!isRecord(raw)) {
    problem(at, '步骤必须是对象');
    earlierKeys.push('');
    return null;
  }
  let ok = true;
  const bad = (path: string, message: string) => {
    ok = false;
    problem(path, message);
  };

  const key = raw.key;
  if (typeof key !== 'string' || !STEP_KEY_PATTERN.test(key)) {
    bad(`${at}/key`, '步骤标识须以小写字母开头，由不超过 40 位小写字母、数字或下划线组成');
  } else if (earlierKeys.includes(key)) {
    bad(`${at}/key`, `步骤标识“${key}”重复`);
  }
  if (!isNonEmptyName(raw.name)) bad(`${at}/name`, `步骤名称不能为空，且不超过 ${MAX_NAME_LENGTH} 个字符`);
  if (!ROLES.includes(raw.role as StepRole)) bad(`${at}/role`, '步骤角色必须是 reviewer（审核人员）或 approver（签发人员）');
  if (!MODES.includes(raw.mode as SignMode)) bad(`${at}/mode`, '签署方式必须是 single（单人）、countersign（会签）或 orsign（或签）');

  const signers = raw.signers;
  if (typeof signers !== 'number' || !Number.isInteger(signers) || signers < 1 || signers > MAX_SIGNERS) {
    bad(`${at}/signers`, `签署人数必须是 1 到 ${MAX_SIGNERS} 之间的整数`);
  } else if (raw.mode === 'single' && signers !== 1) {
    bad(`${at}/signers`, '单人签署（single）的步骤签署人数必须为 1');
  }

  // Exactly one final step (签发), and it is the last one.
  const isLast = i === count - 1;
  if (typeof raw.final !== 'boolean') bad(`${at}/final`, 'final 必须是布尔值');
  else if (raw.final && !isLast) bad(`${at}/final`, '只有最后一个步骤可以是签发（final）步骤');
  else if (!raw.final && isLast) bad(`${at}/final`, '最后一个步骤必须是签发（final）步骤');

  // 退回 only goes back: returnTo names earlier steps.
  const returnTo: string[] = [];
  if (!Array.isArray(raw.returnTo)) {
    bad(`${at}/returnTo`, '可退回步骤必须是数组');
  } else {
    const targets: unknown[] = raw.returnTo;
    targets.forEach((target, j) => {
      if (typeof target !== 'string' || !earlierKeys.includes(target) || target === '') {
        bad(`${at}/returnTo/${j}`, `只能退回到本步骤之前的步骤${typeof target === 'string' ? `（“${target}”不是之前的步骤）` : ''}`);
      } else if (returnTo.includes(target)) {
        bad(`${at}/returnTo/${j}`, `可退回步骤“${target}”重复`);
      } else {
        returnTo.push(target);
      }
    });
  }

  earlierKeys.push(typeof key === 'string' ? key : '');
  if (!ok) return null;
  return {
    key: key as string,
    name: (raw.name as string).trim(),
    role: raw.role as StepRole,
    mode: raw.mode as SignMode,
    signers: signers as number,
    final: raw.final as boolean,
    returnTo,
  };
}
