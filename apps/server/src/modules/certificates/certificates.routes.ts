import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { CertificateListQuery, CertificateView, ErrorCode, PublishedKeyList, RevokeInput, VerifyPdfResult, VerifyResult } from '@tongban/contracts';
import { authorize, requestContext } from '../../plugins/auth.ts';
import { ErrorEnvelopeSchema, IdParams, pageOf, SECURED, withErrors } from '../../lib/http-schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { sendFile } from '../../lib/send-file.ts';
import type { Services } from '../../services.ts';

const reader = authorize({ roles: ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor', 'admin'], apiKeyScope: 'applications:read' });
const revoker = authorize({ roles: ['approver', 'admin'], apiKeyScope: 'tasks:write' });
const admin = authorize({ roles: ['admin'], apiKeyScope: 'applications:write' });

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const CaseParams = Type.Object({ caseId: Uuid }, { additionalProperties: false });
const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });
const PdfQuery = Type.Object({ inline: Type.Optional(Type.Enum(['0', '1'])) }, { additionalProperties: false });
const PDF_LIMIT = 20 * 1024 * 1024;
const PDF_TYPES = ['application/pdf', 'application/octet-stream'];

/** Public verification is unauthenticated: a fixed window per client address keeps it from being a code oracle. */
const VERIFY_PER_MINUTE = 60;

function rateLimiter(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return async (req: FastifyRequest) => {
    const now = Date.now();
    if (windows.size > 10_000) for (const [ip, w] of windows) if (now - w.start >= 60_000) windows.delete(ip);
    const w = windows.get(req.ip);
    if (!w || now - w.start >= 60_000) windows.set(req.ip, { start: now, count: 1 });
    else if (++w.count > perMinute) throw new AppError(ErrorCode.RATE_LIMITED, { zh: '核验请求过于频繁，请一分钟后再试', en: 'Too many verification requests; try again in a minute' });
  };
}

/** RFC 6266 / 5987: an ASCII fallback name and the real (UTF-8) one. */
/** Certificates and decision letters: lists, the signed PDF, revocation, retries, and public verification. */
export function certificatesRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const certs = s.certificates;
    const tag = { tags: ['certificates'], security: SECURED };
    const pub = { tags: ['certificates', 'public'] };
    const limited = rateLimiter(VERIFY_PER_MINUTE);

    app.get('/api/v1/certificates/keys', { schema: { ...pub, summary: 'The departments\' public signing keys, active and retired (public; for offline verification)', response: { 200: PublishedKeyList } } }, async () => ({
      keys: await certs.publishedKeys(),
    }));

    app.get(
      '/api/v1/certificates/verify/:code',
      { schema: { ...pub, summary: 'Verify a certificate by its verification code (public, rate-limited)', params: CodeParams, response: withErrors({ 200: VerifyResult, 429: ErrorEnvelopeSchema }) }, onRequest: limited },
      async (req) => certs.verifyCode(req.params.code),
    );

    // The PDF is read into memory (at most 20 MB) to check its trailer; nothing is stored. This
    // plugin is encapsulated: the parser applies to its own routes only.
    app.addContentTypeParser(PDF_TYPES, { parseAs: 'buffer', bodyLimit: PDF_LIMIT }, (_req, body, done) => done(null, body));
    app.post(
      '/api/v1/certificates/verify-pdf',
      {
        schema: { ...pub, summary: 'Check a certificate PDF\'s signature and its online record (public, rate-limited; body: the PDF, at most 20 MB)', response: withErrors({ 200: VerifyPdfResult, 413: ErrorEnvelopeSchema, 415: ErrorEnvelopeSchema, 429: ErrorEnvelopeSchema }) },
        bodyLimit: PDF_LIMIT,
        onRequest: limited,
      },
      async (req) => {
        const body = req.body;
        if (!Buffer.isBuffer(body)) throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, { zh: '请以 application/pdf 上传 PDF 文件', en: 'Send the PDF as application/pdf' });
        if (body.length === 0) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '文件为空', en: 'The file is empty' });
        return certs.verifyPdfBytes(body);
      },
    );

    app.get(
      '/api/v1/certificates',
      { schema: { ...tag, summary: 'Certificates and decision letters in the caller scope, newest first', querystring: CertificateListQuery, response: withErrors({ 200: pageOf(CertificateView) }) }, onRequest: reader },
      async (req) => certs.list(req.actor!, req.query),
    );
    app.get('/api/v1/certificates/:id', { schema: { ...tag, summary: 'One certificate or decision letter', params: IdParams, response: withErrors({ 200: CertificateView }) }, onRequest: reader }, async (req) =>
      certs.get(req.actor!, req.params.id),
    );
    app.get('/api/v1/certificates/:id/pdf', { schema: { ...tag, summary: 'The signed PDF as issued (audited); ?inline=1 to show it in the browser', params: IdParams, querystring: PdfQuery }, onRequest: reader }, async (req, reply) => {
      const inline = req.query.inline === '1';
      const f = await certs.openPdf(requestContext(req), req.params.id, inline);
      return sendFile(reply, { ...f, contentType: 'application/pdf' }, inline);
    });
    app.post(
      '/api/v1/certificates/:id/revoke',
      { schema: { ...tag, summary: 'Revoke (吊销) a certificate: approver of the issuing department or admin; a second revoke is ALREADY_REVOKED', params: IdParams, body: RevokeInput, response: withErrors({ 200: CertificateView }) }, onRequest: revoker },
      async (req) => certs.revoke(requestContext(req), req.params.id, req.body.reason),
    );
    app.post(
      '/api/v1/certificates/cases/:caseId/retry',
      { schema: { ...tag, summary: 'Admin: put a case whose document failed back into the issuing queue', params: CaseParams, response: withErrors({ 200: Type.Object({ caseId: Type.String(), documentStatus: Type.Literal('pending') }) }) }, onRequest: admin },
      async (req) => certs.retry(requestContext(req), req.params.caseId),
    );
  };
}
