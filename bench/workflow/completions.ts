/**
 * Part 1: task completions over HTTP (POST /api/v1/tasks/:id/complete with the session cookie
 * and CSRF token), against the real server.
 *
 * Work comes in whole applications (copies of one accepted stage-3 application, see clone.ts):
 * each is driven through all its work — 承办 → 审核 → 签发 in 住建, 人防 and 城管, then 施工许可
 * (which waits for 施工图审查) until the stage concludes: 12 completions per application, each by a
 * person of the task's department and role. One application is only ever worked on by one
 * request at a time (its commands serialise on its row lock by design; different applications
 * run in parallel), so CONFLICT is expected to stay 0.
 *
 * Two load shapes:
 * - closed loop: N clients, each completing its next task as soon as the last one returned —
 *   the maximum throughput, with latency rising with N (Little's law: N = rate × latency);
 * - open loop: completions offered at a fixed rate (say 200/s) whatever the server's speed,
 *   latency measured from the scheduled start — the target "200/s with p99 < 50 ms" is a
 *   statement about this shape.
 */
import type { ApplicationView } from '@tongban/contracts';
import pg from 'pg';
import { round, summarize, type CpuMeter, type CpuSplit, type LatencySummary } from '../support.ts';
import { cloneApplication, copyUuid } from './clone.ts';
import { acceptedApplicationOverHttp, Http, type Session } from './http.ts';

export interface CompletionRound {
  /** "8 clients" or "200/s offered". */
  load: string;
  clients: number | null;
  offeredPerSecond: number | null;
  seconds: number;
  completions: number;
  perSecond: number;
  latency: LatencySummary;
  /** Failed completions by "status code", CONFLICT included. */
  errors: Record<string, number>;
  conflicts: number;
  applicationsUsed: number;
  /** Open loop: the most requests in flight at once. */
  maxInFlight: number;
  /** The work ran out before the time did (raise BENCH_APPS_PER_ROUND). */
  starved: boolean;
  /** Who used the CPU during the measured window. */
  cpu: CpuSplit | null;
  /** CPU milliseconds per completion: server process, PostgreSQL, clients. */
  cpuMsPerCompletion: { server: number; postgres: number; clients: number } | null;
}

interface ActionResult {
  events: Array<{ type: string; caseId: string | null; taskId: string | null }>;
}

export interface CompletionSetup {
  http: Http;
  template: ApplicationView;
  sessions: Map<string, Session[]>;
  db: pg.Client;
  meter: CpuMeter | null;
}

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

/** Laps the CPU meter at the start and at the end of the measured window. */
async function meterWindow(meter: CpuMeter | null, from: number, end: number): Promise<CpuSplit | null> {
  if (!meter) return null;
  await sleepUntil(from);
  await meter.lap();
  await sleepUntil(end);
  return meter.lap();
}

/** Signs in the people of the template's departments (shared by all clients, as one browser each would). */
export async function prepareCompletions(http: Http, dbUrl: string, password: string, meter: CpuMeter | null): Promise<CompletionSetup> {
  const applicant = await http.login('applicant', password);
  const clerk = await http.login('clerk', password);
  const template = await acceptedApplicationOverHttp(http, applicant, clerk, '2026-320508-47-01-000001');
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const depts = [...new Set(template.cases.map((c) => c.departmentId))];
  const users = await db.query<{ username: string; department_id: number; role: string }>(
    `SELECT username, department_id, role FROM app_user WHERE department_id = ANY($1) AND role IN ('reviewer', 'approver') AND NOT disabled ORDER BY id`,
    [depts],
  );
  const sessions = new Map<string, Session[]>();
  for (const u of users.rows) {
    const key = `${u.department_id}:${u.role}`;
    sessions.set(key, [...(sessions.get(key) ?? []), await http.login(u.username, password)]);
  }
  return { http, template, sessions, db, meter };
}

interface OpenTask {
  id: string;
  caseId: string;
  version: number;
}

/** One application's remaining work, known from the template and the events of each completion. */
class ApplicationWork {
  private readonly cases = new Map<string, { departmentId: number; roles: string[]; step: number | null }>();
  private readonly open: OpenTask[] = [];
  busy = false;

  constructor(template: ApplicationView, appId: number) {
    for (const c of template.cases) {
      const id = copyUuid('case', appId, c.id);
      const step = c.procedure.steps.findIndex((s) => s.key === c.stepKey);
      this.cases.set(id, { departmentId: c.departmentId, roles: c.procedure.steps.map((s) => s.role), step: step >= 0 ? step : null });
      for (const t of c.tasks.filter((x) => x.status === 'open')) this.open.push({ id: copyUuid('task', appId, t.id), caseId: id, version: t.version });
    }
  }

  get done() {
    return this.open.length === 0;
  }

  /** The next task (round-robin across the cases, as departments work in parallel) and the sessions that may act on it. */
  take(): { task: OpenTask; key: string } | null {
    const task = this.open.shift();
    if (!task) return null;
    const c = this.cases.get(task.caseId)!;
    return { task, key: `${c.departmentId}:${c.roles[c.step!]}` };
  }

  /** A TaskCreated event is the next step of its case (or the first step of a case that waited). */
  completed(result: ActionResult) {
    for (const e of result.events) {
      if (e.type !== 'TaskCreated' || !e.caseId || !e.taskId) continue;
      const c = this.cases.get(e.caseId)!;
      c.step = c.step === null ? 0 : c.step + 1;
      this.open.push({ id: e.taskId, caseId: e.caseId, version: 1 });
    }
  }
}

/**
 * Records completions started inside the measured window. Throughput counts those that also
 * ended inside it. Closed loop: latency of those too. Open loop (`late`): latency of every one
 * started in the window, however late it ends — dropping the slow tail would flatter an
 * overloaded server.
 */
