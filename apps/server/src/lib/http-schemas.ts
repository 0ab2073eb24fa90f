import { Type, type TSchema } from 'typebox';
import { API_KEY_SCOPES, ErrorCode, ROLES } from '@tongban/contracts';

/** TypeBox schemas shared by the route modules; the OpenAPI document is generated from them. */

export const ErrorEnvelopeSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(Object.values(ErrorCode)),
      message: Type.String(),
      messages: Type.Object({ 'zh-CN': Type.String(), 'en-US': Type.String() }),
      requestId: Type.String(),
      details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    }),
  },
  { description: 'Error envelope' },
);

/** The error responses every authenticated route can give, for the OpenAPI document. */
export function withErrors<T extends Record<number, TSchema>>(ok: T) {
  return { ...ok, 400: ErrorEnvelopeSchema, 401: ErrorEnvelopeSchema, 403: ErrorEnvelopeSchema, 404: ErrorEnvelopeSchema, 409: ErrorEnvelopeSchema };
}

export const SECURED: Array<Record<string, string[]>> = [{ cookieAuth: [] }, { bearerAuth: [] }];

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }, { additionalProperties: false });
export const RegionCode = Type.String({ pattern: '^[1-9][0-9]{5}$', description: '6-digit administrative division code (GB/T 2260)' });
export const RoleSchema = Type.Enum(ROLES);
export const ApiKeyScopeSchema = Type.Enum(API_KEY_SCOPES);
export const Paging = {
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
};

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  enterpriseId: Nullable(Type.Integer()),
  departmentId: Nullable(Type.Integer()),
  regionCode: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  disabled: Type.Boolean(),
  lockedUntil: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const MeSchema = Type.Object({
  user: UserSchema,
  enterprise: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  department: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  region: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  csrfToken: Nullable(Type.String()),
});

export const RegionSchema = Type.Object({ code: Type.String(), name: Type.String(), parentCode: Nullable(Type.String()), level: Type.Integer() });

export const DepartmentKind = Type.Union([Type.Literal('window'), Type.Literal('department')]);
export const DepartmentSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  regionCode: Type.String(),
  kind: DepartmentKind,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const EnterpriseSchema = Type.Object({
  id: Type.Integer(),
  uscc: Type.String(),
  name: Type.String(),
  regionCode: Type.String(),
  deficiencyEligible: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const ApiKeySchema = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const pageOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() });

/** Trimmed, non-empty human text with a length cap. */
export const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
