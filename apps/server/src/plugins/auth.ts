import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ErrorCode, type ApiKeyScope, type Role } from '@tongban/contracts';
import { AppError } from '../lib/errors.ts';
import { safeEqual } from '../lib/sm3.ts';
import type { Actor, RequestContext } from '../modules/accounts/actor.ts';
import type { AuthService } from '../modules/accounts/auth.service.ts';

export const SESSION_COOKIE = 'tb_session';
export const CSRF_COOKIE = 'tb_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The request facts services need for auditing. */
export function requestContext(req: FastifyRequest): RequestContext {
  return { actor: req.actor, requestId: String(req.id), ip: req.ip };
}

export interface AuthorizeOptions {
  /** Roles allowed; 'any' = every signed-in account. */
  roles: readonly Role[] | 'any';
  /** The scope an API key needs for this route; without it, API keys are refused here. */
  apiKeyScope?: ApiKeyScope;
}

/** Route guard: signed in, right role, and for API keys the right scope. */
export function authorize(opts: AuthorizeOptions): onRequestAsyncHookHandler {
  return async (req) => {
    const actor = req.actor;
    if (!actor) throw new AppError(ErrorCode.UNAUTHENTICATED);
    if (actor.via === 'api_key' && (!opts.apiKeyScope || !actor.keyScopes?.includes(opts.apiKeyScope))) {
      throw new AppError(ErrorCode.API_KEY_SCOPE_MISSING, opts.apiKeyScope ? { zh: `API 密钥缺少权限范围 ${opts.apiKeyScope}`, en: `The API key lacks scope ${opts.apiKeyScope}` } : undefined);
    }
    if (opts.roles !== 'any' && !opts.roles.includes(actor.role)) throw new AppError(ErrorCode.FORBIDDEN);
  };
}

/**
 * Resolves the caller from the session cookie or `Authorization: Bearer tbk_…`, then applies the
 * cross-site request checks to cookie-authenticated writes: the Origin (when sent) must be this
 * host, and the `X-CSRF-Token` header must equal the session's token (synchronizer token; the
 * session cookie is also SameSite=Strict).
 */
export function registerAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    if (UNSAFE.has(req.method)) {
      const origin = req.headers.origin;
      if (origin && origin !== 'null') {
        let host: string | null = null;
        try {
          host = new URL(origin).host;
        } catch {
          host = null;
        }
        if (host !== req.headers.host) throw new AppError(ErrorCode.CSRF_TOKEN_INVALID);
      }
    }
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = m ? await auth.resolveApiKey(m[1]!) : null;
      if (!actor) throw new AppError(ErrorCode.UNAUTHENTICATED, { zh: 'API 密钥无效、已过期或已吊销', en: 'The API key is invalid, expired or revoked' });
      req.actor = actor;
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await auth.resolveSession(token);
    if (!session) return;
    req.actor = session.actor;
    req.csrfToken = session.csrfToken;
    if (UNSAFE.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) throw new AppError(ErrorCode.CSRF_TOKEN_INVALID);
    }
  });
}
