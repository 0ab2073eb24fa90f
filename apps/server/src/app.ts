import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from './services.ts';
import { registerAuth } from './plugins/auth.ts';
import { frameworkErrorHandler, registerErrorHandling } from './plugins/errors.ts';
import { registerOpenApi } from './plugins/openapi.ts';
import { registerValidation } from './plugins/validation.ts';
import { registerWeb } from './plugins/web.ts';
import { authRoutes } from './modules/accounts/auth.routes.ts';
import { usersRoutes } from './modules/accounts/users.routes.ts';
import { organizationRoutes } from './modules/organization/organization.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { catalogRoutes } from './modules/catalog/catalog.routes.ts';
import { workflowRoutes } from './modules/workflow/workflow.routes.ts';
import { procedureRoutes } from './modules/workflow/procedures.routes.ts';
import { materialsRoutes } from './modules/materials/materials.routes.ts';
import { certificatesRoutes } from './modules/certificates/certificates.routes.ts';
import { sharingRoutes } from './modules/sharing/sharing.routes.ts';

export interface BuildOptions {
  /** pino logging; false in tests. */
  logger?: boolean;
  /** Serve the built web app (default true). */
  web?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** Builds the Fastify instance: plugins first, then the feature modules. */
export async function buildApp(services: Services, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: opts.logger
      ? {
          level: config.logLevel,
          redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
        }
      : false,
    bodyLimit: config.bodyLimit,
    trustProxy: process.env.TRUST_PROXY === 'true',
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerValidation(app);
  registerErrorHandling(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (req.url.startsWith('/api/v1/')) reply.header('cache-control', 'no-store');
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Element Plus positions popovers with inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: config.cookieSecure,
  });
  await app.register(cookie);
  registerAuth(app, services.auth);
  await registerOpenApi(app);

  await app.register(healthRoutes(services));
  await app.register(authRoutes(services));
  await app.register(usersRoutes(services));
  await app.register(organizationRoutes(services));
  await app.register(auditRoutes(services));
  await app.register(catalogRoutes(services));
  await app.register(workflowRoutes(services));
  await app.register(procedureRoutes(services));
  await app.register(materialsRoutes(services));
  await app.register(certificatesRoutes(services));
  await app.register(sharingRoutes(services));

  await registerWeb(app, opts.web === false ? null : config.webDist);
  return app;
}
