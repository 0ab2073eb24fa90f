/**
 * Where a completion's time goes: the same server code in this process on an instrumented pg
 * pool that times every statement (BEGIN and COMMIT included) and every wait for a pooled
 * connection, with Fastify hooks timing each request inside the server. The clients share this
 * process's event loop, so the absolute numbers are worse than the child-process rounds; the
 * point is the breakdown: statements per completion, time in SQL, time waiting for the pool.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../apps/server/src/app.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import { systemClock } from '../../apps/server/src/lib/clock.ts';
import { createServices } from '../../apps/server/src/services.ts';
import { round } from '../support.ts';
import { closedLoopRound, type CompletionRound, type CompletionSetup } from './completions.ts';
import { Http } from './http.ts';
import { instrumentedDatabase } from './instrumented-db.ts';

export interface StatementStat {
  statement: string;
  perCompletion: number;
  meanMs: number;
  msPerCompletion: number;
}

export interface CompletionProfile {
  round: CompletionRound;
  requests: number;
  statementsPerCompletion: number;
  sqlMsPerCompletion: number;
  poolWaitMsPerCompletion: number;
  serverMsPerCompletion: number;
  statements: StatementStat[];
}

/** A statement's shape: parameters and literal lists folded, so one query shape is one line. */
function shape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\(\$\d+(, \$\d+)*\)(, \(\$\d+(, \$\d+)*\))*/g, '(…)')
    .replace(/\$\d+/g, '$')
    .replace(/"/g, '')
    .trim()
    .slice(0, 160);
}

export async function profileCompletions(setup: CompletionSetup, dbUrl: string, clients: number, seconds: number, applications: number): Promise<CompletionProfile> {
  const config = { ...loadConfig({ DATABASE_URL: dbUrl }), auditAnchorIntervalMs: 3_600_000, clockJobIntervalMs: 3_600_000 };
  const stats = new Map<string, { n: number; ms: number }>();
  let poolWaitMs = 0;
  let recording = false;
  const database = instrumentedDatabase(dbUrl, config.poolSize, {
    onQuery(text, _values, ms) {
      if (!recording) return;
      const key = shape(text);
      const s = stats.get(key) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += ms;
      stats.set(key, s);
    },
    onPoolWait(ms) {
      if (recording) poolWaitMs += ms;
    },
  });
  const services = createServices(database, config, systemClock);
  const app = await buildApp(services, { logger: false, web: false });
  let serverMs = 0;
  let requests = 0;
  const startedAt = new WeakMap<object, number>();
  app.addHook('onRequest', async (req) => void startedAt.set(req, performance.now()));
  app.addHook('onResponse', async (req) => {
    if (!recording) return;
    requests++;
    serverMs += performance.now() - (startedAt.get(req) ?? performance.now());
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  try {
    // Sessions live in the database: the people signed in on the child server act here too.
    const local: CompletionSetup = { ...setup, http: new Http(`http://127.0.0.1:${port}`), meter: null };
    await closedLoopRound(local, clients, 1, 1, Math.ceil(applications / 4));
    recording = true;
    const r = await closedLoopRound(local, clients, 0, seconds, applications);
    recording = false;
    const n = Math.max(1, r.completions);
    // Everything recorded during the round, including requests that ended after its window:
    // divide by completions the server finished, not only the counted ones.
    const finished = Math.max(n, requests);
    const all = [...stats.entries()].map(([statement, s]) => ({ statement, perCompletion: round(s.n / finished, 2), meanMs: round(s.ms / s.n, 2), msPerCompletion: round(s.ms / finished, 2) }));
    all.sort((a, b) => b.msPerCompletion - a.msPerCompletion);
    return {
      round: r,
      requests: finished,
      statementsPerCompletion: round(all.reduce((a, s) => a + s.perCompletion, 0), 1),
      sqlMsPerCompletion: round(all.reduce((a, s) => a + s.msPerCompletion, 0), 1),
      poolWaitMsPerCompletion: round(poolWaitMs / finished, 1),
      serverMsPerCompletion: round(serverMs / finished, 1),
      statements: all,
    };
  } finally {
    await app.close();
    await database.close();
  }
}
