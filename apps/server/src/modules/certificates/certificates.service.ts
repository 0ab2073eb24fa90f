/**
 * Certificates and decision letters (C6, decision 0013): the departments' signing keys, the
 * issuing job, the certificate views, revocation, and public verification.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { localDate } from '@tongban/engine';
import {
  ErrorCode,
  VERIFICATION_CODE_PATTERN,
  type CertificateListQuery,
  type CertificatePublicFields,
  type CertificateView,
  type PublishedKeyView,
  type VerifyPdfResult,
  type VerifyResult,
} from '@tongban/contracts';
import type { DB } from '../../db/schema.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { Actor, RequestContext } from '../accounts/actor.ts';
import { outOfScope, readableRegions } from '../accounts/scope.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { FileStore } from '../materials/file-store.ts';
import { certificatesRepository as repo, type CaseForIssue, type CertificateRow, type SigningKeyRow } from './certificates.repository.ts';
import { generateSigningKey, keyIdOf, openPrivateKey, parseMasterKey, sealPrivateKey } from './keys.ts';
import { MasterKeyError } from './master-key.ts';
import { renderCertificatePdf, renderDecisionLetterPdf } from './pdf.ts';
import { applicantNotification } from '../workflow/notifications.ts';
import { attachSignature, signRecord, verifyPdf, verifyRecord } from './signature.ts';

const CERTIFICATE = { zh: '证照', en: 'Certificate' };
const CASE = { zh: '办件', en: 'Case' };
const SYSTEM = { actor: null, requestId: null, ip: null } satisfies RequestContext;
const DECISION_TITLE = '不予行政许可决定书';
const REMEDY = '如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE = new RegExp(VERIFICATION_CODE_PATTERN);
/** A certificate PDF is a few hundred KiB; anything near this is a rendering fault. */
const MAX_PDF_BYTES = 20 * 1024 * 1024;

