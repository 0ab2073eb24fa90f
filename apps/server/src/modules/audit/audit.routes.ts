import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authorize } from '../../plugins/auth.ts';
import { Nullable, pageOf, Paging, SECURED, withErrors } from '../../lib/http-schemas.ts';
import type { Services } from '../../services.ts';

const AuditEventSchema = Type.Object({
  id: Type.Integer(),
  chainKey: Type.String(),
  seq: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  actorId: Nullable(Type.Integer()),
  actorName: Nullable(Type.String()),
  actorRole: Nullable(Type.String()),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Nullable(Type.String()),
  regionCode: Nullable(Type.String()),
  summary: Type.Record(Type.String(), Type.Unknown()),
  requestId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  hash: Type.String(),
});

export function auditRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const guard = authorize({ roles: ['admin', 'supervisor'], apiKeyScope: 'audit:read' });
    app.get(
      '/api/v1/audit/verify',
      {
        schema: {
          tags: ['audit'],
          summary: 'Walk every audit chain and report the first broken event',
          security: SECURED,
          response: withErrors({ 200: Type.Object({ ok: Type.Boolean(), checked: Type.Integer(), firstBrokenId: Nullable(Type.Integer()), reason: Nullable(Type.String()) }) }),
        },
        onRequest: guard,
      },
      async () => s.audit.verify(s.database.db),
    );
    app.get(
      '/api/v1/audit/events',
      {
        schema: {
          tags: ['audit'],
          summary: 'Audit events, newest first (admin: all; supervisor: own region subtree)',
          security: SECURED,
          querystring: Type.Object(
            {
              ...Paging,
              targetType: Type.Optional(Type.String({ maxLength: 40 })),
              targetId: Type.Optional(Type.String({ maxLength: 64 })),
              actorId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
              action: Type.Optional(Type.String({ maxLength: 64 })),
            },
            { additionalProperties: false },
          ),
          response: withErrors({ 200: pageOf(AuditEventSchema) }),
        },
        onRequest: guard,
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        return s.audit.list(s.database.db, req.actor!, { ...f, limit: pageSize, offset: (page - 1) * pageSize });
      },
    );
  };
}
