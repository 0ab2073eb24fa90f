import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_PDF, TINY_PNG, STAGE3_ANSWERS } from './workflow-support.ts';
import { DEMO_PASSWORD, TEST_CERT_MASTER_KEY } from './constants.ts';

/**
 * Kill -9 the real server while clients complete tasks, start it again on the same data, and
 * check that every acknowledged completion is there, no case is stuck without a task, and the
 * audit chains verify. Runs on embedded PGlite (a data folder) or on PostgreSQL (a fresh
 * database) depending on DATABASE_URL, like the rest of the suite.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-crash-'));
const adminUrl = process.env.DATABASE_URL ?? null;
const dbName = `tb_crash_${randomBytes(5).toString('hex')}`;
let child: ChildProcess | null = null;

function dbUrl(): string | null {
  if (!adminUrl) return null;
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}

async function start(port: number): Promise<ChildProcess> {
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', SEED_DEMO: 'true', SEED_HISTORY: 'false', DEMO_PASSWORD, CLOCK_JOB_INTERVAL_MS: '500' } as NodeJS.ProcessEnv;
  if (adminUrl) {
    env.DATABASE_URL = dbUrl()!;
    // PostgreSQL mode refuses to start without the certificate master key (decision 0013).
    env.CERT_MASTER_KEY = TEST_CERT_MASTER_KEY;
  } else delete env.DATABASE_URL;
  const p = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (p.exitCode !== null) throw new Error(`server exited: ${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.ok) return p;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

interface Client {
  cookie: string;
  csrf: string;
}
async function login(base: string, username: string): Promise<Client> {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (!r.ok) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith('tb_session='))!.split(';')[0]!;
  return { cookie, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}
async function call(base: string, c: Client, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const raw = Buffer.isBuffer(body);
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, ...(body !== undefined && { 'content-type': raw ? 'application/octet-stream' : 'application/json' }), ...headers },
    ...(body !== undefined && { body: raw ? new Uint8Array(body) : JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown> & { items?: unknown[] }) : {} };
}

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (adminUrl) {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  }
});

describe('kill -9 under load', () => {
  it('loses no acknowledged completion and leaves no case stuck', async () => {
    if (adminUrl) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`CREATE DATABASE ${dbName}`);
      await c.end();
    }
    const port = 3900 + Math.floor(Math.random() * 500);
    const base = `http://127.0.0.1:${port}`;
    child = await start(port);
    const applicant = await login(base, 'applicant');
    const clerk = await login(base, 'clerk');
    const processes = (await (await fetch(`${base}/api/v1/public/processes`)).json()) as { items: Array<{ code: string; processId: number }> };
    const processId = processes.items.find((p) => p.code === 'SZ-T3')!.processId;

    // Six accepted applications: 18 open pool tasks in three departments.
    for (let i = 0; i < 6; i++) {
      const project = await call(base, applicant, 'POST', '/api/v1/projects', { code: `2026-320508-47-01-${String(900 + i).padStart(6, '0')}`, name: `压力测试项目${i}`, projectType: 3, investment: 1000, landArea: 5000, floorArea: 9000, location: '苏州' });
      expect(project.status).toBe(201);
      let v = await call(base, applicant, 'POST', '/api/v1/applications', { projectId: project.json.id, processId, stageCode: 3, answers: STAGE3_ANSWERS });
      const view = v.json as { id: number; version: number; form: Record<string, unknown>; formFields: Array<{ key: string; type: string; required: boolean; options?: Array<{ value: string }> }>; requirements: Array<{ id: number; required: boolean; acceptedTypes: string[] }> };
      const values: Record<string, unknown> = {};
      // Fields the platform prefilled (the enterprise's credit code) keep their values: the pre-check checks them.
      for (const f of view.formFields.filter((x) => x.required && view.form[x.key] === undefined)) values[f.key] = f.type === 'number' ? 1 : f.type === 'date' ? '2026-04-01' : f.type === 'boolean' ? true : f.type === 'choice' ? f.options![0]!.value : '测试';
      await call(base, applicant, 'PATCH', `/api/v1/applications/${view.id}/form`, { version: view.version, values });
      for (const r of view.requirements.filter((x) => x.required)) {
        const up = await call(base, applicant, 'POST', `/api/v1/applications/${view.id}/materials?requirementId=${r.id}`, r.acceptedTypes.includes('pdf') ? TINY_PDF : TINY_PNG, { 'x-file-name': 'f' });
        expect(up.status).toBe(201);
      }
      v = await call(base, applicant, 'POST', `/api/v1/applications/${view.id}/submit`, {});
      expect(v.status).toBe(200);
      expect((await call(base, clerk, 'POST', `/api/v1/applications/${view.id}/accept`, {})).status).toBe(200);
    }

    // Reviewers of three departments complete whatever is in their inbox, as fast as they can.
    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (username: string) => {
      const me = await login(base, username);
      while (!stop) {
        const inbox = await call(base, me, 'GET', '/api/v1/tasks?view=all&pageSize=50').catch(() => null);
        const items = (inbox?.json.items ?? []) as Array<{ id: string; version: number }>;
        if (!items.length) return;
        for (const task of items) {
          if (stop) return;
          const r = await call(base, me, 'POST', `/api/v1/tasks/${task.id}/complete`, { version: task.version, decision: 'approve', opinion: '同意' }).catch(() => null);
          if (r?.status === 200) acknowledged.push(task.id);
        }
      }
    };
    const workers = ['reviewer', 'reviewer2', 'reviewer.rfb', 'reviewer.cgj'].map(worker);
    // Kill once the load is really flowing (a loaded machine may need a while to sign everyone in).
    const deadline = Date.now() + 90_000;
    while (acknowledged.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    stop = true;
    await Promise.allSettled(workers);
    await new Promise((r) => child!.exitCode !== null || child!.signalCode !== null ? r(null) : child!.once('exit', r));
    expect(acknowledged.length).toBeGreaterThan(0);

    child = await start(port);
    const admin = await login(base, 'admin');
    const apps = (await call(base, admin, 'GET', '/api/v1/applications?pageSize=50')).json.items as Array<{ id: number }>;
    expect(apps).toHaveLength(6);
    const done = new Set<string>();
    for (const a of apps) {
      const v = (await call(base, admin, 'GET', `/api/v1/applications/${a.id}`)).json as { cases: Array<{ status: string; stepKey: string | null; tasks: Array<{ id: string; status: string; stepKey: string }> }> };
      for (const c of v.cases) {
        c.tasks.filter((x) => x.status === 'done').forEach((x) => done.add(x.id));
        const open = c.tasks.filter((x) => x.status === 'open');
        if (c.status === 'handling') {
          expect(open.length).toBeGreaterThan(0);
          expect(open.every((x) => x.stepKey === c.stepKey)).toBe(true);
        } else if (c.status === 'waiting' || c.status === 'approved') expect(open).toHaveLength(0);
      }
    }
    for (const id of acknowledged) expect(done.has(id), `acknowledged task ${id} lost`).toBe(true);
    const audit = await call(base, admin, 'GET', '/api/v1/audit/verify');
    expect(audit.json.ok).toBe(true);
    // Work goes on after the restart.
    const reviewer = await login(base, 'reviewer.cgj');
    const next = ((await call(base, reviewer, 'GET', '/api/v1/tasks')).json.items ?? []) as Array<{ id: string; version: number }>;
    if (next.length) expect((await call(base, reviewer, 'POST', `/api/v1/tasks/${next[0]!.id}/complete`, { version: next[0]!.version, decision: 'approve', opinion: '重启后继续' })).status).toBe(200);
    child.kill('SIGTERM');
  }, 300_000);
});