/** 16 Crockford base32 characters from 10 random bytes (80 bits): unguessable, easy to type. */
export function newVerificationCode(): string {
  let n = BigInt(`0x${randomBytes(10).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = CROCKFORD[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

/**
 * A code as people type it: case, hyphens and spaces do not matter, and the letters Crockford
 * base32 leaves out read as the digits they look like (O → 0, I/L → 1). Null if it cannot be one.
 */
export function normalizeVerificationCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return CODE.test(code) ? code : null;
}

/** 2026-03-05 + 12 months → 2027-03-04: the last day of a validity of `months` starting on `from`. */
export function validUntilOf(from: string, months: number): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  target.setUTCDate(target.getUTCDate() - 1);
  return target.toISOString().slice(0, 10);
}

/** The fields the record signature covers: exactly CertificatePublicFields, copied from the row. */
export function publicFieldsOf(row: CertificateRow): CertificatePublicFields {
  return {
    kind: row.kind,
    number: row.number,
    title: row.title,
    holderName: row.holder_name,
    holderUscc: row.holder_uscc,
    projectCode: row.project_code,
    projectName: row.project_name,
    matterCode: row.matter_code,
    matterName: row.matter_name,
    departmentName: row.department_name,
    issueDate: row.issue_date,
    validUntil: row.valid_until,
    verificationCode: row.verification_code,
    pdfSm3: row.pdf_sm3,
    keyId: row.key_id,
  };
}

export interface IssueOutcome {
  issued: Array<{ caseId: string; certificateId: number; number: string; ms: number }>;
  failed: Array<{ caseId: string; error: string }>;
}

export class CertificatesService {
  private readonly masterKey: Buffer | null;
  /** Opened private keys by key id: SM4 and the MAC once per key and process. */
  private readonly privateKeys = new Map<string, string>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly files: FileStore,
    private readonly settings: { certMasterKey: string | null; publicBaseUrl: string },
  ) {
    this.masterKey = settings.certMasterKey ? parseMasterKey(settings.certMasterKey) : null;
  }

  // ---- keys

  private requireMasterKey(): Buffer {
    if (!this.masterKey) throw new MasterKeyError('No certificate master key is configured (CERT_MASTER_KEY); certificates cannot be signed');
    return this.masterKey;
  }

  private privateKeyOf(key: SigningKeyRow): string {
    let privateKey = this.privateKeys.get(key.key_id);
    if (!privateKey) {
      try {
        privateKey = openPrivateKey(key.sealed_private_key, this.requireMasterKey());
      } catch (err) {
        if (err instanceof MasterKeyError) throw err;
        throw new MasterKeyError(
          `The certificate master key does not open the signing key ${key.key_id} of department #${key.department_id} (${(err as Error).message}). Is CERT_MASTER_KEY (or <DATA_DIR>/cert-master.key) the key they were sealed with?`,
        );
      }
      this.privateKeys.set(key.key_id, privateKey);
    }
    return privateKey;
  }

  /** Creates the department's active key unless it has one; returns the active key either way. */
  private async activeKeyFor(trx: Tx, department: { id: number; code: string; region_code: string }): Promise<SigningKeyRow> {
    const existing = await repo.activeKey(trx, department.id);
    if (existing) return existing;
    const pair = generateSigningKey();
    const keyId = keyIdOf(pair.publicKey);
    const created = await repo.insertKey(trx, {
      department_id: department.id,
      key_id: keyId,
      public_key: pair.publicKey,
      sealed_private_key: sealPrivateKey(pair.privateKey, this.requireMasterKey()),
      created_at: this.clock.now(),
    });
    if (created) {
      this.privateKeys.set(keyId, pair.privateKey);
      await this.audit.record(trx, SYSTEM, {
        chainKey: `department:${department.id}`,
        action: 'signing_key.create',
        targetType: 'signing_key',
        targetId: keyId,
        regionCode: department.region_code,
        summary: { departmentCode: department.code, keyId, algorithm: 'SM2-with-SM3' },
      });
    }
    const active = await repo.activeKey(trx, department.id);
    if (!active) throw new Error(`department ${department.code}: no active signing key after creating one`);
    return active;
  }

  /**
   * At start: every active key must open with the configured master key (a wrong key stops the
   * server with a clear message instead of failing each certificate later), and every department
   * without an active key gets one.
   */
  async ensureKeys(): Promise<{ created: string[]; checked: number }> {
    this.requireMasterKey();
    const active = await repo.activeKeys(this.db);
    for (const key of active) this.privateKeyOf(key);
    const created: string[] = [];
    for (const d of await repo.departmentsWithoutKey(this.db)) {
      const key = await inTransaction(this.db, (trx) => this.activeKeyFor(trx, d));
      created.push(key.key_id);
    }
    return { created, checked: active.length };
  }

  /** `GET /certificates/keys`: every department key, active and retired. */
  async publishedKeys(): Promise<PublishedKeyView[]> {
    return (await repo.publishedKeys(this.db)).map((k) => ({
      keyId: k.key_id,
      algorithm: 'SM2-with-SM3' as const,
      publicKey: k.public_key,
      departmentCode: k.department_code,
      departmentName: k.department_name,
      createdAt: k.created_at.toISOString(),
      retiredAt: k.retired_at?.toISOString() ?? null,
    }));
  }

  // ---- issuing

  /**
   * The issuing job's work: up to `limit` pending cases, each claimed (SKIP LOCKED) and issued in
   * its own transaction. A case that fails is marked 'failed' with the error and reported back
   * (the job logs it); an admin can retry it.
   */
  async issuePending(limit = 5): Promise<IssueOutcome> {
    const out: IssueOutcome = { issued: [], failed: [] };
    for (let i = 0; i < limit; i++) {
      const claim: { caseId: string | null } = { caseId: null };
      const started = performance.now();
      try {
        const issued = await inTransaction(this.db, async (trx) => {
          claim.caseId = await repo.claimPending(trx);
          return claim.caseId ? this.issueCase(trx, claim.caseId) : null;
        });
        if (!issued) break;
        out.issued.push({ ...issued, ms: performance.now() - started });
      } catch (err) {
        // A missing or wrong master key is the deployment's fault, not the case's: the cases stay
        // pending (and are issued once the key is right) and the job logs the error.
        if (claim.caseId === null || err instanceof MasterKeyError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        out.failed.push({ caseId: claim.caseId, error: message });
        await this.markFailed(claim.caseId, message);
      }
    }
    return out;
  }

  private async markFailed(caseId: string, message: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const row = await trx
        .updateTable('approval_case')
        .set({ document_status: 'failed', document_error: message.slice(0, 2000) })
        .where('id', '=', caseId)
        .where('document_status', '=', 'pending')
        .returning(['application_id', 'region_code'])
        .executeTakeFirst();
      if (!row) return;
      await this.audit.record(trx, SYSTEM, {
        chainKey: `application:${row.application_id}`,
        action: 'case.document_failed',
        targetType: 'approval_case',
        targetId: caseId,
        regionCode: row.region_code,
        summary: { error: message.slice(0, 500) },
      });
    });
  }

  private async reasonsOf(trx: Tx, caseId: string): Promise<string[]> {
    const opinions = await repo.refusalOpinions(trx, caseId);
    const reasons = opinions.flatMap((o) => o.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
    if (reasons.length) return reasons;
    const concluded = await repo.conclusionReason(trx, caseId);
    // The engine's cascade reason is bilingual ("zh / en"); the letter is Chinese.
    if (concluded) return [concluded.split(' / ')[0]!];
    return ['经审查，申请不符合法定条件和标准。'];
  }

  /** Makes, signs, stores and records the document of one claimed case (inside the caller's transaction). */
  private async issueCase(trx: Tx, caseId: string): Promise<{ caseId: string; certificateId: number; number: string }> {
    const c = await repo.caseForIssue(trx, caseId);
    if (!c) throw new Error(`case ${caseId} not found`);
    const kind = documentKindOf(c);
    const key = await this.activeKeyFor(trx, { id: c.department_id, code: c.department_code, region_code: c.region_code });
    const privateKey = this.privateKeyOf(key);
    const now = this.clock.now();
    const issueDate = localDate(c.concluded_at ?? now);
    const year = Number(issueDate.slice(0, 4));
    const serial = await repo.nextSerial(trx, c.matter_id, year);
    // 机关代字〔年份〕序号号: the matter code without the department code it usually begins with
    // (SZ-ZJJ-SGTSC under SZ-ZJJ → SZ-ZJJ〔2026〕SGTSC-00001号).
    const matterPart = c.matter_code.startsWith(`${c.department_code}-`) ? c.matter_code.slice(c.department_code.length + 1) : c.matter_code;
    const number = `${c.department_code}〔${year}〕${matterPart}-${String(serial).padStart(5, '0')}号`;
    const code = newVerificationCode();
    const verifyUrl = `${this.settings.publicBaseUrl}/verify/${code}`;
    const validUntil = kind === 'certificate' && c.validity_months ? validUntilOf(issueDate, c.validity_months) : null;
    const reasons = kind === 'decision_letter' ? await this.reasonsOf(trx, caseId) : null;
    const base = {
      number,
      holderName: c.enterprise_name,
      holderUscc: c.enterprise_uscc,
      projectName: c.project_name,
      projectCode: c.project_code,
      matterName: c.matter_name,
      departmentName: c.department_name,
      issuedOn: issueDate,
      verifyCode: code,
      verifyUrl,
    };
    const pdf =
      kind === 'certificate'
        ? await renderCertificatePdf({
            ...base,
            kind: 'certificate',
            title: c.result_name,
            validUntil,
            content: [
              { label: '建设地址', value: c.project_location },
              { label: '建设规模', value: `总建筑面积 ${Number(c.project_floor_area).toLocaleString('en-US')} 平方米` },
              ...(c.status === 'approved_deficiency' ? [{ label: '备注', value: '容缺许可：申请人应按承诺时限补齐容缺材料' }] : []),
            ],
          })
        : await renderDecisionLetterPdf({ ...base, kind: 'decision-letter', reasons: reasons!, remedy: REMEDY });
    const signed = attachSignature(pdf, { keyId: key.key_id, number, verifyCode: code }, privateKey);
    const stored = await this.files.put(Readable.from([signed]), { maxBytes: MAX_PDF_BYTES, accepted: ['pdf'] });
    const row = {
      kind,
      number,
      verification_code: code,
      case_id: c.id,
      application_id: c.application_id,
      enterprise_id: c.enterprise_id,
      project_id: c.project_id,
      matter_id: c.matter_id,
      department_id: c.department_id,
      region_code: c.region_code,
      title: kind === 'certificate' ? c.result_name : DECISION_TITLE,
      holder_name: c.enterprise_name,
      holder_uscc: c.enterprise_uscc,
      project_code: c.project_code,
      project_name: c.project_name,
      matter_code: c.matter_code,
      matter_name: c.matter_name,
      department_name: c.department_name,
      issue_date: issueDate,
      valid_until: validUntil,
      reasons: reasons ? reasons.join('\n') : null,
      pdf_sm3: stored.sm3,
      pdf_size_bytes: stored.sizeBytes,
      key_id: key.key_id,
      created_at: now,
    };
    const fields = publicFieldsOf({ ...row, id: 0, record_signature: '', status: 'valid', revoked_at: null, revoked_by: null, revocation_reason: null });
    const certificateId = await repo.insertCertificate(trx, { ...row, record_signature: signRecord(fields, privateKey) });
    await trx.updateTable('approval_case').set({ document_status: 'issued', document_error: null }).where('id', '=', caseId).execute();
    const title = kind === 'certificate' ? `${c.matter_name}：${c.result_name}已签发` : `${c.matter_name}：${DECISION_TITLE}已送达`;
    await applicantNotification(trx, { enterpriseId: c.enterprise_id, applicationId: c.application_id, caseId: c.id, kind: 'document', title, body: `文号 ${number}，验证码 ${code}`, now }).execute();
    await this.audit.record(trx, SYSTEM, {
      chainKey: `application:${c.application_id}`,
      action: kind === 'certificate' ? 'certificate.issue' : 'decision_letter.issue',
      targetType: 'certificate',
      targetId: certificateId,
      regionCode: c.region_code,
      summary: { caseId, number, kind, keyId: key.key_id, pdfSm3: stored.sm3, validUntil },
    });
    return { caseId, certificateId, number };
  }

  /** Admin: a failed case goes back to the queue. */
  async retry(ctx: RequestContext, caseId: string): Promise<{ caseId: string; documentStatus: 'pending' }> {
    return inTransaction(this.db, async (trx) => {
      const c = await trx.selectFrom('approval_case').select(['id', 'application_id', 'region_code', 'document_status', 'document_error']).where('id', '=', caseId).forUpdate().executeTakeFirst();
      if (!c) throw notFound(CASE);
      if (c.document_status !== 'failed') {
        throw new AppError(ErrorCode.INVALID_STATE, { zh: `该办件的文书状态为 ${c.document_status}，只有签发失败的才能重试`, en: `The case's document is ${c.document_status}; only a failed one can be retried` });
      }
      await trx.updateTable('approval_case').set({ document_status: 'pending', document_error: null }).where('id', '=', caseId).execute();
      await this.audit.record(trx, ctx, {
        chainKey: `application:${c.application_id}`,
        action: 'case.document_retry',
        targetType: 'approval_case',
        targetId: caseId,
        regionCode: c.region_code,
        summary: { previousError: c.document_error },
      });
      return { caseId, documentStatus: 'pending' as const };
    });
  }

  // ---- views

  private today(): string {
    return localDate(this.clock.now());
  }

  private viewOf(row: CertificateRow): CertificateView {
    return {
      ...publicFieldsOf(row),
      id: row.id,
      caseId: row.case_id,
      applicationId: row.application_id,
      enterpriseId: row.enterprise_id,
      departmentId: row.department_id,
      status: row.status,
      expired: row.valid_until !== null && row.valid_until < this.today(),
      revokedAt: row.revoked_at?.toISOString() ?? null,
      revocationReason: row.revocation_reason,
      reasons: row.reasons,
      pdfSizeBytes: Number(row.pdf_size_bytes),
      createdAt: row.created_at.toISOString(),
    };
  }

  /** Applicants their enterprise's; department staff their department's; clerks and supervisors their region's; admins all. */
  private async canRead(actor: Actor, row: Pick<CertificateRow, 'enterprise_id' | 'department_id' | 'region_code'>): Promise<boolean> {
    switch (actor.role) {
      case 'admin':
        return true;
      case 'applicant':
        return actor.enterpriseId !== null && actor.enterpriseId === row.enterprise_id;
      case 'reviewer':
      case 'approver':
        return actor.departmentId !== null && actor.departmentId === row.department_id;
      case 'clerk':
      case 'supervisor': {
        const regions = await readableRegions(this.db, actor);
        return regions === null || regions.includes(row.region_code);
      }
      case 'agency':
        return false;
    }
  }

  async list(actor: Actor, query: CertificateListQuery): Promise<{ items: CertificateView[]; total: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    let q = this.db.selectFrom('certificate');
    switch (actor.role) {
      case 'admin':
        break;
      case 'applicant':
        q = q.where('enterprise_id', '=', actor.enterpriseId ?? -1);
        break;
      case 'reviewer':
      case 'approver':
        q = q.where('department_id', '=', actor.departmentId ?? -1);
        break;
      case 'clerk':
      case 'supervisor': {
        const regions = (await readableRegions(this.db, actor)) ?? [];
        q = regions.length ? q.where('region_code', 'in', regions) : q.where(sql<boolean>`false`);
        break;
      }
      case 'agency':
        throw outOfScope();
    }
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.applicationId) q = q.where('application_id', '=', query.applicationId);
    const text = query.q?.trim();
    if (text) {
      const like = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      q = q.where((eb) => eb.or([eb('number', 'ilike', like), eb('holder_name', 'ilike', like), eb('project_name', 'ilike', like), eb('matter_name', 'ilike', like), eb('verification_code', '=', text.toUpperCase())]));
    }
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
    return { items: rows.map((r) => this.viewOf(r)), total };
  }

  private async readable(actor: Actor, id: number): Promise<CertificateRow> {
    const row = await repo.byId(this.db, id);
    if (!row) throw notFound(CERTIFICATE);
    if (!(await this.canRead(actor, row))) throw outOfScope();
    return row;
  }

  async get(actor: Actor, id: number): Promise<CertificateView> {
    return this.viewOf(await this.readable(actor, id));
  }

  /** The signed PDF as stored, for a reader of the certificate; the download is audited. */
  async openPdf(ctx: RequestContext, id: number, inline: boolean) {
    const row = await this.readable(ctx.actor!, id);
    // Opened before the read is audited: a download that cannot start is not recorded as made.
    const stream = await this.files.open(row.pdf_sm3);
    await inTransaction(this.db, (trx) =>
      this.audit.record(trx, ctx, {
        chainKey: `application:${row.application_id}`,
        action: 'certificate.download',
        targetType: 'certificate',
        targetId: row.id,
        regionCode: row.region_code,
        summary: { number: row.number, pdfSm3: row.pdf_sm3, inline },
      }),
    ).catch((err: unknown) => {
      stream.destroy();
      throw err;
    });
    return { fileName: `${row.number}.pdf`, asciiName: `${row.kind === 'certificate' ? 'certificate' : 'decision-letter'}-${row.id}.pdf`, sizeBytes: Number(row.pdf_size_bytes), stream };
  }

  /** Approver of the issuing department or admin; revoking twice is refused (ALREADY_REVOKED). */
  async revoke(ctx: RequestContext, id: number, reason: string): Promise<CertificateView> {
    const actor = ctx.actor!;
    const row = await inTransaction(this.db, async (trx) => {
      const c = await repo.lockById(trx, id);
      if (!c) throw notFound(CERTIFICATE);
      if (actor.role !== 'admin' && !(actor.role === 'approver' && actor.departmentId === c.department_id)) throw outOfScope();
      if (c.status === 'revoked') throw new AppError(ErrorCode.ALREADY_REVOKED, { zh: `证照 ${c.number} 已于 ${c.revoked_at?.toISOString() ?? ''} 吊销`, en: `Certificate ${c.number} was revoked at ${c.revoked_at?.toISOString() ?? ''}` });
      const now = this.clock.now();
      const updated = await trx
        .updateTable('certificate')
        .set({ status: 'revoked', revoked_at: now, revoked_by: actor.userId, revocation_reason: reason.trim() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await applicantNotification(trx, { enterpriseId: c.enterprise_id, applicationId: c.application_id, caseId: c.case_id, kind: 'document_revoked', title: `${c.title} ${c.number} 已被吊销`, body: reason.trim(), now }).execute();
      await this.audit.record(trx, ctx, {
        chainKey: `application:${c.application_id}`,
        action: 'certificate.revoke',
        targetType: 'certificate',
        targetId: id,
        regionCode: c.region_code,
        summary: { number: c.number, reason: reason.trim() },
      });
      return updated;
    });
    return this.viewOf(row);
  }

  // ---- public verification

  /**
   * `GET /certificates/verify/:code`: unknown, tampered (the stored public fields no longer match
   * their signature, or its key is unknown), revoked, or authentic. A tampered record's fields
   * are not shown: they are exactly what cannot be trusted.
   */
  async verifyCode(input: string): Promise<VerifyResult> {
    const code = normalizeVerificationCode(input);
    if (!code) throw new AppError(ErrorCode.VALIDATION_FAILED, { zh: '验证码应为 16 位字母数字', en: 'A verification code has 16 letters and digits' });
    return this.verifyNormalized(code);
  }

  private async verifyNormalized(code: string): Promise<VerifyResult> {
    const checkedAt = this.clock.now().toISOString();
    const none = { certificate: null, revokedAt: null, revocationReason: null, expired: false, checkedAt };
    const row = await repo.byCode(this.db, code);
    if (!row) return { status: 'unknown', ...none };
    const fields = publicFieldsOf(row);
    const key = await repo.publicKeyOf(this.db, row.key_id);
    if (!key || keyIdOf(key.public_key) !== row.key_id || !verifyRecord(fields, row.record_signature, key.public_key)) return { status: 'tampered', ...none };
    // The status is not part of the signed record (revocation comes later). A revocation is also an
    // event of the application's hash-chained audit trail, so a row set back to 'valid' in the
    // database is caught here, and deleting the event breaks the chain (npm run audit:verify).
    if (row.status !== 'revoked' && (await repo.hasRevocationEvent(this.db, row.id))) return { status: 'tampered', ...none };
    return {
      status: row.status === 'revoked' ? 'revoked' : 'authentic',
      certificate: fields,
      revokedAt: row.revoked_at?.toISOString() ?? null,
      revocationReason: row.revocation_reason,
      expired: row.valid_until !== null && row.valid_until < this.today(),
      checkedAt,
    };
  }

  /** `POST /certificates/verify-pdf`: the uploaded bytes' trailer against the published keys, and the record it names. */
  async verifyPdfBytes(file: Buffer): Promise<VerifyPdfResult> {
    const keys = await this.publishedKeys();
    const r = verifyPdf(file, keys);
    const result = r.status === 'authentic' ? 'valid' : r.status;
    const code = r.verifyCode ? normalizeVerificationCode(r.verifyCode) : null;
    const record = code ? await this.verifyNormalized(code) : null;
    return { result, number: r.number ?? null, verificationCode: r.verifyCode ?? null, record };
  }
}

function documentKindOf(c: CaseForIssue): 'certificate' | 'decision_letter' {
  switch (c.status) {
    case 'approved':
    case 'approved_deficiency':
      return 'certificate';
    case 'refused':
      return 'decision_letter';
    default:
      throw new Error(`case ${c.id} is ${c.status}: only approved or refused cases get a document`);
  }
}
