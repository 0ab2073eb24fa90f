import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApplicationView, CertificateView, VerifyPdfResult, VerifyResult } from '@tongban/contracts';
import { boot } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { startJobs } from '../src/jobs.ts';
import { sm3Hex } from '../src/lib/sm3.ts';
import { normalizeVerificationCode, validUntilOf } from '../src/modules/certificates/certificates.service.ts';
import { MASTER_KEY_FILE, resolveMasterKey } from '../src/modules/certificates/master-key.ts';
import { parsePublishedKeys, verifyPdf } from '../src/modules/certificates/signature.ts';
import { createServices } from '../src/services.ts';
import { as, createTestApp, errorCode, seedAll, type Session, type TestContext } from './helpers.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { acceptedApplication, complete, completeDraft, createProject, getApplication, processIdOf, sessions, STAGE3_ANSWERS, taskFor } from './workflow-support.ts';

let t: TestContext;
let s: Record<string, Session>;
const PEOPLE = ['applicant', 'applicant2', 'clerk', 'reviewer', 'reviewer2', 'approver', 'approver.zrzy', 'supervisor', 'supervisor.gusu', 'agency', 'admin'];
/** Only 施工图审查 and 施工许可 (which waits for it): the shortest real stage-3 application. */
const LEAN = { ...STAGE3_ANSWERS, civilAirDefence: 'none', earthwork: false };
const SGTSC = 'SZ-ZJJ-SGTSC';
const SGXK = 'SZ-ZJJ-SGXK';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-cert-issue-'));
const measured: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, ...PEOPLE);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`certificates-issue: ${Object.entries(measured).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
});

const call = (u: string) => as(t.app, s[u]!);
const anon = () => as(t.app, null);
const caseOf = (v: ApplicationView, code: string) => v.cases.find((c) => c.matterCode === code)!;

async function approve(appId: number, code: string) {
  await complete(t, s.reviewer!, await taskFor(t, s.reviewer!, appId, code));
  await complete(t, s.reviewer2!, await taskFor(t, s.reviewer2!, appId, code));
  await complete(t, s.approver!, await taskFor(t, s.approver!, appId, code), 'approve', '准予许可');
}

async function leanApplication(): Promise<ApplicationView> {
  return acceptedApplication(t, s.applicant!, s.clerk!, LEAN);
}

async function pdfOf(id: number, who = 'applicant'): Promise<Buffer> {
  const res = await call(who)('GET', `/api/v1/certificates/${id}/pdf`);
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  return res.rawPayload;
}

async function keys() {
  const res = await anon()('GET', '/api/v1/certificates/keys');
  expect(res.statusCode).toBe(200);
  return parsePublishedKeys(res.json());
}

function flipByte(buf: Buffer, at: number): Buffer {
  const copy = Buffer.from(buf);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

const verifyPdfRequest = (body: Buffer | string, type = 'application/pdf') => anon()('POST', '/api/v1/certificates/verify-pdf', body, { 'content-type': type });

let first: ApplicationView;
let cert: CertificateView;
let certPdf: Buffer;

describe('issuing a certificate for an approved case', () => {
  it('marks the case pending at conclusion, then the job issues a signed certificate with the next number', async () => {
    first = await leanApplication();
    await approve(first.id, SGTSC);
    let v = await getApplication(t, s.applicant!, first.id);
    expect(caseOf(v, SGTSC)).toMatchObject({ status: 'approved', documentStatus: 'pending', document: null });
    expect(caseOf(v, SGXK)).toMatchObject({ status: 'handling', documentStatus: 'none', document: null });

    // No key exists yet: the first issue of the department creates it (lazily).
    expect(await t.database.db.selectFrom('signing_key').select('id').executeTakeFirst()).toBeUndefined();
    const started = performance.now();
    const out = await t.services.certificates.issuePending(5);
    measured['first issue (loads fonts, creates the key)'] = `${(performance.now() - started).toFixed(0)} ms`;
    expect(out.failed).toEqual([]);
    expect(out.issued).toHaveLength(1);
    expect(out.issued[0]!.number).toBe('SZ-ZJJ〔2026〕SGTSC-00001号');

    v = await getApplication(t, s.applicant!, first.id);
    const c = caseOf(v, SGTSC);
    expect(c.documentStatus).toBe('issued');
    expect(c.document).toMatchObject({ kind: 'certificate', number: 'SZ-ZJJ〔2026〕SGTSC-00001号', status: 'valid' });
    expect(c.document!.verificationCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);

    const res = await call('applicant')('GET', `/api/v1/certificates/${c.document!.certificateId}`);
    expect(res.statusCode, res.body).toBe(200);
    cert = res.json();
    expect(cert).toMatchObject({
      kind: 'certificate',
      title: '施工图设计文件审查合格书',
      holderName: '苏州示范置业有限公司',
      projectName: '姑苏示范住宅项目',
      matterCode: SGTSC,
      departmentName: '苏州市住房和城乡建设局',
      issueDate: '2026-03-02',
      validUntil: null,
      status: 'valid',
      expired: false,
      caseId: c.id,
      applicationId: first.id,
      reasons: null,
    });
    // The issuing department, whose approvers may revoke it (the web shows the button to them only).
    const zjj = await t.database.db.selectFrom('department').select('id').where('name', '=', '苏州市住房和城乡建设局').executeTakeFirstOrThrow();
    expect(cert.departmentId).toBe(zjj.id);
    // The case page (tasks route) shows the same document.
    const casePage = (await call('reviewer')('GET', `/api/v1/cases/${c.id}`)).json();
    expect(casePage).toMatchObject({ documentStatus: 'issued', document: { certificateId: cert.id } });
  });

  it('tells the applicant and audits the issue and the key creation', async () => {
    const notes = (await call('applicant')('GET', '/api/v1/notifications')).json().items as Array<{ kind: string; title: string; body: string }>;
    expect(notes.find((n) => n.kind === 'document')).toMatchObject({ title: expect.stringContaining('施工图设计文件审查合格书已签发'), body: expect.stringContaining(cert.verificationCode) });
    const actions = (await t.database.db.selectFrom('audit_event').select('action').where('action', 'in', ['certificate.issue', 'signing_key.create']).execute()).map((r) => r.action);
    expect(actions.sort()).toEqual(['certificate.issue', 'signing_key.create']);
  });

  it('numbers per matter and year: the next 施工图审查 is 00002, the first 施工许可 00001 with its validity', async () => {
    const second = await leanApplication();
    await approve(second.id, SGTSC);
    await approve(first.id, SGXK);
    const out = await t.services.certificates.issuePending(5);
    expect(out.issued.map((i) => i.number).sort()).toEqual(['SZ-ZJJ〔2026〕SGTSC-00002号', 'SZ-ZJJ〔2026〕SGXK-00001号']);
    const permit = (await call('applicant')('GET', `/api/v1/certificates?applicationId=${first.id}&q=SGXK`)).json().items[0] as CertificateView;
    // 施工许可证: valid three months (matter_version.validity_months = 3).
    expect(permit).toMatchObject({ title: '建筑工程施工许可证', issueDate: '2026-03-02', validUntil: '2026-06-01' });
    expect(validUntilOf('2026-01-31', 1)).toBe('2026-02-27');
    expect(validUntilOf('2026-03-05', 12)).toBe('2027-03-04');
  });
});

describe('the signed PDF', () => {
  it('downloads as an attachment with an RFC 5987 name (inline on request), audited, and verifies against GET /keys', async () => {
    const res = await call('applicant')('GET', `/api/v1/certificates/${cert.id}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="certificate-${cert.id}.pdf"; filename*=UTF-8''${encodeURIComponent(`${cert.number}.pdf`)}`);
    const inline = await call('applicant')('GET', `/api/v1/certificates/${cert.id}/pdf?inline=1`);
    expect(inline.headers['content-disposition']).toMatch(/^inline; /);
    certPdf = res.rawPayload;
    expect(certPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sm3Hex(certPdf)).toBe(cert.pdfSm3);
    expect(Number(res.headers['content-length'])).toBe(cert.pdfSizeBytes);
    const published = await keys();
    expect(verifyPdf(certPdf, published)).toEqual({ status: 'authentic', keyId: cert.keyId, number: cert.number, verifyCode: cert.verificationCode });
    const downloads = await t.database.db.selectFrom('audit_event').select(['actor_name', 'summary']).where('action', '=', 'certificate.download').execute();
    expect(downloads).toHaveLength(2);
    expect(downloads[0]!.actor_name).toBe('applicant');
    const { text } = await extractText(new Uint8Array(certPdf), { mergePages: true });
    const flat = text.replace(/\s+/g, '');
    for (const expected of ['施工图设计文件审查合格书', cert.number, cert.holderUscc, cert.verificationCode]) expect(flat).toContain(expected);
    expect(flat).toContain(`${t.config.publicBaseUrl}/verify/${cert.verificationCode}`);
  });

  it('one changed byte makes it invalid, offline and through POST /verify-pdf', async () => {
    const changed = flipByte(certPdf, Math.floor(certPdf.length / 3));
    expect(verifyPdf(changed, await keys()).status).toBe('invalid');
    const bad = await verifyPdfRequest(changed);
    expect(bad.statusCode, bad.body).toBe(200);
    expect(bad.json<VerifyPdfResult>()).toMatchObject({ result: 'invalid', number: cert.number, verificationCode: cert.verificationCode });
    const good = await verifyPdfRequest(certPdf);
    expect(good.json<VerifyPdfResult>()).toMatchObject({ result: 'valid', number: cert.number, record: { status: 'authentic', certificate: { number: cert.number, pdfSm3: cert.pdfSm3 } } });
  });

  it('POST /verify-pdf: unsigned bytes, other media types, empty and oversized bodies', async () => {
    expect((await verifyPdfRequest(Buffer.from('%PDF-1.4\nnot really\n%%EOF\n'))).json()).toEqual({ result: 'unsigned', number: null, verificationCode: null, record: null });
    expect((await verifyPdfRequest(certPdf, 'application/octet-stream')).json().result).toBe('valid');
    const text = await verifyPdfRequest('hello', 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(errorCode(text)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const empty = await verifyPdfRequest(Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    const huge = await verifyPdfRequest(Buffer.alloc(20 * 1024 * 1024 + 1, 0x20));
    expect(huge.statusCode).toBe(413);
    expect(errorCode(huge)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('the offline CLI (npm run verify-cert) exits 0 for the downloaded file, 1 after a byte flip, also with --server', async () => {
    fs.writeFileSync(path.join(tmp, 'cert.pdf'), certPdf);
    fs.writeFileSync(path.join(tmp, 'flipped.pdf'), flipByte(certPdf, 1000));
    fs.writeFileSync(path.join(tmp, 'keys.json'), (await anon()('GET', '/api/v1/certificates/keys')).body);
    const repoRoot = path.resolve(import.meta.dirname, '../../..');
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(path.join(repoRoot, 'node_modules/.bin/tsx'), [path.join(repoRoot, 'apps/server/src/cli/verify-cert.ts'), ...args], { cwd: path.join(repoRoot, 'apps/server'), env: { ...process.env, INIT_CWD: tmp } }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const ok = await run(['cert.pdf', '--keys', 'keys.json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('AUTHENTIC');
    expect(ok.stdout).toContain(cert.number);
    expect(ok.stdout).toContain('苏州市住房和城乡建设局');
    const flipped = await run(['flipped.pdf', '--keys', 'keys.json']);
    expect(flipped.code).toBe(1);
    expect(flipped.stdout).toContain('INVALID');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const online = await run(['cert.pdf', '--server', `http://127.0.0.1:${port}`]);
    expect(online.code, online.stderr).toBe(0);
  });
});

