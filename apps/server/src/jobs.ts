import type { FastifyBaseLogger } from 'fastify';
import type { Services } from './services.ts';
import { accountsRepository } from './modules/accounts/accounts.repository.ts';

interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Runs the periodic jobs of this process. Each job is safe to run in several processes at once
 * (the audit anchor takes an advisory lock and claims heads with SKIP LOCKED, so does the issuing
 * job with pending cases), so scaling out needs no leader election.
 */
export function startJobs(s: Services, log: FastifyBaseLogger): () => Promise<void> {
  const jobs: Job[] = [
    { name: 'audit.anchor', everyMs: s.config.auditAnchorIntervalMs, run: () => s.audit.anchor(s.database.db) },
    { name: 'clock.warnings', everyMs: s.config.clockJobIntervalMs, run: () => s.supervision.runWarnings() },
    { name: 'sessions.cleanup', everyMs: 15 * 60_000, run: () => accountsRepository.deleteExpiredSessions(s.database.db, s.clock.now()) },
    {
      // Certificates and decision letters of concluded cases (decision 0013): a few per run, each
      // case claimed with SKIP LOCKED in its own transaction.
      name: 'certificates.issue',
      everyMs: s.config.certJobIntervalMs,
      run: async () => {
        const r = await s.certificates.issuePending(5);
        for (const f of r.failed) log.error({ job: 'certificates.issue', caseId: f.caseId, error: f.error }, 'issuing a document failed; the case is marked failed (an admin can retry it)');
        if (r.issued.length) log.info({ job: 'certificates.issue', issued: r.issued.map((i) => i.number) }, `issued ${r.issued.length} document(s)`);
      },
    },
  ];
  const running = new Set<Promise<unknown>>();
  // An interval of 0 turns a job off in this process (another process, or none, runs it).
  const timers = jobs.filter((job) => job.everyMs > 0).map((job) => {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      const p = job
        .run()
        .catch((err: unknown) => log.error({ err, job: job.name }, 'job failed'))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    }, job.everyMs);
  });
  return async () => {
    timers.forEach(clearInterval);
    await Promise.allSettled([...running]);
  };
}
