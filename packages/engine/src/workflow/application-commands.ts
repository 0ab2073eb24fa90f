/**
 * Commands on the application (申报) as a whole: the applicant's submit/withdraw/supplement,
 * and the window's (窗口) supplement request, acceptance (受理, fanning out into cases), 不受理
 * and 不予受理.
 */
import { validateProcedure } from './procedure.ts';
import { cancelOpenTasks, closePause, startCase } from './flow.ts';
import { cloneJson, fail, isCaseConcluded, requireRole, requireText, type Run } from './run.ts';
import type { ApplicationStatus, CaseState, Command, DeficiencyState, NewCase, SupplementItem } from './types.ts';

type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

function transitionRefused(status: ApplicationStatus, zhWhat: string, enWhat: string): never {
  fail('INVALID_TRANSITION', `申报当前状态（${status}）下不能${zhWhat}`, `Cannot ${enWhat} an application in status ${status}`);
}

// ---------------------------------------------------------------------------------------------
// Applicant.

/** 提交: draft → received (1). */
export function submit(run: Run): void {
  requireRole(run.actor, ['applicant'], '提交申报', 'submit');
  const s = run.state;
  if (s.status !== 'draft') transitionRefused(s.status, '提交', 'submit');
  s.status = 'received';
  run.emit('ApplicationSubmitted', { nationalCode: 1 });
}

/**
 * 撤回 / 撤件. Before acceptance (draft, received, supplement) → withdrawn (2). After acceptance
 * every case not yet concluded is withdrawn (14) with its open tasks cancelled and its running
 * pause closed, then the application (14). Concluded and final states cannot be withdrawn.
 * In both cases the application's concludedAt is set (withdrawn is final).
 */
export function withdraw(run: Run, cmd: CommandOf<'withdraw'>): void {
  requireRole(run.actor, ['applicant'], '撤回申报', 'withdraw');
  const reason = requireText(cmd.reason, '撤回理由', 'reason');
  const s = run.state;
  switch (s.status) {
    case 'draft':
    case 'received':
    case 'supplement':
      s.status = 'withdrawn';
      s.concludedAt = run.now;
      run.emit('ApplicationWithdrawn', { nationalCode: 2, data: { reason } });
      return;
    case 'accepted':
      for (const c of s.cases) if (!isCaseConcluded(c)) withdrawCase(run, c, reason);
      s.status = 'withdrawn';
      s.concludedAt = run.now;
      run.emit('ApplicationWithdrawn', { nationalCode: 14, data: { reason } });
      return;
    case 'not_accepted':
    case 'refused':
    case 'withdrawn':
    case 'concluded':
      transitionRefused(s.status, '撤回', 'withdraw');
  }
}

function withdrawCase(run: Run, c: CaseState, reason: string): void {
  cancelOpenTasks(run, c, 'application_withdrawn');
  closePause(run, c);
  c.status = 'withdrawn';
  c.stepKey = null;
  c.concludedAt = run.now;
  run.emit('CaseWithdrawn', { caseId: c.id, nationalCode: 14, data: { reason } });
}

/** 补正 supplied to the window: supplement → received (7). The item list stays as history. */
export function endWindowSupplement(run: Run): void {
  requireRole(run.actor, ['applicant'], '提交补正材料', 'end a supplement');
  const s = run.state;
  if (s.status !== 'supplement') transitionRefused(s.status, '结束补正', 'end the supplement of');
  s.status = 'received';
  run.emit('SupplementEnded', { nationalCode: 7 });
}

/** 容缺 items made up: records when; a case concluding afterwards is plainly approved (11). */
export function satisfyDeficiency(run: Run): void {
  requireRole(run.actor, ['applicant'], '补齐容缺材料', 'satisfy a deficiency');
  const s = run.state;
  if (s.status !== 'accepted' || s.deficiency === null || s.deficiency.satisfiedAt !== null) {
    fail('INVALID_TRANSITION', '没有待补齐的容缺材料', 'There is no outstanding deficiency to satisfy');
  }
  s.deficiency.satisfiedAt = run.now;
  run.emit('DeficiencySatisfied', { data: { items: [...s.deficiency.items] } });
}

// ---------------------------------------------------------------------------------------------
// Window (窗口人员).

