import { CompiledQuery, sql, type Compilable } from 'kysely';
import type { Executor, Tx } from '../../db/transaction.ts';
import type { AuditEventRow } from '../../db/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

export type NewAuditEvent = Omit<AuditEventRow, 'id' | 'summary'> & { summary: Record<string, unknown> };

/** Kysely queries of the audit chains. No decisions here. */
export const auditRepository = {
  /**
   * Takes the next sequence number of a chain and returns it with the previous hash and the id
   * the event will have (drawn from audit_event's identity sequence now, so the event and the
   * head's move can be written together later, in the caller's write batch). The upsert
   * row-locks only this chain's head until the transaction ends: writers of different
   * aggregates never wait for each other, writers of one aggregate queue (they already do on
   * the aggregate's own row).
   */
  async claimNextSeq(trx: Tx, chainKey: string, now: Date): Promise<{ seq: number; prevHash: string; eventId: number }> {
    const row = await trx
      .insertInto('audit_chain_head')
      .values({ chain_key: chainKey, seq: 1, hash: GENESIS_HASH, last_event_id: 0, updated_at: now })
      .onConflict((oc) => oc.column('chain_key').doUpdateSet({ seq: sql`audit_chain_head.seq + 1`, updated_at: now }))
      .returning(['seq', 'hash', sql<string>`nextval(pg_get_serial_sequence('audit_event', 'id'))`.as('event_id')])
      .executeTakeFirstOrThrow();
    return { seq: row.seq, prevHash: row.hash, eventId: Number(row.event_id) };
  },

  /**
   * The two writes of an event claimed by claimNextSeq, to queue on a write batch: the event's
   * INSERT (with the claimed id) and the head's move to it. The move is guarded by the claimed
   * seq and must touch exactly one row: the head is locked by this transaction's claim, so a miss
   * would mean a broken chain, and the batch's failure rolls everything back.
   */
  eventWrites(trx: Tx, e: NewAuditEvent & { id: number }): [insert: Compilable, headMove: Compilable] {
    const insert = trx.insertInto('audit_event').values({ ...e, summary: JSON.stringify(e.summary) });
    const headMove = trx
      .updateTable('audit_chain_head')
      .set({ hash: e.hash, last_event_id: e.id })
      .where('chain_key', '=', e.chain_key)
      .where('seq', '=', e.seq);
    return [overridingSystemValue(insert), headMove];
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

/**
 * `INSERT … OVERRIDING SYSTEM VALUE VALUES …`: audit_event.id is GENERATED ALWAYS, and an event
 * written with its claimed id needs the override. Kysely has no builder method for it
 * (kysely-org/kysely#1400), so the compiled text gets it before its VALUES keyword — the first
 * `) values (` of an INSERT that names its columns, which no value can contain (values are
 * parameters).
 */
function overridingSystemValue(query: Compilable): Compilable {
  return {
    compile() {
      const q = query.compile();
      const marker = ') values (';
      const at = q.sql.indexOf(marker);
      if (at < 0) throw new Error('overridingSystemValue: not an INSERT … VALUES');
      return CompiledQuery.raw(`${q.sql.slice(0, at + 1)} overriding system value${q.sql.slice(at + 1)}`, [...q.parameters]);
    },
  };
}
