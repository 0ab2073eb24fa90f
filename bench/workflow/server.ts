import { randomBytes } from 'node:crypto';
/**
 * The real server (apps/server/src/main.ts) as a child process on a fresh PostgreSQL database:
 * it migrates and seeds the demo world itself (SEED_DEMO with a random DEMO_PASSWORD), listens on
 * a free port and runs its jobs, exactly as `npm start` would on PostgreSQL. Its own process, so
 * the benchmark's clients do not share its event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** BENCH_SERVER_ROOT: run the server of another checkout (a git worktree of the base commit) for an A/B comparison. */
const serverRoot = path.resolve(process.env.BENCH_SERVER_ROOT || path.join(import.meta.dirname, '../..'));

export interface RunningServer {
  baseUrl: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  databaseUrl: string;
  demoPassword: string;
  /** pino level of the server (request logs are at info). */
  logLevel: string;
  env?: Record<string, string>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-bench-server-'));
  const logFile = path.join(dataDir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: serverRoot,
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      SEED_DEMO: 'true',
      // The simulated demo history is for people looking at the demo; the benchmark makes its own data.
      SEED_HISTORY: 'false',
      // PostgreSQL mode needs a certificate master key; a throwaway one for this run.
      CERT_MASTER_KEY: randomBytes(32).toString('hex'),
      // Certificates are issued by a background job (decision 0013), not on the completion path:
      // off here, so it does not render the bench's many concluded cases in the measured rounds.
      // Its throughput is measured on its own (docs/performance.md).
      CERT_JOB_INTERVAL_MS: '0',
      DEMO_PASSWORD: opts.demoPassword,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      FILES_DIR: path.join(dataDir, 'files'),
      LOG_LEVEL: opts.logLevel,
      NODE_ENV: 'production',
      ...opts.env,
    },
    stdio: ['ignore', log, log],
  });
  const state: { exited: number | null } = { exited: null };
  child.on('exit', (code) => (state.exited = code ?? -1));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (state.exited !== null) throw new Error(`server exited with ${state.exited} while starting:\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in 120 s:\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    pid: child.pid!,
    logFile,
    async stop() {
      if (state.exited === null) {
        const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await done;
        clearTimeout(timer);
      }
      fs.closeSync(log);
      if (!process.env.BENCH_KEEP_LOGS) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
