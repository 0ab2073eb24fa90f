import { sql, type Kysely } from 'kysely';

/**
 * Applications and the approval engine's persistence: projects of enterprises, stage
 * applications pinned to a process version, one case per matter pinned to a matter version and a
 * procedure version, tasks (the inboxes), the workflow event history, uploaded materials, the
 * admin-entered official calendar years and notifications.
 *
 * `approval_case` because CASE is an SQL keyword.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE enterprise ADD COLUMN deficiency_eligible boolean NOT NULL DEFAULT false`.execute(db);

  await sql`
    CREATE TABLE project (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code          text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$'),
      enterprise_id integer NOT NULL REFERENCES enterprise(id),
      name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      project_type  integer NOT NULL CHECK (project_type BETWEEN 1 AND 10),
      region_code   text NOT NULL REFERENCES region(code),
      investment    double precision NOT NULL CHECK (investment >= 0),
      land_area     double precision NOT NULL CHECK (land_area >= 0),
      floor_area    double precision NOT NULL CHECK (floor_area >= 0),
      location      text NOT NULL,
      version       integer NOT NULL DEFAULT 1,
      created_by    integer REFERENCES app_user(id),
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX project_enterprise ON project (enterprise_id)`.execute(db);
  await sql`CREATE INDEX project_region ON project (region_code)`.execute(db);

  await sql`
    CREATE TABLE procedure_definition (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code          text NOT NULL,
      version       integer NOT NULL CHECK (version >= 1),
      name          text NOT NULL,
      department_id integer REFERENCES department(id),
      definition    jsonb NOT NULL,
      created_by    integer REFERENCES app_user(id),
      created_at    timestamptz NOT NULL DEFAULT now(),
      UNIQUE (code, version)
    )`.execute(db);

  await sql`
    CREATE TABLE application (
      id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      number              text UNIQUE,
      project_id          integer NOT NULL REFERENCES project(id),
      enterprise_id       integer NOT NULL REFERENCES enterprise(id),
      region_code         text NOT NULL REFERENCES region(code),
      process_version_id  integer NOT NULL REFERENCES process_version(id),
      process_stage_id    integer NOT NULL REFERENCES process_stage(id),
      stage_code          integer NOT NULL,
      lead_department_id  integer NOT NULL REFERENCES department(id),
      stage_limit_days    integer NOT NULL,
      stage_due_date      date,
      answers             jsonb NOT NULL DEFAULT '{}',
      selection           jsonb NOT NULL DEFAULT '[]',
      form                jsonb NOT NULL DEFAULT '{}',
      status              text NOT NULL CHECK (status IN ('draft','received','supplement','accepted','not_accepted','refused','withdrawn','concluded')),
      national_code       integer,
      supplement_items    jsonb,
      deficiency          jsonb,
      outcome             text,
      decision_reason     text,
      created_by          integer NOT NULL REFERENCES app_user(id),
      accepted_by         integer REFERENCES app_user(id),
      submitted_at        timestamptz,
      accepted_at         timestamptz,
      concluded_at        timestamptz,
      version             integer NOT NULL DEFAULT 0,
      created_at          timestamptz NOT NULL DEFAULT now(),
      updated_at          timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX application_enterprise ON application (enterprise_id, id DESC)`.execute(db);
  await sql`CREATE INDEX application_region_status ON application (region_code, status, id DESC)`.execute(db);
  await sql`CREATE INDEX application_project ON application (project_id)`.execute(db);

  await sql`
    CREATE TABLE approval_case (
      id                  uuid PRIMARY KEY,
      application_id      integer NOT NULL REFERENCES application(id),
      seq                 integer NOT NULL,
      matter_id           integer NOT NULL REFERENCES matter(id),
      matter_version_id   integer NOT NULL REFERENCES matter_version(id),
      matter_code         text NOT NULL,
      matter_name         text NOT NULL,
      department_id       integer NOT NULL REFERENCES department(id),
      region_code         text NOT NULL REFERENCES region(code),
      procedure_id        integer NOT NULL REFERENCES procedure_definition(id),
      prerequisites       jsonb NOT NULL DEFAULT '[]',
      status              text NOT NULL CHECK (status IN ('waiting','handling','supplement','special','approved','approved_deficiency','refused','withdrawn')),
      national_code       integer NOT NULL,
      step_key            text,
      round               integer NOT NULL DEFAULT 0,
      proposal            text,
      started_at          timestamptz,
      concluded_at        timestamptz,
      pauses              jsonb NOT NULL DEFAULT '[]',
      limit_kind          text NOT NULL CHECK (limit_kind IN ('working','calendar')),
      limit_days          integer NOT NULL,
      legal_limit_days    integer NOT NULL,
      due_date            date,
      warn_date           date,
      provisional         boolean NOT NULL DEFAULT false,
      yellow_notified_at  timestamptz,
      red_notified_at     timestamptz,
      version             integer NOT NULL DEFAULT 0,
      created_at          timestamptz NOT NULL DEFAULT now(),
      updated_at          timestamptz NOT NULL DEFAULT now(),
      UNIQUE (application_id, matter_id)
    )`.execute(db);
  await sql`CREATE INDEX approval_case_application ON approval_case (application_id, seq)`.execute(db);
  // The warning job's scan: running clocks not yet warned or escalated.
  await sql`CREATE INDEX approval_case_clock ON approval_case (warn_date) WHERE status = 'handling' AND red_notified_at IS NULL`.execute(db);
  await sql`CREATE INDEX approval_case_dept_status ON approval_case (department_id, status)`.execute(db);
  await sql`CREATE INDEX approval_case_region_due ON approval_case (region_code, due_date) WHERE status IN ('handling','supplement','special')`.execute(db);

  await sql`
    CREATE TABLE task (
      id               uuid PRIMARY KEY,
      application_id   integer NOT NULL REFERENCES application(id),
      case_id          uuid NOT NULL REFERENCES approval_case(id),
      step_key         text NOT NULL,
      round            integer NOT NULL,
      role             text NOT NULL CHECK (role IN ('reviewer','approver')),
      department_id    integer NOT NULL REFERENCES department(id),
      status           text NOT NULL CHECK (status IN ('open','done','cancelled')),
      assignee_id      integer REFERENCES app_user(id),
      claimed          boolean NOT NULL DEFAULT false,
      delegated_to     integer REFERENCES app_user(id),
      delegate_opinion text,
      origin           text NOT NULL,
      decision         text CHECK (decision IN ('approve','refuse')),
      opinion          text,
      due_date         date,
      created_at       timestamptz NOT NULL,
      completed_at     timestamptz,
      completed_by     integer REFERENCES app_user(id),
      version          integer NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`CREATE INDEX task_case ON task (case_id)`.execute(db);
  // Inbox: pool tasks of a department and role, by due date; personal tasks by assignee or delegate.
  await sql`CREATE INDEX task_pool ON task (department_id, role, due_date, created_at) WHERE status = 'open' AND assignee_id IS NULL`.execute(db);
  await sql`CREATE INDEX task_assignee ON task (assignee_id, due_date) WHERE status = 'open'`.execute(db);
  await sql`CREATE INDEX task_delegate ON task (delegated_to) WHERE status = 'open' AND delegated_to IS NOT NULL`.execute(db);
  await sql`CREATE INDEX task_done_by ON task (completed_by, completed_at DESC) WHERE status = 'done'`.execute(db);

  await sql`
    CREATE TABLE workflow_event (
      id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      application_id integer NOT NULL REFERENCES application(id),
      case_id        uuid,
      task_id        uuid,
      type           text NOT NULL,
      national_code  integer,
      actor_id       integer NOT NULL REFERENCES app_user(id),
      at             timestamptz NOT NULL,
      data           jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);
  await sql`CREATE INDEX workflow_event_application ON workflow_event (application_id, id)`.execute(db);
  await sql`CREATE INDEX workflow_event_case ON workflow_event (case_id, id) WHERE case_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE application_material (
      id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      application_id integer NOT NULL REFERENCES application(id),
      requirement_id integer NOT NULL REFERENCES material_requirement(id),
      file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
      content_type   text NOT NULL,
      size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
      sm3            text NOT NULL CHECK (sm3 ~ '^[0-9a-f]{64}$'),
      uploaded_by    integer NOT NULL REFERENCES app_user(id),
      uploaded_at    timestamptz NOT NULL DEFAULT now(),
      removed_at     timestamptz
    )`.execute(db);
  await sql`CREATE INDEX application_material_app ON application_material (application_id, requirement_id)`.execute(db);

  await sql`
    CREATE TABLE calendar_year (
      year        integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
      holidays    jsonb NOT NULL,
      workdays    jsonb NOT NULL,
      notice      text NOT NULL,
      version     integer NOT NULL DEFAULT 1,
      updated_by  integer REFERENCES app_user(id),
      updated_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE notification (
      id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id        integer NOT NULL REFERENCES app_user(id),
      kind           text NOT NULL,
      application_id integer REFERENCES application(id),
      case_id        uuid,
      dedupe_key     text,
      title          text NOT NULL,
      body           text NOT NULL,
      created_at     timestamptz NOT NULL,
      read_at        timestamptz
    )`.execute(db);
  await sql`CREATE INDEX notification_user ON notification (user_id, id DESC)`.execute(db);
  // A clock warning reaches each person once, however many job processes race.
  await sql`CREATE UNIQUE INDEX notification_once ON notification (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['notification', 'calendar_year', 'application_material', 'workflow_event', 'task', 'approval_case', 'application', 'procedure_definition', 'project']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)}`.execute(db);
  }
  await sql`ALTER TABLE enterprise DROP COLUMN IF EXISTS deficiency_eligible`.execute(db);
}
