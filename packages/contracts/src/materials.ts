/**
 * Materials (C5): the enterprise material library with versions, materials attached to an
 * application (uploaded or reused from the library / the certificates issued to the enterprise),
 * text extraction and the pre-check report. Shared by the server routes and the web client.
 */
import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });
const UserRef = Type.Object({ id: Type.Integer(), displayName: Type.String() });

/** Material code used by pre-check rules and the library kind: `business-licence`. */
export const MATERIAL_CODE_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';

/** What could be read from a stored file (cached by its SM3 digest, never re-extracted). */
export const ExtractionView = Type.Object({
  status: Type.Enum(['read', 'unreadable', 'not-attempted']),
  /** 'pdf-text' | 'ocr' when read; why not otherwise (Chinese and English). */
  source: Nullable(Type.String()),
  reason: Nullable(Bilingual),
  /** Key facts read from the text (uscc, enterpriseName, certificateNumber, dates…). */
  facts: Type.Record(Type.String(), Type.String()),
});
export type ExtractionView = Static<typeof ExtractionView>;

// ---------------------------------------------------------------------------------------------
// Material library (一次提交、多方调用).

export const LibraryVersionView = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  fileName: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sm3: Type.String(),
  validUntil: Nullable(DateOnly),
  note: Nullable(Type.String()),
  uploadedAt: Type.String(),
  uploadedBy: UserRef,
  extraction: ExtractionView,
});
export type LibraryVersionView = Static<typeof LibraryVersionView>;

export const LibraryMaterialView = Type.Object({
  id: Type.Integer(),
  enterpriseId: Type.Integer(),
  /** A material code (the requirement's code) or 'other'. */
  kind: Type.String(),
  name: Type.String(),
  /** Validity of the current version; null = no expiry. */
  validUntil: Nullable(DateOnly),
  expired: Type.Boolean(),
  current: LibraryVersionView,
  versionCount: Type.Integer(),
  /** Applications (not concluded) that use this material. */
  openApplications: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type LibraryMaterialView = Static<typeof LibraryMaterialView>;

export const LibraryMaterialDetail = Type.Object({
  material: LibraryMaterialView,
  versions: Type.Array(LibraryVersionView),
  usedBy: Type.Array(Type.Object({ applicationId: Type.Integer(), applicationNo: Type.String(), requirementName: Type.String(), versionId: Type.Integer(), open: Type.Boolean() })),
});
export type LibraryMaterialDetail = Static<typeof LibraryMaterialDetail>;

/** Metadata of a library upload; the file itself is the request body (streamed), its name in X-File-Name (URI-encoded), as for application uploads. */
export const LibraryUploadQuery = Type.Object(
  {
    kind: Type.String({ pattern: `${MATERIAL_CODE_PATTERN}|^other$` }),
    name: Text(200),
    validUntil: Type.Optional(DateOnly),
  },
  { additionalProperties: false },
);
export type LibraryUploadQuery = Static<typeof LibraryUploadQuery>;

export const LibraryVersionQuery = Type.Object(
  { validUntil: Type.Optional(DateOnly), note: Type.Optional(Text(500)) },
  { additionalProperties: false },
);
export type LibraryVersionQuery = Static<typeof LibraryVersionQuery>;

/** Reuse something the enterprise already has for one requirement of an application. */
export const ReuseMaterialInput = Type.Union([
  Type.Object({ requirementId: Type.Integer({ minimum: 1 }), libraryMaterialId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ requirementId: Type.Integer({ minimum: 1 }), certificateId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
]);
export type ReuseMaterialInput = Static<typeof ReuseMaterialInput>;

/** What the library offers for one requirement of an application (same kind first, valid only). */
export const ReuseOffer = Type.Object({
  requirementId: Type.Integer(),
  materials: Type.Array(LibraryMaterialView),
  certificates: Type.Array(Type.Object({ id: Type.Integer(), number: Type.String(), title: Type.String(), issueDate: DateOnly, validUntil: Nullable(DateOnly) })),
});
export type ReuseOffer = Static<typeof ReuseOffer>;

// ---------------------------------------------------------------------------------------------
// Pre-check report (智能预审): the engine's PrecheckReport with names resolved for display.

export const PrecheckItemView = Type.Object({
  ruleId: Type.String(),
  kind: Type.String(),
  severity: Type.Enum(['error', 'warning']),
  field: Type.Optional(Type.String()),
  fieldLabel: Type.Optional(Type.String()),
  materialCode: Type.Optional(Type.String()),
  requirementId: Type.Optional(Type.Integer()),
  materialName: Type.Optional(Type.String()),
  fileName: Type.Optional(Type.String()),
  materialId: Type.Optional(Type.Integer({ description: 'application_material id of the file concerned' })),
  fact: Type.Optional(Type.String()),
  message: Bilingual,
  fix: Bilingual,
  expected: Type.Optional(Type.String()),
  actual: Type.Optional(Type.String()),
});
export type PrecheckItemView = Static<typeof PrecheckItemView>;

export const PrecheckReportView = Type.Object({
  applicationId: Type.Integer(),
  /** No error: submission is allowed as far as the pre-check goes. */
  ok: Type.Boolean(),
  errors: Type.Integer(),
  warnings: Type.Integer(),
  checked: Type.Integer(),
  items: Type.Array(PrecheckItemView),
  /** Per attached file: what could be read. */
  documents: Type.Array(Type.Object({ materialId: Type.Integer(), requirementId: Type.Integer(), fileName: Type.String(), extraction: ExtractionView })),
  /** The day the rules were evaluated on (Asia/Shanghai). */
  today: DateOnly,
});
export type PrecheckReportView = Static<typeof PrecheckReportView>;
