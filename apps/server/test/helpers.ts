import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { seedCatalog } from '../src/db/seed/catalog.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { createServices, type Services } from '../src/services.ts';

import { DEMO_PASSWORD, TEST_CERT_MASTER_KEY, TEST_EPOCH } from './constants.ts';

export { DEMO_PASSWORD };

/**
 * A fresh database with the schema migrated and the demo world seeded, for one test: in-memory
 * PGlite by default, or a new PostgreSQL database (dropped afterwards) when DATABASE_URL is set,
 * so the same suite runs on both. Both start from the template built by global-setup.ts.
 */
export async function freshDatabase(): Promise<Database & { url: string | null }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const template = process.env.TB_TEST_PGLITE_TEMPLATE;
    const loadDataDir = template ? new Blob([fs.readFileSync(template)]) : undefined;
    const database = await openDatabase({ databaseUrl: null, dataDir: null, loadDataDir });
    await migrateToLatest(database.db);
    if (!template) await seedAll(database);
    return { ...database, url: null };
  }
  const name = `tb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const template = process.env.TB_TEST_PG_TEMPLATE;
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, poolSize: 20 });
  await migrateToLatest(database.db);
  if (!template) await seedAll(database);
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Migrates nothing: seeds the demo accounts and catalog into an already migrated database. */
export async function seedAll(database: Database) {
  const services = createServices(database, loadConfig({}), new ManualClock(TEST_EPOCH));
  await seedDemo(database.db, services.audit, DEMO_PASSWORD);
  await seedCatalog(services);
}

export interface TestContext {
  app: FastifyInstance;
  services: Services;
  clock: ManualClock;
  config: Config;
  database: Database & { url: string | null };
  close(): Promise<void>;
}

/** A real app on a real database with the demo world loaded and a hand-driven clock. */
export async function createTestApp(overrides: Partial<Config> = {}, parts: Parameters<typeof createServices>[3] = {}): Promise<TestContext> {
  const database = await freshDatabase();
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-files-'));
  const config = { ...loadConfig({}), databaseUrl: database.url, filesDir, certMasterKey: TEST_CERT_MASTER_KEY, ...overrides };
  const clock = new ManualClock(TEST_EPOCH);
  const services = createServices(database, config, clock, parts);
  const app = await buildApp(services, { logger: false, web: false });
  await app.ready();
  return {
    app,
    services,
    clock,
    config,
    database,
    async close() {
      await app.close();
      await database.close();
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
  userId: number;
}

export async function login(app: FastifyInstance, username: string, password = DEMO_PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const session = res.cookies.find((c) => c.name === 'tb_session')!;
  const body = res.json();
  return { cookie: `tb_session=${session.value}`, csrf: body.csrfToken, userId: body.user.id };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** An inject call as a signed-in browser would make it (cookie + CSRF header). */
export function as(app: FastifyInstance, s: Session | null) {
  return (method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url,
      ...(payload !== undefined && { payload: payload as InjectOptions['payload'] }),
      headers: { ...(s && { cookie: s.cookie, 'x-csrf-token': s.csrf }), ...headers },
    });
}

/** Asserts the error envelope shape and returns its code. */
export function errorCode(res: LightMyRequestResponse): string {
  const body = res.json();
  if (!body?.error?.code || !body.error.messages?.['zh-CN'] || !body.error.messages?.['en-US'] || !body.error.requestId) {
    throw new Error(`not an error envelope: ${res.statusCode} ${res.body}`);
  }
  return body.error.code;
}
