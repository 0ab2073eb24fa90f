/** `npm run audit:verify`: walks every audit chain; exit code 1 when a link is broken. */
import { boot } from '../boot.ts';

const s = await boot(undefined, { signing: false });
try {
  const result = await s.audit.verify(s.database.db);
  console.log(JSON.stringify(result));
  process.exitCode = result.ok ? 0 : 1;
} finally {
  await s.database.close();
}