class Tally {
  readonly latencies: number[] = [];
  readonly errors: Record<string, number> = {};
  conflicts = 0;
  finished = 0;

  constructor(
    readonly measureFrom: number,
    readonly end: number,
    readonly late = false,
  ) {}

  add(start: number, done: number, status: number, code: string | null) {
    if (start < this.measureFrom) return;
    const inWindow = done <= this.end;
    if (!inWindow && !this.late) return;
    if (status === 200) {
      if (process.env.BENCH_TRACE_SLOW && done - start > Number(process.env.BENCH_TRACE_SLOW)) console.error(`slow ${Math.round(done - start)} ms at +${Math.round(start - this.measureFrom)} ms`);
      this.latencies.push(done - start);
      if (inWindow) this.finished++;
      return;
    }
    const key = `${status} ${code ?? 'unknown'}`;
    this.errors[key] = (this.errors[key] ?? 0) + 1;
    if (code === 'CONFLICT') this.conflicts++;
  }
}

async function completeOne(setup: CompletionSetup, work: ApplicationWork, clientIndex: number): Promise<{ status: number; code: string | null }> {
  const next = work.take()!;
  const pool = setup.sessions.get(next.key)!;
  const who = pool[clientIndex % pool.length]!;
  const res = await setup.http.call<ActionResult & { error?: { code: string } }>(who, 'POST', `/api/v1/tasks/${next.task.id}/complete`, { version: next.task.version, decision: 'approve', opinion: '同意' });
  if (res.status === 200) work.completed(res.body);
  return { status: res.status, code: res.body?.error?.code ?? null };
}

function summary(load: string, clients: number | null, offered: number | null, seconds: number, tally: Tally, used: number, maxInFlight: number, starved: boolean, cpu: CpuSplit | null): CompletionRound {
  const perS = tally.finished / seconds;
  return {
    load,
    clients,
    offeredPerSecond: offered,
    seconds,
    completions: tally.finished,
    perSecond: round(tally.finished / seconds),
    latency: summarize(tally.latencies),
    errors: tally.errors,
    conflicts: tally.conflicts,
    applicationsUsed: used,
    maxInFlight,
    starved,
    cpu,
    cpuMsPerCompletion: cpu && perS ? { server: round(cpu.serverMsPerS / perS, 2), postgres: round(cpu.postgresMsPerS / perS, 2), clients: round(cpu.benchMsPerS / perS, 2) } : null,
  };
}

/** Closed loop: `clients` clients for `warmup` + `seconds`; only the last `seconds` count. */
export async function closedLoopRound(setup: CompletionSetup, clients: number, warmup: number, seconds: number, applications: number): Promise<CompletionRound> {
  const appIds = await cloneApplication(setup.db, setup.template.id, applications);
  let next = 0;
  let starved = false;
  const t0 = performance.now();
  const tally = new Tally(t0 + warmup * 1000, t0 + (warmup + seconds) * 1000);
  const cpu = meterWindow(setup.meter, tally.measureFrom, tally.end);
  await Promise.all(
    Array.from({ length: clients }, async (_, index) => {
      while (performance.now() < tally.end) {
        const appId = appIds[next++];
        if (appId === undefined) {
          starved = true;
          return;
        }
        const work = new ApplicationWork(setup.template, appId);
        while (!work.done && performance.now() < tally.end) {
          const start = performance.now();
          const r = await completeOne(setup, work, index);
          tally.add(start, performance.now(), r.status, r.code);
        }
      }
    }),
  );
  return summary(`${clients} clients`, clients, null, seconds, tally, Math.min(next, appIds.length), clients, starved, await cpu);
}

const MAX_IN_FLIGHT = 256;

/**
 * Open loop: one completion started every 1/rate s (on schedule, however many are in flight),
 * each on an application with no request in flight. Latency counts from the scheduled start, so
 * a late timer or a queue in the server both show.
 */
export async function openLoopRound(setup: CompletionSetup, rate: number, warmup: number, seconds: number, applications: number): Promise<CompletionRound> {
  const appIds = await cloneApplication(setup.db, setup.template.id, applications);
  let next = 0;
  let starved = false;
  const lanes: ApplicationWork[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  const tally = new Tally(t0 + warmup * 1000, t0 + (warmup + seconds) * 1000, true);
  const cpu = meterWindow(setup.meter, tally.measureFrom, tally.end);
  const total = Math.floor(rate * (warmup + seconds));
  for (let i = 0; i < total; i++) {
    const scheduled = t0 + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= MAX_IN_FLIGHT) {
      // A browser gives up too: count it, do not let the backlog grow without bound.
      if (scheduled >= tally.measureFrom) tally.errors[`dropped (${MAX_IN_FLIGHT} in flight)`] = (tally.errors[`dropped (${MAX_IN_FLIGHT} in flight)`] ?? 0) + 1;
      continue;
    }
    let work = lanes.find((w) => !w.busy && !w.done);
    if (!work) {
      const appId = appIds[next++];
      if (appId === undefined) {
        starved = true;
        break;
      }
      work = new ApplicationWork(setup.template, appId);
      lanes.push(work);
    }
    const w = work;
    w.busy = true;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const p = completeOne(setup, w, i).then((r) => {
      tally.add(scheduled, performance.now(), r.status, r.code);
      w.busy = false;
      inFlight--;
      if (w.done) lanes.splice(lanes.indexOf(w), 1);
      pending.delete(p);
    });
    pending.add(p);
  }
  await Promise.all(pending);
  return summary(`${rate}/s offered`, null, rate, seconds, tally, Math.min(next, appIds.length), maxInFlight, starved, await cpu);
}
