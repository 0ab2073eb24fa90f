import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, type ErrorEnvelope } from '@tongban/contracts';
import { AppError, type ErrorDetail } from '../lib/errors.ts';
import { pickLocale } from '../lib/locale.ts';

interface ValidationItem {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: { additionalProperty?: string; missingProperty?: string };
}

function validationDetails(err: FastifyError): ErrorDetail[] {
  const ctx = (err as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  const details = ((err.validation ?? []) as ValidationItem[]).map((v) => {
    let path = `/${ctx}${v.instancePath ?? ''}`;
    if (v.keyword === 'additionalProperties' && v.params?.additionalProperty) path += `/${v.params.additionalProperty}`;
    if (v.keyword === 'required' && v.params?.missingProperty) path += `/${v.params.missingProperty}`;
    const message = v.keyword === 'additionalProperties' ? 'unknown field' : (v.message ?? 'invalid');
    return { path, message, union: v.keyword === 'anyOf' };
  });
  // A nullable field fails each branch of its union: keep one entry per path, the most specific.
  const byPath = new Map<string, ErrorDetail>();
  for (const d of details) if (!byPath.has(d.path) || !d.union) byPath.set(d.path, { path: d.path, message: d.message });
  return [...byPath.values()];
}

/** PostgreSQL errors that mean "bad input" or "someone else won", never a 500. */
const PG_CODES: Record<string, ErrorCode> = {
  '23505': ErrorCode.ALREADY_EXISTS,
  '23503': ErrorCode.IN_USE,
  '23514': ErrorCode.VALIDATION_FAILED,
  '23502': ErrorCode.VALIDATION_FAILED,
  '22P02': ErrorCode.VALIDATION_FAILED,
  '22001': ErrorCode.VALIDATION_FAILED,
  '22003': ErrorCode.VALIDATION_FAILED,
  '22007': ErrorCode.VALIDATION_FAILED,
  '22008': ErrorCode.VALIDATION_FAILED,
  '22021': ErrorCode.VALIDATION_FAILED,
  '40001': ErrorCode.CONFLICT,
  '40P01': ErrorCode.CONFLICT,
};

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.MALFORMED_JSON,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.MALFORMED_JSON,
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.VALIDATION_FAILED,
  FST_ERR_VALIDATION: ErrorCode.VALIDATION_FAILED,
};

function toAppError(err: FastifyError): AppError {
  if (err instanceof AppError) return err;
  if (err.validation) {
    const details = validationDetails(err);
    const where = details.map((d) => d.path).join(', ');
    return new AppError(ErrorCode.VALIDATION_FAILED, { zh: `请求参数不符合要求：${where}`, en: `Invalid request: ${where}` }, details);
  }
  const mapped = (err.code && (FASTIFY_CODES[err.code] ?? PG_CODES[err.code])) || undefined;
  if (mapped) return new AppError(mapped);
  if (err instanceof SyntaxError && err.statusCode === 400) return new AppError(ErrorCode.MALFORMED_JSON);
  const status = err.statusCode ?? 500;
  if (status === 404) return new AppError(ErrorCode.NOT_FOUND);
  if (status === 413) return new AppError(ErrorCode.PAYLOAD_TOO_LARGE);
  if (status === 415) return new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  if (status === 429) return new AppError(ErrorCode.RATE_LIMITED);
  if (status >= 400 && status < 500) return new AppError(ErrorCode.VALIDATION_FAILED);
  return new AppError(ErrorCode.INTERNAL_ERROR);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, e: AppError): FastifyReply {
  const locale = pickLocale(request.headers['accept-language']);
  const body: ErrorEnvelope = {
    error: {
      code: e.code,
      message: locale === 'en-US' ? e.messages.en : e.messages.zh,
      messages: { 'zh-CN': e.messages.zh, 'en-US': e.messages.en },
      requestId: String(request.id),
      ...(e.details && { details: e.details }),
    },
  };
  return reply.status(e.status).type('application/json; charset=utf-8').send(body);
}

/** Errors Fastify raises before routing (a malformed URL): same envelope, 400. */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const e = new AppError(ErrorCode.VALIDATION_FAILED, { zh: '请求地址格式错误', en: 'Malformed request URL' });
  void sendError(request, reply, err.code === 'FST_ERR_BAD_URL' ? e : toAppError(err));
}

/** One envelope for every error; internals are logged, never sent. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const e = toAppError(err);
    if (e.status >= 500) request.log.error({ err }, 'unhandled error');
    else request.log.info({ code: e.code, msg: err.message }, 'request refused');
    return sendError(request, reply, e);
  });
}
