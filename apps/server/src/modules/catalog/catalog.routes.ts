import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode, GuideAnswers, GuideResult, MatterHistory, ProcessHistory, ProcessSummary, ProcessVersionView, MatterCreateInput, MatterDraftInput, MatterSummary, MatterVersion, ProcessCreateInput, ProcessDraftInput } from '@tongban/contracts';
import { authorize, requestContext } from '../../plugins/auth.ts';
import { ErrorEnvelopeSchema, IdParams, SECURED, withErrors } from '../../lib/http-schemas.ts';
import type { Services } from '../../services.ts';
import { AppError } from '../../lib/errors.ts';

const admin = authorize({ roles: ['admin'], apiKeyScope: 'catalog:write' });
const reader = authorize({ roles: 'any', apiKeyScope: 'catalog:read' });
const MatterQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    departmentId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
    stage: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'national stage code: matters placed in this stage of a published process' })),
  },
  { additionalProperties: false },
);
const ProcessQuery = Type.Object(
  { projectType: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })), regionCode: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{5}$' })) },
  { additionalProperties: false },
);
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9_-]{2,40}$' }) }, { additionalProperties: false });
const list = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ items: Type.Array(item) });

/** Admin catalog editing (drafts, publish, retire) and signed-in reading. */
export function catalogRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const m = s.matters;
    const p = s.processes;
    const isAdmin = (role: string | undefined) => role === 'admin';

    // ---- matters
    app.get('/api/v1/catalog/matters', { schema: { tags: ['catalog'], summary: 'Matters (admins also see drafts)', security: SECURED, querystring: MatterQuery, response: withErrors({ 200: list(MatterSummary) }) }, onRequest: reader }, async (req) => ({
      items: await m.list({ ...req.query, publishedOnly: !isAdmin(req.actor?.role) }),
    }));
    app.get('/api/v1/catalog/matters/:id/versions', { schema: { tags: ['catalog'], summary: 'Version history of a matter', security: SECURED, params: IdParams, response: withErrors({ 200: MatterHistory }) }, onRequest: reader }, async (req) =>
      m.history(req.params.id),
    );
    app.post('/api/v1/catalog/matters', { schema: { tags: ['catalog'], summary: 'Create a matter with its first draft', security: SECURED, body: MatterCreateInput, response: withErrors({ 201: MatterVersion }) }, onRequest: admin }, async (req, reply) =>
      reply.status(201).send(await m.create(requestContext(req), req.body)),
    );
    app.put('/api/v1/catalog/matters/:id/draft', { schema: { tags: ['catalog'], summary: 'Save the draft (opens a new draft version if none is open)', security: SECURED, params: IdParams, body: MatterDraftInput, response: withErrors({ 200: MatterVersion }) }, onRequest: admin }, async (req) =>
      m.saveDraft(requestContext(req), req.params.id, req.body),
    );
    app.post('/api/v1/catalog/matters/:id/draft', { schema: { tags: ['catalog'], summary: 'Open a draft copied from the published version', security: SECURED, params: IdParams, response: withErrors({ 200: MatterVersion }) }, onRequest: admin }, async (req) =>
      m.startDraft(requestContext(req), req.params.id),
    );
    app.get('/api/v1/catalog/matter-versions/:id', { schema: { tags: ['catalog'], summary: 'One matter version', security: SECURED, params: IdParams, response: withErrors({ 200: MatterVersion }) }, onRequest: reader }, async (req) =>
      m.getVersion(req.params.id, { includeDrafts: isAdmin(req.actor?.role) }),
    );
    app.post('/api/v1/catalog/matter-versions/:id/publish', { schema: { tags: ['catalog'], summary: 'Publish a draft (publish checks; the previous version is retired)', security: SECURED, params: IdParams, response: withErrors({ 200: MatterVersion, 422: ErrorEnvelopeSchema }) }, onRequest: admin }, async (req) =>
      m.publish(requestContext(req), req.params.id),
    );
    app.post('/api/v1/catalog/matter-versions/:id/retire', { schema: { tags: ['catalog'], summary: 'Retire the published version', security: SECURED, params: IdParams, response: withErrors({ 200: MatterVersion }) }, onRequest: admin }, async (req) =>
      m.retire(requestContext(req), req.params.id),
    );
    app.delete('/api/v1/catalog/matter-versions/:id', { schema: { tags: ['catalog'], summary: 'Discard a draft', security: SECURED, params: IdParams, response: withErrors({ 204: Type.Null() }) }, onRequest: admin }, async (req, reply) => {
      await m.deleteDraft(requestContext(req), req.params.id);
      return reply.status(204).send(null);
    });

    // ---- processes
    app.get('/api/v1/catalog/processes', { schema: { tags: ['catalog'], summary: 'Processes (admins also see drafts)', security: SECURED, querystring: ProcessQuery, response: withErrors({ 200: list(ProcessSummary) }) }, onRequest: reader }, async (req) => ({
      items: await p.list({ ...req.query, publishedOnly: !isAdmin(req.actor?.role) }),
    }));
    app.get('/api/v1/catalog/processes/:id/versions', { schema: { tags: ['catalog'], summary: 'Version history of a process', security: SECURED, params: IdParams, response: withErrors({ 200: ProcessHistory }) }, onRequest: reader }, async (req) =>
      p.history(req.params.id),
    );
    app.post('/api/v1/catalog/processes', { schema: { tags: ['catalog'], summary: 'Create a process with its first draft', security: SECURED, body: ProcessCreateInput, response: withErrors({ 201: ProcessVersionView }) }, onRequest: admin }, async (req, reply) =>
      reply.status(201).send(await p.create(requestContext(req), req.body)),
    );
    app.put('/api/v1/catalog/processes/:id/draft', { schema: { tags: ['catalog'], summary: 'Save the process draft', security: SECURED, params: IdParams, body: ProcessDraftInput, response: withErrors({ 200: ProcessVersionView }) }, onRequest: admin }, async (req) =>
      p.saveDraft(requestContext(req), req.params.id, req.body),
    );
    app.post('/api/v1/catalog/processes/:id/draft', { schema: { tags: ['catalog'], summary: 'Open a draft copied from the published version', security: SECURED, params: IdParams, response: withErrors({ 200: ProcessVersionView }) }, onRequest: admin }, async (req) =>
      p.startDraft(requestContext(req), req.params.id),
    );
    app.get('/api/v1/catalog/process-versions/:id', { schema: { tags: ['catalog'], summary: 'One process version with stages and matters', security: SECURED, params: IdParams, response: withErrors({ 200: ProcessVersionView }) }, onRequest: reader }, async (req) =>
      p.getVersion(req.params.id, { includeDrafts: isAdmin(req.actor?.role) }),
    );
    app.post('/api/v1/catalog/process-versions/:id/publish', { schema: { tags: ['catalog'], summary: 'Publish a process draft', security: SECURED, params: IdParams, response: withErrors({ 200: ProcessVersionView, 422: ErrorEnvelopeSchema }) }, onRequest: admin }, async (req) =>
      p.publish(requestContext(req), req.params.id),
    );
    app.post('/api/v1/catalog/process-versions/:id/retire', { schema: { tags: ['catalog'], summary: 'Retire the published process version', security: SECURED, params: IdParams, response: withErrors({ 200: ProcessVersionView }) }, onRequest: admin }, async (req) =>
      p.retire(requestContext(req), req.params.id),
    );
    app.delete('/api/v1/catalog/process-versions/:id', { schema: { tags: ['catalog'], summary: 'Discard a process draft', security: SECURED, params: IdParams, response: withErrors({ 204: Type.Null() }) }, onRequest: admin }, async (req, reply) => {
      await p.deleteDraft(requestContext(req), req.params.id);
      return reply.status(204).send(null);
    });

    // ---- Excel: the whole catalog out and back in
    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    app.addContentTypeParser(XLSX, { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    app.get(
      '/api/v1/catalog/export.xlsx',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The catalog as an Excel workbook (published versions, or the newest including drafts)',
          security: SECURED,
          querystring: Type.Object({ source: Type.Optional(Type.Enum(['published', 'latest'])) }, { additionalProperties: false }),
        },
        onRequest: admin,
      },
      async (req, reply) => {
        const file = await s.catalogExcel.export(req.query.source ?? 'published');
        return reply.header('content-type', XLSX).header('content-disposition', `attachment; filename="tongban-catalog-${req.query.source ?? 'published'}.xlsx"`).send(file);
      },
    );
    app.post(
      '/api/v1/catalog/import',
      {
        schema: {
          tags: ['catalog'],
          summary: `Import a workbook (body: the .xlsx file, content type ${XLSX}) as drafts; any bad cell rejects the whole file`,
          security: SECURED,
          response: withErrors({ 200: Type.Object({ matters: Type.Object({ created: Type.Integer(), updated: Type.Integer() }), processes: Type.Object({ created: Type.Integer(), updated: Type.Integer() }) }) }),
        },
        onRequest: admin,
      },
      async (req) => {
        if (!Buffer.isBuffer(req.body)) throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, { zh: `请以 ${XLSX} 上传 .xlsx 文件`, en: `Upload the .xlsx file as ${XLSX}` });
        return s.catalogExcel.import(requestContext(req), req.body);
      },
    );

    // ---- public: the service guide (办事指南) and guided selection, no account needed
    const pub = ['public'];
    app.get('/api/v1/public/matters', { schema: { tags: pub, summary: 'Published matters; q searches Chinese text', querystring: MatterQuery, response: withErrors({ 200: list(MatterSummary) }) } }, async (req) => ({
      items: await m.list({ ...req.query, publishedOnly: true }),
    }));
    app.get('/api/v1/public/matters/:code', { schema: { tags: pub, summary: 'The service guide of a matter (its published version)', params: CodeParams, response: withErrors({ 200: MatterVersion }) } }, async (req) =>
      m.getPublishedByCode(req.params.code),
    );
    app.get('/api/v1/public/processes', { schema: { tags: pub, summary: 'Published processes by project type and region', querystring: ProcessQuery, response: withErrors({ 200: list(ProcessSummary) }) } }, async (req) => ({
      items: await p.list({ ...req.query, publishedOnly: true }),
    }));
    app.get('/api/v1/public/process-versions/:id', { schema: { tags: pub, summary: 'A published (or retired) process version', params: IdParams, response: withErrors({ 200: ProcessVersionView }) } }, async (req) =>
      p.getVersion(req.params.id, { includeDrafts: false }),
    );
    app.post('/api/v1/processes/:id/guide', { schema: { tags: pub, summary: 'Guided selection: the matters that apply to these answers, with reasons', params: IdParams, body: GuideAnswers, response: withErrors({ 200: GuideResult }) } }, async (req) =>
      p.guide(req.params.id, req.body.answers),
    );
  };
}
