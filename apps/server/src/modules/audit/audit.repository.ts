import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/transaction.ts';
import type { AuditEventRow } from '../../db/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

export type NewAuditEvent = Omit<AuditEventRow, 'id' | 'summary'> & { summary: Record<string, unknown> };

/** Kysely queries of the audit chains. No decisions here. */
export const auditRepository = {
  /**
   * Takes the next sequence number of a chain and returns it with the previous hash. The upsert
   * row-locks only this chain's head until the transaction ends: writers of different
   * aggregates never wait for each other, writers of one aggregate queue (they already do on
   * the aggregate's own row).
   */
  async claimNextSeq(trx: Tx, chainKey: string, now: Date): Promise<{ seq: number; prevHash: string }> {
    const row = await trx
      .insertInto('audit_chain_head')
      .values({ chain_key: chainKey, seq: 1, hash: GENESIS_HASH, last_event_id: 0, updated_at: now })
      .onConflict((oc) => oc.column('chain_key').doUpdateSet({ seq: sql`audit_chain_head.seq + 1`, updated_at: now }))
      .returning(['seq', 'hash'])
      .executeTakeFirstOrThrow();
    return { seq: row.seq, prevHash: row.hash };
  },

  /**
   * Inserts the event claimed by claimNextSeq and moves its chain's head to it, in one statement:
   *
   *   WITH event AS (INSERT INTO audit_event (…) VALUES (…) RETURNING id, chain_key, hash)
   *   UPDATE audit_chain_head SET hash = event.hash, last_event_id = event.id
   *   FROM event WHERE audit_chain_head.chain_key = event.chain_key
   *   RETURNING event.id
   *
   * The UPDATE reads the new row from the CTE's RETURNING (a statement does not see its own
   * inserts in the table). The head row is already locked by this transaction's claim, so
   * nothing can come between the insert and the head's move. No row back means the head was not
   * there: never after a claim in the same transaction, but it would leave the chain broken, so
   * it throws and the transaction rolls back.
   */
  async appendEvent(trx: Tx, e: NewAuditEvent): Promise<number> {
    const row = await trx
      .with('event', (db) => db.insertInto('audit_event').values({ ...e, summary: JSON.stringify(e.summary) }).returning(['id', 'chain_key', 'hash']))
      .updateTable('audit_chain_head')
      .from('event')
      .set((eb) => ({ hash: eb.ref('event.hash'), last_event_id: eb.ref('event.id') }))
      .whereRef('audit_chain_head.chain_key', '=', 'event.chain_key')
      .returning('event.id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  /** Events in chain order, a page after (chainKey, seq). */
  pageInChainOrder(db: Executor, after: { chainKey: string; seq: number } | null, limit: number): Promise<AuditEventRow[]> {
    let q = db.selectFrom('audit_event').selectAll();
    if (after) {
      q = q.where((eb) =>
        eb.or([eb('chain_key', '>', after.chainKey), eb.and([eb('chain_key', '=', after.chainKey), eb('seq', '>', after.seq)])]),
      );
    }
    return q.orderBy('chain_key').orderBy('seq').limit(limit).execute();
  },

  allHeads(db: Executor) {
    return db.selectFrom('audit_chain_head').select(['chain_key', 'seq', 'hash', 'last_event_id']).execute();
  },

  allAnchors(db: Executor) {
    return db.selectFrom('audit_anchor').selectAll().orderBy('id').execute();
  },

  async lockAnchorChain(trx: Tx): Promise<{ hash: string } | undefined> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('tongban.audit_anchor'))`.execute(trx);
    return trx.selectFrom('audit_anchor').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  },

  /** Heads changed since their last anchor, skipping heads a writer holds right now. */
  claimUnanchoredHeads(trx: Tx, limit: number) {
    return trx
      .selectFrom('audit_chain_head')
      .select(['chain_key', 'seq', 'hash', 'last_event_id'])
      .where(sql<boolean>`seq > anchored_seq`)
      .orderBy('chain_key')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  },

  async insertAnchor(trx: Tx, a: { anchored_at: Date; heads: Array<[string, number, string, number]>; prev_hash: string; hash: string }) {
    return trx.insertInto('audit_anchor').values({ ...a, heads: JSON.stringify(a.heads) }).returning('id').executeTakeFirstOrThrow();
  },

  async markAnchored(trx: Tx, chainKeys: string[]): Promise<void> {
    await trx.updateTable('audit_chain_head').set({ anchored_seq: sql`seq` }).where('chain_key', 'in', chainKeys).execute();
  },

  listEvents(
    db: Executor,
    f: { regionCodes: string[] | null; targetType?: string; targetId?: string; actorId?: number; action?: string; limit: number; offset: number },
  ) {
    let q = db.selectFrom('audit_event');
    if (f.regionCodes) q = q.where('region_code', 'in', f.regionCodes.length ? f.regionCodes : ['']);
    if (f.targetType) q = q.where('target_type', '=', f.targetType);
    if (f.targetId) q = q.where('target_id', '=', f.targetId);
    if (f.actorId) q = q.where('actor_id', '=', f.actorId);
    if (f.action) q = q.where('action', '=', f.action);
    return Promise.all([
      q.selectAll().orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
};
