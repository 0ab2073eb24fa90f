import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { ApiKeyRow, NewUser, SessionRow, SessionTable, UserRow, UserUpdate } from '../../db/schema.ts';
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
  /**
   * A session and its user in one round trip (every cookie-authenticated request runs this). The
   * user's row comes back whole; the session's columns the caller needs are aliased `session_…`
   * beside it, since both tables have `id` and `created_at`.
   */
  async findSessionWithUser(db: Executor, id: string): Promise<{ session: Pick<SessionRow, 'csrf_token' | 'created_at' | 'last_seen_at' | 'expires_at'>; user: UserRow } | undefined> {
    const row = await db
      .selectFrom('session as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .selectAll('u')
      .select(['s.csrf_token as session_csrf_token', 's.created_at as session_created_at', 's.last_seen_at as session_last_seen_at', 's.expires_at as session_expires_at'])
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const { session_csrf_token, session_created_at, session_last_seen_at, session_expires_at, ...user } = row;
    return { session: { csrf_token: session_csrf_token, created_at: session_created_at, last_seen_at: session_last_seen_at, expires_at: session_expires_at }, user };
  },
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
  /** An API key and its owner in one round trip, like findSessionWithUser (key columns aliased `key_…`). */
  async findApiKeyWithUser(db: Executor, prefix: string): Promise<{ key: Pick<ApiKeyRow, 'id' | 'secret_hash' | 'scopes' | 'last_used_at' | 'expires_at' | 'revoked_at'>; user: UserRow } | undefined> {
    const row = await db
      .selectFrom('api_key as k')
      .innerJoin('app_user as u', 'u.id', 'k.user_id')
      .selectAll('u')
      .select(['k.id as key_id', 'k.secret_hash as key_secret_hash', 'k.scopes as key_scopes', 'k.last_used_at as key_last_used_at', 'k.expires_at as key_expires_at', 'k.revoked_at as key_revoked_at'])
      .where('k.prefix', '=', prefix)
      .executeTakeFirst();
    if (!row) return undefined;
    const { key_id, key_secret_hash, key_scopes, key_last_used_at, key_expires_at, key_revoked_at, ...user } = row;
    return { key: { id: key_id, secret_hash: key_secret_hash, scopes: key_scopes, last_used_at: key_last_used_at, expires_at: key_expires_at, revoked_at: key_revoked_at }, user };
  },
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
