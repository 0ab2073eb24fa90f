import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ErrorCode } from '@tongban/contracts';
import { AppError } from '../lib/errors.ts';
import { sendError } from './errors.ts';

/** Serves the built web app with a single-page fallback; unknown /api paths get the JSON envelope. */
export async function registerWeb(app: FastifyInstance, webDist: string | null): Promise<void> {
  const hasWeb = webDist !== null && fs.existsSync(path.join(webDist, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false, maxAge: '1h', immutable: false });
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.url === '/api' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return sendError(req, reply, new AppError(ErrorCode.ROUTE_NOT_FOUND));
    }
    if (!hasWeb) {
      return reply.status(503).type('text/plain; charset=utf-8').send('Web UI not built: run `npm run build:web` (npm start does it for you).');
    }
    const rel = req.url.split('?')[0]!;
    // Real files (hashed assets) were served by @fastify/static; a missing asset is a 404, any other path is an app route.
    if (rel.startsWith('/assets/') || path.extname(rel)) return sendError(req, reply, new AppError(ErrorCode.NOT_FOUND));
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
