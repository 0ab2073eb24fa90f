/**
 * Enterprises, projects, stage applications, cases, tasks and the clock: the request bodies the
 * server validates and the views it returns, shared with the web client.
 */
import { Type, type Static } from 'typebox';
import { ExtractionView } from './materials.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const Reason = Text(2000);
const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Version = Type.Integer({ minimum: 0, description: 'The version the caller saw (optimistic concurrency)' });

// ---------------------------------------------------------------------------------------------
// Project code (项目代码): 2019-320500-48-03-012345 = year-region-industry-type-serial (24 chars).

export const PROJECT_CODE_PATTERN = '^\\d{4}-\\d{6}-\\d{2}-\\d{2}-\\d{6}$';

/**
 * Checks the shape and the year of a project code and returns its region part. The last digit
 * of the GB/T 40058-2021 form is a check digit whose algorithm is not confirmed, so it is not
 * checked; the caller checks that the region exists.
 */
export function parseProjectCode(code: string, currentYear: number): { ok: true; year: number; regionCode: string } | { ok: false; zh: string; en: string } {
  if (!new RegExp(PROJECT_CODE_PATTERN).test(code)) return { ok: false, zh: '项目代码格式应为 年份-行政区划-行业-类型-流水号，如 2019-320500-48-03-012345', en: 'A project code looks like 2019-320500-48-03-012345' };
  const year = Number(code.slice(0, 4));
  if (year < 2015 || year > currentYear) return { ok: false, zh: `项目代码年份 ${year} 不在 2015–${currentYear} 之间`, en: `The project code year ${year} is not between 2015 and ${currentYear}` };
  return { ok: true, year, regionCode: code.slice(5, 11) };
}

// ---------------------------------------------------------------------------------------------
// Enterprises and projects.

export const EnterpriseRegistration = Type.Object(
  {
    uscc: Type.String({ pattern: '^[0-9A-Z]{18}$' }),
    enterpriseName: Text(200),
    regionCode: Type.String({ pattern: '^[1-9][0-9]{5}$' }),
    username: Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_.-]{2,39}$' }),
    displayName: Text(100),
    password: Type.String({ minLength: 8, maxLength: 200 }),
    phone: Type.Optional(Type.String({ pattern: '^1[3-9]\\d{9}$' })),
  },
  { additionalProperties: false },
);
export type EnterpriseRegistration = Static<typeof EnterpriseRegistration>;

export const ProjectInput = Type.Object(
  {
    name: Text(200),
    projectType: Type.Integer({ minimum: 1, maximum: 10 }),
    investment: Type.Number({ minimum: 0, maximum: 1e9, description: '万元' }),
    landArea: Type.Number({ minimum: 0, maximum: 1e9, description: 'm²' }),
    floorArea: Type.Number({ minimum: 0, maximum: 1e9, description: 'm²' }),
    location: Text(300),
  },
  { additionalProperties: false },
);
export const ProjectCreate = Type.Object(
  { code: Type.String({ maxLength: 24 }), enterpriseId: Type.Optional(Type.Integer({ minimum: 1 })), ...ProjectInput.properties },
  { additionalProperties: false },
);
export type ProjectCreate = Static<typeof ProjectCreate>;
export const ProjectUpdate = Type.Object({ version: Version, ...ProjectInput.properties }, { additionalProperties: false });
export type ProjectUpdate = Static<typeof ProjectUpdate>;

export const ProjectView = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  enterpriseId: Type.Integer(),
  enterpriseName: Type.String(),
  name: Type.String(),
  projectType: Type.Integer(),
  regionCode: Type.String(),
  regionName: Type.String(),
  investment: Type.Number(),
  landArea: Type.Number(),
  floorArea: Type.Number(),
  location: Type.String(),
  version: Type.Integer(),
  applications: Type.Integer({ description: 'Number of stage applications' }),
  createdAt: Type.String(),
});
export type ProjectView = Static<typeof ProjectView>;

// ---------------------------------------------------------------------------------------------
// Applications.

export const ApplicationStatus = Type.Enum(['draft', 'received', 'supplement', 'accepted', 'not_accepted', 'refused', 'withdrawn', 'concluded']);
export type ApplicationStatus = Static<typeof ApplicationStatus>;
export const CaseStatus = Type.Enum(['waiting', 'handling', 'supplement', 'special', 'approved', 'approved_deficiency', 'refused', 'withdrawn']);
export type CaseStatus = Static<typeof CaseStatus>;
export const SpecialProcedureKind = Type.Enum(['expert_review', 'hearing', 'site_inspection', 'public_notice', 'technical_review']);

