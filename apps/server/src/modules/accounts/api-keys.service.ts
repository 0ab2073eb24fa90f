import type { Kysely, Selectable } from 'kysely';
import { ErrorCode, type ApiKeyScope } from '@tongban/contracts';
import type { ApiKeyTable, DB } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { randomToken, sm3Hex } from '../../lib/sm3.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Actor, RequestContext } from './actor.ts';
import { accountsRepository as repo } from './accounts.repository.ts';

export interface ApiKeyDto {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
function toDto(k: Selectable<ApiKeyTable>): ApiKeyDto {
  return {
    id: k.id,
    userId: k.user_id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.created_at.toISOString(),
    lastUsedAt: iso(k.last_used_at),
    expiresAt: iso(k.expires_at),
    revokedAt: iso(k.revoked_at),
  };
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** API keys for machine clients: `tbk_<prefix>_<secret>`, shown once, stored as SM3. */
export class ApiKeysService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** An admin sees every key; everyone else their own. */
  async list(actor: Actor): Promise<ApiKeyDto[]> {
    return (await repo.listApiKeys(this.db, actor.role === 'admin' ? null : actor.userId)).map(toDto);
  }

  async create(ctx: RequestContext, input: { name: string; scopes: ApiKeyScope[]; expiresAt?: string | null }): Promise<ApiKeyDto & { key: string }> {
    const actor = ctx.actor!;
    if (actor.via === 'api_key') throw new AppError(ErrorCode.FORBIDDEN, { zh: 'API 密钥不能创建新的密钥', en: 'An API key cannot create keys' });
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt <= this.clock.now()) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '过期时间必须晚于当前时间', en: 'expiresAt must be in the future' }, [{ path: '/expiresAt', message: 'past' }]);
    }
    const prefix = Array.from(randomToken(24)).filter((c) => ALNUM.includes(c)).join('').slice(0, 12).padEnd(12, 'x');
    const secret = randomToken(32);
    return inTransaction(this.db, async (trx) => {
      const row = await repo.insertApiKey(trx, { user_id: actor.userId, name: input.name, prefix, secret_hash: sm3Hex(secret), scopes: [...new Set(input.scopes)], expires_at: expiresAt });
      await this.audit.record(trx, ctx, {
        chainKey: `user:${actor.userId}`,
        action: 'api_key.create',
        targetType: 'api_key',
        targetId: row.id,
        summary: { after: { name: row.name, prefix, scopes: row.scopes, expiresAt } },
      });
      return { ...toDto(row), key: `tbk_${prefix}_${secret}` };
    });
  }

  async revoke(ctx: RequestContext, id: number): Promise<ApiKeyDto> {
    const actor = ctx.actor!;
    return inTransaction(this.db, async (trx) => {
      const key = await repo.findApiKey(trx, id);
      if (!key) throw notFound({ zh: 'API 密钥', en: 'API key' });
      if (key.user_id !== actor.userId && actor.role !== 'admin') throw new AppError(ErrorCode.OUT_OF_SCOPE);
      const revoked = (await repo.revokeApiKey(trx, id, this.clock.now())) ?? key;
      await this.audit.record(trx, ctx, {
        chainKey: `user:${key.user_id}`,
        action: 'api_key.revoke',
        targetType: 'api_key',
        targetId: id,
        summary: { before: { revokedAt: key.revoked_at }, after: { revokedAt: revoked.revoked_at } },
      });
      return toDto(revoked);
    });
  }
}
