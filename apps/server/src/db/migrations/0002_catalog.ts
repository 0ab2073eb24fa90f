import { sql, type Kysely } from 'kysely';

/**
 * The approval catalog: matters and their material requirements, processes (主题) with stages,
 * stage matters and guided-selection questions. Matters and processes are versioned
 * (draft → published → retired); a published version is frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE matter (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{2,40}$'),
      department_id integer NOT NULL REFERENCES department(id),
      created_at    timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE matter_version (
      id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      matter_id           integer NOT NULL REFERENCES matter(id),
      version             integer NOT NULL CHECK (version >= 1),
      status              text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
      name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      department_id       integer NOT NULL REFERENCES department(id),
      limit_kind          text NOT NULL CHECK (limit_kind IN ('working', 'calendar')),
      legal_limit_days    integer NOT NULL CHECK (legal_limit_days BETWEEN 1 AND 400),
      extension_days      integer NOT NULL DEFAULT 0 CHECK (extension_days BETWEEN 0 AND 400),
      promised_limit_days integer NOT NULL CHECK (promised_limit_days BETWEEN 1 AND 400),
      commitment_allowed  boolean NOT NULL DEFAULT false,
      deficiency_allowed  boolean NOT NULL DEFAULT false,
      result_type         text NOT NULL CHECK (result_type IN ('licence', 'approval', 'opinion', 'filing', 'certificate')),
      result_name         text NOT NULL,
      validity_months     integer CHECK (validity_months IS NULL OR validity_months BETWEEN 1 AND 1200),
      legal_basis         text NOT NULL,
      fees                text NOT NULL,
      conditions          text NOT NULL,
      special_procedures  jsonb NOT NULL DEFAULT '[]',
      form_fields         jsonb NOT NULL DEFAULT '[]',
      search_tokens       text[] NOT NULL DEFAULT '{}',
      created_by          integer REFERENCES app_user(id),
      created_at          timestamptz NOT NULL DEFAULT now(),
      updated_at          timestamptz NOT NULL DEFAULT now(),
      published_by        integer REFERENCES app_user(id),
      published_at        timestamptz,
      UNIQUE (matter_id, version)
    )`.execute(db);
  // At most one draft and one published version per matter; the database enforces it.
  await sql`CREATE UNIQUE INDEX matter_version_one_draft ON matter_version (matter_id) WHERE status = 'draft'`.execute(db);
  await sql`CREATE UNIQUE INDEX matter_version_one_published ON matter_version (matter_id) WHERE status = 'published'`.execute(db);
  await sql`CREATE INDEX matter_version_search ON matter_version USING gin (search_tokens)`.execute(db);

  await sql`
    CREATE TABLE material_requirement (
      id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      matter_version_id integer NOT NULL REFERENCES matter_version(id) ON DELETE CASCADE,
      seq               integer NOT NULL,
      name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      form              text NOT NULL CHECK (form IN ('original', 'copy', 'original_and_copy', 'electronic')),
      copies            integer NOT NULL DEFAULT 1 CHECK (copies BETWEEN 0 AND 99),
      necessity         text NOT NULL CHECK (necessity IN ('required', 'conditional', 'optional')),
      condition         text,
      condition_note    text,
      accepted_types    jsonb NOT NULL DEFAULT '["pdf"]',
      max_size_mb       integer NOT NULL DEFAULT 50 CHECK (max_size_mb BETWEEN 1 AND 2048),
      sample_url        text,
      reuse             text NOT NULL DEFAULT 'none' CHECK (reuse IN ('none', 'material_library', 'certificate_library')),
      description       text NOT NULL DEFAULT '',
      UNIQUE (matter_version_id, seq)
    )`.execute(db);

  await sql`
    CREATE TABLE process (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{2,40}$'),
      project_type smallint NOT NULL CHECK (project_type BETWEEN 1 AND 10),
      region_code  char(6) NOT NULL REFERENCES region(code),
      created_at   timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE process_version (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      process_id   integer NOT NULL REFERENCES process(id),
      version      integer NOT NULL CHECK (version >= 1),
      status       text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
      name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description  text NOT NULL DEFAULT '',
      questions    jsonb NOT NULL DEFAULT '[]',
      created_by   integer REFERENCES app_user(id),
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now(),
      published_by integer REFERENCES app_user(id),
      published_at timestamptz,
      UNIQUE (process_id, version)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX process_version_one_draft ON process_version (process_id) WHERE status = 'draft'`.execute(db);
  await sql`CREATE UNIQUE INDEX process_version_one_published ON process_version (process_id) WHERE status = 'published'`.execute(db);

  await sql`
    CREATE TABLE process_stage (
      id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      process_version_id integer NOT NULL REFERENCES process_version(id) ON DELETE CASCADE,
      stage_code         smallint NOT NULL CHECK (stage_code BETWEEN 1 AND 5),
      name               text NOT NULL,
      time_limit_days    integer NOT NULL CHECK (time_limit_days BETWEEN 1 AND 400),
      lead_department_id integer NOT NULL REFERENCES department(id),
      UNIQUE (process_version_id, stage_code)
    )`.execute(db);

  await sql`
    CREATE TABLE stage_matter (
      id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      process_stage_id integer NOT NULL REFERENCES process_stage(id) ON DELETE CASCADE,
      matter_id        integer NOT NULL REFERENCES matter(id),
      seq              integer NOT NULL,
      mandatory        boolean NOT NULL,
      condition        text,
      condition_note   text,
      prerequisites    jsonb NOT NULL DEFAULT '[]',
      UNIQUE (process_stage_id, matter_id)
    )`.execute(db);
  await sql`CREATE INDEX stage_matter_matter_idx ON stage_matter (matter_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['stage_matter', 'process_stage', 'process_version', 'process', 'material_requirement', 'matter_version', 'matter']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db);
  }
}
