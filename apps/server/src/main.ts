import { buildApp } from './app.ts';
import { boot } from './boot.ts';
import { loadConfig } from './config.ts';
import { DEMO_ACCOUNTS, seedDemo } from './db/seed/demo.ts';
import { seedCatalog } from './db/seed/catalog.ts';
import { historyProjectsFromEnv, seedHistory } from './db/seed/history.ts';
import { startJobs } from './jobs.ts';

const config = loadConfig();
const services = await boot(config);
const embedded = services.database.kind === 'pglite';

if (config.seedDemo) {
  if (!config.demoPassword) {
    console.error('SEED_DEMO on PostgreSQL needs DEMO_PASSWORD: no well-known password is ever put on a server.');
    process.exit(1);
  }
  await seedDemo(services.database.db, services.audit, config.demoPassword);
  await seedCatalog(services);
  const historyProjects = embedded ? historyProjectsFromEnv() : null;
  if (historyProjects) {
    // First start only (it does nothing once applications exist); SEED_HISTORY=false skips it.
    const started = Date.now();
    try {
      const h = await seedHistory(services.database, config, {
        projects: historyProjects,
        log: (line) => console.log(line),
        onStart: () => console.log(`通办: simulating 18 months of demo history (${historyProjects} projects) on first start, about a minute…`),
      });
      if (h.created) console.log(`通办: demo history ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${h.projects} projects, ${h.applications} applications, ${h.commands} commands${h.errors ? `, ${h.errors} failed actions skipped` : ''}`);
    } catch (err) {
      console.error('通办: demo history failed; starting without it', err);
    }
  }
}

const app = await buildApp(services, { logger: true });
await app.listen({ port: config.port, host: config.host });
const stopJobs = startJobs(services, app.log);

const url = `http://localhost:${config.port}`;
const lines = [
  '',
  `  通办 Tongban is running at ${url}`,
  `  database: ${embedded ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
  `  API docs: ${url}/api/docs`,
];
if (config.seedDemo && embedded) {
  lines.push('', `  Demo accounts (password for all: ${config.demoPassword}):`);
  for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.username.padEnd(16)} ${a.role.padEnd(11)} ${a.displayName}`);
}
console.log(lines.join('\n') + '\n');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await stopJobs();
  await app.close();
  await services.database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
