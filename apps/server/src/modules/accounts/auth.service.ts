import type { Kysely } from 'kysely';
import { API_KEY_SCOPES, ErrorCode, type ApiKeyScope } from '@tongban/contracts';
import type { Config } from '../../config.ts';
import type { DB, UserRow } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { randomToken, safeEqual, sm3Hex } from '../../lib/sm3.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Actor, RequestContext } from './actor.ts';
import { accountsRepository as repo } from './accounts.repository.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.ts';

const MINUTE = 60_000;

export interface LoginResult {
  user: UserRow;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

export function actorFromUser(u: UserRow, via: Actor['via'], extra: { keyScopes?: ApiKeyScope[]; sessionId?: string } = {}): Actor {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    enterpriseId: u.enterprise_id,
    departmentId: u.department_id,
    regionCode: u.region_code,
    via,
    keyScopes: extra.keyScopes ?? null,
    sessionId: extra.sessionId ?? null,
  };
}

/** Login with lockout, sessions and API-key authentication. */
export class AuthService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly audit: AuditService,
  ) {}

  /**
   * Checks the password. Failures are counted and audited (and committed) before the error is
   * thrown; the N-th consecutive failure locks the account for the configured minutes.
   */
  async login(ctx: RequestContext, username: string, password: string, userAgent: string | null): Promise<LoginResult> {
    const now = this.clock.now();
    const user = await repo.findUserByUsername(this.db, username);
    if (!user) {
      await verifyPassword(await dummyPasswordHash(), password);
      await inTransaction(this.db, (trx) =>
        this.audit.record(trx, ctx, {
          chainKey: 'auth:unknown-user',
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: null,
          summary: { username: username.slice(0, 40), reason: 'unknown_user' },
        }),
      );
      throw new AppError(ErrorCode.INVALID_CREDENTIALS);
    }
    const userCtx: RequestContext = { ...ctx, actor: actorFromUser(user, 'session') };
    const chainKey = `user:${user.id}`;

    if (user.locked_until && user.locked_until > now) {
      await inTransaction(this.db, (trx) =>
        this.audit.record(trx, userCtx, {
          chainKey,
          action: 'auth.login_refused_locked',
          targetType: 'user',
          targetId: user.id,
          summary: { lockedUntil: user.locked_until },
        }),
      );
      throw lockedError(user.locked_until);
    }

    const ok = await verifyPassword(user.password_hash, password);
    if (!ok) {
      const lockedUntil = await inTransaction(this.db, async (trx) => {
        const failures = await repo.bumpFailedLogins(trx, user.id);
        await this.audit.record(trx, userCtx, {
          chainKey,
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user.id,
          summary: { reason: 'wrong_password', consecutiveFailures: failures },
        });
        if (failures < this.config.loginMaxFailures) return null;
        const until = new Date(now.getTime() + this.config.loginLockMinutes * MINUTE);
        await repo.updateUser(trx, user.id, { failed_logins: 0, locked_until: until });
        await this.audit.record(trx, userCtx, {
          chainKey,
          action: 'auth.lockout',
          targetType: 'user',
          targetId: user.id,
          summary: { before: { lockedUntil: null }, after: { lockedUntil: until }, failures },
        });
        return until;
      });
      throw lockedUntil ? lockedError(lockedUntil) : new AppError(ErrorCode.INVALID_CREDENTIALS);
    }
    if (user.disabled) throw new AppError(ErrorCode.ACCOUNT_DISABLED);

    const sessionToken = randomToken(32);
    const csrfToken = randomToken(24);
    const expiresAt = this.sessionExpiry(now, now);
    const updated = await inTransaction(this.db, async (trx) => {
      const u = user.failed_logins || user.locked_until ? await repo.updateUser(trx, user.id, { failed_logins: 0, locked_until: null }) : user;
      await repo.insertSession(trx, {
        id: sm3Hex(sessionToken),
        user_id: user.id,
        csrf_token: csrfToken,
        ip: ctx.ip,
        user_agent: userAgent?.slice(0, 300) ?? null,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      });
      await this.audit.record(trx, userCtx, { chainKey, action: 'auth.login', targetType: 'user', targetId: user.id, summary: { userAgent: userAgent?.slice(0, 120) ?? null } });
      return u;
    });
    return { user: updated, sessionToken, csrfToken, expiresAt };
  }

  async logout(ctx: RequestContext): Promise<void> {
    const actor = ctx.actor;
    if (!actor?.sessionId) return;
    await inTransaction(this.db, async (trx) => {
      await repo.deleteSession(trx, actor.sessionId!);
      await this.audit.record(trx, ctx, { chainKey: `user:${actor.userId}`, action: 'auth.logout', targetType: 'user', targetId: actor.userId, summary: {} });
    });
  }

  /** The session's absolute and idle limits, whichever comes first. */
  private sessionExpiry(createdAt: Date, now: Date): Date {
    return new Date(Math.min(createdAt.getTime() + this.config.sessionMaxHours * 60 * MINUTE, now.getTime() + this.config.sessionIdleMinutes * MINUTE));
  }

  /** Resolves a session cookie to its actor and CSRF token; null if unknown or expired. */
  async resolveSession(token: string): Promise<{ actor: Actor; csrfToken: string } | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const id = sm3Hex(token);
    const found = await repo.findSessionWithUser(this.db, id);
    const now = this.clock.now();
    if (!found || found.session.expires_at <= now) return null;
    const { session, user } = found;
    if (user.disabled) return null;
    // Sliding idle timeout, written at most once a minute to keep reads cheap.
    if (now.getTime() - session.last_seen_at.getTime() > MINUTE) {
      await repo.touchSession(this.db, id, now, this.sessionExpiry(session.created_at, now));
    }
    return { actor: actorFromUser(user, 'session', { sessionId: id }), csrfToken: session.csrf_token };
  }

  /** Resolves `tbk_<prefix>_<secret>` to its owner, narrowed by the key's scopes. */
  async resolveApiKey(token: string): Promise<Actor | null> {
    const m = /^tbk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const found = await repo.findApiKeyWithUser(this.db, m[1]!);
    const now = this.clock.now();
    if (!found) return null;
    const { key, user } = found;
    if (key.revoked_at || (key.expires_at && key.expires_at <= now)) return null;
    if (!safeEqual(key.secret_hash, sm3Hex(m[2]!))) return null;
    if (user.disabled) return null;
    if (!key.last_used_at || now.getTime() - key.last_used_at.getTime() > MINUTE) await repo.touchApiKey(this.db, key.id, now);
    const scopes = key.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s));
    return actorFromUser(user, 'api_key', { keyScopes: scopes });
  }
}

function lockedError(until: Date): AppError {
  const hhmm = until.toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
  return new AppError(ErrorCode.ACCOUNT_LOCKED, {
    zh: `账号因多次登录失败已被锁定，请于 ${hhmm} 后再试`,
    en: `The account is locked after repeated failed logins; try again after ${hhmm} (Beijing time)`,
  });
}