/**
 * Checks a supplement request's items (一次性告知: the complete list, each with a name and a
 * reason) and returns clean copies.
 */
export function validateSupplementItems(items: unknown): SupplementItem[] {
  if (!Array.isArray(items) || items.length === 0) fail('INVALID_COMMAND', '补正材料清单不能为空', 'Supplement items are required');
  return (items as unknown[]).map((raw, i) => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<SupplementItem>;
    const name = requireText(item.name, `第 ${i + 1} 项补正材料的名称`, `items[${i}].name`);
    const reason = requireText(item.reason, `第 ${i + 1} 项补正材料的理由`, `items[${i}].reason`);
    return { requirementId: item.requirementId ?? null, fieldKey: item.fieldKey ?? null, name, reason };
  });
}

/** 一次性告知补正 before acceptance: received → supplement (6). */
export function requestWindowSupplement(run: Run, cmd: CommandOf<'requestSupplement'>): void {
  requireRole(run.actor, ['clerk'], '要求申请人补正', 'request a supplement');
  const items = validateSupplementItems(cmd.items);
  const s = run.state;
  if (s.status !== 'received') transitionRefused(s.status, '要求补正', 'request a supplement for');
  s.status = 'supplement';
  s.supplementItems = items;
  run.emit('SupplementRequested', { nationalCode: 6, data: { items: cloneJson(items) } });
}

/** 不受理 (4) or 不予受理 (5): received → final. */
export function rejectAtWindow(run: Run, cmd: CommandOf<'notAccept'> | CommandOf<'refuse'>): void {
  const notAccept = cmd.type === 'notAccept';
  requireRole(run.actor, ['clerk'], notAccept ? '作出不受理决定' : '作出不予受理决定', notAccept ? 'not accept' : 'refuse');
  const reason = requireText(cmd.reason, '理由', 'reason');
  const s = run.state;
  if (s.status !== 'received') transitionRefused(s.status, notAccept ? '不受理' : '不予受理', notAccept ? 'not accept' : 'refuse');
  s.status = notAccept ? 'not_accepted' : 'refused';
  s.concludedAt = run.now;
  run.emit(notAccept ? 'ApplicationNotAccepted' : 'ApplicationRefused', { nationalCode: notAccept ? 4 : 5, data: { reason } });
}

/**
 * 受理: received → accepted (3), fanning out into one case per matter, in the given order. A case
 * with prerequisites (前置事项) waits (3); the others start at once (8) with the pool tasks of
 * their first step.
 */
export function accept(run: Run, cmd: CommandOf<'accept'>): void {
  requireRole(run.actor, ['clerk'], '受理申报', 'accept');
  const newCases = validateNewCases(cmd.cases);
  const deficiency = validateDeficiency(cmd.deficiency);
  const s = run.state;
  if (s.status !== 'received') transitionRefused(s.status, '受理', 'accept');

  s.status = 'accepted';
  s.acceptedAt = run.now;
  s.deficiency = deficiency;
  run.emit('ApplicationAccepted', {
    nationalCode: 3,
    data: { matterCodes: newCases.map((n) => n.matterCode), deficiency: deficiency === null ? null : cloneJson(deficiency) },
  });

  for (const n of newCases) {
    const c: CaseState = {
      id: run.ctx.newId(),
      matterCode: n.matterCode,
      matterName: n.matterName,
      departmentId: n.departmentId,
      procedure: n.procedure,
      prerequisites: n.prerequisites,
      status: 'waiting',
      stepKey: null,
      round: 0,
      proposal: null,
      startedAt: null,
      concludedAt: null,
      pauses: [],
      tasks: [],
      version: 1,
    };
    s.cases.push(c);
    if (c.prerequisites.length > 0) {
      run.emit('CaseWaiting', { caseId: c.id, nationalCode: 3, data: { matterCode: c.matterCode, prerequisites: [...c.prerequisites] } });
    } else {
      startCase(run, c);
    }
  }
}

function invalid(zh: string, en: string): never {
  fail('INVALID_COMMAND', zh, en);
}

/**
 * The cases to fan out into: at least one; matter codes unique; each with a valid procedure;
 * prerequisites naming other matters of the same acceptance (no duplicates), without cycles.
 */
