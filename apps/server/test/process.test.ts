import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { DEMO_PASSWORD, freshDatabase } from './helpers.ts';
import { TEST_CERT_MASTER_KEY } from './constants.ts';

/**
 * The real server as `npm start` runs it, over real HTTP: start, use, stop, restart, and the
 * `audit:verify` command on the data it left.
 */
const serverDir = path.resolve(import.meta.dirname, '..');
const tsx = path.resolve(serverDir, '../../node_modules/.bin/tsx');
const PASSWORD = DEMO_PASSWORD;
let dataDir: string;
let databaseUrl: string | null = null;
let closeDb: (() => Promise<void>) | null = null;
let port: number;
let child: ChildProcess | null = null;

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });

function env(): NodeJS.ProcessEnv {
  // The simulated demo history has its own test (history.test.ts) and would add a minute here.
  const e: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'true', SEED_HISTORY: 'false', DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' };
  // PostgreSQL mode needs the certificate master key from the environment (embedded mode makes one in DATA_DIR).
  if (databaseUrl) Object.assign(e, { DATABASE_URL: databaseUrl, CERT_MASTER_KEY: TEST_CERT_MASTER_KEY });
  else delete e.DATABASE_URL;
  return e;
}

async function start(): Promise<string> {
  child = spawn(tsx, ['src/main.ts'], { cwd: serverDir, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  for (let i = 0; i < 240; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return out;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not start: ${out}`);
}

async function stop() {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-proc-'));
  port = await freePort();
  if (process.env.DATABASE_URL) {
    const db = await freshDatabase();
    databaseUrl = db.url;
    await db.db.destroy();
    closeDb = () => db.close();
  }
});
afterAll(async () => {
  await stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  await closeDb?.().catch(() => undefined);
});

async function loginHttp(username: string) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

describe('the server process', () => {
  it('starts, prints its URL, serves health and keeps data across a restart', async () => {
    const out = await start();
    expect(out).toContain(`http://localhost:${port}`);
    const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { database: string };
    expect(health.database).toBe(databaseUrl ? 'postgresql' : 'pglite');
    // Demo passwords are printed in embedded mode only.
    expect(out.includes(PASSWORD)).toBe(!databaseUrl);

    const s = await loginHttp('admin');
    const created = await fetch(`http://127.0.0.1:${port}/api/v1/regions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
      body: JSON.stringify({ code: '320507', name: '相城区', parentCode: '320500' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBeTruthy();
    expect(created.headers.get('x-content-type-options')).toBe('nosniff');
    expect(created.headers.get('content-security-policy')).toContain("default-src 'self'");

    await stop();
    await start();
    const again = await loginHttp('admin');
    const regions = (await (await fetch(`http://127.0.0.1:${port}/api/v1/regions`, { headers: { cookie: again.cookie } })).json()) as { items: Array<{ code: string }> };
    expect(regions.items.map((r) => r.code)).toContain('320507');
    // The seed is idempotent: a second start created no duplicate accounts.
    const users = (await (await fetch(`http://127.0.0.1:${port}/api/v1/users?q=admin`, { headers: { cookie: again.cookie } })).json()) as { total: number };
    expect(users.total).toBe(1);
    await stop();
  });

  it('npm run audit:verify reports ok, then names the event edited behind its back', () => {
    const run = () => spawnSync(tsx, ['src/cli/audit-verify.ts'], { cwd: serverDir, env: env(), encoding: 'utf8' });
    const ok = run();
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, firstBrokenId: null });
    return (async () => {
      const database = await openDatabase({ databaseUrl, dataDir });
      const ev = await database.db.selectFrom('audit_event').select('id').where('action', '=', 'region.create').where('target_id', '=', '320507').executeTakeFirstOrThrow();
      await sql`UPDATE audit_event SET actor_name = 'someone-else' WHERE id = ${ev.id}`.execute(database.db);
      await database.close();
      const broken = run();
      expect(broken.status).toBe(1);
      expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBrokenId: ev.id });
    })();
  });
});
