/**
 * Demo history (演示历史): projects of the demo world driven through the real services over the
 * 18 months before `now`, so every screen — inboxes, case clocks, the supervision board,
 * notifications, project and application lists, the audit trail — has data made by the same code
 * paths as real use (engine commands, clocks, notifications, audit chains). `npm start` (embedded,
 * demo seeding on) and `npm run seed` run it once; SEED_HISTORY=false skips it.
 *
 * How the simulation runs
 * - One ManualClock drives a separate Services instance (createServices with the real config).
 *   Actors are built from the demo accounts (via 'session'), exactly as a signed-in user's.
 * - An event queue ordered by time (then by insertion) holds what each simulated person does
 *   next: applicants create drafts, fill the form, upload materials and submit; the window
 *   (clerk) accepts, asks for supplements or refuses; reviewers and approvers claim and complete
 *   the 承办 → 审核 → 签发 steps of every case. Many applications are in flight at once and their
 *   commands interleave as they would in reality. The clock is set to each event's time before it
 *   runs and only ever moves forward; events due after `now` are dropped, so the newest
 *   applications are left where `now` finds them: drafts, in the window (received), in
 *   supplement, cases handling (green, yellow and red), waiting or paused.
 * - Time is working time: gaps are drawn in working days of the official calendar (the
 *   WorkingCalendar the clocks use) and land in office hours, 09:00–17:30 Beijing time.
 * - Every random draw comes from a seeded mulberry32, so a run is reproducible for a given
 *   `seed` and `now` (only the UUIDs of cases and tasks differ).
 * - Projects (types 3, 4, 6 of 苏州示范置业 and 纳米新材料, in 姑苏区 and 园区) thicken towards `now`
 *   as the platform was taken up; ~20 % start in the last six weeks. Each aims at 1–4 stages and
 *   applies for the next one some weeks after the previous concluded approved. Guided answers
 *   are drawn once per project, valid for the questions of the published process version.
 * - Each case gets a plan when it starts: how long its department takes (most well inside the
 *   promised limit; ~10 % beyond it, a few by weeks), and whether it is returned once (~10 %),
 *   asks for a supplement (~8 %, paused 1–5 working days), goes through an expert review (~4 %,
 *   3–10 working days) or is refused at 签发 (~3 %). Applications: window supplement then
 *   resubmission (~8 %), 不予受理 (~3 %), 不受理 (~1 %), withdrawn (~2 %), and some stage-3
 *   applications of the eligible enterprise accepted with deficiency (容缺受理).
 * - So that `now` always finds a window queue and a supervision board, the last ~2 % of the
 *   projects are registered in the working days before `now` and stay in the window (received,
 *   or waiting for the supplement the window asked for), and ~0.5 % (at least one) stall in
 *   every department of their first stage for weeks.
 * - Tasks are claimed (签收) before they are completed where a supplement, special procedure or
 *   return happens and for most tasks still open at `now`; elsewhere the holder mostly completes
 *   the pool task directly (which claims it implicitly): the same end state for fewer commands.
 * - The clock warning job (SupervisionService.runWarnings) runs every working morning of the last
 *   two months (weekly before), and once more at `now`.
 *
 * Idempotent: nothing happens when any application exists already. An action that fails is
 * counted, logged and skipped (a healthy run has none).
 */
import { Readable } from 'node:stream';
import type { ApplicationView, SupplementItem } from '@tongban/contracts';
import { localDate, type ProcedureDefinition, type WorkingCalendar } from '@tongban/engine';
import type { Config } from '../../config.ts';
import type { Database } from '../database.ts';
import type { UserRow } from '../schema.ts';
import { ManualClock } from '../../lib/clock.ts';
import { createServices, type Services } from '../../services.ts';
import type { RequestContext } from '../../modules/accounts/actor.ts';
import { actorFromUser } from '../../modules/accounts/auth.service.ts';
import { catalogRepository as catalogRepo } from '../../modules/catalog/catalog.repository.ts';
import { procedureById } from '../../modules/workflow/workflow.repository.ts';

export interface HistoryOptions {
  /** Number of simulated projects (default HISTORY_DEFAULT_PROJECTS). */
  projects?: number;
  /** End of the simulation (default: the system clock when called). */
  now?: Date;
  /** PRNG seed (default 20260301). */
  seed?: number;
  /** Months of history before `now` (default 18). */
  months?: number;
  log?: (s: string) => void;
  /** Called once it is clear the history will be simulated (not on an already seeded database). */
  onStart?: () => void;
  /** Stops the simulation between two actions (server shutdown); what was simulated stays. */
  signal?: AbortSignal;
}

export interface HistoryResult {
  created: boolean;
  projects: number;
  applications: number;
  /** State-changing service calls made (project and draft creation, form, uploads, workflow commands). */
  commands: number;
  /** Actions that failed and were skipped (0 in a healthy run). */
  errors: number;
  /** True when `signal` stopped the run before `now`. */
  aborted: boolean;
  ms: number;
}

/** About 500 stage applications and 13,000 commands; a few minutes on embedded PGlite, in the background (decision 0010). */
export const HISTORY_DEFAULT_PROJECTS = 300;

/**
 * `SEED_HISTORY`: unset or true → the default size; false/0/no/off → no history; a positive
 * integer → that many projects. Read by `npm start` (embedded demo mode) and `npm run seed`.
 */
export function historyProjectsFromEnv(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = (env.SEED_HISTORY ?? '').trim().toLowerCase();
  if (raw === '' || ['1', 'true', 'yes', 'on'].includes(raw)) return HISTORY_DEFAULT_PROJECTS;
  if (['0', 'false', 'no', 'off'].includes(raw)) return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`SEED_HISTORY must be true, false or a number of projects, got "${env.SEED_HISTORY}"`);
  return n;
}

// ------------------------------------------------------------------------------------ randomness

