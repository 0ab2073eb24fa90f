import type { FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Two validators: bodies are checked strictly (no type coercion, unknown fields refused, since
 * `additionalProperties: false` would otherwise be silently stripped by Fastify's default),
 * while params, query strings and headers, which arrive as text, are coerced to their types.
 */
export function registerValidation(app: FastifyInstance): void {
  const base = { allErrors: true, useDefaults: true, removeAdditional: false as const, strict: false };
  const strictAjv = addFormats(new Ajv({ ...base, coerceTypes: false }));
  const coercingAjv = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema));
}
