import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Kysely } from 'kysely';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_catalog.ts';
import * as m0003 from './migrations/0003_applications.ts';
import * as m0004 from './migrations/0004_inbox_indexes.ts';
import * as m0005 from './migrations/0005_materials_certificates.ts';
import * as m0006 from './migrations/0006_inbox_search_and_levels.ts';

/**
 * The migrations, listed explicitly (not read from the folder) so they run the same from tsx,
 * from tests and from a bundled build. Append new ones; never edit a landed one.
 */
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_catalog': m0002,
  '0003_applications': m0003,
  '0004_inbox_indexes': m0004,
  '0005_materials_certificates': m0005,
  '0006_inbox_search_and_levels': m0006,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest version; throws if any migration fails. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> { // eslint-disable-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
