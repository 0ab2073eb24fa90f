// Builds the web app when apps/web/dist is missing or older than its sources, so `npm start`
// on a fresh clone serves a UI without a separate build step, and a restart after `git pull`
// never serves a stale one.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'apps/web');
const built = path.join(web, 'dist/index.html');

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const name of fs.readdirSync(p)) m = Math.max(m, newest(path.join(p, name)));
  return m;
}

const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((s) => path.join(web, s)).filter((s) => fs.existsSync(s));
sources.push(path.join(root, 'packages/contracts/src'));
const stale = !fs.existsSync(built) || Math.max(...sources.map(newest)) > fs.statSync(built).mtimeMs;
if (stale) {
  console.log('Building the web app (apps/web) …');
  execSync('npm run build -w @tongban/web', { cwd: root, stdio: 'inherit' });
}
