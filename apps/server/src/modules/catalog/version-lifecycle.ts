import { ErrorCode } from '@tongban/contracts';
import type { VersionStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';
import { AppError, notFound, type ErrorDetail, type Messages } from '../../lib/errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { RequestContext } from '../accounts/actor.ts';

interface VersionRow {
  id: number;
  version: number;
  status: VersionStatus;
}

/**
 * How one versioned catalog document (matter, process) is stored. The draft → published → retired
 * rules are written once in this file and apply to both.
 */
export interface VersionStore<R extends VersionRow> {
  /** `matter` or `process`: prefixes audit actions and chains. */
  kind: string;
  label: Messages;
  find(trx: Tx, id: number): Promise<R | undefined>;
  ownerOf(row: R): number;
  published(trx: Tx, ownerId: number): Promise<R | undefined>;
  update(trx: Tx, id: number, patch: { status: VersionStatus; published_at?: Date; published_by?: number }): Promise<R>;
  remove(trx: Tx, id: number): Promise<void>;
  regionOf?(trx: Tx, row: R): Promise<string | null>;
}

async function load<R extends VersionRow>(trx: Tx, store: VersionStore<R>, id: number, expected: VersionStatus, refusal: Messages): Promise<R> {
  const v = await store.find(trx, id);
  if (!v) throw notFound(store.label);
  if (v.status !== expected) throw new AppError(ErrorCode.VERSION_FROZEN, refusal);
  return v;
}

async function audit<R extends VersionRow>(trx: Tx, store: VersionStore<R>, auditService: AuditService, ctx: RequestContext, v: R, action: string, summary: Record<string, unknown>) {
  await auditService.record(trx, ctx, {
    chainKey: `${store.kind}:${store.ownerOf(v)}`,
    action: `${store.kind}.${action}`,
    targetType: `${store.kind}_version`,
    targetId: v.id,
    regionCode: store.regionOf ? await store.regionOf(trx, v) : null,
    summary: { version: v.version, ...summary },
  });
}

/** Publishes a draft that passes `checks`; the previously published version is retired. */
export async function publishVersion<R extends VersionRow>(
  trx: Tx,
  store: VersionStore<R>,
  auditService: AuditService,
  ctx: RequestContext,
  id: number,
  now: Date,
  checks: (draft: R) => Promise<ErrorDetail[]>,
): Promise<R> {
  const v = await load(trx, store, id, 'draft', { zh: '只有草稿可以发布', en: 'Only a draft can be published' });
  const problems = await checks(v);
  if (problems.length) throw new AppError(ErrorCode.PUBLISH_CHECK_FAILED, undefined, problems);
  const previous = await store.published(trx, store.ownerOf(v));
  if (previous) await store.update(trx, previous.id, { status: 'retired' });
  const published = await store.update(trx, v.id, { status: 'published', published_at: now, published_by: ctx.actor!.userId });
  await audit(trx, store, auditService, ctx, v, 'publish', { retiredVersion: previous?.version ?? null });
  return published;
}

/** Retires the published version, after `guard` (which throws to refuse). */
export async function retireVersion<R extends VersionRow>(trx: Tx, store: VersionStore<R>, auditService: AuditService, ctx: RequestContext, id: number, guard?: (v: R) => Promise<void>): Promise<R> {
  const v = await load(trx, store, id, 'published', { zh: '只有已发布版本可以废止', en: 'Only a published version can be retired' });
  await guard?.(v);
  const retired = await store.update(trx, v.id, { status: 'retired' });
  await audit(trx, store, auditService, ctx, v, 'retire', {});
  return retired;
}

/** Discards a draft. */
export async function discardDraft<R extends VersionRow>(trx: Tx, store: VersionStore<R>, auditService: AuditService, ctx: RequestContext, id: number): Promise<void> {
  const v = await load(trx, store, id, 'draft', { zh: '只有草稿可以丢弃', en: 'Only a draft can be discarded' });
  await store.remove(trx, v.id);
  await audit(trx, store, auditService, ctx, v, 'draft_delete', {});
}
