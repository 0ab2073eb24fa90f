/** `npm run seed`: loads the demo world into the configured database, idempotently. */
import { boot } from '../boot.ts';
import { loadConfig } from '../config.ts';
import { seedDemo } from '../db/seed/demo.ts';
import { seedCatalog } from '../db/seed/catalog.ts';
import { historyProjectsFromEnv, seedHistory } from '../db/seed/history.ts';

const config = loadConfig();
if (!config.demoPassword) {
  console.error('Set DEMO_PASSWORD to the password the demo accounts should get (it is never defaulted on PostgreSQL).');
  process.exit(2);
}
const s = await boot(config);
try {
  const created = await seedDemo(s.database.db, s.audit, config.demoPassword);
  const catalog = await seedCatalog(s);
  console.log(created.length ? `Demo world loaded; new accounts: ${created.join(', ')}` : 'Demo accounts already present.');
  console.log(`Demo catalog: ${catalog.matters} matters and ${catalog.processes} processes published in this run.`);
  const historyProjects = historyProjectsFromEnv();
  if (historyProjects) {
    const h = await seedHistory(s.database, config, { projects: historyProjects, log: (line) => console.log(line), onStart: () => console.log(`Simulating 18 months of demo history (${historyProjects} projects)…`) });
    console.log(h.created ? `Demo history: ${h.projects} projects, ${h.applications} applications, ${h.commands} commands in ${(h.ms / 1000).toFixed(1)} s${h.errors ? ` (${h.errors} failed actions skipped)` : ''}.` : 'Demo history already present (applications exist).');
  }
} finally {
  await s.database.close();
}