function validateNewCases(cases: unknown): NewCase[] {
  if (!Array.isArray(cases) || cases.length === 0) invalid('受理时至少要有一个办件', 'At least one case is required');
  const out: NewCase[] = (cases as unknown[]).map((raw, i) => validateNewCase(raw, i));
  const codes = out.map((n) => n.matterCode);
  codes.forEach((code, i) => {
    if (codes.indexOf(code) !== i) invalid(`事项编码 ${code} 重复`, `Matter code ${code} appears twice`);
  });
  for (const n of out) {
    n.prerequisites.forEach((p, j) => {
      if (!codes.includes(p)) invalid(`事项 ${n.matterCode} 的前置事项 ${p} 不在本次受理的事项中`, `Prerequisite ${p} of ${n.matterCode} is not among the accepted matters`);
      if (n.prerequisites.indexOf(p) !== j) invalid(`事项 ${n.matterCode} 的前置事项 ${p} 重复`, `Prerequisite ${p} of ${n.matterCode} appears twice`);
    });
  }
  const cycle = findCycle(out);
  if (cycle) invalid(`前置事项存在循环：${cycle.join(' → ')}`, `Prerequisites form a cycle: ${cycle.join(' -> ')}`);
  return out;
}

function validateNewCase(raw: unknown, i: number): NewCase {
  const n = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<NewCase>;
  const matterCode = requireText(n.matterCode, `第 ${i + 1} 个办件的事项编码`, `cases[${i}].matterCode`);
  const matterName = requireText(n.matterName, `第 ${i + 1} 个办件的事项名称`, `cases[${i}].matterName`);
  if (typeof n.departmentId !== 'number' || !Number.isInteger(n.departmentId) || n.departmentId <= 0) {
    invalid(`第 ${i + 1} 个办件的部门无效`, `cases[${i}].departmentId is invalid`);
  }
  const procedure = validateProcedure(n.procedure);
  if (!procedure.ok) {
    const first = procedure.problems[0];
    invalid(`第 ${i + 1} 个办件的办理程序无效：${first?.path ?? ''} ${first?.message ?? ''}`, `cases[${i}].procedure is invalid (${procedure.problems.length} problems)`);
  }
  const prerequisites: unknown = n.prerequisites ?? [];
  if (!Array.isArray(prerequisites) || !prerequisites.every((p) => typeof p === 'string')) {
    invalid(`第 ${i + 1} 个办件的前置事项必须是事项编码列表`, `cases[${i}].prerequisites must be matter codes`);
  }
  return { matterCode, matterName, departmentId: n.departmentId, procedure: procedure.procedure, prerequisites: [...prerequisites] };
}

/** A cycle among prerequisites, as matter codes (first repeated at the end), or null. */
function findCycle(cases: NewCase[]): string[] | null {
  const byCode = new Map(cases.map((n) => [n.matterCode, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (code: string): string[] | null => {
    if (state.get(code) === 'done') return null;
    if (state.get(code) === 'visiting') return [...path.slice(path.indexOf(code)), code];
    state.set(code, 'visiting');
    path.push(code);
    for (const p of byCode.get(code)?.prerequisites ?? []) {
      const cycle = visit(p);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(code, 'done');
    return null;
  };
  for (const n of cases) {
    const cycle = visit(n.matterCode);
    if (cycle) return cycle;
  }
  return null;
}

/** 容缺受理: optional; items non-empty, deadline a real date YYYY-MM-DD. */
function validateDeficiency(d: unknown): DeficiencyState | null {
  if (d === null || d === undefined) return null;
  const raw = (typeof d === 'object' ? d : {}) as { items?: unknown; deadline?: unknown };
  if (!Array.isArray(raw.items) || raw.items.length === 0) invalid('容缺材料清单不能为空', 'Deficiency items are required');
  const items = (raw.items as unknown[]).map((item, i) => requireText(item, `第 ${i + 1} 项容缺材料`, `deficiency.items[${i}]`));
  if (typeof raw.deadline !== 'string' || !isLocalDate(raw.deadline)) {
    invalid('容缺补齐期限必须是 YYYY-MM-DD 格式的日期', 'deficiency.deadline must be a date YYYY-MM-DD');
  }
  return { items, deadline: raw.deadline, satisfiedAt: null };
}

function isLocalDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
