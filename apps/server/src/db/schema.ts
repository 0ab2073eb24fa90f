import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Role } from '@tongban/contracts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface RegionTable {
  code: string;
  name: string;
  parent_code: string | null;
  level: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DepartmentTable {
  id: Generated<number>;
  code: string;
  name: string;
  name_en: string | null;
  region_code: string;
  kind: 'window' | 'department';
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EnterpriseTable {
  id: Generated<number>;
  uscc: string;
  name: string;
  region_code: string;
  deficiency_eligible: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  enterprise_id: number | null;
  department_id: number | null;
  region_code: string | null;
  email: string | null;
  phone: string | null;
  disabled: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionTable {
  /** SM3 of the cookie token: a database leak does not hand out live sessions. */
  id: string;
  user_id: number;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiKeyTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** Public part of the key, used to find it. */
  prefix: string;
  /** SM3 of the secret part. */
  secret_hash: string;
  scopes: Json<string[]>;
  created_at: Generated<Date>;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditEventTable {
  id: Generated<number>;
  chain_key: string;
  seq: number;
  occurred_at: Timestamp;
  actor_id: number | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  region_code: string | null;
  summary: Json<Record<string, unknown>>;
  request_id: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  chain_key: string;
  seq: number;
  hash: string;
  last_event_id: number;
  anchored_seq: Generated<number>;
  updated_at: Timestamp;
}

export interface AuditAnchorTable {
  id: Generated<number>;
  anchored_at: Timestamp;
  heads: Json<Array<[string, number, string, number]>>;
  prev_hash: string;
  hash: string;
}

export interface DB extends CatalogDB, WorkflowDB, MaterialsDB {
  region: RegionTable;
  department: DepartmentTable;
  enterprise: EnterpriseTable;
  app_user: UserTable;
  session: SessionTable;
  api_key: ApiKeyTable;
  audit_event: AuditEventTable;
  audit_chain_head: AuditChainHeadTable;
  audit_anchor: AuditAnchorTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type DepartmentRow = Selectable<DepartmentTable>;
export type EnterpriseRow = Selectable<EnterpriseTable>;
export type RegionRow = Selectable<RegionTable>;
export type AuditEventRow = Selectable<AuditEventTable>;

// ---- catalog (0002)

export type VersionStatus = 'draft' | 'published' | 'retired';

export interface MatterTable {
  id: Generated<number>;
  code: string;
  department_id: number;
  created_at: Generated<Date>;
}

export interface MatterVersionTable {
  id: Generated<number>;
  matter_id: number;
  version: number;
  status: VersionStatus;
  name: string;
  department_id: number;
  limit_kind: 'working' | 'calendar';
  legal_limit_days: number;
  extension_days: number;
  promised_limit_days: number;
  commitment_allowed: boolean;
  deficiency_allowed: boolean;
  result_type: 'licence' | 'approval' | 'opinion' | 'filing' | 'certificate';
  result_name: string;
  validity_months: number | null;
  legal_basis: string;
  fees: string;
  conditions: string;
  special_procedures: Json<Array<{ kind: string; name: string; maxDays: number }>>;
  form_fields: Json<FormFieldRow[]>;
  /** Pre-check rules (packages/engine/src/precheck), validated on save. */
  precheck_rules: ColumnType<unknown[], string | undefined, string>;
  search_tokens: ColumnType<string[], string[], string[]>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  published_by: number | null;
  published_at: Timestamp | null;
}

export interface FormFieldRow {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean' | 'choice';
  required: boolean;
  options?: Array<{ value: string; label: string }>;
  unit?: string;
}

export interface MaterialRequirementTable {
  id: Generated<number>;
  matter_version_id: number;
  seq: number;
  name: string;
  form: 'original' | 'copy' | 'original_and_copy' | 'electronic';
  copies: number;
  necessity: 'required' | 'conditional' | 'optional';
  condition: string | null;
  condition_note: string | null;
  accepted_types: Json<string[]>;
  max_size_mb: number;
  sample_url: string | null;
  reuse: 'none' | 'material_library' | 'certificate_library';
  description: string;
  /** Names the material in pre-check rules and library kinds (`business-licence`); null = none. */
  code: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ProcessTable {
  id: Generated<number>;
  code: string;
  project_type: number;
  region_code: string;
  created_at: Generated<Date>;
}

export interface QuestionRow {
  key: string;
  label: string;
  type: 'boolean' | 'choice' | 'number';
  options?: Array<{ value: string; label: string }>;
  unit?: string;
  help?: string;
}

export interface ProcessVersionTable {
  id: Generated<number>;
  process_id: number;
  version: number;
  status: VersionStatus;
  name: string;
  description: string;
  questions: Json<QuestionRow[]>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  published_by: number | null;
  published_at: Timestamp | null;
}

export interface ProcessStageTable {
  id: Generated<number>;
  process_version_id: number;
  stage_code: number;
  name: string;
  time_limit_days: number;
  lead_department_id: number;
}

export interface StageMatterTable {
  id: Generated<number>;
  process_stage_id: number;
  matter_id: number;
  seq: number;
  mandatory: boolean;
  condition: string | null;
  condition_note: string | null;
  /** Codes of matters that must conclude first (前置事项). */
  prerequisites: Json<string[]>;
}

export interface CatalogDB {
  matter: MatterTable;
  matter_version: MatterVersionTable;
  material_requirement: MaterialRequirementTable;
  process: ProcessTable;
  process_version: ProcessVersionTable;
  process_stage: ProcessStageTable;
  stage_matter: StageMatterTable;
}

// ---- applications and the approval engine (migration 0003)

export interface ProjectTable {
  id: Generated<number>;
  code: string;
  enterprise_id: number;
  name: string;
  project_type: number;
  region_code: string;
  investment: number;
  land_area: number;
  floor_area: number;
  location: string;
  version: Generated<number>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProcedureDefinitionTable {
  id: Generated<number>;
  code: string;
  version: number;
  name: string;
  department_id: number | null;
  definition: Json<unknown>;
  created_by: number | null;
  created_at: Generated<Date>;
}

/** One applying matter chosen by guided selection, pinned to the version published at the time. */
export interface SelectionEntry {
  matterId: number;
  matterVersionId: number;
  code: string;
  name: string;
  departmentId: number;
  reason: string;
  mandatory: boolean;
  prerequisites: string[];
  deficiencyAllowed: boolean;
}

export interface ApplicationTable {
  id: Generated<number>;
  number: string | null;
  project_id: number;
  enterprise_id: number;
  region_code: string;
  process_version_id: number;
  process_stage_id: number;
  stage_code: number;
  lead_department_id: number;
  stage_limit_days: number;
  stage_due_date: ColumnType<string | null, string | null | undefined, string | null>;
  answers: Json<Record<string, string | number | boolean | null>>;
  selection: Json<SelectionEntry[]>;
  form: Json<Record<string, unknown>>;
  status: string;
  national_code: number | null;
  supplement_items: Json<unknown> | null;
  deficiency: Json<unknown> | null;
  outcome: string | null;
  decision_reason: string | null;
  created_by: number;
  accepted_by: number | null;
  submitted_at: Timestamp | null;
  accepted_at: Timestamp | null;
  concluded_at: Timestamp | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApprovalCaseTable {
  id: string;
  application_id: number;
  seq: number;
  matter_id: number;
  matter_version_id: number;
  matter_code: string;
  matter_name: string;
  department_id: number;
  region_code: string;
  procedure_id: number;
  prerequisites: Json<string[]>;
  status: string;
  national_code: number;
  step_key: string | null;
  round: number;
  proposal: string | null;
  started_at: Timestamp | null;
  concluded_at: Timestamp | null;
  pauses: Json<unknown[]>;
  limit_kind: 'working' | 'calendar';
  limit_days: number;
  legal_limit_days: number;
  due_date: ColumnType<string | null, string | null | undefined, string | null>;
  warn_date: ColumnType<string | null, string | null | undefined, string | null>;
  provisional: boolean;
  yellow_notified_at: Timestamp | null;
  red_notified_at: Timestamp | null;
  /** 'pending' from the UPDATE that concludes it approved/refused until the issuing job has made its certificate or decision letter. */
  document_status: ColumnType<'none' | 'pending' | 'issued' | 'failed', 'none' | 'pending' | 'issued' | 'failed' | undefined, 'none' | 'pending' | 'issued' | 'failed'>;
  document_error: ColumnType<string | null, string | null | undefined, string | null>;
  version: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TaskTable {
  id: string;
  application_id: number;
  case_id: string;
  step_key: string;
  round: number;
  role: 'reviewer' | 'approver';
  department_id: number;
  status: 'open' | 'done' | 'cancelled';
  assignee_id: number | null;
  claimed: boolean;
  delegated_to: number | null;
  delegate_opinion: string | null;
  origin: string;
  decision: 'approve' | 'refuse' | null;
  opinion: string | null;
  due_date: ColumnType<string | null, string | null | undefined, string | null>;
  /** The case's warning date while the task is open (the inbox's yellow and green filters). */
  warn_date: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  completed_at: Timestamp | null;
  completed_by: number | null;
  version: number;
}

export interface WorkflowEventTable {
  id: Generated<number>;
  application_id: number;
  case_id: string | null;
  task_id: string | null;
  type: string;
  national_code: number | null;
  actor_id: number;
  at: Timestamp;
  data: Json<Record<string, unknown>>;
}

export interface ApplicationMaterialTable {
  id: Generated<number>;
  application_id: number;
  requirement_id: number;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sm3: string;
  uploaded_by: number;
  uploaded_at: Generated<Date>;
  removed_at: Timestamp | null;
  library_version_id: ColumnType<number | null, number | null | undefined, number | null>;
  certificate_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface CalendarYearTable {
  year: number;
  holidays: Json<string[]>;
  workdays: Json<string[]>;
  notice: string;
  version: Generated<number>;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface NotificationTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  application_id: number | null;
  case_id: string | null;
  dedupe_key: string | null;
  title: string;
  body: string;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

/** Search tokens of an application (modules/workflow/application-search.ts; decision 0015). */
export interface ApplicationSearchTable {
  application_id: number;
  tokens: ColumnType<string[], string[], string[]>;
}

export interface WorkflowDB {
  project: ProjectTable;
  procedure_definition: ProcedureDefinitionTable;
  application: ApplicationTable;
  approval_case: ApprovalCaseTable;
  task: TaskTable;
  workflow_event: WorkflowEventTable;
  application_material: ApplicationMaterialTable;
  application_search: ApplicationSearchTable;
  calendar_year: CalendarYearTable;
  notification: NotificationTable;
}

export type ProjectRow = Selectable<ProjectTable>;
export type ApplicationRow = Selectable<ApplicationTable>;
export type ApprovalCaseRow = Selectable<ApprovalCaseTable>;
export type TaskRow = Selectable<TaskTable>;
export type WorkflowEventRow = Selectable<WorkflowEventTable>;

export interface StoredFileTable {
  sm3: string;
  size_bytes: number;
  content_type: string;
  text_status: 'read' | 'unreadable' | 'not-attempted';
  text_source: string | null;
  text_reason: Json<{ zh: string; en: string } | null> | null;
  text: string | null;
  facts: Json<Record<string, string>>;
  created_at: Timestamp;
}

export interface LibraryMaterialTable {
  id: Generated<number>;
  enterprise_id: number;
  kind: string;
  name: string;
  current_version: Generated<number>;
  archived_at: Timestamp | null;
  created_by: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LibraryMaterialVersionTable {
  id: Generated<number>;
  material_id: number;
  version: number;
  file_name: string;
  sm3: string;
  valid_until: ColumnType<string | null, string | null | undefined, string | null>;
  note: string | null;
  uploaded_by: number;
  uploaded_at: Timestamp;
}

export interface SigningKeyTable {
  id: Generated<number>;
  department_id: number;
  key_id: string;
  public_key: string;
  sealed_private_key: string;
  created_at: Timestamp;
  retired_at: Timestamp | null;
}

export interface CertificateSequenceTable {
  matter_id: number;
  year: number;
  last: number;
}

export interface CertificateTable {
  id: Generated<number>;
  kind: 'certificate' | 'decision_letter';
  number: string;
  verification_code: string;
  case_id: string;
  application_id: number;
  enterprise_id: number;
  project_id: number;
  matter_id: number;
  department_id: number;
  region_code: string;
  title: string;
  holder_name: string;
  holder_uscc: string;
  project_code: string;
  project_name: string;
  matter_code: string;
  matter_name: string;
  department_name: string;
  /** Dates are read as 'YYYY-MM-DD' text (see database.ts type parsers). */
  issue_date: ColumnType<string, string, string>;
  valid_until: ColumnType<string | null, string | null | undefined, string | null>;
  reasons: string | null;
  pdf_sm3: string;
  pdf_size_bytes: number;
  key_id: string;
  record_signature: string;
  status: Generated<'valid' | 'revoked'>;
  revoked_at: Timestamp | null;
  revoked_by: number | null;
  revocation_reason: string | null;
  created_at: Timestamp;
}

export interface MaterialsDB {
  stored_file: StoredFileTable;
  library_material: LibraryMaterialTable;
  library_material_version: LibraryMaterialVersionTable;
  signing_key: SigningKeyTable;
  certificate_sequence: CertificateSequenceTable;
  certificate: CertificateTable;
}
