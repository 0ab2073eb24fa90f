/** The roles of PRODUCT.md §1 (public is the unauthenticated visitor, not an account role). */
export const ROLES = ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor', 'admin', 'agency'] as const;
export type Role = (typeof ROLES)[number];

/** What an account of each role must be bound to; the scope of its data follows from it. */
export const ROLE_BINDING: Record<Role, 'enterprise' | 'department' | 'region' | 'none'> = {
  applicant: 'enterprise',
  clerk: 'department',
  reviewer: 'department',
  approver: 'department',
  supervisor: 'region',
  admin: 'none',
  agency: 'none',
};

/**
 * Scopes an API key may carry. A key acts as its owner and never beyond the owner's role and
 * scope; the key's scopes narrow that further.
 */
export const API_KEY_SCOPES = ['accounts:read', 'accounts:write', 'audit:read', 'catalog:read', 'catalog:write', 'applications:read', 'applications:write', 'tasks:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
