import { loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { systemClock } from './lib/clock.ts';
import { createServices, type Services } from './services.ts';

/** Opens and migrates the configured database and wires the services (server and CLI tools). */
export async function boot(config: Config = loadConfig()): Promise<Services> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize });
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  return createServices(database, config, systemClock);
}
