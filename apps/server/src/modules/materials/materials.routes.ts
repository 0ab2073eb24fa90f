import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import {
  ErrorCode,
  LibraryMaterialDetail,
  LibraryMaterialView,
  LibraryUploadQuery,
  LibraryVersionQuery,
  MATERIAL_CODE_PATTERN,
  MaterialView,
  PrecheckReportView,
  ReuseMaterialInput,
  ReuseOffer,
} from '@tongban/contracts';
import { authorize, requestContext } from '../../plugins/auth.ts';
import { IdParams, pageOf, Paging, SECURED, withErrors } from '../../lib/http-schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { sendFile } from '../../lib/send-file.ts';
import type { Services } from '../../services.ts';

const libraryReader = authorize({ roles: ['applicant', 'admin'], apiKeyScope: 'applications:read' });
const applicant = authorize({ roles: ['applicant'], apiKeyScope: 'applications:write' });
const reader = authorize({ roles: ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor', 'admin'], apiKeyScope: 'applications:read' });

const UPLOAD_TYPES = ['application/octet-stream', 'application/pdf', 'image/png', 'image/jpeg', 'application/zip'];
const VersionParams = Type.Object({ id: IdParams.properties.id, versionId: IdParams.properties.id }, { additionalProperties: false });
const LibraryListQuery = Type.Object(
  {
    kind: Type.Optional(Type.String({ pattern: `${MATERIAL_CODE_PATTERN}|^other$` })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    includeArchived: Type.Optional(Type.Boolean()),
    /** Admins only: one enterprise's library. */
    enterpriseId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
    ...Paging,
  },
  { additionalProperties: false },
);

/** The streamed request body and the file name from X-File-Name (URI-encoded), as for application uploads. */
function upload(req: FastifyRequest): { name: string; body: Readable } {
  const body = req.body as Readable | undefined;
  if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, { zh: `请以 ${UPLOAD_TYPES.join('、')} 上传文件`, en: `Upload the file as one of ${UPLOAD_TYPES.join(', ')}` });
  try {
    return { name: decodeURIComponent(String(req.headers['x-file-name'] ?? 'file')), body };
  } catch {
    throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: 'X-File-Name 编码无效', en: 'X-File-Name is not valid URI encoding' });
  }
}

/** The material library (applicants' own enterprise; admins read), reuse in applications, and the pre-check report. */
export function materialsRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tag = (t: string) => ({ tags: [t], security: SECURED });
    // Uploads are streamed to the intake, never buffered whole (this plugin's own parsers: content-type parsers are per plugin).
    for (const type of UPLOAD_TYPES) {
      if (!app.hasContentTypeParser(type)) app.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
    }

    // ---- the library
    app.get(
      '/api/v1/library/materials',
      { schema: { ...tag('library'), summary: "The enterprise's material library (applicants: their own; admins: any)", querystring: LibraryListQuery, response: withErrors({ 200: pageOf(LibraryMaterialView) }) }, onRequest: libraryReader },
      async (req) => s.library.list(req.actor!, req.query),
    );
    app.get('/api/v1/library/materials/:id', { schema: { ...tag('library'), summary: 'One library material with its versions and the applications using it', params: IdParams, response: withErrors({ 200: LibraryMaterialDetail }) }, onRequest: libraryReader }, async (req) =>
      s.library.detail(req.actor!, req.params.id),
    );
    app.post(
      '/api/v1/library/materials',
      {
        schema: { ...tag('library'), summary: 'Upload a new material (body: the file; X-File-Name: URI-encoded name). Type sniffed from content.', querystring: LibraryUploadQuery, response: withErrors({ 201: LibraryMaterialDetail }) },
        bodyLimit: 2048 * 1024 * 1024,
        onRequest: applicant,
      },
      async (req, reply) => {
        const f = upload(req);
        return reply.status(201).send(await s.library.upload(requestContext(req), req.query, f.name, f.body));
      },
    );
    app.post(
      '/api/v1/library/materials/:id/versions',
      {
        schema: { ...tag('library'), summary: 'Upload a new version; every open application attaching an older version gets it, and the people handling them are told', params: IdParams, querystring: LibraryVersionQuery, response: withErrors({ 201: LibraryMaterialDetail }) },
        bodyLimit: 2048 * 1024 * 1024,
        onRequest: applicant,
      },
      async (req, reply) => reply.status(201).send(await s.library.newVersion(requestContext(req), req.params.id, req.query, () => upload(req))),
    );
    app.get('/api/v1/library/materials/:id/versions/:versionId/content', { schema: { ...tag('library'), summary: 'Download a version (audited)', params: VersionParams }, onRequest: libraryReader }, async (req, reply) =>
      sendFile(reply, await s.library.openVersion(requestContext(req), req.params.id, req.params.versionId)),
    );
    app.post('/api/v1/library/materials/:id/archive', { schema: { ...tag('library'), summary: 'Archive a material (no longer offered; attachments stay)', params: IdParams, response: withErrors({ 200: LibraryMaterialView }) }, onRequest: applicant }, async (req) =>
      s.library.archive(requestContext(req), req.params.id),
    );

    // ---- reuse in applications and the pre-check
    app.get('/api/v1/applications/:id/reuse-offers', { schema: { ...tag('applications'), summary: 'Per requirement: library materials (same kind first) and certificates the enterprise can reuse', params: IdParams, response: withErrors({ 200: Type.Object({ items: Type.Array(ReuseOffer) }) }) }, onRequest: libraryReader }, async (req) => ({
      items: await s.applications.reuseOffers(req.actor!, req.params.id),
    }));
    app.post('/api/v1/applications/:id/materials/reuse', { schema: { ...tag('applications'), summary: "Attach a library material's current version or an issued certificate to a requirement", params: IdParams, body: ReuseMaterialInput, response: withErrors({ 201: MaterialView }) }, onRequest: applicant }, async (req, reply) =>
      reply.status(201).send(await s.applications.reuseMaterial(requestContext(req), req.params.id, req.body)),
    );
    app.get('/api/v1/applications/:id/precheck', { schema: { ...tag('applications'), summary: 'Pre-check report (智能预审): the matters\' rules over the form and what was read from the files; errors block submission', params: IdParams, response: withErrors({ 200: PrecheckReportView }) }, onRequest: reader }, async (req) =>
      s.precheck.report(req.actor!, req.params.id),
    );
  };
}
