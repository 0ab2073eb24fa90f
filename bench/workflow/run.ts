/**
 * Workflow benchmark on PostgreSQL, against the real server over HTTP:
 *  1. task completions/s and latency with N concurrent clients (closed loop) and at fixed
 *     offered rates (open loop), plus a statement-level profile of one closed-loop round;
 *  2. pgbench TPC-B on the same server in the same run (the yardstick);
 *  3. inbox latency (GET /api/v1/tasks) with 1 million cases loaded (BENCH_CASES).
 * Prints JSON lines and a markdown table, and rewrites the generated block of the
 * "Workflow: task completions over HTTP" section of docs/performance.md (BENCH_WRITE_DOC=0 to skip).
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:workflow
 * (TCP), or over PostgreSQL's Unix socket as a one-machine deployment would connect, pgbench
 * included: DATABASE_URL='postgres://postgres@localhost:5432/postgres?host=/var/run/postgresql'
 * Knobs: BENCH_SECONDS (20), BENCH_WARMUP (3), BENCH_CLIENTS (8,16,32: closed loop),
 * BENCH_RATES (100,150,200: open loop, completions offered per second), BENCH_CASES (1000000),
 * BENCH_INBOX_REQUESTS (200), BENCH_PARTS (completions,profile,pgbench,inbox), BENCH_LOG_LEVEL (warn), BENCH_KEEP_DB (1: keep),
 * BENCH_TRACE_SLOW (ms: print each completion slower than this with its time in the round).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { CpuMeter, createBenchDatabase, machineFacts, pgbenchTpcb, round, type BenchDatabase } from '../support.ts';
import { closedLoopRound, openLoopRound, prepareCompletions, type CompletionRound } from './completions.ts';
import { Http } from './http.ts';
import { profileCompletions, type CompletionProfile } from './profile.ts';
import { runInbox, type InboxReport } from './inbox.ts';
import { writeReport } from './report.ts';
import { startServer, type RunningServer } from './server.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 20);
const WARMUP = Number(process.env.BENCH_WARMUP || 3);
const list = (v: string) => v.split(',').filter(Boolean).map(Number);
const CLIENTS = list(process.env.BENCH_CLIENTS ?? '8,16,32');
const RATES = list(process.env.BENCH_RATES ?? '100,150,200');
const CASES = Number(process.env.BENCH_CASES || 1_000_000);
const INBOX_REQUESTS = Number(process.env.BENCH_INBOX_REQUESTS || 200);
const PARTS = new Set((process.env.BENCH_PARTS || 'completions,profile,pgbench,inbox').split(','));
const PROFILE_CLIENTS = 16;
const PROFILE_SECONDS = 8;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';
/** Keep the databases for a look afterwards (drop them by hand: `DROP DATABASE tb_bench_…`). */
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
/** Enough applications that no client runs dry (12 completions each). */
const APPS_PER_ROUND = Number(process.env.BENCH_APPS_PER_ROUND || 1500);

const log = (o: unknown) => console.log(JSON.stringify(o));
const elapsed = (t0: number) => `${round((performance.now() - t0) / 1000)} s`;

async function withServer<T>(fn: (server: RunningServer, db: BenchDatabase, password: string) => Promise<T>): Promise<T> {
  const db = await createBenchDatabase();
  const password = `Bench-${randomBytes(9).toString('base64url')}`;
  let server: RunningServer | null = null;
  try {
    server = await startServer({ databaseUrl: db.url, demoPassword: password, logLevel: LOG_LEVEL });
    return await fn(server, db, password);
  } finally {
    await server?.stop();
    if (KEEP_DB) log({ kept: db.url });
    else await db.drop();
  }
}

async function main() {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const facts = await machineFacts(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  log({ machine: facts, loadBefore });
  let completions: CompletionRound[] = [];
  let profile: CompletionProfile | null = null;
  if (PARTS.has('completions')) {
    completions = await withServer(async (server, db, password) => {
      const t0 = performance.now();
      const meter = await CpuMeter.begin(db.url, db.name, server.pid);
      const setup = await prepareCompletions(new Http(server.baseUrl), db.url, password, meter);
      log({ phase: 'completions.setup', took: elapsed(t0), template: setup.template.id, cases: setup.template.cases.map((c) => c.matterCode) });
      const rounds: CompletionRound[] = [];
      try {
        const runs = [...CLIENTS.map((n) => () => closedLoopRound(setup, n, WARMUP, SECONDS, APPS_PER_ROUND)), ...RATES.map((rate) => () => openLoopRound(setup, rate, WARMUP, SECONDS, APPS_PER_ROUND))];
        for (const run of runs) {
          const r = await run();
          log({ completions: r });
          if (r.starved) console.error('warning: the applications ran out before the time; raise BENCH_APPS_PER_ROUND');
          rounds.push(r);
        }
        if (PARTS.has('profile')) {
          profile = await profileCompletions(setup, db.url, PROFILE_CLIENTS, PROFILE_SECONDS, APPS_PER_ROUND);
          log({ profile: { ...profile, statements: profile.statements.slice(0, 40) } });
        }
      } finally {
        await setup.db.end();
        await meter.end();
      }
      return rounds;
    });
  }
  const tpcb = PARTS.has('pgbench') ? await pgbenchTpcb({ scale: 10, clients: 16, threads: 2, seconds: SECONDS }) : null;
  log({ pgbench: tpcb });
  let inbox: InboxReport | null = null;
  if (PARTS.has('inbox')) {
    inbox = await withServer((server, db, password) => runInbox(new Http(server.baseUrl), db.url, password, { cases: CASES, requests: INBOX_REQUESTS, mixedSeconds: 10, log }));
  }
  const took = elapsed(started);
  log({ took });
  await writeReport({ facts, completions, profile, tpcb, inbox, seconds: SECONDS, warmup: WARMUP, logLevel: LOG_LEVEL, took, loadBefore, write: process.env.BENCH_WRITE_DOC !== '0' });
}

await main();