/** mulberry32: small, fast, good enough for a demo, and the same everywhere. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return Math.floor(this.between(lo, hi + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((n, [, w]) => n + w, 0);
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1]![0];
  }
}

// ------------------------------------------------------------------------------------ working time

const DAY_START = 9 * 60; // 09:00 Beijing
const DAY_MINUTES = 8.5 * 60; // until 17:30
const BEIJING_OFFSET_MS = 8 * 3600_000; // China has no daylight saving time

/** Office hours on the official working-day calendar. */
class WorkTime {
  constructor(private readonly cal: WorkingCalendar) {}

  /** (working date, minute into the office day) at or after `t`. */
  private snap(t: Date): { date: string; minute: number } {
    const local = new Date(t.getTime() + BEIJING_OFFSET_MS);
    const date = local.toISOString().slice(0, 10);
    const m = local.getUTCHours() * 60 + local.getUTCMinutes() + local.getUTCSeconds() / 60;
    if (!this.cal.isWorkday(date)) return { date: this.cal.nextWorkday(date), minute: 0 };
    if (m < DAY_START) return { date, minute: 0 };
    if (m >= DAY_START + DAY_MINUTES) return { date: this.cal.addWorkingDays(date, 1), minute: 0 };
    return { date, minute: m - DAY_START };
  }

  /** The office moment `days` working days (fractional) after `t`. */
  after(t: Date, days: number): Date {
    const { date, minute } = this.snap(t);
    const total = minute + Math.max(0, days) * DAY_MINUTES;
    const whole = Math.floor(total / DAY_MINUTES);
    const rest = total - whole * DAY_MINUTES;
    const d = this.cal.addWorkingDays(date, whole);
    const ms = Date.parse(`${d}T00:00:00Z`) - BEIJING_OFFSET_MS + (DAY_START + rest) * 60_000;
    return new Date(Math.max(Math.round(ms / 1000) * 1000, t.getTime()));
  }

  /** Every working morning (08:30) in [from, to]. */
  mornings(from: Date, to: Date): Date[] {
    const out: Date[] = [];
    for (let d = this.cal.nextWorkday(localDate(from)); ; d = this.cal.addWorkingDays(d, 1)) {
      const t = new Date(Date.parse(`${d}T08:30:00+08:00`));
      if (t > to) return out;
      if (t >= from) out.push(t);
    }
  }
}

// ------------------------------------------------------------------------------------ event queue

interface Ev {
  at: number;
  seq: number;
  label: string;
  run: () => Promise<void>;
}

