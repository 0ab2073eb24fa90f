import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sql } from 'kysely';
import type { Services } from '../../services.ts';

export function healthRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/health',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness and which database is in use',
          response: {
            200: Type.Object({ status: Type.Literal('ok'), database: Type.Union([Type.Literal('pglite'), Type.Literal('postgresql')]), time: Type.String() }),
            503: Type.Object({ status: Type.Literal('degraded'), database: Type.String(), time: Type.String() }),
          },
        },
      },
      async (_req, reply) => {
        const time = s.clock.now().toISOString();
        try {
          await sql`SELECT 1`.execute(s.database.db);
          return { status: 'ok' as const, database: s.database.kind, time };
        } catch {
          return reply.status(503).send({ status: 'degraded' as const, database: s.database.kind, time });
        }
      },
    );
  };
}
