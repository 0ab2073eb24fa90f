/**
 * Part 2: the inbox (GET /api/v1/tasks, what every reviewer and approver opens first) with one
 * million cases loaded (generate.ts). Requests go over HTTP to the real server, one at a time per
 * variant (pure latency), for people of different departments and the variants the web offers;
 * then a short mixed run with several clients. The statements the server runs for the main
 * variants are captured from the server code itself (TasksService.inbox on an instrumented pool)
 * and run again under EXPLAIN (ANALYZE, BUFFERS).
 */
import type { TaskQuery } from '@tongban/contracts';
import pg from 'pg';
import { loadConfig } from '../../apps/server/src/config.ts';
import { systemClock } from '../../apps/server/src/lib/clock.ts';
import type { Actor } from '../../apps/server/src/modules/accounts/actor.ts';
import { createServices } from '../../apps/server/src/services.ts';
import { round, summarize, type LatencySummary } from '../support.ts';
import { generateWorld, type GeneratedWorld } from './generate.ts';
import { acceptedApplicationOverHttp, type Http, type Session } from './http.ts';
import { instrumentedDatabase } from './instrumented-db.ts';

export interface InboxVariant {
  label: string;
  username: string;
  query: string;
  latency: LatencySummary;
  /** `total` of the response: how many tasks the filter matches. */
  total: number;
}

export interface InboxPlan {
  label: string;
  statement: string;
  parameters: unknown[];
  plan: string;
  executionMs: number;
}

export interface InboxReport {
  world: GeneratedWorld;
  variants: InboxVariant[];
  mixed: { clients: number; seconds: number; perSecond: number; latency: LatencySummary };
  plans: InboxPlan[];
}

/** Who and what: people of several departments with the default inbox, then the variants. */
export const VARIANTS = (sampleNumber: string, sampleProject: string): Array<{ label: string; username: string; query: string }> => [
  { label: '住建 reviewer, default', username: 'reviewer', query: '' },
  { label: '住建 reviewer2, default', username: 'reviewer2', query: '' },
  { label: '住建 approver, default', username: 'approver', query: '' },
  { label: '规划 reviewer, default', username: 'reviewer.zrzy', query: '' },
  { label: '发改 reviewer, default', username: 'reviewer.fgw', query: '' },
  { label: '档案 approver, default', username: 'approver.dag', query: '' },
  { label: '住建 reviewer, view=mine', username: 'reviewer', query: 'view=mine' },
  { label: '住建 reviewer, view=pool', username: 'reviewer', query: 'view=pool' },
  { label: '住建 reviewer, level=red', username: 'reviewer', query: 'level=red' },
  { label: '住建 reviewer, level=yellow', username: 'reviewer', query: 'level=yellow' },
  { label: '住建 reviewer, q=科技园', username: 'reviewer', query: `q=${encodeURIComponent('科技园')}` },
  { label: '住建 reviewer, q=<application number>', username: 'reviewer', query: `q=${sampleNumber}` },
  { label: '住建 reviewer, q=<project name>', username: 'reviewer', query: `q=${encodeURIComponent(sampleProject)}` },
  { label: '住建 reviewer, page 20', username: 'reviewer', query: 'page=20' },
  // The web's 已办 (done) list: newest first.
  { label: '住建 approver, done (sort=created desc)', username: 'approver', query: 'status=done&sort=created&order=desc' },
  { label: '住建 approver, done, q=科技园', username: 'approver', query: `status=done&sort=created&order=desc&q=${encodeURIComponent('科技园')}` },
];

/** Variants whose SQL is captured and explained. */
const EXPLAINED: Array<{ label: string; username: string; query: TaskQuery }> = [
  { label: 'default (住建 reviewer)', username: 'reviewer', query: {} },
  { label: 'level=red (住建 reviewer)', username: 'reviewer', query: { level: 'red' } },
  { label: 'q=科技园 (住建 reviewer)', username: 'reviewer', query: { q: '科技园' } },
  { label: 'done, newest first (住建 approver)', username: 'approver', query: { status: 'done', sort: 'created', order: 'desc' } },
  { label: 'done, q=科技园 (住建 approver)', username: 'approver', query: { status: 'done', sort: 'created', order: 'desc', q: '科技园' } },
];

