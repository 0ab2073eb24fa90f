import path from 'node:path';
import type { S3Settings } from './modules/materials/s3-blob-store.ts';

/** Every setting of the server, read once from the environment. */
export interface Config {
  /** TCP port of the HTTP server (`PORT`, default 3000). */
  port: number;
  /** Interface to bind (`HOST`, default 0.0.0.0 so the LAN and containers can reach it). */
  host: string;
  /**
   * PostgreSQL connection string (`DATABASE_URL`). When unset the server runs on embedded PGlite
   * in `dataDir`, which needs nothing but Node.
   */
  databaseUrl: string | null;
  /** Folder for the embedded database and, later, stored files (`DATA_DIR`, default ./data). */
  dataDir: string;
  /** Max connections in the pg pool (`DATABASE_POOL_SIZE`, default 10). */
  poolSize: number;
  /** Largest JSON body accepted, in bytes (`BODY_LIMIT_BYTES`, default 1 MiB). */
  bodyLimit: number;
  /** A session ends after this many idle minutes (`SESSION_IDLE_MINUTES`, default 120). */
  sessionIdleMinutes: number;
  /** A session ends this many hours after login whatever the activity (`SESSION_MAX_HOURS`, default 12). */
  sessionMaxHours: number;
  /** Consecutive failed logins that lock an account (`LOGIN_MAX_FAILURES`, default 5). */
  loginMaxFailures: number;
  /** How long a locked account stays locked (`LOGIN_LOCK_MINUTES`, default 15). */
  loginLockMinutes: number;
  /** Mark cookies `Secure` (`COOKIE_SECURE`, default false; set true behind HTTPS). */
  cookieSecure: boolean;
  /** Seed the demo world at start (`SEED_DEMO`; default true in embedded mode, false on PostgreSQL). */
  seedDemo: boolean;
  /**
   * Password of the demo accounts (`DEMO_PASSWORD`). Embedded mode uses a fixed, printed default;
   * seeding PostgreSQL requires it to be set explicitly so no known password reaches a server.
   */
  demoPassword: string | null;
  /** Interval of the job that anchors the audit chains into the global chain (`AUDIT_ANCHOR_INTERVAL_MS`, default 60000). */
  auditAnchorIntervalMs: number;
  /** Folder of uploaded files, stored by SM3 digest (`FILES_DIR`, default <dataDir>/files). */
  filesDir: string;
  /**
   * S3-compatible object storage for uploaded files instead of `filesDir` (`S3_BUCKET` turns it on,
   * with `S3_ENDPOINT`, `S3_REGION` (default us-east-1), `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY`,
   * `S3_PREFIX` (default empty)). Temporary upload files stay under `filesDir/tmp`.
   */
  s3: S3Settings | null;
  /** Yellow clock warning this many working days before a due date (`CLOCK_WARN_DAYS`, default 3). */
  clockWarnDays: number;
  /** Interval of the clock warning job (`CLOCK_JOB_INTERVAL_MS`, default 60000). */
  clockJobIntervalMs: number;
  /** Folder of the built web app (`WEB_DIST`, default apps/web/dist). */
  webDist: string;
  /** pino log level (`LOG_LEVEL`, default info). */
  logLevel: string;
  /**
   * Master key sealing the departments' private signing keys (`CERT_MASTER_KEY`, 64 hex
   * characters). Unset in embedded mode: generated once into `<dataDir>/cert-master.key` (mode
   * 0600) and reused (see boot.ts); on PostgreSQL the server refuses to start without it. Null
   * here until boot resolves it; tests pass a fixed one.
   */
  certMasterKey: string | null;
  /** Interval of the job that issues certificates and decision letters (`CERT_JOB_INTERVAL_MS`, default 2000). */
  certJobIntervalMs: number;
  /**
   * The address the public reaches the platform at (`PUBLIC_BASE_URL`, default
   * http://localhost:<PORT>): certificate QR codes point to `<PUBLIC_BASE_URL>/verify/<code>`.
   */
  publicBaseUrl: string;
}

export const EMBEDDED_DEMO_PASSWORD = 'Tongban@2026';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

function s3Settings(env: NodeJS.ProcessEnv): S3Settings | null {
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) return null;
  const need = (name: string) => {
    const v = env[name]?.trim();
    if (!v) throw new Error(`S3_BUCKET is set, so ${name} is needed too`);
    return v;
  };
  return {
    bucket,
    endpoint: need('S3_ENDPOINT'),
    region: env.S3_REGION?.trim() || 'us-east-1',
    accessKeyId: need('S3_ACCESS_KEY_ID'),
    secretAccessKey: need('S3_SECRET_ACCESS_KEY'),
    prefix: env.S3_PREFIX?.trim() ?? '',
  };
}

function masterKeyOf(env: NodeJS.ProcessEnv): string | null {
  const raw = env.CERT_MASTER_KEY?.trim();
  if (!raw) return null;
  if (!/^[0-9a-fA-F]{64}$/.test(raw)) throw new Error(`CERT_MASTER_KEY must be 64 hex characters (32 bytes), got ${raw.length} characters`);
  return raw.toLowerCase();
}

function baseUrlOf(env: NodeJS.ProcessEnv, port: number): string {
  const raw = env.PUBLIC_BASE_URL?.trim();
  if (!raw) return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`PUBLIC_BASE_URL must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`PUBLIC_BASE_URL must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL ? env.DATABASE_URL : null;
  const embedded = databaseUrl === null;
  const port = int(env, 'PORT', 3000);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR || path.join(repoRoot, 'data')),
    poolSize: int(env, 'DATABASE_POOL_SIZE', 10),
    bodyLimit: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024),
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 120),
    sessionMaxHours: int(env, 'SESSION_MAX_HOURS', 12),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5),
    loginLockMinutes: int(env, 'LOGIN_LOCK_MINUTES', 15),
    cookieSecure: bool(env, 'COOKIE_SECURE', false),
    seedDemo: bool(env, 'SEED_DEMO', embedded),
    demoPassword: env.DEMO_PASSWORD || (embedded ? EMBEDDED_DEMO_PASSWORD : null),
    auditAnchorIntervalMs: int(env, 'AUDIT_ANCHOR_INTERVAL_MS', 60_000),
    filesDir: path.resolve(env.FILES_DIR || path.join(env.DATA_DIR || path.join(repoRoot, 'data'), 'files')),
    s3: s3Settings(env),
    clockWarnDays: int(env, 'CLOCK_WARN_DAYS', 3),
    clockJobIntervalMs: int(env, 'CLOCK_JOB_INTERVAL_MS', 60_000),
    webDist: path.resolve(env.WEB_DIST || path.join(repoRoot, 'apps/web/dist')),
    logLevel: env.LOG_LEVEL || 'info',
    certMasterKey: masterKeyOf(env),
    certJobIntervalMs: int(env, 'CERT_JOB_INTERVAL_MS', 2000),
    publicBaseUrl: baseUrlOf(env, port),
  };
}
