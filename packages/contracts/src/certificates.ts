/**
 * Certificates (C6): signed electronic certificates and decision letters, their public
 * verification, revocation and the published department keys; and the data-sharing lookups
 * (business licence by USCC, certificate by number) that prefill forms.
 */
import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

/** Verification codes: 16 characters of Crockford base32, unguessable (80 bits). */
export const VERIFICATION_CODE_PATTERN = '^[0-9A-HJKMNP-TV-Z]{16}$';

/** The fields anyone may see for a certificate (what the verify page shows). */
export const CertificatePublicFields = Type.Object({
  kind: Type.Enum(['certificate', 'decision_letter']),
  number: Type.String({ description: '文号' }),
  title: Type.String({ description: 'The matter\'s result name, e.g. 建筑工程施工许可证' }),
  holderName: Type.String(),
  holderUscc: Type.String(),
  projectCode: Type.String(),
  projectName: Type.String(),
  matterCode: Type.String(),
  matterName: Type.String(),
  departmentName: Type.String(),
  issueDate: DateOnly,
  validUntil: Nullable(DateOnly),
  verificationCode: Type.String(),
  /** SM3 of the signed PDF as issued. */
  pdfSm3: Type.String(),
  keyId: Type.String(),
});
export type CertificatePublicFields = Static<typeof CertificatePublicFields>;

export const CertificateView = Type.Intersect([
  CertificatePublicFields,
  Type.Object({
    id: Type.Integer(),
    caseId: Type.String(),
    applicationId: Type.Integer(),
    enterpriseId: Type.Integer(),
    /** The issuing department (its approvers may revoke). */
    departmentId: Type.Integer(),
    status: Type.Enum(['valid', 'revoked']),
    /** Past its validity (still authentic). */
    expired: Type.Boolean(),
    revokedAt: Nullable(Type.String()),
    revocationReason: Nullable(Type.String()),
    reasons: Nullable(Type.String({ description: 'Decision letter: why refused' })),
    pdfSizeBytes: Type.Integer(),
    createdAt: Type.String(),
  }),
]);
export type CertificateView = Static<typeof CertificateView>;

export const CertificateListQuery = Type.Object(
  {
    kind: Type.Optional(Type.Enum(['certificate', 'decision_letter'])),
    status: Type.Optional(Type.Enum(['valid', 'revoked'])),
    applicationId: Type.Optional(Type.Integer({ minimum: 1 })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type CertificateListQuery = Static<typeof CertificateListQuery>;

export const RevokeInput = Type.Object({ reason: Text(1000) }, { additionalProperties: false });
export type RevokeInput = Static<typeof RevokeInput>;

/**
 * `GET /api/v1/certificates/verify/:code` (public). 'tampered': a record exists but its stored
 * fields no longer match their signature — treat as not authentic.
 */
export const VerifyResult = Type.Object({
  status: Type.Enum(['authentic', 'revoked', 'unknown', 'tampered']),
  certificate: Nullable(CertificatePublicFields),
  revokedAt: Nullable(Type.String()),
  revocationReason: Nullable(Type.String()),
  expired: Type.Boolean(),
  checkedAt: Type.String(),
});
export type VerifyResult = Static<typeof VerifyResult>;

/** `GET /api/v1/certificates/keys` (public): every department key, active and retired. */
export const PublishedKeyView = Type.Object({
  keyId: Type.String(),
  algorithm: Type.Literal('SM2-with-SM3'),
  publicKey: Type.String({ description: 'Uncompressed SM2 public key, hex (04…)' }),
  departmentCode: Type.String(),
  departmentName: Type.String(),
  createdAt: Type.String(),
  retiredAt: Nullable(Type.String()),
});
export type PublishedKeyView = Static<typeof PublishedKeyView>;

/** The body of `GET /api/v1/certificates/keys`, as `npm run verify-cert -- --keys` reads it when saved. */
export const PublishedKeyList = Type.Object({ keys: Type.Array(PublishedKeyView) });
export type PublishedKeyList = Static<typeof PublishedKeyList>;

/**
 * `POST /api/v1/certificates/verify-pdf` (public; body = the PDF bytes, nothing is stored): the
 * signature trailer checked against the published keys, and the online record of the code it
 * claims ('valid' says the bytes are as signed; `record` says whether it is revoked).
 */
export const VerifyPdfResult = Type.Object({
  result: Type.Enum(['valid', 'invalid', 'unsigned', 'unknown-key']),
  number: Nullable(Type.String()),
  verificationCode: Nullable(Type.String()),
  record: Nullable(VerifyResult),
});
export type VerifyPdfResult = Static<typeof VerifyPdfResult>;

// ---------------------------------------------------------------------------------------------
// Data sharing (数据共享): lookups in external registries, through a provider.

export const BusinessLicenceRecord = Type.Object({
  uscc: Type.String(),
  name: Type.String(),
  legalRepresentative: Nullable(Type.String()),
  registeredAddress: Nullable(Type.String()),
  regionCode: Nullable(Type.String()),
  status: Type.Enum(['active', 'revoked', 'cancelled', 'unknown']),
  source: Type.String({ description: 'Which registry answered' }),
});
export type BusinessLicenceRecord = Static<typeof BusinessLicenceRecord>;

export const CertificateRecord = Type.Object({
  number: Type.String(),
  title: Type.String(),
  holderName: Type.String(),
  holderUscc: Type.String(),
  issueDate: DateOnly,
  validUntil: Nullable(DateOnly),
  status: Type.Enum(['valid', 'revoked', 'expired']),
  issuer: Type.String(),
  source: Type.String(),
});
export type CertificateRecord = Static<typeof CertificateRecord>;
