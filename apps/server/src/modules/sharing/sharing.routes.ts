import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BusinessLicenceRecord, CertificateRecord, ErrorCode } from '@tongban/contracts';
import { authorize } from '../../plugins/auth.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { SECURED, withErrors } from '../../lib/http-schemas.ts';
import type { Services } from '../../services.ts';
import { RegistryInputError } from './registry.ts';

const signedIn = authorize({ roles: 'any', apiKeyScope: 'applications:read' });

/** A provider that refuses the input (RegistryInputError) answers 400, not 500. */
async function lookUp<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RegistryInputError) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: `查询条件无效：${err.message}`, en: `Invalid look-up: ${err.message}` });
    throw err;
  }
}

/** Data sharing look-ups through the configured registry provider, to prefill forms (signed-in users). */
export function sharingRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tag = { tags: ['sharing'], security: SECURED };
    app.get(
      '/api/v1/sharing/business-licence/:uscc',
      { schema: { ...tag, summary: 'Business licence (营业执照) by USCC; 404 when the registry holds none', params: Type.Object({ uscc: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }), response: withErrors({ 200: BusinessLicenceRecord }) }, onRequest: signedIn },
      async (req) => {
        const record = await lookUp(() => s.registry.businessLicence(req.params.uscc));
        if (!record) throw notFound({ zh: '该统一社会信用代码的营业执照', en: 'A business licence for this USCC' });
        return record;
      },
    );
    app.get(
      '/api/v1/sharing/certificates/:number',
      { schema: { ...tag, summary: 'Certificate by its number (文号), with its state; 404 when the registry holds none', params: Type.Object({ number: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }), response: withErrors({ 200: CertificateRecord }) }, onRequest: signedIn },
      async (req) => {
        const record = await lookUp(() => s.registry.certificate(req.params.number));
        if (!record) throw notFound({ zh: '该文号的证照', en: 'A certificate with this number' });
        return record;
      },
    );
  };
}
