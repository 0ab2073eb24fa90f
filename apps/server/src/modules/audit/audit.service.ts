import type { Kysely } from 'kysely';
import type { AuditVerifyDto } from '@tongban/contracts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import type { Clock } from '../../lib/clock.ts';
import { sm3Hex } from '../../lib/sm3.ts';
import type { AuditEventRow, DB } from '../../db/schema.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { WriteBatch } from '../../db/write-batch.ts';
import type { Actor, RequestContext } from '../accounts/actor.ts';
import { readableRegions } from '../accounts/scope.ts';
import { auditRepository as repo, GENESIS_HASH } from './audit.repository.ts';

export interface AuditInput {
  /** The aggregate whose chain this event extends, e.g. `user:12`, `department:3`. */
  chainKey: string;
  /** Dotted verb, e.g. `user.create`, `auth.login_failed`. */
  action: string;
  targetType: string;
  targetId: string | number | null;
  /** Region the event belongs to, so supervisors see their region's trail. */
  regionCode?: string | null;
  /** Before/after summary; never secrets (no password hashes, no tokens). */
  summary: Record<string, unknown>;
}

type HashedFields = Pick<
  AuditEventRow,
  'chain_key' | 'seq' | 'occurred_at' | 'actor_id' | 'actor_name' | 'actor_role' | 'action' | 'target_type' | 'target_id' | 'region_code' | 'request_id' | 'ip'
> & { summary: unknown };

/** The event as it is hashed and as the API shows it (without id and hash). */
function eventView(e: HashedFields) {
  return {
    chainKey: e.chain_key,
    seq: e.seq,
    occurredAt: e.occurred_at.toISOString(),
    actorId: e.actor_id,
    actorName: e.actor_name,
    actorRole: e.actor_role,
    action: e.action,
    targetType: e.target_type,
    targetId: e.target_id,
    regionCode: e.region_code,
    summary: e.summary,
    requestId: e.request_id,
    ip: e.ip,
  };
}

/** hash = SM3(prev_hash || canonical_json(event)), as PRODUCT.md C1 specifies. */
export function eventHash(prevHash: string, e: HashedFields): string {
  return sm3Hex(prevHash + canonicalJson(eventView(e)));
}

function anchorHash(prevHash: string, anchoredAt: Date, heads: unknown): string {
  return sm3Hex(prevHash + canonicalJson({ anchoredAt, heads }));
}

interface Break {
  id: number;
  reason: string;
}

export class AuditService {
  constructor(private readonly clock: Clock) {}

  /** Appends one event to its chain inside the caller's transaction. */
  async record(trx: Tx, ctx: RequestContext, input: AuditInput): Promise<number> {
    const batch = new WriteBatch();
    const id = await this.recordInBatch(trx, ctx, input, batch);
    if (!(await batch.execute(trx))) throw new Error(`audit chain head ${input.chainKey} moved under its lock`);
    return id;
  }

  /**
   * Claims the event's place in its chain now (one statement, which locks the chain's head) and
   * queues the event and the head's move on `batch`, to be written with the caller's own writes
   * in one statement. The caller must execute the batch in this transaction and roll back if it
   * reports a miss. Returns the event's id.
   */
  async recordInBatch(trx: Tx, ctx: RequestContext, input: AuditInput, batch: WriteBatch): Promise<number> {
    const now = this.clock.now();
    const { seq, prevHash, eventId } = await repo.claimNextSeq(trx, input.chainKey, now);
    const fields: HashedFields = {
      chain_key: input.chainKey,
      seq,
      occurred_at: now,
      actor_id: ctx.actor?.userId ?? null,
      actor_name: ctx.actor?.username ?? null,
      actor_role: ctx.actor?.role ?? null,
      action: input.action,
      target_type: input.targetType,
      target_id: input.targetId === null ? null : String(input.targetId),
      region_code: input.regionCode ?? null,
      request_id: ctx.requestId,
      ip: ctx.ip,
      summary: input.summary,
    };
    const hash = eventHash(prevHash, fields);
    const [insert, headMove] = repo.eventWrites(trx, { ...fields, summary: input.summary, prev_hash: prevHash, hash, id: eventId });
    batch.add(insert).add(headMove, 1);
    return eventId;
  }

