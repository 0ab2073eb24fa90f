/**
 * What the benchmarks share: a fresh PostgreSQL database per run (dropped at the end), latency
 * percentiles, and pgbench TPC-B measured on the same server in the same run, so results can be
 * compared as a ratio to it (the VM's speed drifts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';

export const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The p-th percentile of an ascending array (nearest rank), 0 when empty. */
export function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(latencies: number[]): LatencySummary {
  const s = [...latencies].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0;
  return { n: s.length, p50: round(pct(s, 50)), p95: round(pct(s, 95)), p99: round(pct(s, 99)), max: round(s[s.length - 1] ?? 0), mean: round(mean) };
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new, empty database `tb_bench_<random>` on the server of DATABASE_URL. */
export async function createBenchDatabase(prefix = 'tb_bench'): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

export interface PgbenchOptions {
  scale: number;
  clients: number;
  threads: number;
  seconds: number;
}

/**
 * pgbench TPC-B on its own fresh database (initialised at `scale`, dropped afterwards); null when
 * pgbench is not installed.
 */
export async function pgbenchTpcb(opts: PgbenchOptions): Promise<{ tps: number; latencyMs: number | null; options: PgbenchOptions } | null> {
  const db = await createBenchDatabase('tb_bench_pgbench');
  try {
    const url = new URL(adminUrl);
    const env = { ...process.env, PGHOST: url.searchParams.get('host') ?? url.hostname, PGPORT: url.port || '5432', PGUSER: decodeURIComponent(url.username) || 'postgres', ...(url.password && { PGPASSWORD: decodeURIComponent(url.password) }) };
    execFileSync('pgbench', ['-i', '-q', '-s', String(opts.scale), db.name], { env, stdio: 'ignore' });
    const out = execFileSync('pgbench', ['-c', String(opts.clients), '-j', String(opts.threads), '-T', String(opts.seconds), db.name], { env, encoding: 'utf8' });
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
    const latency = /latency average = ([\d.]+) ms/.exec(out)?.[1];
    return { tps: Math.round(tps), latencyMs: latency ? Number(latency) : null, options: opts };
  } catch (err) {
    console.error('pgbench unavailable or failed:', (err as Error).message);
    return null;
  } finally {
    await db.drop();
  }
}

/** Facts about the machine and the database server, for the report. */
export async function machineFacts(dbUrl: string) {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const setting = async (name: string) => (await c.query<{ v: string }>(`SELECT current_setting($1) AS v`, [name])).rows[0]!.v;
    const version = await setting('server_version');
    // inet_server_addr() is null on a Unix-socket connection.
    const addr = (await c.query<{ a: string | null }>('SELECT host(inet_server_addr()) AS a')).rows[0]!.a;
    return {
      transport: addr === null ? 'over its Unix socket' : `over TCP to ${addr}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: version,
      sharedBuffers: await setting('shared_buffers'),
      workMem: await setting('work_mem'),
      synchronousCommit: await setting('synchronous_commit'),
    };
  } finally {
    await c.end();
  }
}

// ------------------------------------------------------------------------------ CPU accounting

const TICK_MS = 10; // CLK_TCK = 100 on Linux

function machineTicks(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

function processTicks(pid: number): number {
  try {
    // Fields after the command (which may contain spaces): state is field 3, utime 14, stime 15.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

export interface CpuSplit {
  /** Busy share of all cores during the interval, in % of the machine. */
  machineBusyPct: number;
  /** CPU milliseconds per second of wall time, by consumer (1000 = one core). */
  serverMsPerS: number;
  postgresMsPerS: number;
  benchMsPerS: number;
  /** Everything else on the machine: other people's work, the kernel's own threads. */
  otherMsPerS: number;
}

/**
 * What used the CPU during an interval: the server process, the PostgreSQL processes serving the
 * benchmark database (its backends plus the server's shared background processes), this process
 * (the clients), and everything else. Linux only (reads /proc); zeros elsewhere.
 */
export class CpuMeter {
  private constructor(
    private readonly pg: pg.Client,
    private readonly database: string,
    private readonly serverPid: number,
    private start: { at: number; machine: { busy: number; total: number }; server: number; postgres: Map<number, number>; bench: NodeJS.CpuUsage },
  ) {}

  private static async postgresPids(c: pg.Client, database: string): Promise<number[]> {
    const r = await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 OR backend_type <> 'client backend'`, [database]);
    return r.rows.map((x) => x.pid);
  }

  private static async snapshot(c: pg.Client, database: string, serverPid: number) {
    const pids = await CpuMeter.postgresPids(c, database);
    return { at: performance.now(), machine: machineTicks(), server: processTicks(serverPid), postgres: new Map(pids.map((p) => [p, processTicks(p)])), bench: process.cpuUsage() };
  }

  static async begin(dbUrl: string, database: string, serverPid: number): Promise<CpuMeter> {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    return new CpuMeter(c, database, serverPid, await CpuMeter.snapshot(c, database, serverPid));
  }

  /** The split since the last call (or begin), and a new interval starts. */
  async lap(): Promise<CpuSplit> {
    const now = await CpuMeter.snapshot(this.pg, this.database, this.serverPid);
    const s = this.start;
    const seconds = (now.at - s.at) / 1000;
    let postgresTicks = 0;
    for (const [pid, ticks] of now.postgres) postgresTicks += ticks - (s.postgres.get(pid) ?? 0);
    const bench = process.cpuUsage(s.bench);
    const machineBusyMs = (now.machine.busy - s.machine.busy) * TICK_MS;
    const serverMs = (now.server - s.server) * TICK_MS;
    const postgresMs = postgresTicks * TICK_MS;
    const benchMs = (bench.user + bench.system) / 1000;
    this.start = now;
    const per = (ms: number) => Math.round(ms / seconds);
    return {
      machineBusyPct: Math.round((100 * (now.machine.busy - s.machine.busy)) / Math.max(1, now.machine.total - s.machine.total)),
      serverMsPerS: per(serverMs),
      postgresMsPerS: per(postgresMs),
      benchMsPerS: per(benchMs),
      otherMsPerS: per(Math.max(0, machineBusyMs - serverMs - postgresMs - benchMs)),
    };
  }

  async end(): Promise<void> {
    await this.pg.end();
  }
}
