/**
 * Catalog schemas (事项清单, 办事指南, 流程主题), shared by the server's route validation, the
 * OpenAPI document and the web client's types.
 */
import { Type, type Static } from 'typebox';
import { MATERIAL_CODE_PATTERN } from './materials.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Code = Type.String({ pattern: '^[A-Za-z0-9_-]{2,40}$' });
const Key = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' });
const Days = Type.Integer({ minimum: 1, maximum: 400 });
const ShortText = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const VersionStatus = Type.Enum(['draft', 'published', 'retired']);
export type VersionStatus = Static<typeof VersionStatus>;

export const ChoiceOption = Type.Object({ value: Type.String({ minLength: 1, maxLength: 40 }), label: ShortText(100) }, { additionalProperties: false });

export const FormField = Type.Object(
  {
    key: Key,
    label: ShortText(100),
    type: Type.Enum(['text', 'number', 'date', 'boolean', 'choice']),
    required: Type.Boolean(),
    options: Type.Optional(Type.Array(ChoiceOption, { maxItems: 50 })),
    unit: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type FormField = Static<typeof FormField>;

export const SpecialProcedure = Type.Object(
  { kind: Type.Enum(['expert_review', 'hearing', 'site_inspection', 'public_notice', 'testing']), name: ShortText(100), maxDays: Days },
  { additionalProperties: false },
);

export const MaterialRequirement = Type.Object(
  {
    name: ShortText(200),
    form: Type.Enum(['original', 'copy', 'original_and_copy', 'electronic']),
    copies: Type.Integer({ minimum: 0, maximum: 99 }),
    necessity: Type.Enum(['required', 'conditional', 'optional']),
    /** Guided-selection condition in the text form, e.g. `inPark and eia == "table"`. */
    condition: Nullable(Type.String({ maxLength: 2000 })),
    conditionNote: Nullable(Type.String({ maxLength: 500 })),
    acceptedTypes: Type.Array(Type.Enum(['pdf', 'ofd', 'jpg', 'png', 'dwg', 'doc', 'docx', 'xls', 'xlsx', 'zip']), { minItems: 1, maxItems: 10 }),
    maxSizeMb: Type.Integer({ minimum: 1, maximum: 2048 }),
    sampleUrl: Nullable(Type.String({ maxLength: 500 })),
    reuse: Type.Enum(['none', 'material_library', 'certificate_library']),
    description: Type.String({ maxLength: 1000 }),
    /** Names the material in pre-check rules and is the library kind of its uploads (`business-licence`); null = none. */
    code: Type.Optional(Nullable(Type.String({ pattern: MATERIAL_CODE_PATTERN }))),
  },
  { additionalProperties: false },
);
export type MaterialRequirement = Static<typeof MaterialRequirement>;

/** What an admin edits in a matter draft. */
export const MatterDraftInput = Type.Object(
  {
    name: ShortText(200),
    departmentId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    limitKind: Type.Enum(['working', 'calendar']),
    legalLimitDays: Days,
    extensionDays: Type.Integer({ minimum: 0, maximum: 400 }),
    promisedLimitDays: Days,
    commitmentAllowed: Type.Boolean(),
    deficiencyAllowed: Type.Boolean(),
    resultType: Type.Enum(['licence', 'approval', 'opinion', 'filing', 'certificate']),
    resultName: ShortText(200),
    validityMonths: Nullable(Type.Integer({ minimum: 1, maximum: 1200 })),
    legalBasis: Type.String({ maxLength: 4000 }),
    fees: Type.String({ maxLength: 1000 }),
    conditions: Type.String({ maxLength: 4000 }),
    specialProcedures: Type.Array(SpecialProcedure, { maxItems: 10 }),
    formFields: Type.Array(FormField, { maxItems: 100 }),
    materials: Type.Array(MaterialRequirement, { maxItems: 100 }),
    /**
     * Pre-check rules (智能预审, packages/engine/src/precheck) over the unified form and the facts
     * read from the materials named by `code`; checked with `validatePrecheckRules` on save.
     */
    precheckRules: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export type MatterDraftInput = Static<typeof MatterDraftInput>;

// Objects are composed from property lists (not Type.Intersect) so that `additionalProperties:
// false` keeps refusing unknown fields under the draft-07 validator.
export const MatterCreateInput = Type.Object({ code: Code, ...MatterDraftInput.properties }, { additionalProperties: false });
export type MatterCreateInput = Static<typeof MatterCreateInput>;

export const MatterVersion = Type.Object({
  id: Type.Integer(),
  matterId: Type.Integer(),
  code: Type.String(),
  version: Type.Integer(),
  status: VersionStatus,
  departmentName: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  publishedAt: Nullable(Type.String()),
  ...MatterDraftInput.properties,
});
export type MatterVersion = Static<typeof MatterVersion>;

/** Which versions of a document are published and open as a draft (null: none). */
const VersionPointers = {
  publishedVersion: Nullable(Type.Integer()),
  publishedVersionId: Nullable(Type.Integer()),
  draftVersion: Nullable(Type.Integer()),
  draftVersionId: Nullable(Type.Integer()),
};

export const MatterSummary = Type.Object({
  matterId: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  ...VersionPointers,
  legalLimitDays: Type.Integer(),
  promisedLimitDays: Type.Integer(),
  limitKind: Type.String(),
});
export type MatterSummary = Static<typeof MatterSummary>;

export const Question = Type.Object(
  {
    key: Key,
    label: ShortText(200),
    type: Type.Enum(['boolean', 'choice', 'number']),
    options: Type.Optional(Type.Array(ChoiceOption, { maxItems: 50 })),
    unit: Type.Optional(Type.String({ maxLength: 20 })),
    help: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type Question = Static<typeof Question>;

export const StageMatterInput = Type.Object(
  {
    matterCode: Code,
    mandatory: Type.Boolean(),
    condition: Nullable(Type.String({ maxLength: 2000 })),
    conditionNote: Nullable(Type.String({ maxLength: 500 })),
    prerequisites: Type.Array(Code, { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type StageMatterInput = Static<typeof StageMatterInput>;

export const StageInput = Type.Object(
  {
    stageCode: Type.Integer({ minimum: 1, maximum: 5 }),
    name: ShortText(100),
    timeLimitDays: Days,
    leadDepartmentId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    matters: Type.Array(StageMatterInput, { maxItems: 60 }),
  },
  { additionalProperties: false },
);
export type StageInput = Static<typeof StageInput>;

export const ProcessDraftInput = Type.Object(
  {
    name: ShortText(200),
    description: Type.String({ maxLength: 4000 }),
    questions: Type.Array(Question, { maxItems: 60 }),
    stages: Type.Array(StageInput, { maxItems: 5 }),
  },
  { additionalProperties: false },
);
export type ProcessDraftInput = Static<typeof ProcessDraftInput>;

export const ProcessCreateInput = Type.Object(
  { code: Code, projectType: Type.Integer({ minimum: 1, maximum: 10 }), regionCode: Type.String({ pattern: '^[1-9][0-9]{5}$' }), ...ProcessDraftInput.properties },
  { additionalProperties: false },
);
export type ProcessCreateInput = Static<typeof ProcessCreateInput>;

/** National project-type codes (审批流程类型). */
export const PROJECT_TYPES: Record<number, string> = {
  1: '政府投资房屋建筑类',
  2: '政府投资城市基础设施线性工程类',
  3: '一般社会投资类',
  4: '小型社会投资类',
  5: '带方案出让用地的社会投资类',
  6: '工业项目',
  7: '交通工程',
  8: '水利工程',
  9: '能源工程',
  10: '其他',
};

/** National stage codes (审批阶段). */
export const STAGES: Record<number, string> = {
  1: '立项用地规划许可',
  2: '工程建设许可',
  3: '施工许可',
  4: '竣工验收',
  5: '并行推进',
};

// ---- views: responses of the catalog routes


export const VersionEntry = Type.Object({ id: Type.Integer(), version: Type.Integer(), status: VersionStatus, name: Type.String(), createdAt: Type.String(), publishedAt: Nullable(Type.String()) });
export type VersionEntry = Static<typeof VersionEntry>;
export const MatterHistory = Type.Object({ matterId: Type.Integer(), code: Type.String(), versions: Type.Array(VersionEntry) });
export type MatterHistory = Static<typeof MatterHistory>;
export const ProcessHistory = Type.Object({ processId: Type.Integer(), code: Type.String(), versions: Type.Array(VersionEntry) });
export type ProcessHistory = Static<typeof ProcessHistory>;

export const ProcessSummary = Type.Object({
  processId: Type.Integer(),
  code: Type.String(),
  projectType: Type.Integer(),
  projectTypeName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  name: Type.String(),
  ...VersionPointers,
});
export type ProcessSummary = Static<typeof ProcessSummary>;

export const ProcessVersionView = Type.Object({
  id: Type.Integer(),
  processId: Type.Integer(),
  code: Type.String(),
  projectType: Type.Integer(),
  projectTypeName: Type.String(),
  regionCode: Type.String(),
  version: Type.Integer(),
  status: VersionStatus,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  publishedAt: Nullable(Type.String()),
  name: Type.String(),
  description: Type.String(),
  questions: Type.Array(Question),
  stages: Type.Array(
    Type.Object({
      stageCode: Type.Integer(),
      name: Type.String(),
      stageName: Type.String(),
      timeLimitDays: Type.Integer(),
      leadDepartmentId: Type.Integer(),
      leadDepartmentName: Type.String(),
      form: Type.Array(FormField),
      matters: Type.Array(
        Type.Object({
          ...StageMatterInput.properties,
          name: Type.String(),
          departmentName: Type.String(),
          legalLimitDays: Nullable(Type.Integer()),
          promisedLimitDays: Nullable(Type.Integer()),
          limitKind: Nullable(Type.String()),
        }),
      ),
    }),
  ),
});
export type ProcessVersionView = Static<typeof ProcessVersionView>;
export type ProcessStageView = ProcessVersionView['stages'][number];
export type ProcessStageMatterView = ProcessStageView['matters'][number];

export const GuideMatter = Type.Object({
  code: Type.String(),
  name: Type.String(),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  mandatory: Type.Boolean(),
  legalLimitDays: Type.Integer(),
  promisedLimitDays: Type.Integer(),
  limitKind: Type.String(),
  commitmentAllowed: Type.Boolean(),
  deficiencyAllowed: Type.Boolean(),
  prerequisites: Type.Array(Type.String()),
  reason: Type.String(),
  materials: Type.Array(Type.Object({ name: Type.String(), necessity: Type.String(), form: Type.String(), copies: Type.Integer(), reason: Nullable(Type.String()) })),
});

export const GuideResult = Type.Object({
  processId: Type.Integer(),
  processVersionId: Type.Integer(),
  version: Type.Integer(),
  name: Type.String(),
  projectType: Type.Integer(),
  stages: Type.Array(
    Type.Object({
      stageCode: Type.Integer(),
      name: Type.String(),
      stageName: Type.String(),
      timeLimitDays: Type.Integer(),
      leadDepartmentId: Type.Integer(),
      leadDepartmentName: Type.String(),
      matters: Type.Array(GuideMatter),
      form: Type.Array(FormField),
      undecided: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), needs: Type.Array(Type.String()) })),
      notApplicable: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), reason: Type.String() })),
    }),
  ),
  unanswered: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
});
export type GuideResult = Static<typeof GuideResult>;
export type GuideStage = GuideResult['stages'][number];
export type GuideMatter = Static<typeof GuideMatter>;
export type GuideMaterial = GuideMatter['materials'][number];
export type GuideAnswer = string | number | boolean | null;

export const GuideAnswers = Type.Object(
  { answers: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' }), Type.Union([Type.String({ maxLength: 100 }), Type.Number(), Type.Boolean(), Type.Null()]), { maxProperties: 60 }) },
  { additionalProperties: false },
);

