import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { NewUser, SessionTable, UserUpdate } from '../../db/schema.ts';
import type { Insertable } from 'kysely';

export interface UserFilter {
  /** null = no restriction. */
  departmentIds: number[] | null;
  enterpriseIds: number[] | null;
  userIds: number[] | null;
  /** Users bound to, or working in a department or enterprise of, one of these regions. */
  regionCodes: string[] | null;
  role?: string;
  q?: string;
  limit: number;
  offset: number;
}

export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Kysely queries for accounts, sessions and API keys. */
export const accountsRepository = {
  findUserByUsername: (db: Executor, username: string) =>
    db.selectFrom('app_user').selectAll().where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst(),
  findUser: (db: Executor, id: number) => db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst(),
  insertUser: (db: Executor, u: NewUser) => db.insertInto('app_user').values(u).returningAll().executeTakeFirstOrThrow(),
  updateUser: (db: Executor, id: number, u: UserUpdate) =>
    db
      .updateTable('app_user')
      .set({ ...u, version: sql`version + 1`, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow(),

  /** Atomically counts one more failed login; returns the new count. */
  async bumpFailedLogins(db: Executor, id: number): Promise<number> {
    const r = await db
      .updateTable('app_user')
      .set({ failed_logins: sql`failed_logins + 1` })
      .where('id', '=', id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    return r.failed_logins;
  },

  listUsers(db: Executor, f: UserFilter) {
    let q = db.selectFrom('app_user as u');
    if (f.departmentIds) q = q.where('u.department_id', 'in', f.departmentIds.length ? f.departmentIds : [0]);
    if (f.enterpriseIds) q = q.where('u.enterprise_id', 'in', f.enterpriseIds.length ? f.enterpriseIds : [0]);
    if (f.userIds) q = q.where('u.id', 'in', f.userIds.length ? f.userIds : [0]);
    if (f.regionCodes) {
      const codes = f.regionCodes.length ? f.regionCodes : [''];
      q = q.where((eb) =>
        eb.or([
          eb('u.region_code', 'in', codes),
          eb('u.department_id', 'in', eb.selectFrom('department').select('id').where('region_code', 'in', codes)),
          eb('u.enterprise_id', 'in', eb.selectFrom('enterprise').select('id').where('region_code', 'in', codes)),
        ]),
      );
    }
    if (f.role) q = q.where('u.role', '=', f.role as NewUser['role']);
    if (f.q) {
      const pattern = `%${likeEscape(f.q.toLowerCase())}%`;
      q = q.where((eb) => eb.or([eb(sql`lower(u.username)`, 'like', pattern), eb(sql`lower(u.display_name)`, 'like', pattern)]));
    }
    return Promise.all([
      q.selectAll('u').orderBy('u.id').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },

  insertSession: (db: Executor, s: Insertable<SessionTable>) => db.insertInto('session').values(s).execute(),
  findSession: (db: Executor, id: string) => db.selectFrom('session').selectAll().where('id', '=', id).executeTakeFirst(),
  touchSession: (db: Executor, id: string, now: Date, expiresAt: Date) =>
    db.updateTable('session').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', id).execute(),
  deleteSession: (db: Executor, id: string) => db.deleteFrom('session').where('id', '=', id).execute(),
  deleteSessionsOfUser: (db: Executor, userId: number) => db.deleteFrom('session').where('user_id', '=', userId).execute(),
  deleteExpiredSessions: (db: Executor, now: Date) => db.deleteFrom('session').where('expires_at', '<', now).execute(),

  listApiKeys: (db: Executor, userId: number | null) => {
    let q = db.selectFrom('api_key').selectAll();
    if (userId !== null) q = q.where('user_id', '=', userId);
    return q.orderBy('id').execute();
  },
  findApiKey: (db: Executor, id: number) => db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst(),
  findApiKeyByPrefix: (db: Executor, prefix: string) => db.selectFrom('api_key').selectAll().where('prefix', '=', prefix).executeTakeFirst(),
  insertApiKey: (db: Executor, k: { user_id: number; name: string; prefix: string; secret_hash: string; scopes: string[]; expires_at: Date | null }) =>
    db
      .insertInto('api_key')
      .values({ ...k, scopes: JSON.stringify(k.scopes) })
      .returningAll()
      .executeTakeFirstOrThrow(),
  revokeApiKey: (db: Executor, id: number, now: Date) =>
    db.updateTable('api_key').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst(),
  touchApiKey: (db: Executor, id: number, now: Date) => db.updateTable('api_key').set({ last_used_at: now }).where('id', '=', id).execute(),
};
