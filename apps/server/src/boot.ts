import { loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { systemClock } from './lib/clock.ts';
import { createServices, type Services } from './services.ts';
import { resolveMasterKey } from './modules/certificates/master-key.ts';

/**
 * Opens and migrates the configured database and wires the services (server and CLI tools).
 * The certificate master key is resolved first (embedded: `<dataDir>/cert-master.key`, created
 * once; PostgreSQL: CERT_MASTER_KEY or a clear error) unless `signing` is false (read-only tools).
 */
export async function boot(config: Config = loadConfig(), opts: { signing?: boolean } = {}): Promise<Services> {
  if (opts.signing !== false) config = resolveMasterKey(config);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize });
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  return createServices(database, config, systemClock);
}