  /**
   * Walks every chain in a consistent snapshot: each event's hash is recomputed, each link and
   * sequence number checked, each chain's end compared with its head, and the global anchor
   * chain checked against the events it anchored. Reports the earliest broken event.
   */
  async verify(db: Kysely<DB>): Promise<AuditVerifyDto> {
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const breaks: Break[] = [];
        const heads = new Map((await repo.allHeads(trx)).map((h) => [h.chain_key, h]));

        // Anchors form their own chain; the newest anchor of each chain is what must still hold.
        const anchored = new Map<string, { seq: number; hash: string; eventId: number }>();
        let prevAnchor = GENESIS_HASH;
        for (const a of await repo.allAnchors(trx)) {
          if (a.prev_hash !== prevAnchor || anchorHash(a.prev_hash, a.anchored_at, a.heads) !== a.hash) {
            const first = a.heads[0];
            breaks.push({ id: first ? first[3] : 0, reason: `audit anchor ${a.id} was altered` });
          }
          prevAnchor = a.hash;
          for (const [key, seq, hash, eventId] of a.heads) anchored.set(key, { seq, hash, eventId });
        }

        let checked = 0;
        let chain: { key: string; expectedSeq: number; prevHash: string; broken: boolean; lastId: number } | null = null;
        const finish = () => {
          if (!chain) return;
          const head = heads.get(chain.key);
          const lastSeq = chain.expectedSeq - 1;
          if (!chain.broken) {
            if (!head) breaks.push({ id: chain.lastId, reason: `chain ${chain.key} has no head` });
            else if (head.seq !== lastSeq || head.hash !== chain.prevHash)
              breaks.push({ id: Number(head.last_event_id), reason: `events missing at the end of chain ${chain.key}` });
            else {
              const a = anchored.get(chain.key);
              if (a && a.seq > lastSeq) breaks.push({ id: a.eventId, reason: `anchored event ${a.eventId} of chain ${chain.key} is missing` });
            }
          }
          heads.delete(chain.key);
        };

        let after: { chainKey: string; seq: number } | null = null;
        for (;;) {
          const page = await repo.pageInChainOrder(trx, after, 5000);
          if (page.length === 0) break;
          for (const e of page) {
            checked++;
            if (!chain || chain.key !== e.chain_key) {
              finish();
              chain = { key: e.chain_key, expectedSeq: 1, prevHash: GENESIS_HASH, broken: false, lastId: e.id };
            }
            if (!chain.broken) {
              let reason: string | null = null;
              const a = anchored.get(e.chain_key);
              if (e.seq !== chain.expectedSeq) reason = `event(s) missing before seq ${e.seq} of chain ${e.chain_key}`;
              else if (e.prev_hash !== chain.prevHash) reason = `link to the previous event of chain ${e.chain_key} is broken`;
              else if (eventHash(e.prev_hash, e) !== e.hash) reason = `event ${e.id} was altered`;
              else if (a && a.seq === e.seq && a.hash !== e.hash) reason = `event ${e.id} differs from its anchor`;
              if (reason) {
                breaks.push({ id: e.id, reason });
                chain.broken = true;
              }
            }
            chain.expectedSeq = e.seq + 1;
            chain.prevHash = e.hash;
            chain.lastId = e.id;
          }
          const last = page[page.length - 1]!;
          after = { chainKey: last.chain_key, seq: last.seq };
        }
        finish();
        for (const [key, head] of heads) {
          breaks.push({ id: Number(head.last_event_id), reason: `all events of chain ${key} are missing` });
        }

        breaks.sort((x, y) => x.id - y.id);
        const first = breaks[0];
        return { ok: !first, checked, firstBrokenId: first ? first.id : null, reason: first ? first.reason : null };
      });
  }

  /**
   * Seals the heads of chains changed since the last anchor into one block of the global anchor
   * chain. Heads being written right now are skipped and caught next time.
   * @returns the anchor id, or null when nothing changed.
   */
  async anchor(db: Kysely<DB>): Promise<number | null> {
    return inTransaction(db, async (trx) => {
      const last = await repo.lockAnchorChain(trx);
      const rows = await repo.claimUnanchoredHeads(trx, 10_000);
      if (rows.length === 0) return null;
      const heads = rows.map((r) => [r.chain_key, r.seq, r.hash, Number(r.last_event_id)] as [string, number, string, number]);
      const anchoredAt = this.clock.now();
      const prevHash = last?.hash ?? GENESIS_HASH;
      const { id } = await repo.insertAnchor(trx, { anchored_at: anchoredAt, heads, prev_hash: prevHash, hash: anchorHash(prevHash, anchoredAt, heads) });
      await repo.markAnchored(trx, rows.map((r) => r.chain_key));
      return id;
    });
  }

  /** Audit events newest first; a supervisor sees those of its region subtree. */
  async list(db: Kysely<DB>, actor: Actor, f: { targetType?: string; targetId?: string; actorId?: number; action?: string; limit: number; offset: number }) {
    const regionCodes = await readableRegions(db, actor);
    const [rows, count] = await repo.listEvents(db, { ...f, regionCodes });
    return {
      total: Number(count.n),
      items: rows.map((e) => ({ id: e.id, ...eventView(e), summary: e.summary, hash: e.hash })),
    };
  }
}
