/** Catalog response shapes: defined once as TypeBox schemas in @tongban/contracts (the server validates and documents with them). */
import type { MatterDraftInput } from '@tongban/contracts';

export type {
  GuideAnswer,
  GuideMaterial,
  GuideMatter,
  GuideResult,
  GuideStage,
  MatterHistory,
  ProcessHistory,
  ProcessStageMatterView,
  ProcessStageView,
  ProcessSummary,
  ProcessVersionView,
  VersionEntry,
} from '@tongban/contracts';

/** The editable part of a matter version. */
export type MatterDraft = MatterDraftInput;
