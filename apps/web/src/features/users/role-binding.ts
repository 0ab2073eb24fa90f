import { ROLE_BINDING, type Role } from '@tongban/contracts';

export type BindingKind = 'enterprise' | 'department' | 'region' | 'none';

/** The binding field a role needs in the user form; anything else the contracts add maps to none. */
export function bindingOf(role: Role): BindingKind {
  const b: string = ROLE_BINDING[role];
  return b === 'enterprise' || b === 'department' || b === 'region' ? b : 'none';
}