const AnswerValue = Type.Union([Type.String({ maxLength: 100 }), Type.Number(), Type.Boolean(), Type.Null()]);
const Answers = Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' }), AnswerValue, { maxProperties: 60 });
const FormValue = Type.Union([Type.String({ maxLength: 5000 }), Type.Number(), Type.Boolean(), Type.Null()]);
export const FormValues = Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' }), FormValue, { maxProperties: 300 });
export type FormValues = Static<typeof FormValues>;

export const ApplicationCreate = Type.Object(
  { projectId: Type.Integer({ minimum: 1 }), processId: Type.Integer({ minimum: 1 }), stageCode: Type.Integer({ minimum: 1, maximum: 5 }), answers: Answers },
  { additionalProperties: false },
);
export type ApplicationCreate = Static<typeof ApplicationCreate>;
export const AnswersUpdate = Type.Object({ version: Version, answers: Answers }, { additionalProperties: false });
export const FormUpdate = Type.Object({ version: Version, values: FormValues }, { additionalProperties: false });
export const VersionOnly = Type.Object({ version: Type.Optional(Version) }, { additionalProperties: false });
export const ReasonBody = Type.Object({ version: Type.Optional(Version), reason: Reason }, { additionalProperties: false });

export const SupplementItem = Type.Object(
  { requirementId: Nullable(Type.Integer({ minimum: 1 })), fieldKey: Nullable(Type.String({ maxLength: 40 })), name: Text(200), reason: Text(1000) },
  { additionalProperties: false },
);
export type SupplementItem = Static<typeof SupplementItem>;
export const SupplementRequest = Type.Object({ version: Type.Optional(Version), items: Type.Array(SupplementItem, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false });
export const AcceptBody = Type.Object(
  {
    version: Type.Optional(Version),
    /** 容缺受理: accept while these items are still missing, to be made up by the deadline. */
    deficiency: Type.Optional(Nullable(Type.Object({ items: Type.Array(Text(200), { minItems: 1, maxItems: 50 }), deadline: DateOnly }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);
export type AcceptBody = Static<typeof AcceptBody>;

export const ClockView = Type.Object({
  startDate: Type.String(),
  dueDate: Type.String(),
  warnDate: Type.String(),
  daysUsed: Type.Integer(),
  daysLeft: Type.Integer(),
  pausedDays: Type.Integer(),
  paused: Type.Boolean(),
  level: Type.Enum(['green', 'yellow', 'red']),
  provisional: Type.Boolean(),
  provisionalYears: Type.Array(Type.Integer()),
  limitDays: Type.Integer(),
  limitKind: Type.Enum(['working', 'calendar']),
  legalDueDate: Type.String(),
});
export type ClockView = Static<typeof ClockView>;

const UserRef = Type.Object({ id: Type.Integer(), displayName: Type.String() });
export type UserRef = Static<typeof UserRef>;

export const PauseView = Type.Object({ kind: Type.Enum(['supplement', 'special']), procedure: Nullable(Type.String()), reason: Type.String(), from: Type.String(), to: Nullable(Type.String()) });

export const TaskSummary = Type.Object({
  id: Type.String(),
  stepKey: Type.String(),
  stepName: Type.String(),
  round: Type.Integer(),
  role: Type.Enum(['reviewer', 'approver']),
  status: Type.Enum(['open', 'done', 'cancelled']),
  assignee: Nullable(UserRef),
  claimed: Type.Boolean(),
  delegatedTo: Nullable(UserRef),
  delegateOpinion: Nullable(Type.String()),
  origin: Type.String(),
  decision: Nullable(Type.Enum(['approve', 'refuse'])),
  opinion: Nullable(Type.String()),
  createdAt: Type.String(),
  completedAt: Nullable(Type.String()),
  completedBy: Nullable(UserRef),
  version: Type.Integer(),
});
export type TaskSummary = Static<typeof TaskSummary>;

export const CaseView = Type.Object({
  id: Type.String(),
  applicationId: Type.Integer(),
  matterCode: Type.String(),
  matterName: Type.String(),
  matterVersionId: Type.Integer(),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  procedure: Type.Object({ code: Type.String(), version: Type.Integer(), name: Type.String(), steps: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), role: Type.String(), mode: Type.String(), final: Type.Boolean(), returnTo: Type.Array(Type.String()) })) }),
  prerequisites: Type.Array(Type.String()),
  status: CaseStatus,
  nationalCode: Type.Integer(),
  stepKey: Nullable(Type.String()),
  stepName: Nullable(Type.String()),
  holders: Type.Array(UserRef, { description: 'Who holds the open tasks now; empty for a pool task nobody claimed' }),
  proposal: Nullable(Type.String()),
  startedAt: Nullable(Type.String()),
  concludedAt: Nullable(Type.String()),
  pauses: Type.Array(PauseView),
  clock: Nullable(ClockView),
  tasks: Type.Array(TaskSummary),
  /** The result document (certificate or decision letter): 'pending' from conclusion until the issuing job made it (decision 0013). */
  documentStatus: Type.Enum(['none', 'pending', 'issued', 'failed']),
  document: Nullable(
    Type.Object({
      certificateId: Type.Integer(),
      kind: Type.Enum(['certificate', 'decision_letter']),
      number: Type.String(),
      verificationCode: Type.String(),
      status: Type.Enum(['valid', 'revoked']),
    }),
  ),
  version: Type.Integer(),
});
export type CaseView = Static<typeof CaseView>;

export const MaterialView = Type.Object({
  id: Type.Integer(),
  requirementId: Type.Integer(),
  fileName: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sm3: Type.String(),
  uploadedAt: Type.String(),
  uploadedBy: UserRef,
  /** The library material this file is a version of (decision 0013); null for a reused certificate. */
  libraryMaterialId: Type.Optional(Nullable(Type.Integer())),
  libraryVersion: Type.Optional(Nullable(Type.Integer())),
  /** Set when the file is a certificate issued by the platform (its PDF). */
  certificateId: Type.Optional(Nullable(Type.Integer())),
  /** What the pre-check could read from the file. */
  extraction: Type.Optional(ExtractionView),
});
export type MaterialView = Static<typeof MaterialView>;

export const RequirementView = Type.Object({
  id: Type.Integer(),
  matterCode: Type.String(),
  matterName: Type.String(),
  name: Type.String(),
  necessity: Type.String(),
  required: Type.Boolean({ description: 'Required for these answers' }),
  reason: Nullable(Type.String()),
  acceptedTypes: Type.Array(Type.String()),
  maxSizeMb: Type.Integer(),
  files: Type.Array(MaterialView),
});
export type RequirementView = Static<typeof RequirementView>;

const FieldView = Type.Object({
  key: Type.String(),
  label: Type.String(),
  type: Type.String(),
  required: Type.Boolean(),
  options: Type.Optional(Type.Array(Type.Object({ value: Type.String(), label: Type.String() }))),
  unit: Type.Optional(Type.String()),
});

export const ProblemView = Type.Object({ path: Type.String(), message: Type.String() });

export const HistoryEntry = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  caseId: Nullable(Type.String()),
  matterName: Nullable(Type.String()),
  taskId: Nullable(Type.String()),
  nationalCode: Nullable(Type.Integer()),
  actor: UserRef,
  at: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type HistoryEntry = Static<typeof HistoryEntry>;

export const ApplicationSummary = Type.Object({
  id: Type.Integer(),
  number: Nullable(Type.String()),
  projectId: Type.Integer(),
  projectCode: Type.String(),
  projectName: Type.String(),
  enterpriseId: Type.Integer(),
  enterpriseName: Type.String(),
  regionCode: Type.String(),
  stageCode: Type.Integer(),
  stageName: Type.String(),
  processName: Type.String(),
  status: ApplicationStatus,
  nationalCode: Nullable(Type.Integer()),
  cases: Type.Integer(),
  casesConcluded: Type.Integer(),
  submittedAt: Nullable(Type.String()),
  acceptedAt: Nullable(Type.String()),
  concludedAt: Nullable(Type.String()),
  stageDueDate: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type ApplicationSummary = Static<typeof ApplicationSummary>;

export const ApplicationView = Type.Object({
  ...ApplicationSummary.properties,
  processId: Type.Integer(),
  processVersionId: Type.Integer(),
  processVersion: Type.Integer(),
  stageLimitDays: Type.Integer(),
  leadDepartmentId: Type.Integer(),
  leadDepartmentName: Type.String(),
  answers: Type.Record(Type.String(), AnswerValue),
  questions: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), type: Type.String(), options: Type.Optional(Type.Array(Type.Object({ value: Type.String(), label: Type.String() }))), unit: Type.Optional(Type.String()) })),
  unanswered: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
  matters: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), departmentId: Type.Integer(), departmentName: Type.String(), matterVersionId: Type.Integer(), reason: Type.String(), prerequisites: Type.Array(Type.String()), deficiencyAllowed: Type.Boolean() })),
  undecided: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), needs: Type.Array(Type.String()) })),
  formFields: Type.Array(FieldView),
  form: FormValues,
  requirements: Type.Array(RequirementView),
  /** What still blocks submission (missing required fields, materials, unanswered questions). */
  problems: Type.Array(ProblemView),
  supplementItems: Nullable(Type.Array(SupplementItem)),
  deficiency: Nullable(Type.Object({ items: Type.Array(Type.String()), deadline: Type.String(), satisfiedAt: Nullable(Type.String()) })),
  deficiencyEligible: Type.Boolean(),
  outcome: Nullable(Type.String()),
  decisionReason: Nullable(Type.String()),
  stageClock: Nullable(ClockView),
  cases: Type.Array(CaseView),
  /** Every return (退回) and supplement request (补正) so far, oldest first. */
  returnsAndSupplements: Type.Array(HistoryEntry),
  /** What the caller may do now: submit, withdraw, accept, notAccept, refuse, requestSupplement, endSupplement, satisfyDeficiency, edit. */
  allowedActions: Type.Array(Type.String()),
  version: Type.Integer(),
});
export type ApplicationView = Static<typeof ApplicationView>;

