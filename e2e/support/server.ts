import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The real server as `npm start` runs it (apps/server, `tsx src/main.ts`), on a free port with a
 * fresh data folder and the demo world seeded.
 *
 * This suite always runs on embedded PGlite: DATABASE_URL is removed from the child's environment
 * even when the caller has one set (the PostgreSQL path is covered by `npm run test:pg`).
 * It builds nothing: `npm run test:e2e` runs scripts/ensure-web-built.mjs first, and the server
 * serves apps/web/dist.
 */
export interface TestServer {
  /** e.g. http://127.0.0.1:43117 (no trailing slash). */
  baseUrl: string;
  /** Password of every demo account. */
  password: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  /** SIGTERM, wait for the exit, remove the data folder. */
  stop(): Promise<void>;
}

const repoRoot = path.resolve(import.meta.dirname, '../..');
const serverDir = path.join(repoRoot, 'apps/server');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');

/** Not the embedded default (Tongban@2026), so the tests prove DEMO_PASSWORD is honoured. */
export const E2E_PASSWORD = 'E2e-Browser-2026';

const STARTUP_TIMEOUT_MS = 150_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** `env` adds to the server's environment, e.g. `{ CLOCK_WARN_DAYS: '5' }` for clocks that warn at once. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<TestServer> {
  if (!fs.existsSync(path.join(repoRoot, 'apps/web/dist/index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run test:e2e` (or `node scripts/ensure-web-built.mjs`) first');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-e2e-data-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    // Browser tests build their own data; the simulated 18-month history would only slow every start.
    SEED_HISTORY: 'false',
    DEMO_PASSWORD: E2E_PASSWORD,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  delete env.DATABASE_URL; // always embedded PGlite, see above
  const child = spawn(tsx, ['src/main.ts'], { cwd: serverDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));

  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = waitForExit(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`server exited during startup (code ${child.exitCode}, signal ${child.signalCode}):\n${out}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) return { baseUrl, password: E2E_PASSWORD, output: () => out, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`server did not answer /api/health within ${STARTUP_TIMEOUT_MS / 1000}s:\n${out}`);
}
