import { sql, type Kysely } from 'kysely';

/**
 * Materials and certificates (C5, C6; decision 0013):
 * - `stored_file`: one row per distinct content (SM3), with the text read from it once (PDF text
 *   layer or OCR) and the key facts found in it, so the same file is never extracted twice.
 * - `library_material` / `library_material_version`: each enterprise's materials with type
 *   (kind) and validity; a replacement is a new version. `application_material` rows point at
 *   the library version (or at an issued certificate) they attach.
 * - Pre-check: `material_requirement.code` names a material in rules; `matter_version.precheck_rules`
 *   holds the matter's rules (validated JSON, packages/engine/src/precheck).
 * - `signing_key` (one active SM2 key per department, private key sealed with SM4),
 *   `certificate_sequence` (文号 per matter and year), `certificate` (certificates and decision
 *   letters, with the signed public record), and `approval_case.document_status`: set to
 *   'pending' in the same UPDATE that concludes a case approved or refused; the issuing job
 *   claims pending cases with SKIP LOCKED (no extra statement on the completion path).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE material_requirement ADD COLUMN code text CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,39}$')`.execute(db);
  await sql`ALTER TABLE matter_version ADD COLUMN precheck_rules jsonb NOT NULL DEFAULT '[]'`.execute(db);

  await sql`
    CREATE TABLE stored_file (
      sm3          text PRIMARY KEY CHECK (sm3 ~ '^[0-9a-f]{64}$'),
      size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
      content_type text NOT NULL,
      text_status  text NOT NULL CHECK (text_status IN ('read', 'unreadable', 'not-attempted')),
      text_source  text,
      text_reason  jsonb,
      text         text,
      facts        jsonb NOT NULL DEFAULT '{}',
      created_at   timestamptz NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE library_material (
      id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      enterprise_id  integer NOT NULL REFERENCES enterprise(id),
      kind           text NOT NULL CHECK (kind ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
      name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      current_version integer NOT NULL DEFAULT 1,
      archived_at    timestamptz,
      created_by     integer NOT NULL REFERENCES app_user(id),
      created_at     timestamptz NOT NULL,
      updated_at     timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX library_material_enterprise ON library_material (enterprise_id, kind) WHERE archived_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE library_material_version (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      material_id  integer NOT NULL REFERENCES library_material(id),
      version      integer NOT NULL CHECK (version >= 1),
      file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
      sm3          text NOT NULL REFERENCES stored_file(sm3),
      valid_until  date,
      note         text,
      uploaded_by  integer NOT NULL REFERENCES app_user(id),
      uploaded_at  timestamptz NOT NULL,
      UNIQUE (material_id, version)
    )`.execute(db);

  await sql`
    CREATE TABLE signing_key (
      id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      department_id      integer NOT NULL REFERENCES department(id),
      key_id             text NOT NULL UNIQUE,
      public_key         text NOT NULL,
      sealed_private_key text NOT NULL,
      created_at         timestamptz NOT NULL,
      retired_at         timestamptz
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX signing_key_active ON signing_key (department_id) WHERE retired_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE certificate_sequence (
      matter_id integer NOT NULL REFERENCES matter(id),
      year      integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      last      integer NOT NULL CHECK (last >= 1),
      PRIMARY KEY (matter_id, year)
    )`.execute(db);

  await sql`
    CREATE TABLE certificate (
      id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind               text NOT NULL CHECK (kind IN ('certificate', 'decision_letter')),
      number             text NOT NULL UNIQUE,
      verification_code  text NOT NULL UNIQUE CHECK (verification_code ~ '^[0-9A-HJKMNP-TV-Z]{16}$'),
      case_id            uuid NOT NULL UNIQUE REFERENCES approval_case(id),
      application_id     integer NOT NULL REFERENCES application(id),
      enterprise_id      integer NOT NULL REFERENCES enterprise(id),
      project_id         integer NOT NULL REFERENCES project(id),
      matter_id          integer NOT NULL REFERENCES matter(id),
      department_id      integer NOT NULL REFERENCES department(id),
      region_code        text NOT NULL,
      title              text NOT NULL,
      holder_name        text NOT NULL,
      holder_uscc        text NOT NULL,
      project_code       text NOT NULL,
      project_name       text NOT NULL,
      matter_code        text NOT NULL,
      matter_name        text NOT NULL,
      department_name    text NOT NULL,
      issue_date         date NOT NULL,
      valid_until        date,
      reasons            text,
      pdf_sm3            text NOT NULL CHECK (pdf_sm3 ~ '^[0-9a-f]{64}$'),
      pdf_size_bytes     bigint NOT NULL,
      key_id             text NOT NULL REFERENCES signing_key(key_id),
      record_signature   text NOT NULL,
      status             text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
      revoked_at         timestamptz,
      revoked_by         integer REFERENCES app_user(id),
      revocation_reason  text,
      created_at         timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX certificate_enterprise ON certificate (enterprise_id, id DESC)`.execute(db);
  await sql`CREATE INDEX certificate_application ON certificate (application_id)`.execute(db);
  await sql`CREATE INDEX certificate_department ON certificate (department_id, id DESC)`.execute(db);

  await sql`ALTER TABLE approval_case ADD COLUMN document_status text NOT NULL DEFAULT 'none' CHECK (document_status IN ('none', 'pending', 'issued', 'failed'))`.execute(db);
  await sql`ALTER TABLE approval_case ADD COLUMN document_error text`.execute(db);
  await sql`CREATE INDEX approval_case_document_pending ON approval_case (id) WHERE document_status = 'pending'`.execute(db);

  await sql`ALTER TABLE application_material ADD COLUMN library_version_id integer REFERENCES library_material_version(id)`.execute(db);
  await sql`ALTER TABLE application_material ADD COLUMN certificate_id integer REFERENCES certificate(id)`.execute(db);
  await sql`CREATE INDEX application_material_library ON application_material (library_version_id) WHERE removed_at IS NULL AND library_version_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE application_material DROP COLUMN IF EXISTS certificate_id`.execute(db);
  await sql`ALTER TABLE application_material DROP COLUMN IF EXISTS library_version_id`.execute(db);
  await sql`ALTER TABLE approval_case DROP COLUMN IF EXISTS document_error`.execute(db);
  await sql`ALTER TABLE approval_case DROP COLUMN IF EXISTS document_status`.execute(db);
  for (const t of ['certificate', 'certificate_sequence', 'signing_key', 'library_material_version', 'library_material', 'stored_file']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db);
  }
  await sql`ALTER TABLE matter_version DROP COLUMN IF EXISTS precheck_rules`.execute(db);
  await sql`ALTER TABLE material_requirement DROP COLUMN IF EXISTS code`.execute(db);
}