const MAX_SECONDS_PER_VARIANT = 20;

export async function measure(http: Http, s: Session, path: string, requests: number): Promise<{ latency: LatencySummary; total: number }> {
  let total = 0;
  for (let i = 0; i < 3; i++) total = (await http.ok<{ total: number }>(s, 'GET', path)).total;
  const latencies: number[] = [];
  const until = performance.now() + MAX_SECONDS_PER_VARIANT * 1000;
  for (let i = 0; i < requests && performance.now() < until; i++) {
    const t0 = performance.now();
    const r = await http.call<{ total: number }>(s, 'GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    latencies.push(performance.now() - t0);
  }
  return { latency: summarize(latencies), total };
}

export async function explainInbox(dbUrl: string): Promise<InboxPlan[]> {
  let captured: Array<{ text: string; values: unknown[] }> = [];
  const database = instrumentedDatabase(dbUrl, 2, { onQuery: (text, values) => captured.push({ text, values: values ?? [] }) });
  const services = createServices(database, loadConfig({ DATABASE_URL: dbUrl }), systemClock);
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const plans: InboxPlan[] = [];
  try {
    for (const e of EXPLAINED) {
      const u = (await c.query<{ id: number; display_name: string; role: Actor['role']; department_id: number }>(`SELECT id, display_name, role, department_id FROM app_user WHERE username = $1`, [e.username])).rows[0]!;
      const actor: Actor = { userId: u.id, username: e.username, displayName: u.display_name, role: u.role, enterpriseId: null, departmentId: u.department_id, regionCode: null, via: 'session', keyScopes: null, sessionId: null };
      await services.tasks.inbox(actor, e.query); // warms the caches (calendar, procedures)
      captured = [];
      await services.tasks.inbox(actor, e.query);
      for (const q of captured.filter((x) => /from "task" as "t"/.test(x.text))) {
        const out = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values);
        const plan = out.rows.map((r) => r['QUERY PLAN']).join('\n');
        plans.push({ label: `${e.label}: ${/count\(\*\)/.test(q.text) ? 'count' : 'page'}`, statement: q.text, parameters: q.values, plan, executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN) });
      }
    }
  } finally {
    await c.end();
    await database.close();
  }
  return plans;
}

export async function runInbox(http: Http, dbUrl: string, password: string, opts: { cases: number; requests: number; mixedSeconds: number; log: (o: unknown) => void }): Promise<InboxReport> {
  const applicant = await http.login('applicant', password);
  const clerk = await http.login('clerk', password);
  const template = await acceptedApplicationOverHttp(http, applicant, clerk, '2026-320508-47-01-000001');
  const world = await generateWorld(dbUrl, template.id, opts.cases);
  opts.log({ phase: 'inbox.generate', world });

  const sessions = new Map<string, Session>();
  const variants: InboxVariant[] = [];
  for (const v of VARIANTS(world.sampleNumber, world.sampleProjectName)) {
    if (!sessions.has(v.username)) sessions.set(v.username, await http.login(v.username, password));
    const path = `/api/v1/tasks${v.query ? `?${v.query}` : ''}`;
    const r = await measure(http, sessions.get(v.username)!, path, opts.requests);
    const row = { ...v, ...r };
    opts.log({ inbox: row });
    variants.push(row);
  }

  // Mixed: several people refreshing their inboxes at once.
  const people = [...sessions.values()];
  const latencies: number[] = [];
  const clients = 8;
  const until = performance.now() + opts.mixedSeconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const s = people[i % people.length]!;
      while (performance.now() < until) {
        const t0 = performance.now();
        await http.ok(s, 'GET', '/api/v1/tasks');
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const mixed = { clients, seconds: opts.mixedSeconds, perSecond: round(latencies.length / opts.mixedSeconds), latency: summarize(latencies) };
  opts.log({ inboxMixed: mixed });

  const plans = await explainInbox(dbUrl);
  for (const p of plans) opts.log({ explain: { label: p.label, executionMs: p.executionMs } });
  return { world, variants, mixed, plans };
}
