import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authorize, CSRF_COOKIE, requestContext, SESSION_COOKIE } from '../../plugins/auth.ts';
import { ErrorEnvelopeSchema, MeSchema, SECURED, withErrors } from '../../lib/http-schemas.ts';
import { actorFromUser } from './auth.service.ts';
import type { Services } from '../../services.ts';

export function authRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const cookieBase = { path: '/', sameSite: 'strict' as const, secure: s.config.cookieSecure };

    app.post(
      '/api/v1/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Log in with username and password; sets the session cookie',
          body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
          response: withErrors({ 200: MeSchema, 423: ErrorEnvelopeSchema }),
        },
      },
      async (req, reply) => {
        const ua = req.headers['user-agent'] ?? null;
        const result = await s.auth.login(requestContext(req), req.body.username, req.body.password, ua);
        const maxAge = Math.floor((result.expiresAt.getTime() - s.clock.now().getTime()) / 1000);
        reply.setCookie(SESSION_COOKIE, result.sessionToken, { ...cookieBase, httpOnly: true, maxAge: s.config.sessionMaxHours * 3600 });
        reply.setCookie(CSRF_COOKIE, result.csrfToken, { ...cookieBase, httpOnly: false, maxAge: Math.max(maxAge, s.config.sessionMaxHours * 3600) });
        return s.users.me(actorFromUser(result.user, 'session'), result.csrfToken);
      },
    );

    app.post(
      '/api/v1/auth/logout',
      { schema: { tags: ['auth'], summary: 'End the current session', security: SECURED, response: withErrors({ 204: Type.Null() }) }, onRequest: authorize({ roles: 'any' }) },
      async (req, reply) => {
        await s.auth.logout(requestContext(req));
        reply.clearCookie(SESSION_COOKIE, cookieBase).clearCookie(CSRF_COOKIE, cookieBase);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/auth/me',
      { schema: { tags: ['auth'], summary: 'The signed-in account, its scope and CSRF token', security: SECURED, response: withErrors({ 200: MeSchema }) }, onRequest: authorize({ roles: 'any', apiKeyScope: 'accounts:read' }) },
      async (req) => s.users.me(req.actor!, req.csrfToken),
    );
  };
}
