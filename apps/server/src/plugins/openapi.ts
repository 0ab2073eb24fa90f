import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** OpenAPI 3 generated from the route schemas at /api/openapi.json, with a docs UI at /api/docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tongban 通办 API',
        version: '1.0.0',
        description:
          'Construction-project approval platform. Errors always use the envelope `{error:{code,message,messages,requestId,details?}}`; `Accept-Language: en-US` selects English messages. Cookie-authenticated writes need the `X-CSRF-Token` header.',
      },
      components: {
        securitySchemes: {
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'tb_session' },
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key `tbk_<prefix>_<secret>`' },
        },
      },
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // The app-wide CSP from helmet (styles inline allowed, scripts self only) fits Swagger UI.
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });
}