// ---------------------------------------------------------------------------------------------
// Tasks.

export const TaskComplete = Type.Object({ version: Type.Optional(Version), decision: Type.Enum(['approve', 'refuse']), opinion: Text(2000) }, { additionalProperties: false });
export const TaskReturn = Type.Object({ version: Type.Optional(Version), toStep: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }), reason: Reason }, { additionalProperties: false });
export const TaskHandOver = Type.Object({ version: Type.Optional(Version), toUserId: Type.Integer({ minimum: 1 }), reason: Reason }, { additionalProperties: false });
export const TaskAddSigner = Type.Object({ version: Type.Optional(Version), userId: Type.Integer({ minimum: 1 }), reason: Reason }, { additionalProperties: false });
export const SpecialStart = Type.Object({ procedure: SpecialProcedureKind, reason: Reason }, { additionalProperties: false });
export const SpecialEnd = Type.Object({ result: Reason }, { additionalProperties: false });

export const TaskView = Type.Object({
  ...TaskSummary.properties,
  caseId: Type.String(),
  applicationId: Type.Integer(),
  applicationNumber: Nullable(Type.String()),
  projectName: Type.String(),
  enterpriseName: Type.String(),
  matterCode: Type.String(),
  matterName: Type.String(),
  departmentId: Type.Integer(),
  caseStatus: CaseStatus,
  dueDate: Nullable(Type.String()),
  level: Type.Enum(['green', 'yellow', 'red', 'none']),
  daysLeft: Nullable(Type.Integer()),
});
export type TaskView = Static<typeof TaskView>;

