import { Type } from 'typebox';
import { FormField, MatterDraftInput, Question, StageMatterInput, VersionStatus } from '@tongban/contracts';
import { Nullable } from '../../lib/http-schemas.ts';

/** Response schemas of the catalog routes (the OpenAPI document is generated from them). */

export const VersionHistory = (idKey: string) =>
  Type.Object({
    [idKey]: Type.Integer(),
    code: Type.String(),
    versions: Type.Array(Type.Object({ id: Type.Integer(), version: Type.Integer(), status: VersionStatus, name: Type.String(), createdAt: Type.String(), publishedAt: Nullable(Type.String()) })),
  });

export const ProcessSummary = Type.Object({
  processId: Type.Integer(),
  code: Type.String(),
  projectType: Type.Integer(),
  projectTypeName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  name: Type.String(),
  publishedVersion: Nullable(Type.Integer()),
  publishedVersionId: Nullable(Type.Integer()),
  draftVersion: Nullable(Type.Integer()),
  draftVersionId: Nullable(Type.Integer()),
});

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

const GuideMatter = Type.Object({
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

export const GuideAnswers = Type.Object(
  { answers: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' }), Type.Union([Type.String({ maxLength: 100 }), Type.Number(), Type.Boolean(), Type.Null()]), { maxProperties: 60 }) },
  { additionalProperties: false },
);

export { MatterDraftInput };
