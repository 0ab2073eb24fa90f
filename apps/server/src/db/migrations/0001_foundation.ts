import { sql, type Kysely } from 'kysely';

/** Regions, departments, enterprises, accounts, sessions, API keys and the audit chains. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE region (
      code        char(6) PRIMARY KEY CHECK (code ~ '^[1-9][0-9]{5}$'),
      name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      parent_code char(6) REFERENCES region(code),
      level       smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX region_parent_idx ON region (parent_code)`.execute(db);

  await sql`
    CREATE TABLE department (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{2,40}$'),
      name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      name_en     text,
      region_code char(6) NOT NULL REFERENCES region(code),
      kind        text NOT NULL CHECK (kind IN ('window', 'department')),
      version     integer NOT NULL DEFAULT 1,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      UNIQUE (region_code, name)
    )`.execute(db);

  await sql`
    CREATE TABLE enterprise (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      uscc        char(18) NOT NULL UNIQUE,
      name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      region_code char(6) NOT NULL REFERENCES region(code),
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX enterprise_region_idx ON enterprise (region_code)`.execute(db);

  await sql`
    CREATE TABLE app_user (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9_.-]{3,40}$'),
      display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
      password_hash text NOT NULL,
      role          text NOT NULL CHECK (role IN ('applicant','clerk','reviewer','approver','supervisor','admin','agency')),
      enterprise_id integer REFERENCES enterprise(id),
      department_id integer REFERENCES department(id),
      region_code   char(6) REFERENCES region(code),
      email         text,
      phone         text,
      disabled      boolean NOT NULL DEFAULT false,
      failed_logins integer NOT NULL DEFAULT 0,
      locked_until  timestamptz,
      version       integer NOT NULL DEFAULT 1,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now(),
      -- The scope of an account is its binding; the database refuses an account without one.
      CONSTRAINT app_user_binding CHECK (
        (role = 'applicant' AND enterprise_id IS NOT NULL AND department_id IS NULL AND region_code IS NULL) OR
        (role IN ('clerk','reviewer','approver') AND department_id IS NOT NULL AND enterprise_id IS NULL AND region_code IS NULL) OR
        (role = 'supervisor' AND region_code IS NOT NULL AND enterprise_id IS NULL AND department_id IS NULL) OR
        (role IN ('admin','agency') AND enterprise_id IS NULL AND department_id IS NULL AND region_code IS NULL)
      )
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX app_user_username_idx ON app_user (lower(username))`.execute(db);
  await sql`CREATE INDEX app_user_department_idx ON app_user (department_id)`.execute(db);
  await sql`CREATE INDEX app_user_enterprise_idx ON app_user (enterprise_id)`.execute(db);

  await sql`
    CREATE TABLE session (
      id           char(64) PRIMARY KEY,
      user_id      integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      csrf_token   text NOT NULL,
      ip           text,
      user_agent   text,
      created_at   timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at   timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX session_user_idx ON session (user_id)`.execute(db);

  await sql`
    CREATE TABLE api_key (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id      integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      name         text NOT NULL,
      prefix       text NOT NULL UNIQUE,
      secret_hash  char(64) NOT NULL,
      scopes       jsonb NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      expires_at   timestamptz,
      revoked_at   timestamptz
    )`.execute(db);

  // Audit: one hash chain per aggregate (chain_key), anchored periodically into a global chain.
  // See docs/decisions/0005-audit-chain-per-aggregate.md.
  await sql`
    CREATE TABLE audit_event (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      chain_key   text NOT NULL,
      seq         integer NOT NULL CHECK (seq >= 1),
      occurred_at timestamptz NOT NULL,
      actor_id    integer,
      actor_name  text,
      actor_role  text,
      action      text NOT NULL,
      target_type text NOT NULL,
      target_id   text,
      region_code char(6),
      summary     jsonb NOT NULL,
      request_id  text,
      ip          text,
      prev_hash   char(64) NOT NULL,
      hash        char(64) NOT NULL,
      UNIQUE (chain_key, seq)
    )`.execute(db);
  await sql`CREATE INDEX audit_event_occurred_idx ON audit_event (occurred_at)`.execute(db);
  await sql`CREATE INDEX audit_event_target_idx ON audit_event (target_type, target_id)`.execute(db);

  await sql`
    CREATE TABLE audit_chain_head (
      chain_key     text PRIMARY KEY,
      seq           integer NOT NULL,
      hash          char(64) NOT NULL,
      last_event_id bigint NOT NULL,
      anchored_seq  integer NOT NULL DEFAULT 0,
      updated_at    timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX audit_chain_head_unanchored_idx ON audit_chain_head (chain_key) WHERE seq > anchored_seq`.execute(db);

  await sql`
    CREATE TABLE audit_anchor (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      anchored_at timestamptz NOT NULL,
      heads       jsonb NOT NULL,
      prev_hash   char(64) NOT NULL,
      hash        char(64) NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_anchor', 'audit_chain_head', 'audit_event', 'api_key', 'session', 'app_user', 'enterprise', 'department', 'region']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db);
  }
}