export const TaskQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['open', 'done'])),
    /** mine: assigned to or delegated to me; pool: unclaimed tasks of my role and department; all (default): both. */
    view: Type.Optional(Type.Enum(['all', 'mine', 'pool'])),
    level: Type.Optional(Type.Enum(['green', 'yellow', 'red'])),
    matterCode: Type.Optional(Type.String({ maxLength: 40 })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    sort: Type.Optional(Type.Enum(['due', 'created'])),
    order: Type.Optional(Type.Enum(['asc', 'desc'])),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type TaskQuery = Static<typeof TaskQuery>;

// ---------------------------------------------------------------------------------------------
// Calendar, supervision, notifications.

export const CalendarYearInput = Type.Object(
  { holidays: Type.Array(DateOnly, { maxItems: 60 }), workdays: Type.Array(DateOnly, { maxItems: 60 }), notice: Text(500), version: Type.Optional(Version) },
  { additionalProperties: false },
);
export type CalendarYearInput = Static<typeof CalendarYearInput>;
export const CalendarYearView = Type.Object({
  year: Type.Integer(),
  source: Type.Enum(['admin', 'package', 'none']),
  official: Type.Boolean(),
  holidays: Type.Array(Type.String()),
  workdays: Type.Array(Type.String()),
  notice: Nullable(Type.String()),
  version: Nullable(Type.Integer()),
  updatedAt: Nullable(Type.String()),
});
export type CalendarYearView = Static<typeof CalendarYearView>;
export const CalendarDay = Type.Object({ date: Type.String(), workday: Type.Boolean(), official: Type.Boolean() });

export const SupervisionCase = Type.Object({
  caseId: Type.String(),
  applicationId: Type.Integer(),
  applicationNumber: Nullable(Type.String()),
  projectName: Type.String(),
  enterpriseName: Type.String(),
  matterCode: Type.String(),
  matterName: Type.String(),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  regionCode: Type.String(),
  status: CaseStatus,
  holders: Type.Array(UserRef),
  clock: ClockView,
});
export type SupervisionCase = Static<typeof SupervisionCase>;
export const SupervisionBoard = Type.Object({
  counts: Type.Object({ running: Type.Integer(), yellow: Type.Integer(), red: Type.Integer(), paused: Type.Integer() }),
  byDepartment: Type.Array(Type.Object({ departmentId: Type.Integer(), departmentName: Type.String(), running: Type.Integer(), yellow: Type.Integer(), red: Type.Integer() })),
  items: Type.Array(SupervisionCase),
  total: Type.Integer(),
});
export type SupervisionBoard = Static<typeof SupervisionBoard>;

export const NotificationView = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  applicationId: Nullable(Type.Integer()),
  caseId: Nullable(Type.String()),
  title: Type.String(),
  body: Type.String(),
  createdAt: Type.String(),
  readAt: Nullable(Type.String()),
});
export type NotificationView = Static<typeof NotificationView>;