/** A binary min-heap on (at, seq). */
class Queue {
  #heap: Ev[] = [];
  #seq = 0;
  push(at: Date, label: string, run: () => Promise<void>): void {
    const h = this.#heap;
    h.push({ at: at.getTime(), seq: this.#seq++, label, run });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Ev | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
const less = (a: Ev, b: Ev) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

// ------------------------------------------------------------------------------------ the demo world's texts

const GUSU_PLACES = ['平江', '沧浪', '金阊', '虎丘', '留园', '石路', '桃花坞', '胥江', '南门', '双塔', '葑门', '娄门', '白洋湾', '彩香', '三香', '吴门桥', '苏锦', '山塘', '观前', '盘门'];
const SIP_PLACES = ['星湖', '金鸡湖', '独墅湖', '唯亭', '胜浦', '斜塘', '娄葑', '月亮湾', '星港', '东沙湖', '阳澄湖', '青剑湖', '湖东', '湖西', '方洲', '钟园', '跨塘', '车坊'];
const GUSU_ROADS = ['人民路', '干将路', '平江路', '十全街', '凤凰街', '东环路', '西环路', '广济路', '桐泾路', '三香路', '苏站路', '金门路', '白塔东路', '南环东路'];
const SIP_ROADS = ['星湖街', '现代大道', '苏州大道东', '金鸡湖大道', '星港街', '钟园路', '江澜路', '方洲路', '若水路', '仁爱路', '独墅湖大道', '星华街', '亭融街', '唯华路'];
const NAME_PATTERNS: Record<number, Record<string, string[]>> = {
  3: {
    '320508': ['姑苏区{p}地块住宅项目', '姑苏区{p}片区城市更新项目', '姑苏区{p}商业综合体项目', '姑苏区{p}养老服务中心项目', '{p}历史街区保护更新项目', '姑苏区{p}人才公寓项目'],
    '320571': ['园区{p}地块住宅项目', '园区{p}人才公寓项目', '园区{p}商务办公楼项目', '园区{p}邻里中心项目', '园区{p}酒店及配套项目'],
  },
  4: {
    '320508': ['姑苏区{p}社区服务用房项目', '姑苏区{p}配套商业用房项目', '{p}社区卫生服务站项目', '姑苏区{p}幼儿园扩建项目', '姑苏区{p}公共停车楼项目'],
    '320571': ['园区{p}社区服务中心项目', '园区{p}配套商业用房项目', '园区{p}便民服务站项目', '园区{p}社区养老用房项目'],
  },
  6: {
    '320508': ['姑苏区{p}都市工业楼项目', '{p}文创产业用房改造项目'],
    '320571': ['园区{p}厂房项目', '园区{p}纳米新材料生产基地项目', '园区{p}标准厂房项目', '园区{p}研发及生产用房项目', '园区{p}智能制造产业园项目', '园区{p}高端装备厂房项目'],
  },
};
const PHASES = ['', '二期', '三期', '四期', '五期', '六期'];
const DESIGNERS = ['苏州市建筑设计研究院有限责任公司', '中衡设计集团股份有限公司', '启迪设计集团股份有限公司', '苏州园区设计院有限公司', '苏州规划设计研究院股份有限公司'];
const CONTRACTORS = ['中亿丰建设集团股份有限公司', '苏州第一建筑集团有限公司', '江苏南通二建集团有限公司', '中建八局第三建设有限公司', '苏州金螳螂建筑装饰股份有限公司', '江苏华建建设股份有限公司'];
const MATERIAL_PROBLEMS = ['未加盖单位公章', '签字页缺失，请补充法定代表人签字', '扫描件不清晰，请提供清晰的电子件', '材料内容不完整，缺少附图', '图纸比例不符合要求，请按 1:500 重新出图', '材料日期已过有效期，请提供最新版本', '与项目信息表中的建设规模不一致'];
const RETURN_REASONS = ['承办意见中引用的规划条件有误，请重新核实', '审查意见不完整，缺少对技术指标的结论', '请补充对申请材料真实性的核查意见', '意见书格式不规范，请按模板重新出具', '请核对建筑面积计算口径后重新提出意见'];
const REFUSALS = ['经审查，申请事项不符合相关规划条件，不予许可', '经审查，技术方案未达到强制性标准要求，不予许可', '申请人未在规定期限内提供符合要求的材料，不予许可'];
const WINDOW_REFUSALS = ['申请事项不属于本阶段审批范围', '同一事项已有在办申报，不得重复申报', '项目前置审批手续未办结，暂不具备申报条件'];
const NOT_ACCEPTED = ['项目所在地不属于本窗口受理范围', '申请事项依法不需要取得行政许可'];
const WITHDRAW_REASONS = ['项目投资计划调整，申请撤回', '设计方案需作重大调整，撤回后重新申报', '建设单位主体变更，撤回本次申报'];
const SPECIAL_REASONS: Record<string, [string, string]> = {
  expert_review: ['组织专家对技术方案进行评审', '专家评审通过，同意按修改后的方案实施'],
  site_inspection: ['组织现场踏勘核查', '现场核查与申报材料一致'],
};
const APPROVE_OPINIONS: Record<string, string[]> = {
  first: ['材料齐全，符合法定形式，拟同意', '经审查，符合相关规定，建议准予许可', '申请材料完整，技术指标符合要求，拟同意'],
  middle: ['同意承办意见', '经复核，同意', '审核通过，报签发'],
  final: ['准予许可', '同意，准予许可', '同意签发'],
};

// ------------------------------------------------------------------------------------ simulation state

type Enterprise = 'applicant' | 'applicant2';

interface ProjectSim {
  id: number;
  type: 3 | 4 | 6;
  enterprise: Enterprise;
  region: string;
  name: string;
  location: string;
  investment: number;
  landArea: number;
  floorArea: number;
  height: number;
  processId: number;
  answers: Record<string, string | number | boolean>;
  targetStages: number;
  /** Its first stage stalls in every department: the long-overdue cases a supervision board always has. */
  stuck: boolean;
}

interface Requirement {
  id: number;
  name: string;
  matterCode: string;
  pdf: boolean;
}

interface AppSim {
  id: number;
  project: ProjectSim;
  stage: number;
  requirements: Requirement[];
  windowVisits: number;
  window: 'accept' | 'refuse' | 'notAccept';
  windowSupplement: boolean;
  withdraw: 'none' | 'window' | 'handling';
  deficiency: boolean;
  supplementItems: SupplementItem[];
  fresh: Fresh | null;
}

/**
 * The last few projects, registered in the working days before `now`: their first application is
 * submitted and still waits for the window, or the window asked for a supplement the applicant
 * has not sent yet — the window's queue as `now` finds it.
 */
type Fresh = 'waiting' | 'supplement';

interface CaseSim {
  id: string;
  app: AppSim;
  matterCode: string;
  departmentId: number;
  procedure: ProcedureDefinition;
  /** Working days each step takes (first entry), and its redo after a return. */
  work: Map<string, number>;
  redo: Map<string, number>;
  returnAt: string | null;
  supplement: boolean;
  special: boolean;
  refuse: boolean;
  didReturn: boolean;
  didSupplement: boolean;
  didSpecial: boolean;
  /** Work left on the current step when it was paused. */
  resumeIn: number;
  /** The current step's task is acted on at the next tick without a separate claim. */
  direct: boolean;
  /** Who completed the previous step (审核 goes to someone else when the department can). */
  lastWorker: number | null;
}

const TINY_PDF = (n: number) => Buffer.from(`%PDF-1.4\n% tongban demo ${n}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d2c50000000049454e44ae426082',
  'hex',
);

const round2 = (n: number) => Math.round(n * 100) / 100;

// ------------------------------------------------------------------------------------ entry point

/**
 * Simulates `opts.projects` projects of the two Suzhou demo enterprises through the real services
 * over the months before `opts.now`. Needs the demo world and catalog (seedDemo, seedCatalog).
 */
export async function seedHistory(database: Database, config: Config, opts: HistoryOptions = {}): Promise<HistoryResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const db = database.db;
  const none = (errors = 0): HistoryResult => ({ created: false, projects: 0, applications: 0, commands: 0, errors, aborted: false, ms: Date.now() - started });
  if (await db.selectFrom('application').select('id').limit(1).executeTakeFirst()) return none();

  opts.onStart?.();
  const now = opts.now ?? new Date();
  const months = opts.months ?? 18;
  const from = new Date(now);
  from.setUTCMonth(from.getUTCMonth() - months);
  const clock = new ManualClock(from);
  const s: Services = createServices(database, config, clock);
  const dice = new Dice(mulberry32(opts.seed ?? 20260301));

  // ---- the people
  const users = await db.selectFrom('app_user').selectAll().where('disabled', '=', false).orderBy('id').execute();
  const byName = new Map(users.map((u) => [u.username, u]));
  const byId = new Map(users.map((u) => [u.id, u]));
  const need = (name: string): UserRow => {
    const u = byName.get(name);
    if (!u) throw new Error(`demo account ${name} is missing: run seedDemo first`);
    return u;
  };
  const applicants: Record<Enterprise, UserRow> = { applicant: need('applicant'), applicant2: need('applicant2') };
  const clerk = need('clerk');
  const enterprises = new Map((await db.selectFrom('enterprise').select(['id', 'name', 'deficiency_eligible']).execute()).map((e) => [e.id, e]));
  const staff = (deptId: number, role: 'reviewer' | 'approver') => users.filter((u) => u.department_id === deptId && u.role === role);
  let requestSeq = 0;
  const ctx = (u: UserRow): RequestContext => ({ actor: actorFromUser(u, 'session'), requestId: `demo-history-${++requestSeq}`, ip: null });

  // ---- the processes
  const processIds = new Map<number, number>();
  const questions = new Map<number, Array<{ key: string; type: string; options?: Array<{ value: string }> }>>();
  for (const [type, code] of [[3, 'SZ-T3'], [4, 'SZ-T4'], [6, 'SZ-T6']] as const) {
    const p = await catalogRepo.findProcessByCode(db, code);
    const v = p && (await catalogRepo.processVersionByStatus(db, p.id, 'published'));
    if (!p || !v) {
      log(`demo history: process ${code} is not published; skipped`);
      return none();
    }
    processIds.set(type, p.id);
    questions.set(type, v.questions);
  }

  const calendar = await s.calendars.calendar();
  const wt = new WorkTime(calendar);
  const queue = new Queue();
  const counts = { projects: 0, applications: 0, commands: 0, errors: 0 };
  const cases = new Map<string, CaseSim>();
  const later = (days: number) => wt.after(clock.now(), days);
  const at = (t: Date, label: string, run: () => Promise<void>) => queue.push(t, label, run);
  /** Counts one state-changing call. */
  const cmd = async <T>(p: Promise<T>): Promise<T> => {
    const r = await p;
    counts.commands++;
    return r;
  };

  // ---- projects
  const usedNames = new Map<string, number>();
  const usedCodes = new Set<string>();
  function newProject(): Omit<ProjectSim, 'id'> {
    const type = dice.weighted([[3, 45], [4, 20], [6, 35]] as const);
    const enterprise: Enterprise = type === 6 ? (dice.chance(0.85) ? 'applicant2' : 'applicant') : dice.chance(0.85) ? 'applicant' : 'applicant2';
    const region = enterprise === 'applicant' ? (dice.chance(0.75) ? '320508' : '320571') : dice.chance(0.85) ? '320571' : '320508';
    const gusu = region === '320508';
    const place = dice.pick(gusu ? GUSU_PLACES : SIP_PLACES);
    const base = dice.pick(NAME_PATTERNS[type]![region]!).replace('{p}', place);
    const seen = usedNames.get(base) ?? 0;
    usedNames.set(base, seen + 1);
    const name = seen === 0 ? base : base.replace(/项目$/, `${PHASES[Math.min(seen, PHASES.length - 1)]}项目`) + (seen >= PHASES.length ? `（${seen + 1}）` : '');
    const location = `苏州市${gusu ? '姑苏区' : '苏州工业园区'}${dice.pick(gusu ? GUSU_ROADS : SIP_ROADS)}${dice.int(1, 999)}号`;
    let landArea: number, floorArea: number, investment: number, height: number;
    if (type === 3) {
      landArea = Math.round(dice.between(8_000, 80_000));
      floorArea = Math.round(landArea * dice.between(1.5, 2.8));
      investment = Math.round((floorArea * dice.between(0.6, 1.1)) / 10) * 10;
      height = Math.round(dice.between(24, 99));
    } else if (type === 4) {
      landArea = Math.round(dice.between(1_500, 6_000));
      floorArea = Math.round(Math.min(5_000, landArea * dice.between(0.6, 1.5)));
      investment = Math.round((floorArea * dice.between(0.4, 0.8)) / 10) * 10;
      height = Math.round(dice.between(9, 24));
    } else {
      landArea = Math.round(dice.between(15_000, 120_000));
      floorArea = Math.round(landArea * dice.between(0.8, 1.6));
      investment = Math.round((floorArea * dice.between(0.3, 0.9)) / 10) * 10;
      height = Math.round(dice.between(12, 36));
    }
    const hectares = round2(landArea / 10_000);
    const park = region === '320571';
    const answers: Record<string, string | number | boolean> = {};
    for (const q of questions.get(type)!) {
      switch (q.key) {
        case 'needsApproval':
          answers[q.key] = dice.chance(0.15);
          break;
        case 'landSupply':
          answers[q.key] = dice.weighted([['transfer', 80], ['allocation', type === 4 ? 0 : 10], ['existing', 10]] as const);
          break;
        case 'eia':
          answers[q.key] = dice.weighted(type === 3 ? ([['table', 60], ['registration', 30], ['report', 10]] as const) : type === 6 ? ([['table', 55], ['report', 25], ['registration', 20]] as const) : ([['table', 30], ['registration', 70]] as const));
          break;
        case 'inParkAssessed':
          answers[q.key] = park ? dice.chance(0.8) : dice.chance(0.05);
          break;
        case 'landArea':
          answers[q.key] = hectares;
          break;
        case 'floorArea':
          answers[q.key] = floorArea;
          break;
        case 'buildingHeight':
          answers[q.key] = height;
          break;
        case 'specialFire':
          answers[q.key] = dice.chance(type === 3 ? 0.6 : 0.4);
          break;
        case 'civilAirDefence':
          answers[q.key] = dice.weighted(type === 3 ? ([['build', 70], ['offsite', 20], ['none', 10]] as const) : type === 6 ? ([['build', 20], ['offsite', 40], ['none', 40]] as const) : ([['offsite', 50], ['none', 50]] as const));
          break;
        case 'earthwork':
          answers[q.key] = dice.chance(0.7);
          break;
        default:
          // A question an admin added later: any answer of its type.
          answers[q.key] = q.type === 'boolean' ? dice.chance(0.5) : q.type === 'number' ? dice.int(1, 100) : dice.pick(q.options ?? [{ value: '' }]).value;
      }
    }
    const targetStages = dice.weighted([[1, 25], [2, 25], [3, 25], [4, 25]] as const);
    return { type, enterprise, region, name, location, investment, landArea, floorArea, height, processId: processIds.get(type)!, answers, targetStages, stuck: false };
  }

  function projectCode(type: number, region: string): string {
    for (;;) {
      const code = `${clock.now().getUTCFullYear()}-${region}-47-0${type}-${String(dice.int(1, 999_999)).padStart(6, '0')}`;
      if (!usedCodes.has(code)) {
        usedCodes.add(code);
        return code;
      }
    }
  }

  async function startProject(draft: Omit<ProjectSim, 'id'>, fresh: Fresh | null = null): Promise<void> {
    const u = applicants[draft.enterprise];
    const view = await cmd(
      s.projects.create(ctx(u), { code: projectCode(draft.type, draft.region), name: draft.name, projectType: draft.type, investment: draft.investment, landArea: draft.landArea, floorArea: draft.floorArea, location: draft.location }),
    );
    counts.projects++;
    const p: ProjectSim = { ...draft, id: view.id };
    at(later(fresh ? 0.1 : dice.between(0.1, 3)), 'draft', () => startApplication(p, 1, fresh));
  }

  // ---- applications
  function formValues(view: ApplicationView, p: ProjectSim): Record<string, string | number | boolean> {
    const today = clock.now();
    const day = (offsetDays: number) => localDate(new Date(today.getTime() + offsetDays * 86_400_000));
    const enterpriseName = enterprises.get(applicants[p.enterprise].enterprise_id!)?.name ?? '';
    const out: Record<string, string | number | boolean> = {};
    for (const f of view.formFields) {
      let v: string | number | boolean | undefined;
      switch (f.key) {
        case 'constructionUnit':
          v = enterpriseName;
          break;
        case 'projectAddress':
          v = p.location;
          break;
        case 'totalInvestment':
          v = p.investment;
          break;
        case 'constructionContent':
          v = `总建筑面积约 ${p.floorArea} 平方米，${p.type === 6 ? '建设生产厂房、研发用房及配套设施' : p.type === 4 ? '建设服务用房及配套设施' : '建设住宅、商业及配套设施'}`;
          break;
        case 'landArea':
          v = round2(p.landArea / 10_000); // the matter forms ask 公顷; the project holds m²
          break;
        case 'landUse':
          v = p.type === 6 ? '一类工业用地（M1）' : p.type === 4 ? '公共管理与公共服务设施用地（A）' : dice.pick(['二类居住用地（R2）', '商业用地（B1）']);
          break;
        case 'floorArea':
          v = view.stageCode === 4 ? round2(p.floorArea * dice.between(0.98, 1.02)) : p.floorArea;
          break;
        case 'buildingHeight':
          v = p.height;
          break;
        case 'designUnit':
          v = dice.pick(DESIGNERS);
          break;
        case 'fireCategory':
          v = p.type === 6 ? '甲、乙类生产厂房' : '总建筑面积大于两万平方米的公共建筑';
          break;
        case 'contractor':
          v = dice.pick(CONTRACTORS);
          break;
        case 'contractAmount':
          v = Math.round(p.investment * dice.between(0.45, 0.65));
          break;
        case 'plannedStart':
          v = day(dice.int(10, 30));
          break;
        case 'plannedFinish':
          v = day(dice.int(400, 900));
          break;
        case 'shelterArea':
          v = Math.round(p.floorArea * dice.between(0.04, 0.08));
          break;
        case 'earthworkVolume':
          v = dice.int(5, 60) * 1000;
          break;
        case 'acceptanceDate':
          v = day(-dice.int(2, 10));
          break;
        case 'eiaCategory': {
          const wanted = p.answers.eia;
          v = (f.options ?? []).find((o) => o.value === wanted)?.value ?? f.options?.[0]?.value;
          break;
        }
        default:
          if (view.form[f.key] !== undefined || !f.required) continue;
          v = f.type === 'number' ? dice.int(1, 1000) : f.type === 'date' ? day(0) : f.type === 'boolean' ? true : f.type === 'choice' ? f.options?.[0]?.value : f.label;
      }
      if (v !== undefined && v !== view.form[f.key]) out[f.key] = v;
    }
    return out;
  }

  let fileSerial = 0;
  /** Uploads one small file for a requirement (alternating contents, so most are stored once). */
  async function upload(app: AppSim, r: Requirement, fresh = false): Promise<void> {
    const body = r.pdf ? TINY_PDF(fresh ? ++fileSerial % 7 : 0) : TINY_PNG;
    await cmd(s.applications.uploadMaterial(ctx(applicants[app.project.enterprise]), app.id, r.id, `${r.name.slice(0, 60)}.${r.pdf ? 'pdf' : 'png'}`, Readable.from([body])));
  }

  async function startApplication(p: ProjectSim, stage: number, fresh: Fresh | null = null): Promise<void> {
    const u = applicants[p.enterprise];
    let view = await cmd(s.applications.create(ctx(u), { projectId: p.id, processId: p.processId, stageCode: stage, answers: p.answers }));
    counts.applications++;
    const values = formValues(view, p);
    if (Object.keys(values).length) view = await cmd(s.applications.updateForm(ctx(u), view.id, view.version, values));
    const eligible = enterprises.get(u.enterprise_id!)?.deficiency_eligible ?? false;
    const windowRoll = dice.next();
    const app: AppSim = {
      id: view.id,
      project: p,
      stage,
      requirements: view.requirements.map((r) => ({ id: r.id, name: r.name, matterCode: r.matterCode, pdf: r.acceptedTypes.includes('pdf') })),
      windowVisits: 0,
      window: p.stuck || windowRoll >= 0.04 ? 'accept' : windowRoll < 0.03 ? 'refuse' : 'notAccept',
      windowSupplement: fresh ? fresh === 'supplement' : dice.chance(0.08),
      withdraw: !fresh && !p.stuck && dice.chance(0.02) ? (dice.chance(0.4) ? 'window' : 'handling') : 'none',
      fresh,
      deficiency: eligible && view.matters.some((m) => m.deficiencyAllowed) && dice.chance(0.25),
      supplementItems: [],
    };
    for (const r of view.requirements.filter((x) => x.required)) await upload(app, { id: r.id, name: r.name, matterCode: r.matterCode, pdf: r.acceptedTypes.includes('pdf') });
    at(later(fresh ? 0.1 : dice.between(0.05, 2)), 'submit', () => submit(app));
  }

  async function submit(app: AppSim): Promise<void> {
    await cmd(s.applications.submit(ctx(applicants[app.project.enterprise]), app.id, undefined));
    if (app.withdraw === 'window' && app.windowVisits === 0) {
      at(later(dice.between(0.1, 1)), 'withdraw', () => withdraw(app));
      return;
    }
    if (app.fresh === 'waiting') return; // still in the window's queue at `now`
    at(later(app.fresh ? 0.2 : dice.between(0.3, 3)), 'window', () => windowDecision(app));
  }

  async function status(appId: number) {
    return db.selectFrom('application').select(['status', 'outcome', 'deficiency']).where('id', '=', appId).executeTakeFirstOrThrow();
  }

  async function windowDecision(app: AppSim): Promise<void> {
    if ((await status(app.id)).status !== 'received') return;
    const c = ctx(clerk);
    const first = app.windowVisits++ === 0;
    if (first && app.windowSupplement) {
      const pdfs = app.requirements.filter((r) => r.pdf);
      const materials = pdfs.length ? pdfs : app.requirements;
      const picked = materials.length ? [...new Set([dice.pick(materials), dice.pick(materials)])] : [];
      app.supplementItems = picked.length
        ? picked.map((r) => ({ requirementId: r.id, fieldKey: null, name: r.name, reason: dice.pick(MATERIAL_PROBLEMS) }))
        : [{ requirementId: null, fieldKey: 'constructionContent', name: '建设规模和内容', reason: '与项目备案信息不一致' }];
      await cmd(s.applications.requestSupplement(c, app.id, app.supplementItems));
      if (!app.fresh) at(later(dice.between(1, 5)), 'resubmit', () => resubmit(app));
      return;
    }
    if (app.window === 'refuse') {
      await cmd(s.applications.refuse(c, app.id, dice.pick(WINDOW_REFUSALS)));
      return;
    }
    if (app.window === 'notAccept') {
      await cmd(s.applications.notAccept(c, app.id, dice.pick(NOT_ACCEPTED)));
      return;
    }
    const deficiency = app.deficiency
      ? { items: [dice.pick(['建设资金已落实承诺书原件', '施工合同备案件', '危险性较大的分部分项工程安全管理措施（盖章版）'])], deadline: localDate(later(dice.int(5, 10))) }
      : undefined;
    await cmd(s.applications.accept(c, app.id, deficiency ? { deficiency } : {}));
    if (deficiency) at(later(dice.between(2, 8)), 'deficiency', () => satisfyDeficiency(app));
    if (app.withdraw === 'handling') at(later(dice.between(1, 12)), 'withdraw', () => withdraw(app));
    await afterCommand(app);
  }

  async function resubmit(app: AppSim): Promise<void> {
    if ((await status(app.id)).status !== 'supplement') return;
    for (const item of app.supplementItems) {
      const r = app.requirements.find((x) => x.id === item.requirementId);
      if (r) await upload(app, r, true);
    }
    await submit(app);
  }

  async function withdraw(app: AppSim): Promise<void> {
    if (!['received', 'supplement', 'accepted'].includes((await status(app.id)).status)) return;
    await cmd(s.applications.withdraw(ctx(applicants[app.project.enterprise]), app.id, dice.pick(WITHDRAW_REASONS)));
  }

  async function satisfyDeficiency(app: AppSim): Promise<void> {
    const row = await status(app.id);
    const d = row.deficiency as { satisfiedAt: string | null } | null;
    if (row.status !== 'accepted' || !d || d.satisfiedAt) return;
    await cmd(s.applications.satisfyDeficiency(ctx(applicants[app.project.enterprise]), app.id));
  }

  /** After a command: start plans for cases that began, and move the project on when the stage concluded. */
  async function afterCommand(app: AppSim): Promise<void> {
    const row = await status(app.id);
    if (row.status === 'concluded') {
      const p = app.project;
      if (row.outcome === 'approved' && app.stage < p.targetStages) {
        const gap = app.stage === 3 ? dice.between(40, 120) : dice.between(8, 45);
        at(later(gap), 'draft', () => startApplication(p, app.stage + 1));
      }
      return;
    }
    if (row.status !== 'accepted') return;
    const rows = await db.selectFrom('approval_case').select(['id', 'matter_code', 'department_id', 'procedure_id', 'limit_days', 'limit_kind']).where('application_id', '=', app.id).where('status', '=', 'handling').execute();
    for (const c of rows) {
      if (cases.has(c.id)) continue;
      const procedure = await procedureById(db, c.procedure_id);
      const cs = planCase(app, c.id, c.matter_code, c.department_id, procedure, c.limit_kind === 'calendar' ? Math.max(1, Math.round((c.limit_days * 5) / 7)) : c.limit_days);
      cases.set(c.id, cs);
      nextStep(cs, procedure.steps[0]!.key, 0);
    }
  }

  function planCase(app: AppSim, id: string, matterCode: string, departmentId: number, procedure: ProcedureDefinition, limit: number): CaseSim {
    const overdue = dice.chance(0.1);
    // Overdue cases run over by a few days, some by weeks (they are what the supervision board shows).
    const stuck = app.project.stuck && app.stage === 1;
    const total = stuck ? limit + dice.between(20, 45) : overdue ? limit + 1 + 15 * dice.next() ** 3 : limit * dice.between(0.35, 0.95);
    const steps = procedure.steps;
    const final = steps[steps.length - 1]!;
    const returnable = steps.filter((st) => st.returnTo.length > 0);
    const returnAt = dice.chance(0.1) && returnable.length ? (dice.chance(0.7) && final.returnTo.length ? final.key : dice.pick(returnable).key) : null;
    // The first step (承办) takes twice as long as each later one; a return redoes steps at half that.
    const weight = (i: number) => (i === 0 ? 2 : 1);
    let units = steps.reduce((n, _st, i) => n + weight(i), 0);
    if (returnAt) {
      const target = steps.findIndex((st) => st.key === steps.find((x) => x.key === returnAt)!.returnTo[0]);
      const upto = steps.findIndex((st) => st.key === returnAt);
      for (let i = target; i <= upto; i++) units += weight(i) * 0.5;
    }
    const unit = total / units;
    const supplement = dice.chance(0.08);
    const special = dice.chance(0.04);
    return {
      id,
      app,
      matterCode,
      departmentId,
      procedure,
      work: new Map(steps.map((st, i) => [st.key, unit * weight(i) * dice.between(0.7, 1.3)])),
      redo: new Map(steps.map((st, i) => [st.key, unit * weight(i) * 0.5])),
      returnAt,
      supplement,
      special,
      refuse: dice.chance(0.03),
      didReturn: false,
      didSupplement: false,
      didSpecial: false,
      resumeIn: 0,
      direct: false,
      lastWorker: null,
    };
  }

  /**
   * Schedules work on a step just entered. Where a supplement, special procedure or return will
   * happen, and for most tasks still open at `now`, the task is claimed first (签收) and completed
   * later; otherwise the holder mostly completes the pool task directly, which claims it
   * implicitly — the same end state for half the commands.
   */
  function nextStep(cs: CaseSim, stepKey: string, delay: number): void {
    const work = (cs.didReturn ? cs.redo : cs.work).get(stepKey) ?? 0.5;
    const index = cs.procedure.steps.findIndex((st) => st.key === stepKey);
    const event = (index === 0 && cs.supplement && !cs.didSupplement) || (index === Math.min(1, cs.procedure.steps.length - 1) && cs.special && !cs.didSpecial) || (stepKey === cs.returnAt && !cs.didReturn);
    const openAtNow = later(delay + work) > now;
    cs.direct = !event && !dice.chance(openAtNow ? 0.6 : 0.1);
    at(later(delay + (cs.direct ? work : work * 0.2)), 'tick', () => tick(cs));
  }

  /** Someone of the role in the department to take a task, other than who did the step before when possible. */
  function worker(cs: CaseSim, role: 'reviewer' | 'approver', busy: Set<number | null>): UserRow | null {
    const people = staff(cs.departmentId, role).filter((u) => !busy.has(u.id));
    const others = people.filter((u) => u.id !== cs.lastWorker);
    return others.length ? dice.pick(others) : people.length ? dice.pick(people) : null;
  }

  /** The next thing the department does on a case; the one after it is scheduled. */
  async function tick(cs: CaseSim): Promise<void> {
    const open = await db.selectFrom('task').select(['id', 'step_key', 'round', 'claimed', 'assignee_id', 'delegated_to']).where('case_id', '=', cs.id).where('status', '=', 'open').orderBy('created_at').orderBy('id').execute();
    const task = open[0];
    if (!task) return; // concluded or withdrawn meanwhile
    const steps = cs.procedure.steps;
    const index = steps.findIndex((st) => st.key === task.step_key);
    const step = steps[index]!;
    const work = (cs.didReturn ? cs.redo : cs.work).get(step.key) ?? 0.5;
    let holder = task.delegated_to ?? task.assignee_id;
    if (holder === null) {
      const who = worker(cs, step.role, new Set(open.filter((t) => t.round === task.round).map((t) => t.assignee_id)));
      if (!who) throw new Error(`nobody can take task ${task.id} (${cs.matterCode} ${step.key})`);
      holder = who.id;
    }
    const c = ctx(byId.get(holder)!);
    if (!task.claimed && !cs.direct) {
      await cmd(s.tasks.claim(c, task.id));
      cs.direct = true; // claimed now; the next tick of this step acts
      at(later(work * 0.8), 'tick', () => tick(cs));
      return;
    }
    if (index === 0 && cs.supplement && !cs.didSupplement) {
      cs.didSupplement = true;
      const own = cs.app.requirements.filter((r) => r.matterCode === cs.matterCode && r.pdf);
      const r = own.length ? dice.pick(own) : null;
      const items: SupplementItem[] = [{ requirementId: r?.id ?? null, fieldKey: null, name: r?.name ?? '补充说明材料', reason: dice.pick(MATERIAL_PROBLEMS) }];
      await cmd(s.tasks.requestSupplement(c, cs.id, items));
      cs.resumeIn = work * 0.5;
      at(later(dice.between(1, 5)), 'supplied', () => supplied(cs, r));
      return;
    }
    if (index === Math.min(1, steps.length - 1) && cs.special && !cs.didSpecial) {
      cs.didSpecial = true;
      const kind = cs.matterCode === 'SZ-ZJJ-XFYS' ? 'site_inspection' : 'expert_review';
      await cmd(s.tasks.startSpecial(c, cs.id, kind, SPECIAL_REASONS[kind]![0]));
      cs.resumeIn = work * 0.5;
      at(later(dice.between(3, 10)), 'special', () => specialEnded(cs, kind));
      return;
    }
    if (step.key === cs.returnAt && !cs.didReturn) {
      cs.didReturn = true;
      const to = step.returnTo[0]!;
      await cmd(s.tasks.returnTo(c, task.id, { toStep: to, reason: dice.pick(RETURN_REASONS) }));
      nextStep(cs, to, dice.between(0.1, 0.5));
      return;
    }
    const refuse = step.final && cs.refuse;
    const opinion = refuse ? dice.pick(REFUSALS) : dice.pick(APPROVE_OPINIONS[step.final ? 'final' : index === 0 ? 'first' : 'middle']!);
    const result = await cmd(s.tasks.complete(c, task.id, { decision: refuse ? 'refuse' : 'approve', opinion }));
    cs.lastWorker = holder;
    if (result.events.some((e) => e.type === 'CaseConcluded' || e.type === 'CaseStarted' || e.type === 'StageConcluded')) await afterCommand(cs.app);
    const entered = result.events.some((e) => e.type === 'TaskCreated' && e.caseId === cs.id);
    if (entered && !step.final) nextStep(cs, steps[index + 1]!.key, 0);
    else if (open.length > 1) at(later(work * 0.1), 'tick', () => tick(cs)); // more signers of this step
  }

  async function supplied(cs: CaseSim, r: Requirement | null): Promise<void> {
    const c = await db.selectFrom('approval_case').select(['status']).where('id', '=', cs.id).executeTakeFirst();
    if (c?.status !== 'supplement') return;
    if (r) await upload(cs.app, r, true);
    await cmd(s.applications.endCaseSupplement(ctx(applicants[cs.app.project.enterprise]), cs.app.id, cs.id));
    at(later(cs.resumeIn), 'tick', () => tick(cs));
  }

  async function specialEnded(cs: CaseSim, kind: string): Promise<void> {
    const c = await db.selectFrom('approval_case').select(['status']).where('id', '=', cs.id).executeTakeFirst();
    if (c?.status !== 'special') return;
    const who = staff(cs.departmentId, 'approver')[0] ?? staff(cs.departmentId, 'reviewer')[0]!;
    await cmd(s.tasks.endSpecial(ctx(who), cs.id, SPECIAL_REASONS[kind]![1]));
    at(later(cs.resumeIn), 'tick', () => tick(cs));
  }

  // ---- schedule the projects: more of them lately, as the platform was taken up
  const total = opts.projects ?? HISTORY_DEFAULT_PROJECTS;
  const span = now.getTime() - from.getTime();
  const freshCount = Math.max(2, Math.round(total * 0.02));
  const recent = Math.max(4, Math.round(total * 0.2));
  const stuckCount = Math.max(1, Math.round(total * 0.005));
  const sixWeeks = (42 * 86_400_000) / span;
  for (let i = 0; i < total - freshCount; i++) {
    // The newest ~20 % start spread over the last six weeks so that `now` finds work in every
    // state; the others thicken towards `now` (density 0.3 → 1.7) as the platform was taken up.
    const f = i < recent ? 1 - ((i + dice.next()) / recent) * sixWeeks : (dice.chance(0.3) ? dice.next() : Math.sqrt(dice.next())) * 0.97;
    const t0 = new Date(from.getTime() + f * span);
    const office = wt.after(t0, dice.between(0, 0.9));
    const t = office < now ? office : t0; // registered online out of hours, just before `now`
    const draft = { ...newProject(), stuck: i < recent && i >= recent - stuckCount };
    at(t, 'project', () => startProject(draft));
  }
  for (let i = 0; i < freshCount; i++) {
    let t = now;
    for (let back = 1 + i; wt.after(t, 0.5) > now; back++) t = wt.after(new Date(now.getTime() - back * 86_400_000), dice.between(0, 0.3));
    const draft = newProject();
    at(t, 'project', () => startProject(draft, i % 2 === 1 ? 'supplement' : 'waiting'));
  }
  // The clock warning job: every working morning of the last two months, weekly before.
  const dailyFrom = new Date(now.getTime() - 60 * 86_400_000);
  for (const [i, t] of wt.mornings(from, now).entries()) {
    if (t < dailyFrom && i % 5 !== 0) continue;
    at(t, 'warnings', async () => {
      await s.supervision.runWarnings();
    });
  }

  // ---- run
  const nowMs = now.getTime();
  let lastLog = Date.now();
  const errors: string[] = [];
  const spent = new Map<string, [number, number]>();
  let aborted = false;
  for (let ev = queue.pop(); ev && ev.at <= nowMs; ev = queue.pop()) {
    if (opts.signal?.aborted) {
      aborted = true;
      break;
    }
    if (ev.at > clock.now().getTime()) clock.set(new Date(ev.at));
    const t0 = performance.now();
    try {
      await ev.run();
      const sp = spent.get(ev.label) ?? [0, 0];
      spent.set(ev.label, [sp[0] + 1, sp[1] + performance.now() - t0]);
    } catch (err) {
      counts.errors++;
      if (errors.length < 5) errors.push(`${ev.label} at ${new Date(ev.at).toISOString()}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      const done = Math.round((100 * (clock.now().getTime() - from.getTime())) / (nowMs - from.getTime()));
      log(`demo history: ${done} % — simulated up to ${localDate(clock.now())} (${counts.applications} applications, ${counts.commands} commands)`);
    }
  }
  // Result documents (decision 0013): a case concluded more than 60 days before `now` counts as
  // issued before the platform, so the issuing job renders only the recent ones once it starts.
  await db
    .updateTable('approval_case')
    .set({ document_status: 'none' })
    .where('document_status', '=', 'pending')
    .where('concluded_at', '<', new Date(nowMs - 60 * 86_400_000))
    .execute();
  log(`demo history: time by action — ${[...spent].map(([k, [n, ms]]) => `${k} ${n}× ${Math.round(ms / n)} ms`).join(', ')}`);
  for (const e of errors) log(`demo history: skipped a failed action — ${e}`);
  if (aborted) return { created: true, ...counts, aborted, ms: Date.now() - started };
  clock.set(now);
  await s.supervision.runWarnings();
  return { created: true, ...counts, aborted, ms: Date.now() - started };
}
