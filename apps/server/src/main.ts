import { buildApp } from './app.ts';
import { boot } from './boot.ts';
import { loadConfig } from './config.ts';
import { DEMO_ACCOUNTS, seedDemo } from './db/seed/demo.ts';
import { seedCatalog } from './db/seed/catalog.ts';
import { historyProjectsFromEnv, seedHistory } from './db/seed/history.ts';
import { startJobs } from './jobs.ts';
import { MasterKeyError } from './modules/certificates/master-key.ts';

/** A setting that stops the server is reported as one clear line, not a stack trace. */
function refuseToStart(err: unknown): never {
  if (err instanceof MasterKeyError) {
    console.error(`通办 cannot start: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

const config = loadConfig();
const services = await boot(config).catch(refuseToStart);
const embedded = services.database.kind === 'pglite';

if (config.seedDemo) {
  if (!config.demoPassword) {
    console.error('SEED_DEMO on PostgreSQL needs DEMO_PASSWORD: no well-known password is ever put on a server.');
    process.exit(1);
  }
  await seedDemo(services.database.db, services.audit, config.demoPassword);
  await seedCatalog(services);
}

// Every department gets its signing key now; a master key that does not open the stored keys stops here.
const keys = await services.certificates.ensureKeys().catch(async (err: unknown) => {
  await services.database.close();
  return refuseToStart(err);
});
if (keys.created.length) console.log(`通办: created ${keys.created.length} department signing key(s)`);

const app = await buildApp(services, { logger: true });
await app.listen({ port: config.port, host: config.host });

// The demo history (embedded, first start only: it does nothing once applications exist) is
// simulated in the background after `listen`, so the login page is up at once; the clock job
// starts when it is done, so that it never judges a half-simulated case against today.
// SEED_HISTORY=false skips it. Decision 0010.
const historyProjects = config.seedDemo && embedded ? historyProjectsFromEnv() : null;
const history = new AbortController();
let stopJobs: (() => Promise<void>) | null = null;
const historyDone = historyProjects ? simulateHistory(historyProjects) : Promise.resolve();
if (!historyProjects) stopJobs = startJobs(services, app.log);

async function simulateHistory(projects: number): Promise<void> {
  const started = Date.now();
  try {
    const h = await seedHistory(services.database, config, {
      projects,
      signal: history.signal,
      log: (line) => console.log(`通办: ${line}`),
      onStart: () => console.log(`通办: simulating 18 months of demo history (${projects} projects) in the background; the platform is usable meanwhile and fills up as it runs (a few minutes)…`),
    });
    if (h.created && !h.aborted) console.log(`通办: demo history ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${h.projects} projects, ${h.applications} applications, ${h.commands} commands${h.errors ? `, ${h.errors} failed actions skipped` : ''}`);
  } catch (err) {
    if (!history.signal.aborted) console.error('通办: demo history failed; the platform runs without it', err);
  }
  if (!history.signal.aborted) stopJobs = startJobs(services, app.log);
}

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
  history.abort();
  await historyDone;
  await stopJobs?.();
  await app.close();
  await services.database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
