/**
 * Where the certificate master key comes from (decision 0013): `CERT_MASTER_KEY`, or in embedded
 * mode a key generated once into `<dataDir>/cert-master.key` (mode 0600) and reused, so that
 * `npm start` needs no setup and a restart opens the same sealed keys. PostgreSQL mode requires
 * the variable: the database outlives any one machine's disk, and a key file left on one
 * server would make the others unable to sign.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';

export const MASTER_KEY_FILE = 'cert-master.key';

/** Thrown when the server must not start: the message says what to do. */
export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/** The config with `certMasterKey` set: from the environment, the key file, or a new key file. */
export function resolveMasterKey(config: Config): Config {
  if (config.certMasterKey) return config;
  if (config.databaseUrl) {
    throw new MasterKeyError(
      'CERT_MASTER_KEY is required with DATABASE_URL (PostgreSQL): set it to 64 hex characters (e.g. `openssl rand -hex 32`) and keep it safe — it seals the departments\' signing keys, and without the same key no certificate can be signed after a restart.',
    );
  }
  const file = path.join(config.dataDir, MASTER_KEY_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const fresh = randomBytes(32).toString('hex');
  try {
    // 'wx': never overwrite a key another process wrote first.
    fs.writeFileSync(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    return { ...config, certMasterKey: fresh };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stored = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(stored)) throw new MasterKeyError(`${file} does not hold a certificate master key (64 hex characters); restore it from a backup or set CERT_MASTER_KEY`);
  return { ...config, certMasterKey: stored.toLowerCase() };
}
