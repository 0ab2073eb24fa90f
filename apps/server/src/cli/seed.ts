/** `npm run seed`: loads the demo world into the configured database, idempotently. */
import { boot } from '../boot.ts';
import { loadConfig } from '../config.ts';
import { seedDemo } from '../db/seed/demo.ts';
import { seedCatalog } from '../db/seed/catalog.ts';

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
} finally {
  await s.database.close();
}
