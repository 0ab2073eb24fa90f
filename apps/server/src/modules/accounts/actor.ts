import type { ApiKeyScope, Role } from '@tongban/contracts';

/** Who is calling: the account behind a session cookie or an API key. */
export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: number | null;
  departmentId: number | null;
  regionCode: string | null;
  via: 'session' | 'api_key';
  /** Only for `via: 'api_key'`: what the key may do. */
  keyScopes: ApiKeyScope[] | null;
  sessionId: string | null;
}

/** Request facts every audit event carries. */
export interface RequestContext {
  actor: Actor | null;
  requestId: string | null;
  ip: string | null;
}
