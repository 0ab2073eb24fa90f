/**
 * Audit-chain write benchmark on PostgreSQL: how many audited transactions per second the chain
 * design allows when the writers touch many aggregates (one chain each, the design in
 * docs/decisions/0005) versus all on one chain (what a single global chain would force), next to
 * pgbench TPC-B measured in the same run. Usage: DATABASE_URL=postgres://… npm run bench:audit
 */
import { openDatabase } from '../../apps/server/src/db/database.ts';
import { migrateToLatest } from '../../apps/server/src/db/migrate.ts';
import { inTransaction } from '../../apps/server/src/db/transaction.ts';
import { systemClock } from '../../apps/server/src/lib/clock.ts';
import { AuditService } from '../../apps/server/src/modules/audit/audit.service.ts';
import { createBenchDatabase, pct, pgbenchTpcb } from '../support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 16);

async function main() {
  const bench = await createBenchDatabase();
  const database = await openDatabase({ databaseUrl: bench.url, dataDir: null, poolSize: CLIENTS });
  await migrateToLatest(database.db);
  const audit = new AuditService(systemClock);
  const ctx = { actor: null, requestId: 'bench', ip: '127.0.0.1' };

  async function scenario(label: string, chainFor: (client: number, i: number) => string) {
    const latencies: number[] = [];
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; Date.now() < until; i++) {
          const t0 = performance.now();
          await inTransaction(database.db, (trx) =>
            audit.record(trx, ctx, { chainKey: chainFor(c, i), action: 'bench.write', targetType: 'case', targetId: i, summary: { before: { state: 'a' }, after: { state: 'b' } } }),
          );
          latencies.push(performance.now() - t0);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const r = { label, perSecond: Math.round(latencies.length / SECONDS), p50: +pct(latencies, 50).toFixed(2), p99: +pct(latencies, 99).toFixed(2) };
    console.log(JSON.stringify(r));
    return r;
  }

  const many = await scenario(`${CLIENTS} writers, one chain per aggregate`, (c, i) => `case:${c}-${i % 1000}`);
  const one = await scenario(`${CLIENTS} writers, all on one chain`, () => 'global');
  const t0 = performance.now();
  const verify = await audit.verify(database.db);
  const verifyMs = performance.now() - t0;
  console.log(JSON.stringify({ verify: { ok: verify.ok, checked: verify.checked, ms: Math.round(verifyMs) } }));

  await database.close();
  await bench.drop();
  const tpcb = (await pgbenchTpcb({ scale: 10, clients: 8, threads: 2, seconds: SECONDS }))?.tps ?? null;
  console.log(JSON.stringify({ pgbenchTpcb: tpcb, ratioManyChains: tpcb ? +(many.perSecond / tpcb).toFixed(2) : null, ratioOneChain: tpcb ? +(one.perSecond / tpcb).toFixed(2) : null }));
}

await main();
