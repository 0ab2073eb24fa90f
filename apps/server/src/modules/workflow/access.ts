import { sql } from 'kysely';
import type { ApplicationRow } from '../../db/schema.ts';
import type { Executor } from '../../db/transaction.ts';
import type { Actor } from '../accounts/actor.ts';
import { outOfScope, readableRegions } from '../accounts/scope.ts';

/**
 * Who may see an application: its enterprise's applicants; clerks of the window and supervisors
 * whose region contains it; reviewers and approvers of a department with a case in it; admins.
 */
export async function canReadApplication(db: Executor, actor: Actor, app: Pick<ApplicationRow, 'id' | 'enterprise_id' | 'region_code'>, known?: KnownCases): Promise<boolean> {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'applicant':
      return actor.enterpriseId === app.enterprise_id;
    case 'clerk':
    case 'supervisor': {
      const regions = await readableRegions(db, actor);
      return regions === null || regions.includes(app.region_code);
    }
    case 'reviewer':
    case 'approver': {
      if (actor.departmentId === null) return false;
      if (known) return known.caseDepartmentIds.includes(actor.departmentId);
      const hit = await db.selectFrom('approval_case').select('id').where('application_id', '=', app.id).where('department_id', '=', actor.departmentId).limit(1).executeTakeFirst();
      return hit !== undefined;
    }
    case 'agency':
      return false;
  }
}

/** The departments of all the application's cases, when the caller has just loaded them (saves a query). */
export interface KnownCases {
  caseDepartmentIds: readonly number[];
}

export async function assertCanReadApplication(db: Executor, actor: Actor, app: Pick<ApplicationRow, 'id' | 'enterprise_id' | 'region_code'>, known?: KnownCases): Promise<void> {
  if (!(await canReadApplication(db, actor, app, known))) throw outOfScope();
}

/**
 * A where-clause fragment limiting `application a` rows to what the actor may read, or null for
 * everything.
 */
export async function applicationScopeSql(db: Executor, actor: Actor) {
  switch (actor.role) {
    case 'admin':
      return null;
    case 'applicant':
      return sql<boolean>`a.enterprise_id = ${actor.enterpriseId ?? -1}`;
    case 'clerk':
    case 'supervisor': {
      const regions = (await readableRegions(db, actor)) ?? [];
      return regions.length ? sql<boolean>`a.region_code IN (${sql.join(regions)})` : sql<boolean>`false`;
    }
    case 'reviewer':
    case 'approver':
      return sql<boolean>`EXISTS (SELECT 1 FROM approval_case c2 WHERE c2.application_id = a.id AND c2.department_id = ${actor.departmentId ?? -1})`;
    case 'agency':
      return sql<boolean>`false`;
  }
}
