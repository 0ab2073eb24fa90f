import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authorize, requestContext } from '../../plugins/auth.ts';
import { ApiKeySchema, ApiKeyScopeSchema, IdParams, Nullable, pageOf, Paging, RegionCode, RoleSchema, SECURED, Text, UserSchema, withErrors } from '../../lib/http-schemas.ts';
import type { Services } from '../../services.ts';

const Username = Type.String({ pattern: '^[A-Za-z0-9_.-]{3,40}$' });
const Password = Type.String({ minLength: 1, maxLength: 128 });
const Email = Nullable(Type.String({ format: 'email', maxLength: 200 }));
const Phone = Nullable(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' }));
const Binding = {
  enterpriseId: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 2147483647 }))),
  departmentId: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 2147483647 }))),
  regionCode: Type.Optional(Nullable(RegionCode)),
};

export function usersRoutes(s: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['users'];
    app.get(
      '/api/v1/users',
      {
        schema: {
          tags,
          summary: 'Accounts the caller may see (admin: all; supervisor: region; staff: own department; applicant: own enterprise)',
          security: SECURED,
          querystring: Type.Object(
            {
              ...Paging,
              q: Type.Optional(Type.String({ maxLength: 100 })),
              role: Type.Optional(RoleSchema),
              departmentId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
              enterpriseId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
            },
            { additionalProperties: false },
          ),
          response: withErrors({ 200: pageOf(UserSchema) }),
        },
        onRequest: authorize({ roles: 'any', apiKeyScope: 'accounts:read' }),
      },
      async (req) => s.users.list(req.actor!, req.query),
    );

    app.get(
      '/api/v1/users/:id',
      { schema: { tags, summary: 'One account, within the caller scope', security: SECURED, params: IdParams, response: withErrors({ 200: UserSchema }) }, onRequest: authorize({ roles: 'any', apiKeyScope: 'accounts:read' }) },
      async (req) => s.users.get(req.actor!, req.params.id),
    );

    app.post(
      '/api/v1/users',
      {
        schema: {
          tags,
          summary: 'Create an account (admin)',
          security: SECURED,
          body: Type.Object(
            { username: Username, displayName: Text(100), password: Password, role: RoleSchema, ...Binding, email: Type.Optional(Email), phone: Type.Optional(Phone) },
            { additionalProperties: false },
          ),
          response: withErrors({ 201: UserSchema }),
        },
        onRequest: authorize({ roles: ['admin'], apiKeyScope: 'accounts:write' }),
      },
      async (req, reply) => reply.status(201).send(await s.users.create(requestContext(req), req.body)),
    );

    app.patch(
      '/api/v1/users/:id',
      {
        schema: {
          tags,
          summary: 'Change an account (admin); a new password, role or binding ends its sessions',
          security: SECURED,
          params: IdParams,
          body: Type.Object(
            {
              displayName: Type.Optional(Text(100)),
              password: Type.Optional(Password),
              role: Type.Optional(RoleSchema),
              ...Binding,
              email: Type.Optional(Email),
              phone: Type.Optional(Phone),
              disabled: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: withErrors({ 200: UserSchema }),
        },
        onRequest: authorize({ roles: ['admin'], apiKeyScope: 'accounts:write' }),
      },
      async (req) => s.users.update(requestContext(req), req.params.id, req.body),
    );

    app.post(
      '/api/v1/users/:id/unlock',
      { schema: { tags, summary: 'Lift a login lockout (admin)', security: SECURED, params: IdParams, response: withErrors({ 200: UserSchema }) }, onRequest: authorize({ roles: ['admin'], apiKeyScope: 'accounts:write' }) },
      async (req) => s.users.unlock(requestContext(req), req.params.id),
    );

    // ---- API keys: every account may hold keys acting as itself, narrowed by scopes.
    app.get(
      '/api/v1/api-keys',
      { schema: { tags: ['api-keys'], summary: 'Own API keys (admin: all)', security: SECURED, response: withErrors({ 200: Type.Object({ items: Type.Array(ApiKeySchema) }) }) }, onRequest: authorize({ roles: 'any' }) },
      async (req) => ({ items: await s.apiKeys.list(req.actor!) }),
    );
    app.post(
      '/api/v1/api-keys',
      {
        schema: {
          tags: ['api-keys'],
          summary: 'Create an API key; the secret is returned once',
          security: SECURED,
          body: Type.Object(
            { name: Text(100), scopes: Type.Array(ApiKeyScopeSchema, { minItems: 1, maxItems: 20 }), expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))) },
            { additionalProperties: false },
          ),
          response: withErrors({ 201: Type.Intersect([ApiKeySchema, Type.Object({ key: Type.String() })]) }),
        },
        onRequest: authorize({ roles: 'any' }),
      },
      async (req, reply) => reply.status(201).send(await s.apiKeys.create(requestContext(req), req.body)),
    );
    app.delete(
      '/api/v1/api-keys/:id',
      { schema: { tags: ['api-keys'], summary: 'Revoke an API key', security: SECURED, params: IdParams, response: withErrors({ 200: ApiKeySchema }) }, onRequest: authorize({ roles: 'any' }) },
      async (req) => s.apiKeys.revoke(requestContext(req), req.params.id),
    );
  };
}
