import { ErrorCode, type Role } from '@tongban/contracts';
import { AppError } from '../../lib/errors.ts';
import type { Executor } from '../../db/transaction.ts';
import { organizationRepository as orgRepo } from '../organization/organization.repository.ts';
import type { Actor } from './actor.ts';

/** Refuses unless the actor has one of `roles`. */
export function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) throw new AppError(ErrorCode.FORBIDDEN);
}

export const outOfScope = () => new AppError(ErrorCode.OUT_OF_SCOPE);

/**
 * The regions an actor may read: null for everything (admin), the subtree of its region for a
 * supervisor (a province sees its cities and districts), the window's region subtree for a
 * clerk. Other roles have no region-wide reading right and get an empty list.
 */
export async function readableRegions(db: Executor, actor: Actor): Promise<string[] | null> {
  switch (actor.role) {
    case 'admin':
      return null;
    case 'supervisor':
      return actor.regionCode ? orgRepo.regionSubtree(db, actor.regionCode) : [];
    case 'clerk': {
      const dept = actor.departmentId ? await orgRepo.findDepartment(db, actor.departmentId) : undefined;
      return dept ? orgRepo.regionSubtree(db, dept.region_code) : [];
    }
    case 'applicant':
    case 'reviewer':
    case 'approver':
    case 'agency':
      return [];
  }
}
