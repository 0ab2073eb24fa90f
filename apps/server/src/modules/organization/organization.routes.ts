import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authorize, requestContext } from '../../plugins/auth.ts';
import { DepartmentKind, DepartmentSchema, EnterpriseSchema, IdParams, Nullable, pageOf, Paging, RegionCode, RegionSchema, SECURED, Text, withErrors } from '../../lib/http-schemas.ts';
import type { Services } from '../../services.ts';

const CodeParams = Type.Object({ code: RegionCode }, { additionalProperties: false });
const admin = authorize({ roles: ['admin'], apiKeyScope: 'accounts:write' });
const anyone = authorize({ roles: 'any', apiKeyScope: 'accounts:read' });

export function organizationRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const org = s.organization;

    // ---- regions
    app.get('/api/v1/regions', { schema: { tags: ['regions'], summary: 'The region tree as a flat list', security: SECURED, response: withErrors({ 200: Type.Object({ items: Type.Array(RegionSchema) }) }) }, onRequest: anyone }, async () => ({
      items: await org.listRegions(),
    }));
    app.post(
      '/api/v1/regions',
      {
        schema: {
          tags: ['regions'],
          summary: 'Add a region under a parent (admin)',
          security: SECURED,
          body: Type.Object({ code: RegionCode, name: Text(100), parentCode: Nullable(RegionCode) }, { additionalProperties: false }),
          response: withErrors({ 201: RegionSchema }),
        },
        onRequest: admin,
      },
      async (req, reply) => reply.status(201).send(await org.createRegion(requestContext(req), req.body)),
    );
    app.patch(
      '/api/v1/regions/:code',
      { schema: { tags: ['regions'], summary: 'Rename a region (admin)', security: SECURED, params: CodeParams, body: Type.Object({ name: Text(100) }, { additionalProperties: false }), response: withErrors({ 200: RegionSchema }) }, onRequest: admin },
      async (req) => org.renameRegion(requestContext(req), req.params.code, req.body.name),
    );
    app.delete(
      '/api/v1/regions/:code',
      { schema: { tags: ['regions'], summary: 'Delete an unused leaf region (admin)', security: SECURED, params: CodeParams, response: withErrors({ 204: Type.Null() }) }, onRequest: admin },
      async (req, reply) => {
        await org.deleteRegion(requestContext(req), req.params.code);
        return reply.status(204).send(null);
      },
    );

    // ---- departments
    app.get(
      '/api/v1/departments',
      {
        schema: {
          tags: ['departments'],
          summary: 'Department directory, optionally of one region subtree',
          security: SECURED,
          querystring: Type.Object({ regionCode: Type.Optional(RegionCode) }, { additionalProperties: false }),
          response: withErrors({ 200: Type.Object({ items: Type.Array(DepartmentSchema) }) }),
        },
        onRequest: anyone,
      },
      async (req) => ({ items: await org.listDepartments(req.query.regionCode) }),
    );
    app.get('/api/v1/departments/:id', { schema: { tags: ['departments'], summary: 'One department', security: SECURED, params: IdParams, response: withErrors({ 200: DepartmentSchema }) }, onRequest: anyone }, async (req) =>
      org.getDepartment(req.params.id),
    );
    app.post(
      '/api/v1/departments',
      {
        schema: {
          tags: ['departments'],
          summary: 'Create a department (admin)',
          security: SECURED,
          body: Type.Object(
            { code: Type.String({ pattern: '^[A-Za-z0-9_-]{2,40}$' }), name: Text(100), nameEn: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), regionCode: RegionCode, kind: DepartmentKind },
            { additionalProperties: false },
          ),
          response: withErrors({ 201: DepartmentSchema }),
        },
        onRequest: admin,
      },
      async (req, reply) => reply.status(201).send(await org.createDepartment(requestContext(req), req.body)),
    );
    app.patch(
      '/api/v1/departments/:id',
      {
        schema: {
          tags: ['departments'],
          summary: 'Change a department (admin)',
          security: SECURED,
          params: IdParams,
          body: Type.Object(
            { name: Type.Optional(Text(100)), nameEn: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), regionCode: Type.Optional(RegionCode), kind: Type.Optional(DepartmentKind) },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: withErrors({ 200: DepartmentSchema }),
        },
        onRequest: admin,
      },
      async (req) => org.updateDepartment(requestContext(req), req.params.id, req.body),
    );
    app.delete(
      '/api/v1/departments/:id',
      { schema: { tags: ['departments'], summary: 'Delete a department without members (admin)', security: SECURED, params: IdParams, response: withErrors({ 204: Type.Null() }) }, onRequest: admin },
      async (req, reply) => {
        await org.deleteDepartment(requestContext(req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    // ---- enterprises
    app.get(
      '/api/v1/enterprises',
      {
        schema: {
          tags: ['enterprises'],
          summary: 'Enterprises in the caller scope (applicant: own; clerk and supervisor: region; admin: all)',
          security: SECURED,
          querystring: Type.Object({ ...Paging, q: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
          response: withErrors({ 200: pageOf(EnterpriseSchema) }),
        },
        onRequest: anyone,
      },
      async (req) => org.listEnterprises(req.actor!, req.query),
    );
    app.get('/api/v1/enterprises/:id', { schema: { tags: ['enterprises'], summary: 'One enterprise in scope', security: SECURED, params: IdParams, response: withErrors({ 200: EnterpriseSchema }) }, onRequest: anyone }, async (req) =>
      org.getEnterprise(req.actor!, req.params.id),
    );
    app.post(
      '/api/v1/enterprises',
      {
        schema: {
          tags: ['enterprises'],
          summary: 'Register an enterprise (admin; applicant self-registration comes with applications)',
          security: SECURED,
          body: Type.Object({ uscc: Type.String({ pattern: '^[0-9A-Za-z]{18}$' }), name: Text(200), regionCode: RegionCode }, { additionalProperties: false }),
          response: withErrors({ 201: EnterpriseSchema }),
        },
        onRequest: admin,
      },
      async (req, reply) => reply.status(201).send(await org.createEnterprise(requestContext(req), req.body)),
    );
    app.patch(
      '/api/v1/enterprises/:id',
      {
        schema: {
          tags: ['enterprises'],
          summary: 'Change an enterprise (admin, or an applicant of it)',
          security: SECURED,
          params: IdParams,
          body: Type.Object({ name: Type.Optional(Text(200)), regionCode: Type.Optional(RegionCode), deficiencyEligible: Type.Optional(Type.Boolean({ description: 'admin only' })) }, { additionalProperties: false, minProperties: 1 }),
          response: withErrors({ 200: EnterpriseSchema }),
        },
        onRequest: authorize({ roles: ['admin', 'applicant'], apiKeyScope: 'accounts:write' }),
      },
      async (req) => org.updateEnterprise(requestContext(req), req.params.id, req.body),
    );
  };
}