describe('public verification by code', () => {
  it('answers authentic with the public fields, for the code as printed or typed loosely', async () => {
    const res = await anon()('GET', `/api/v1/certificates/verify/${cert.verificationCode}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<VerifyResult>();
    expect(body).toMatchObject({ status: 'authentic', revokedAt: null, expired: false });
    expect(body.certificate).toEqual(Object.fromEntries(Object.keys(body.certificate!).map((k) => [k, cert[k as keyof CertificateView]])));
    const loose = `${cert.verificationCode.slice(0, 8).toLowerCase()}-${cert.verificationCode.slice(8)}`;
    expect((await anon()('GET', `/api/v1/certificates/verify/${loose}`)).json().status).toBe('authentic');
    expect(normalizeVerificationCode('o1il-0000-0000-0000')).toBe('0111000000000000');
  });

  it('answers unknown for a well-formed code nobody was given, 400 for a malformed one', async () => {
    const unknown = await anon()('GET', '/api/v1/certificates/verify/0000000000000000');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toMatchObject({ status: 'unknown', certificate: null });
    for (const bad of ['abc', 'UUUUUUUUUUUUUUUU', '0'.repeat(17)]) {
      const res = await anon()('GET', `/api/v1/certificates/verify/${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
    }
  });

  it('answers tampered when the stored record was edited in the database (and hides its fields)', async () => {
    const db = t.database.db;
    await db.updateTable('certificate').set({ holder_name: '冒名顶替有限公司' }).where('id', '=', cert.id).execute();
    const res = (await anon()('GET', `/api/v1/certificates/verify/${cert.verificationCode}`)).json<VerifyResult>();
    expect(res).toMatchObject({ status: 'tampered', certificate: null });
    // The file itself is still as signed; its record is not.
    expect((await verifyPdfRequest(certPdf)).json()).toMatchObject({ result: 'valid', record: { status: 'tampered' } });
    await db.updateTable('certificate').set({ holder_name: cert.holderName, valid_until: '2099-12-31' }).where('id', '=', cert.id).execute();
    expect((await anon()('GET', `/api/v1/certificates/verify/${cert.verificationCode}`)).json().status).toBe('tampered');
    await db.updateTable('certificate').set({ valid_until: null }).where('id', '=', cert.id).execute();
    expect((await anon()('GET', `/api/v1/certificates/verify/${cert.verificationCode}`)).json().status).toBe('authentic');
  });
});

describe('revocation', () => {
  it('is refused to other roles and to an approver of another department', async () => {
    const url = `/api/v1/certificates/${cert.id}/revoke`;
    for (const u of ['applicant', 'reviewer', 'clerk', 'supervisor', 'agency']) {
      const res = await call(u)('POST', url, { reason: '试图吊销' });
      expect(res.statusCode, u).toBe(403);
      expect(errorCode(res), u).toBe('FORBIDDEN');
    }
    const other = await call('approver.zrzy')('POST', url, { reason: '试图吊销' });
    expect(errorCode(other)).toBe('OUT_OF_SCOPE');
    expect(errorCode(await anon()('POST', url, { reason: '试图吊销' }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await call('approver')('POST', url, { reason: '   ' }))).toBe('VALIDATION_FAILED');
    expect((await call('approver')('GET', `/api/v1/certificates/${cert.id}`)).json().status).toBe('valid');
  });

  it('by the issuing department\'s approver: verify says revoked, a second revoke is ALREADY_REVOKED', async () => {
    const res = await call('approver')('POST', `/api/v1/certificates/${cert.id}/revoke`, { reason: '以欺骗手段取得许可' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'revoked', revocationReason: '以欺骗手段取得许可', revokedAt: expect.any(String) });
    const verify = (await anon()('GET', `/api/v1/certificates/verify/${cert.verificationCode}`)).json<VerifyResult>();
    expect(verify).toMatchObject({ status: 'revoked', revocationReason: '以欺骗手段取得许可', certificate: { number: cert.number } });
    expect((await verifyPdfRequest(certPdf)).json()).toMatchObject({ result: 'valid', record: { status: 'revoked' } });
    const again = await call('admin')('POST', `/api/v1/certificates/${cert.id}/revoke`, { reason: '再次吊销' });
    expect(again.statusCode).toBe(409);
    expect(errorCode(again)).toBe('ALREADY_REVOKED');
    const audit = await t.database.db.selectFrom('audit_event').select(['actor_name', 'summary']).where('action', '=', 'certificate.revoke').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_name).toBe('approver');
    const v = await getApplication(t, s.applicant!, first.id);
    expect(caseOf(v, SGTSC).document!.status).toBe('revoked');
    // Set back to valid behind the platform's back: the audit trail still holds the revocation.
    await t.database.db.updateTable('certificate').set({ status: 'valid', revoked_at: null, revoked_by: null, revocation_reason: null }).where('id', '=', cert.id).execute();
    expect((await anon()('GET', `/api/v1/certificates/verify/${cert.verificationCode}`)).json()).toMatchObject({ status: 'tampered', certificate: null });
    await t.database.db.updateTable('certificate').set({ status: 'revoked', revoked_at: verify.revokedAt, revocation_reason: verify.revocationReason }).where('id', '=', cert.id).execute();
    const notes = (await call('applicant')('GET', '/api/v1/notifications')).json().items as Array<{ kind: string }>;
    expect(notes.some((n) => n.kind === 'document_revoked')).toBe(true);
  });
});

describe('a refused case', () => {
  it('gets a decision letter with the refusal opinion; the waiting case refused with it gets one with the prerequisite as reason', async () => {
    const app = await leanApplication();
    await complete(t, s.reviewer!, await taskFor(t, s.reviewer!, app.id, SGTSC));
    await complete(t, s.reviewer2!, await taskFor(t, s.reviewer2!, app.id, SGTSC));
    await complete(t, s.approver!, await taskFor(t, s.approver!, app.id, SGTSC), 'refuse', '施工图不符合工程建设强制性标准。\n消防设计文件未经审查。');
    const out = await t.services.certificates.issuePending(5);
    expect(out.failed).toEqual([]);
    expect(out.issued).toHaveLength(2);
    const letters = (await call('applicant')('GET', `/api/v1/certificates?applicationId=${app.id}&kind=decision_letter`)).json().items as CertificateView[];
    expect(letters).toHaveLength(2);
    const own = letters.find((l) => l.matterCode === SGTSC)!;
    expect(own).toMatchObject({ kind: 'decision_letter', title: '不予行政许可决定书', validUntil: null, reasons: '施工图不符合工程建设强制性标准。\n消防设计文件未经审查。' });
    // Letters share the matter's number sequence (00001, 00002 went to certificates).
    expect(own.number).toBe('SZ-ZJJ〔2026〕SGTSC-00003号');
    const cascade = letters.find((l) => l.matterCode === SGXK)!;
    expect(cascade.reasons).toContain('前置事项 SZ-ZJJ-SGTSC');
    const pdf = await pdfOf(own.id);
    expect(verifyPdf(pdf, await keys()).status).toBe('authentic');
    const { text } = await extractText(new Uint8Array(pdf), { mergePages: true });
    const flat = text.replace(/\s+/g, '');
    for (const expected of ['不予行政许可决定书', '一、施工图不符合工程建设强制性标准', '二、消防设计文件未经审查', '申请行政复议', own.number]) expect(flat).toContain(expected);
  });
});

describe('who sees which certificates', () => {
  let parkCert: CertificateView;

  beforeAll(async () => {
    // An application of the park enterprise (苏州工业园区), so region and enterprise scopes differ.
    const project = await createProject(t, s.applicant2!, { code: '2026-320571-47-01-000901', name: '园区示范厂房项目', location: '苏州工业园区示范路 9 号' });
    let res = await call('applicant2')('POST', '/api/v1/applications', { projectId: project.id, processId: await processIdOf(t, 'SZ-T3'), stageCode: 3, answers: LEAN });
    expect(res.statusCode, res.body).toBe(201);
    const view = await completeDraft(t, s.applicant2!, res.json());
    res = await call('applicant2')('POST', `/api/v1/applications/${view.id}/submit`, { version: view.version });
    expect(res.statusCode, res.body).toBe(200);
    res = await call('clerk')('POST', `/api/v1/applications/${view.id}/accept`, {});
    expect(res.statusCode, res.body).toBe(200);
    await approve(view.id, SGTSC);
    await t.services.certificates.issuePending(5);
    parkCert = (await call('applicant2')('GET', '/api/v1/certificates')).json().items[0];
    expect(parkCert).toMatchObject({ holderName: '苏州工业园区纳米新材料有限公司' });
  });

  const list = async (u: string, query = '') => {
    const res = await call(u)('GET', `/api/v1/certificates${query}`);
    expect(res.statusCode, `${u} ${res.body}`).toBe(200);
    return res.json<{ items: CertificateView[]; total: number }>();
  };

  it('applicants their enterprise\'s; department staff their department\'s; clerks and supervisors their region\'s; admins all', async () => {
    const all = await list('admin', '?pageSize=100');
    expect(all.total).toBe(6);
    const mine = await list('applicant', '?pageSize=100');
    expect(mine.total).toBe(5);
    expect(mine.items.every((c) => c.holderName === '苏州示范置业有限公司')).toBe(true);
    expect((await list('applicant2')).items.map((c) => c.id)).toEqual([parkCert.id]);
    expect((await list('reviewer')).total).toBe(6);
    expect((await list('approver.zrzy')).total).toBe(0);
    expect((await list('clerk')).total).toBe(6);
    expect((await list('supervisor')).total).toBe(6);
    const gusu = await list('supervisor.gusu', '?pageSize=100');
    expect(gusu.total).toBe(5);
    expect(gusu.items.map((c) => c.id)).not.toContain(parkCert.id);
  });

  it('filters by kind, status, application and text, newest first, paged', async () => {
    expect((await list('admin', '?kind=decision_letter')).total).toBe(2);
    expect((await list('admin', '?status=revoked')).items.map((c) => c.id)).toEqual([cert.id]);
    expect((await list('admin', `?q=${encodeURIComponent('园区示范')}`)).items.map((c) => c.id)).toEqual([parkCert.id]);
    expect((await list('admin', `?q=${cert.verificationCode}`)).items.map((c) => c.id)).toEqual([cert.id]);
    const page = await list('admin', '?pageSize=2&page=2');
    expect(page.total).toBe(6);
    expect(page.items).toHaveLength(2);
    const ids = (await list('admin')).items.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('refuses the list to agencies and anonymous callers, and one certificate or its PDF out of scope', async () => {
    expect(errorCode(await call('agency')('GET', '/api/v1/certificates'))).toBe('FORBIDDEN');
    expect(errorCode(await anon()('GET', '/api/v1/certificates'))).toBe('UNAUTHENTICATED');
    expect(errorCode(await call('applicant2')('GET', `/api/v1/certificates/${cert.id}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('applicant2')('GET', `/api/v1/certificates/${cert.id}/pdf`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('approver.zrzy')('GET', `/api/v1/certificates/${cert.id}`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('supervisor.gusu')('GET', `/api/v1/certificates/${parkCert.id}/pdf`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('agency')('GET', `/api/v1/certificates/${cert.id}`))).toBe('FORBIDDEN');
    expect(errorCode(await call('admin')('GET', '/api/v1/certificates/999999'))).toBe('NOT_FOUND');
    expect(errorCode(await call('admin')('GET', '/api/v1/certificates?kind=licence'))).toBe('VALIDATION_FAILED');
    // None of the refused downloads was recorded as made.
    const downloads = await t.database.db.selectFrom('audit_event').select('actor_name').where('action', '=', 'certificate.download').execute();
    expect(downloads.map((d) => d.actor_name)).not.toContain('applicant2');
  });
});

describe('a failed document and its retry', () => {
  it('marks the case failed with the error, an admin puts it back; other roles are refused', async () => {
    const app = await leanApplication();
    // A case that cannot get a document (still handling) but is pending: the issue fails.
    const c = caseOf(app, SGTSC);
    await t.database.db.updateTable('approval_case').set({ document_status: 'pending' }).where('id', '=', c.id).execute();
    const out = await t.services.certificates.issuePending(5);
    expect(out.issued).toEqual([]);
    expect(out.failed).toEqual([{ caseId: c.id, error: expect.stringContaining('only approved or refused cases get a document') }]);
    let row = await t.database.db.selectFrom('approval_case').select(['document_status', 'document_error']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ document_status: 'failed', document_error: expect.stringContaining('handling') });
    // The failed number was rolled back with the transaction: no gap in the sequence.
    const seq = await t.database.db.selectFrom('certificate_sequence').innerJoin('matter', 'matter.id', 'certificate_sequence.matter_id').select('last').where('matter.code', '=', SGTSC).executeTakeFirstOrThrow();
    expect(seq.last).toBe(4);

    const url = `/api/v1/certificates/cases/${c.id}/retry`;
    for (const u of ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor']) {
      const res = await call(u)('POST', url);
      expect(res.statusCode, u).toBe(403);
      expect(errorCode(res)).toBe('FORBIDDEN');
    }
    expect(errorCode(await anon()('POST', url))).toBe('UNAUTHENTICATED');
    expect(errorCode(await call('admin')('POST', '/api/v1/certificates/cases/00000000-0000-4000-8000-000000000000/retry'))).toBe('NOT_FOUND');
    expect(errorCode(await call('admin')('POST', '/api/v1/certificates/cases/not-a-uuid/retry'))).toBe('VALIDATION_FAILED');
    const ok = await call('admin')('POST', url);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ caseId: c.id, documentStatus: 'pending' });
    row = await t.database.db.selectFrom('approval_case').select(['document_status', 'document_error']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ document_status: 'pending', document_error: null });
    const notFailed = await call('admin')('POST', url);
    expect(notFailed.statusCode).toBe(409);
    expect(errorCode(notFailed)).toBe('INVALID_STATE');
    const actions = (await t.database.db.selectFrom('audit_event').select('action').where('target_id', '=', c.id).where('action', 'like', 'case.document_%').execute()).map((r) => r.action);
    expect(actions).toEqual(['case.document_failed', 'case.document_retry']);
    // Now conclude it for real: the retried case is issued normally.
    await approve(app.id, SGTSC);
    const again = await t.services.certificates.issuePending(5);
    expect(again.failed).toEqual([]);
    expect(again.issued.map((i) => i.caseId)).toEqual([c.id]);
  });
});

describe('the issuing job', () => {
  it('two concurrent runs issue each pending case exactly once, with distinct consecutive numbers', async () => {
    const apps = [await leanApplication(), await leanApplication()];
    for (const a of apps) {
      await approve(a.id, SGTSC);
      await approve(a.id, SGXK);
    }
    const pending = await t.database.db.selectFrom('approval_case').select('id').where('document_status', '=', 'pending').execute();
    expect(pending).toHaveLength(4);
    const started = performance.now();
    const [a, b] = await Promise.all([t.services.certificates.issuePending(5), t.services.certificates.issuePending(5)]);
    const ms = performance.now() - started;
    expect([...a.failed, ...b.failed]).toEqual([]);
    const issued = [...a.issued, ...b.issued];
    expect(issued).toHaveLength(4);
    expect(new Set(issued.map((i) => i.caseId)).size).toBe(4);
    const perCase = await t.database.db.selectFrom('certificate').select(['case_id', sql<number>`count(*)`.as('n')]).where('application_id', 'in', apps.map((x) => x.id)).groupBy('case_id').execute();
    expect(perCase.map((r) => Number(r.n))).toEqual([1, 1, 1, 1]);
    const numbers = issued.map((i) => i.number).sort();
    expect(numbers).toEqual(['SZ-ZJJ〔2026〕SGTSC-00006号', 'SZ-ZJJ〔2026〕SGTSC-00007号', 'SZ-ZJJ〔2026〕SGXK-00003号', 'SZ-ZJJ〔2026〕SGXK-00004号']);
    measured['render+sign+store per document'] = `${(issued.reduce((sum, i) => sum + i.ms, 0) / issued.length).toFixed(0)} ms (mean of 4)`;
    measured['job throughput (2 concurrent runs, 4 documents)'] = `${((4 * 1000) / ms).toFixed(1)} documents/s`;
  });

  it('runs on its timer from startJobs and logs what it issued', async () => {
    const app = await leanApplication();
    await approve(app.id, SGTSC);
    const log = { info: vi.fn(), error: vi.fn() } as unknown as FastifyBaseLogger;
    const stop = startJobs({ ...t.services, config: { ...t.services.config, certJobIntervalMs: 20 } }, log);
    try {
      await vi.waitFor(async () => {
        const row = await t.database.db.selectFrom('approval_case').select('document_status').where('application_id', '=', app.id).where('matter_code', '=', SGTSC).executeTakeFirstOrThrow();
        expect(row.document_status).toBe('issued');
      }, { timeout: 10_000, interval: 50 });
    } finally {
      await stop();
    }
    expect(log.error).not.toHaveBeenCalled();
    expect(log.info).toHaveBeenCalledWith(expect.objectContaining({ job: 'certificates.issue' }), expect.stringMatching(/issued 1 document/));
  });

  it('numbers restart in a new year', async () => {
    t.clock.set('2027-01-05T10:00:00+08:00');
    s = await sessions(t, ...PEOPLE);
    const app = await leanApplication();
    await approve(app.id, SGTSC);
    const out = await t.services.certificates.issuePending(5);
    expect(out.issued.map((i) => i.number)).toEqual(['SZ-ZJJ〔2027〕SGTSC-00001号']);
    // 施工许可证 of March 2026 (three months) is past its validity now, still authentic.
    const permit = (await call('admin')('GET', `/api/v1/certificates?q=${encodeURIComponent('SGXK-00001')}`)).json().items[0] as CertificateView;
    expect(permit).toMatchObject({ expired: true, status: 'valid' });
    expect((await anon()('GET', `/api/v1/certificates/verify/${permit.verificationCode}`)).json()).toMatchObject({ status: 'authentic', expired: true });
  });
});

describe('keys', () => {
  it('GET /keys publishes one active key per department once ensured at start, the lazily made one unchanged', async () => {
    const before = await keys();
    expect(before.map((k) => k.departmentCode)).toEqual(['SZ-ZJJ']);
    const r = await t.services.certificates.ensureKeys();
    expect(r.checked).toBe(1);
    const departments = await t.database.db.selectFrom('department').select('code').execute();
    expect(r.created).toHaveLength(departments.length - 1);
    const after = await keys();
    expect(after.map((k) => k.departmentCode).sort()).toEqual(departments.map((d) => d.code).sort());
    expect(after.find((k) => k.departmentCode === 'SZ-ZJJ')!.keyId).toBe(before[0]!.keyId);
    expect(after.every((k) => k.retiredAt === null && k.algorithm === 'SM2-with-SM3')).toBe(true);
    // Private keys are stored sealed, never in the clear.
    const sealed = await t.database.db.selectFrom('signing_key').select('sealed_private_key').execute();
    expect(sealed.every((k) => /^sm4-cbc:/.test(k.sealed_private_key))).toBe(true);
  });

  it('another process with the same master key uses the same keys; a wrong or missing master key fails clearly', async () => {
    const ids = (await keys()).map((k) => k.keyId).sort();
    const same = createServices(t.database, t.config, t.clock);
    expect(await same.certificates.ensureKeys()).toMatchObject({ created: [] });
    expect((await same.certificates.publishedKeys()).map((k) => k.keyId).sort()).toEqual(ids);
    const wrong = createServices(t.database, { ...t.config, certMasterKey: 'ab'.repeat(32) }, t.clock);
    await expect(wrong.certificates.ensureKeys()).rejects.toThrow(/master key does not open the signing key [0-9a-f]{16}/);
    const none = createServices(t.database, { ...t.config, certMasterKey: null }, t.clock);
    await expect(none.certificates.ensureKeys()).rejects.toThrow(/No certificate master key is configured/);
  });

  // Embedded mode on its own PGlite folder, whichever database the rest of the suite runs on.
  it('survive a restart of an embedded deployment: the master key file is made once (0600) and reused', async () => {
    const dataDir = path.join(tmp, 'data');
    // The demo world (its departments get keys): from the PGlite template when the suite runs on
    // PGlite, seeded here when it runs on PostgreSQL (no PGlite template then).
    const template = process.env.TB_TEST_PGLITE_TEMPLATE;
    const seeded = await openDatabase({ databaseUrl: null, dataDir, ...(template && { loadDataDir: new Blob([fs.readFileSync(template)]) }) });
    if (!template) {
      await migrateToLatest(seeded.db);
      await seedAll(seeded);
    }
    await seeded.close();
    const config = { ...loadConfig({ DATA_DIR: dataDir }), filesDir: path.join(tmp, 'files') };
    expect(config.certMasterKey).toBeNull();
    const bootAndEnsure = async (cfg = config) => {
      const services = await boot(cfg);
      try {
        const r = await services.certificates.ensureKeys();
        return { created: r.created.length, ids: (await services.certificates.publishedKeys()).map((k) => k.keyId).sort() };
      } finally {
        await services.database.close();
      }
    };
    const firstStart = await bootAndEnsure();
    expect(firstStart.ids.length).toBeGreaterThan(5);
    const keyFile = path.join(dataDir, MASTER_KEY_FILE);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const master = fs.readFileSync(keyFile, 'utf8').trim();
    expect(master).toMatch(/^[0-9a-f]{64}$/);
    expect(firstStart.created).toBe(firstStart.ids.length);
    const secondStart = await bootAndEnsure();
    expect(secondStart).toEqual({ created: 0, ids: firstStart.ids });
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(master);
    await expect(bootAndEnsure({ ...config, certMasterKey: 'cd'.repeat(32) })).rejects.toThrow(/Is CERT_MASTER_KEY .* the key they were sealed with/);
    // PostgreSQL: no key file, a clear refusal before anything is opened.
    expect(() => resolveMasterKey({ ...config, databaseUrl: 'postgres://tongban@db/tongban' })).toThrow(/CERT_MASTER_KEY is required with DATABASE_URL/);
    expect(() => loadConfig({ CERT_MASTER_KEY: 'abc' })).toThrow(/CERT_MASTER_KEY must be 64 hex characters/);
    fs.writeFileSync(keyFile, 'not a key\n');
    expect(() => resolveMasterKey(config)).toThrow(/does not hold a certificate master key/);
  });

  it('the audit chains are intact after all of this', async () => {
    const res = await call('admin')('GET', '/api/v1/audit/verify');
    expect(res.json()).toMatchObject({ ok: true });
  });
});
