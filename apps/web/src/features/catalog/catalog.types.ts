/**
 * Response shapes of the catalog routes that are not in @tongban/contracts (the server keeps them
 * in apps/server/src/modules/catalog/catalog.schemas.ts); written out here by hand.
 */
import type { FormField, MatterDraftInput, Question, StageMatterInput, VersionStatus } from '@tongban/contracts';

export interface ProcessSummary {
  processId: number;
  code: string;
  projectType: number;
  projectTypeName: string;
  regionCode: string;
  regionName: string;
  name: string;
  publishedVersion: number | null;
  publishedVersionId: number | null;
  draftVersion: number | null;
  draftVersionId: number | null;
}

export interface ProcessStageMatterView extends StageMatterInput {
  name: string;
  departmentName: string;
  legalLimitDays: number | null;
  promisedLimitDays: number | null;
  limitKind: string | null;
}

export interface ProcessStageView {
  stageCode: number;
  name: string;
  stageName: string;
  timeLimitDays: number;
  leadDepartmentId: number;
  leadDepartmentName: string;
  form: FormField[];
  matters: ProcessStageMatterView[];
}

export interface ProcessVersionView {
  id: number;
  processId: number;
  code: string;
  projectType: number;
  projectTypeName: string;
  regionCode: string;
  version: number;
  status: VersionStatus;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  name: string;
  description: string;
  questions: Question[];
  stages: ProcessStageView[];
}

export interface VersionEntry {
  id: number;
  version: number;
  status: VersionStatus;
  name: string;
  createdAt: string;
  publishedAt: string | null;
}

export interface MatterHistory {
  matterId: number;
  code: string;
  versions: VersionEntry[];
}

export interface ProcessHistory {
  processId: number;
  code: string;
  versions: VersionEntry[];
}

export interface GuideMaterial {
  name: string;
  necessity: string;
  form: string;
  copies: number;
  reason: string | null;
}

export interface GuideMatter {
  code: string;
  name: string;
  departmentId: number;
  departmentName: string;
  mandatory: boolean;
  legalLimitDays: number;
  promisedLimitDays: number;
  limitKind: string;
  commitmentAllowed: boolean;
  deficiencyAllowed: boolean;
  prerequisites: string[];
  reason: string;
  materials: GuideMaterial[];
}

export interface GuideStage {
  stageCode: number;
  name: string;
  stageName: string;
  timeLimitDays: number;
  leadDepartmentId: number;
  leadDepartmentName: string;
  matters: GuideMatter[];
  form: FormField[];
  undecided: { code: string; name: string; needs: string[] }[];
  notApplicable: { code: string; name: string; reason: string }[];
}

export interface GuideResult {
  processId: number;
  processVersionId: number;
  version: number;
  name: string;
  projectType: number;
  stages: GuideStage[];
  unanswered: { key: string; label: string }[];
}

export type GuideAnswer = string | number | boolean | null;

/** The editable part of a matter version. */
export type MatterDraft = MatterDraftInput;
