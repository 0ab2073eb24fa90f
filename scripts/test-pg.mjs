// `npm run test:pg`: the same integration suite against PostgreSQL. Uses DATABASE_URL, or the
// local server with trust auth; every test file creates (and drops) a database of its own.
import { spawnSync } from 'node:child_process';

const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const r = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url } });
process.exit(r.status ?? 1);
