import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { seedCatalog } from '../src/db/seed/catalog.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { createServices } from '../src/services.ts';
import { DEMO_PASSWORD, TEST_EPOCH } from './constants.ts';

/**
 * Builds one migrated, demo-seeded template per run; every test file starts from a copy of it
 * (PGlite: a data-dir dump; PostgreSQL: CREATE DATABASE … TEMPLATE). Same schema and data as a
 * fresh migrate + seed, in a fraction of the time.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const database = await openDatabase({ databaseUrl: null, dataDir: null });
    await prepare(database);
    const dump = await database.pglite!.dumpDataDir('none');
    await database.close();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-test-')), 'template.tar');
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    process.env.TB_TEST_PGLITE_TEMPLATE = file;
    return async () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  const name = `tb_tpl_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null });
  await prepare(database);
  await database.close();
  process.env.TB_TEST_PG_TEMPLATE = name;
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}

async function prepare(database: Awaited<ReturnType<typeof openDatabase>>) {
  await migrateToLatest(database.db);
  const services = createServices(database, loadConfig({}), new ManualClock(TEST_EPOCH));
  await seedDemo(database.db, services.audit, DEMO_PASSWORD);
  await seedCatalog(services);
}
