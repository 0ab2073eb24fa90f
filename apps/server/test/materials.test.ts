import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView, LibraryMaterialDetail, LibraryMaterialView, MaterialView, ReuseOffer } from '@tongban/contracts';
import { as, createTestApp, errorCode, type Session, type TestContext } from './helpers.ts';
import { createProject, getApplication, processIdOf, sessions, STAGE3_ANSWERS, TINY_PDF, TINY_PNG } from './workflow-support.ts';
import { licencePdf, sm3, uploadTo, uploadToLibrary, uploadVersion } from './documents.ts';

let t: TestContext;
let s: Record<string, Session>;
let ent: { id: number; uscc: string; name: string };
const db = () => t.database.db;

beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, 'applicant', 'applicant2', 'clerk', 'reviewer', 'reviewer2', 'admin');
  const row = await db().selectFrom('app_user as u').innerJoin('enterprise as e', 'e.id', 'u.enterprise_id').select(['e.id', 'e.uscc', 'e.name']).where('u.username', '=', 'applicant').executeTakeFirstOrThrow();
  ent = row;
});
afterAll(async () => t?.close());

const call = (who: string) => as(t.app, s[who]!);
const count = async (table: 'library_material' | 'library_material_version' | 'stored_file' | 'application_material') =>
  Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/** A stage-3 (施工许可) draft of SZ-T3 on a fresh project of the first demo enterprise. */
async function draft(): Promise<ApplicationView> {
  const p = await createProject(t, s.applicant!);
  const res = await call('applicant')('POST', '/api/v1/applications', { projectId: p.id, processId: await processIdOf(t, 'SZ-T3'), stageCode: 3, answers: STAGE3_ANSWERS });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const licenceReq = (v: ApplicationView) => v.requirements.find((r) => r.matterCode === 'SZ-ZJJ-SGXK' && r.name.startsWith('营业执照'))!;
const planningReq = (v: ApplicationView) => v.requirements.find((r) => r.matterCode === 'SZ-ZJJ-SGXK' && r.name === '建设工程规划许可证')!;

/** Fills the form and uploads `files[requirementId]` (default: a tiny PDF or PNG) for every required material. */
async function complete(v: ApplicationView, files: Record<number, Buffer> = {}): Promise<ApplicationView> {
  const values: Record<string, string | number | boolean> = {};
  for (const f of v.formFields) {
    if (!f.required || v.form[f.key] !== undefined) continue;
    values[f.key] = f.type === 'number' ? 100 : f.type === 'date' ? '2026-04-01' : f.type === 'boolean' ? true : f.type === 'choice' ? f.options![0]!.value : `测试${f.label}`;
  }
  const res = await call('applicant')('PATCH', `/api/v1/applications/${v.id}/form`, { version: v.version, values });
  expect(res.statusCode, res.body).toBe(200);
  for (const r of v.requirements.filter((x) => x.required)) {
    const png = !r.acceptedTypes.includes('pdf');
    const up = await uploadTo(t, s.applicant!, v.id, r.id, files[r.id] ?? (png ? TINY_PNG : TINY_PDF), `${r.name}.${png ? 'png' : 'pdf'}`);
    expect(up.statusCode, up.body).toBe(201);
  }
  return getApplication(t, s.applicant!, v.id);
}

async function submit(v: ApplicationView): Promise<ApplicationView> {
  const res = await call('applicant')('POST', `/api/v1/applications/${v.id}/submit`, { version: v.version });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('material library', () => {
  let id: number;
  let lic: Buffer;

  it('uploads a material, reads it once, lists, filters and pages it for its own enterprise', async () => {
    lic = await licencePdf({ uscc: ent.uscc, name: ent.name });
    const res = await uploadToLibrary(t, s.applicant!, { kind: 'business-licence', name: '营业执照', validUntil: '2048-06-14' }, lic, '营业执照.pdf');
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json<LibraryMaterialDetail>();
    expect(d.material).toMatchObject({ enterpriseId: ent.id, kind: 'business-licence', name: '营业执照', validUntil: '2048-06-14', expired: false, versionCount: 1, openApplications: 0 });
    expect(d.material.current).toMatchObject({ version: 1, fileName: '营业执照.pdf', contentType: 'application/pdf', sizeBytes: lic.length, sm3: sm3(lic), uploadedBy: { id: s.applicant!.userId } });
    expect(d.material.current.extraction).toMatchObject({ status: 'read', source: 'pdf-text', reason: null, facts: { uscc: ent.uscc, enterpriseName: ent.name, validUntil: '2048-06-14' } });
    expect(d.versions).toHaveLength(1);
    expect(d.usedBy).toEqual([]);
    id = d.material.id;

    await uploadToLibrary(t, s.applicant!, { kind: 'other', name: '现场照片' }, TINY_PNG, '现场.png');
    const list = (q: string) => call('applicant')('GET', `/api/v1/library/materials${q}`).then((r) => r.json<{ items: LibraryMaterialView[]; total: number }>());
    expect((await list('?kind=business-licence')).items.map((m) => m.id)).toContain(id);
    expect((await list('?kind=other')).items.map((m) => m.id)).not.toContain(id);
    expect((await list('?q=营业')).items.map((m) => m.id)).toEqual([id]);
    expect((await list('?q=没有这个')).total).toBe(0);
    const page = await list('?pageSize=1&page=2');
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(2);
    expect(page.items[0]!.id).toBe(id); // newest first: the photo is page 1
  });

  it('is refused to other enterprises and other roles; admins read any', async () => {
    expect(errorCode(await call('applicant2')('GET', `/api/v1/library/materials/${id}`))).toBe('OUT_OF_SCOPE');
    expect((await call('applicant2')('GET', '/api/v1/library/materials')).json().items.map((m: { id: number }) => m.id)).not.toContain(id);
    expect(errorCode(await call('applicant2')('GET', `/api/v1/library/materials/${id}/versions/1/content`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await uploadVersion(t, s.applicant2!, id, TINY_PDF, 'x.pdf'))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('applicant2')('POST', `/api/v1/library/materials/${id}/archive`))).toBe('OUT_OF_SCOPE');
    for (const who of ['clerk', 'reviewer']) {
      expect(errorCode(await call(who)('GET', '/api/v1/library/materials'))).toBe('FORBIDDEN');
      expect(errorCode(await call(who)('GET', `/api/v1/library/materials/${id}`))).toBe('FORBIDDEN');
    }
    expect(errorCode(await uploadToLibrary(t, s.admin!, { kind: 'other', name: 'x' }, TINY_PDF, 'x.pdf'))).toBe('FORBIDDEN');
    expect((await call('admin')('GET', `/api/v1/library/materials/${id}`)).statusCode).toBe(200);
    expect((await call('admin')('GET', `/api/v1/library/materials?enterpriseId=${ent.id}`)).json().items.map((m: { id: number }) => m.id)).toContain(id);
    expect(errorCode(await as(t.app, null)('GET', '/api/v1/library/materials'))).toBe('UNAUTHENTICATED');
  });

  it('downloads a version (audited), adds a version, archives', async () => {
    const detail = (await call('applicant')('GET', `/api/v1/library/materials/${id}`)).json<LibraryMaterialDetail>();
    const v1 = detail.versions[0]!.id;
    let res = await call('applicant')('GET', `/api/v1/library/materials/${id}/versions/${v1}/content`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(sm3(res.rawPayload)).toBe(sm3(lic));
    const audited = await db().selectFrom('audit_event').select(['action', 'actor_id']).where('target_type', '=', 'library_material_version').where('target_id', '=', String(v1)).execute();
    expect(audited).toEqual([{ action: 'library.download', actor_id: s.applicant!.userId }]);

    const renewed = await licencePdf({ uscc: ent.uscc, name: ent.name, until: '2058年06月14日' });
    res = await uploadVersion(t, s.applicant!, id, renewed, '营业执照（换发）.pdf', { validUntil: '2058-06-14', note: '换发' });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json<LibraryMaterialDetail>();
    expect(d.material).toMatchObject({ versionCount: 2, validUntil: '2058-06-14', current: { version: 2, fileName: '营业执照（换发）.pdf', note: '换发' } });
    expect(d.versions.map((v) => v.version)).toEqual([2, 1]);

    res = await call('applicant')('POST', `/api/v1/library/materials/${id}/archive`);
    expect(res.statusCode, res.body).toBe(200);
    expect((await call('applicant')('GET', '/api/v1/library/materials')).json().items.map((m: { id: number }) => m.id)).not.toContain(id);
    expect((await call('applicant')('GET', '/api/v1/library/materials?includeArchived=true')).json().items.map((m: { id: number }) => m.id)).toContain(id);
    expect(errorCode(await uploadVersion(t, s.applicant!, id, TINY_PDF, 'x.pdf'))).toBe('INVALID_STATE');
    expect(errorCode(await call('applicant')('POST', `/api/v1/library/materials/${id}/archive`))).toBe('INVALID_STATE');
    const actions = await db().selectFrom('audit_event').select('action').where('chain_key', '=', `library:${id}`).orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual(['library.create', 'library.download', 'library.version', 'library.archive']);
  });

  it('refuses bad input with 4xx and writes nothing', async () => {
    const before = { m: await count('library_material'), f: await count('stored_file') };
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), randomBytes(512)]);
    let res = await uploadToLibrary(t, s.applicant!, { kind: 'business-licence', name: '营业执照' }, exe, '营业执照.pdf');
    expect(res.statusCode).toBe(415);
    expect(errorCode(res)).toBe('FILE_TYPE_REFUSED');
    expect((await uploadToLibrary(t, s.applicant!, { kind: 'Bad Kind', name: 'x' }, TINY_PDF, 'x.pdf')).statusCode).toBe(400);
    expect((await uploadToLibrary(t, s.applicant!, { kind: 'other' }, TINY_PDF, 'x.pdf')).statusCode).toBe(400);
    expect((await uploadToLibrary(t, s.applicant!, { kind: 'other', name: 'x', extra: '1' }, TINY_PDF, 'x.pdf')).statusCode).toBe(400);
    res = await uploadToLibrary(t, s.applicant!, { kind: 'other', name: 'x', validUntil: '2026-02-30' }, TINY_PDF, 'x.pdf');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: '/validUntil', message: '2026-02-30' }]);
    res = await uploadToLibrary(t, s.applicant!, { kind: 'other', name: 'x' }, Buffer.alloc(0), 'x.pdf');
    expect(res.statusCode).toBe(400);
    res = await call('applicant')('POST', '/api/v1/library/materials?kind=other&name=x', TINY_PDF, { 'content-type': 'application/octet-stream', 'x-file-name': '%E0%A4%A' });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    res = await call('applicant')('POST', '/api/v1/library/materials?kind=other&name=x', { file: 'x' });
    expect(res.statusCode).toBe(415);
    expect(errorCode(res)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(errorCode(await call('applicant')('GET', '/api/v1/library/materials/999999'))).toBe('NOT_FOUND');
    expect(errorCode(await uploadVersion(t, s.applicant!, 999999, TINY_PDF, 'x.pdf'))).toBe('NOT_FOUND');
    expect((await call('applicant')('GET', '/api/v1/library/materials/abc')).statusCode).toBe(400);
    expect((await call('applicant')('GET', '/api/v1/library/materials?pageSize=1000')).statusCode).toBe(400);
    expect({ m: await count('library_material'), f: await count('stored_file') }).toEqual(before);

    // A path in the name is kept as a display name only.
    res = await uploadToLibrary(t, s.applicant!, { kind: 'other', name: '说明' }, TINY_PDF, '../../etc/passwd');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().material.current.fileName).toBe('.._.._etc_passwd');
    // A version of another material is not found through this one.
    const other = res.json<LibraryMaterialDetail>();
    expect(errorCode(await call('applicant')('GET', `/api/v1/library/materials/${id}/versions/${other.material.current.id}/content`))).toBe('NOT_FOUND');
  });

  it('an upload interrupted half way (real HTTP, connection dropped) leaves no temporary file and no row', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const tmp = path.join(t.config.filesDir, 'tmp');
    const before = { m: await count('library_material'), v: await count('library_material_version'), f: await count('stored_file') };
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/library/materials?kind=other&name=interrupted',
        headers: { cookie: s.applicant!.cookie, 'x-csrf-token': s.applicant!.csrf, 'content-type': 'application/octet-stream', 'x-file-name': 'big.pdf', 'transfer-encoding': 'chunked' },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]));
      // The server has started writing the temporary file; then the connection drops.
      setTimeout(() => req.destroy(), 300);
    });
    const leftovers = () => (fs.existsSync(tmp) ? fs.readdirSync(tmp) : []);
    for (let i = 0; i < 50 && leftovers().length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(leftovers()).toEqual([]);
    expect({ m: await count('library_material'), v: await count('library_material_version'), f: await count('stored_file') }).toEqual(before);
  });
});

describe('uploads enter the library; the same content is read once', () => {
  it('extracts on first sight only, whatever the route, and the application shows the reading', async () => {
    const doc = await licencePdf({ uscc: ent.uscc, name: ent.name, until: '2049年01月01日' });
    const n0 = t.services.library.intake.extractions;
    let res = await uploadToLibrary(t, s.applicant!, { kind: 'business-licence', name: '营业执照副本' }, doc, 'a.pdf');
    expect(res.statusCode, res.body).toBe(201);
    expect(t.services.library.intake.extractions).toBe(n0 + 1);
    const first = await db().selectFrom('stored_file').selectAll().where('sm3', '=', sm3(doc)).executeTakeFirstOrThrow();
    res = await uploadToLibrary(t, s.applicant!, { kind: 'business-licence', name: '营业执照副本二' }, doc, 'b.pdf');
    expect(res.statusCode).toBe(201);
    const v = await draft();
    res = await uploadTo(t, s.applicant!, v.id, licenceReq(v).id, doc, '营业执照.pdf');
    expect(res.statusCode, res.body).toBe(201);
    expect(t.services.library.intake.extractions).toBe(n0 + 1);
    const rows = await db().selectFrom('stored_file').selectAll().where('sm3', '=', sm3(doc)).execute();
    expect(rows).toEqual([first]);
    expect(rows[0]).toMatchObject({ text_status: 'read', text_source: 'pdf-text' });
    expect(rows[0]!.text).toContain(ent.name);
    const m = res.json<MaterialView>();
    expect(m.extraction).toMatchObject({ status: 'read', facts: { uscc: ent.uscc } });
    // The upload pinned the library version that already had this content (no new entry).
    expect(m.libraryMaterialId).toBe((await db().selectFrom('library_material').select('id').where('name', '=', '营业执照副本二').executeTakeFirstOrThrow()).id);
    expect(m.libraryVersion).toBe(1);

    // Types without a text reader are stored and marked, not read.
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(64)]);
    res = await uploadToLibrary(t, s.applicant!, { kind: 'other', name: '图纸压缩包' }, zip, 'drawings.zip');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<LibraryMaterialDetail>().material.current).toMatchObject({ contentType: 'application/zip', extraction: { status: 'not-attempted', reason: { zh: '不读取 zip 文件的文字', en: 'no text reader for zip files' }, facts: {} } });
    expect(t.services.library.intake.extractions).toBe(n0 + 2);
  });

  it('a file uploaded for a requirement becomes a library material of its kind (or other)', async () => {
    const v = await draft();
    const form = v.requirements.find((r) => r.name === '建筑工程施工许可证申请表')!;
    const bytes = Buffer.concat([TINY_PDF, Buffer.from(`% ${randomBytes(8).toString('hex')}\n`)]);
    let res = await uploadTo(t, s.applicant!, v.id, form.id, bytes, '申请表.pdf');
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json<MaterialView>();
    expect(m.libraryMaterialId).toBeTruthy();
    expect(m.certificateId).toBeNull();
    expect(m.extraction!.status).toBe('unreadable');
    const lib = (await call('applicant')('GET', `/api/v1/library/materials/${m.libraryMaterialId}`)).json<LibraryMaterialDetail>();
    expect(lib.material).toMatchObject({ kind: 'other', name: '建筑工程施工许可证申请表', openApplications: 1 });
    expect(lib.usedBy).toEqual([{ applicationId: v.id, applicationNo: v.number, requirementName: form.name, versionId: lib.material.current.id, open: true }]);
    res = await uploadTo(t, s.applicant!, v.id, planningReq(v).id, bytes, '规划许可证.pdf');
    const permit = (await call('applicant')('GET', `/api/v1/library/materials/${res.json<MaterialView>().libraryMaterialId}`)).json<LibraryMaterialDetail>();
    expect(permit.material.kind).toBe('planning-permit');
  });
});

describe('reuse (一次提交、多方调用)', () => {
  let v: ApplicationView;
  let mine: LibraryMaterialDetail;

  it('offers the enterprise library per requirement, same kind first, fitting types only; refused to others', async () => {
    v = await draft();
    const permit = Buffer.concat([TINY_PDF, Buffer.from('% permit\n')]);
    mine = (await uploadToLibrary(t, s.applicant!, { kind: 'planning-permit', name: '建设工程规划许可证（本项目）' }, permit, '规划许可证.pdf')).json();
    const photo = (await uploadToLibrary(t, s.applicant!, { kind: 'other', name: '照片' }, Buffer.concat([TINY_PNG, Buffer.from('photo')]), 'p.png')).json<LibraryMaterialDetail>();
    const expired = (await uploadToLibrary(t, s.applicant!, { kind: 'planning-permit', name: '旧许可证', validUntil: '2025-12-31' }, Buffer.concat([TINY_PDF, Buffer.from('% old\n')]), 'old.pdf')).json<LibraryMaterialDetail>();
    expect(expired.material.expired).toBe(true);
    const res = await call('applicant')('GET', `/api/v1/applications/${v.id}/reuse-offers`);
    expect(res.statusCode, res.body).toBe(200);
    const offers = res.json<{ items: ReuseOffer[] }>().items;
    expect(offers.map((o) => o.requirementId).sort()).toEqual(v.requirements.map((r) => r.id).sort());
    const forPermit = offers.find((o) => o.requirementId === planningReq(v).id)!;
    expect(forPermit.materials[0]).toMatchObject({ id: mine.material.id, kind: 'planning-permit' });
    const ids = forPermit.materials.map((m) => m.id);
    expect(ids).not.toContain(photo.material.id); // a PNG does not fit a pdf/ofd requirement
    expect(ids).not.toContain(expired.material.id);
    const mandate = v.requirements.find((r) => r.acceptedTypes.includes('png'))!;
    expect(offers.find((o) => o.requirementId === mandate.id)!.materials.map((m) => m.id)).toContain(photo.material.id);

    expect(errorCode(await call('applicant2')('GET', `/api/v1/applications/${v.id}/reuse-offers`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await call('clerk')('GET', `/api/v1/applications/${v.id}/reuse-offers`))).toBe('FORBIDDEN');
    expect((await call('admin')('GET', `/api/v1/applications/${v.id}/reuse-offers`)).statusCode).toBe(200);
    expect(errorCode(await call('applicant')('GET', '/api/v1/applications/999999/reuse-offers'))).toBe('NOT_FOUND');

    // Reusing: the current version is attached; type, validity, scope and duplicates are checked.
    const reuse = (who: string, body: unknown) => call(who)('POST', `/api/v1/applications/${v.id}/materials/reuse`, body);
    let r = await reuse('applicant', { requirementId: planningReq(v).id, libraryMaterialId: mine.material.id });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json<MaterialView>()).toMatchObject({ requirementId: planningReq(v).id, libraryMaterialId: mine.material.id, libraryVersion: 1, fileName: '规划许可证.pdf', sm3: mine.material.current.sm3 });
    expect(errorCode(await reuse('applicant', { requirementId: planningReq(v).id, libraryMaterialId: mine.material.id }))).toBe('ALREADY_EXISTS');
    r = await reuse('applicant', { requirementId: planningReq(v).id, libraryMaterialId: photo.material.id });
    expect(r.statusCode).toBe(415);
    expect(errorCode(r)).toBe('FILE_TYPE_REFUSED');
    expect(errorCode(await reuse('applicant', { requirementId: planningReq(v).id, libraryMaterialId: expired.material.id }))).toBe('INVALID_STATE');
    const theirs = (await uploadToLibrary(t, s.applicant2!, { kind: 'planning-permit', name: '别家的' }, Buffer.concat([TINY_PDF, Buffer.from('% theirs\n')]), 't.pdf')).json<LibraryMaterialDetail>();
    expect(errorCode(await reuse('applicant', { requirementId: planningReq(v).id, libraryMaterialId: theirs.material.id }))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await reuse('applicant2', { requirementId: planningReq(v).id, libraryMaterialId: theirs.material.id }))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await reuse('clerk', { requirementId: planningReq(v).id, libraryMaterialId: mine.material.id }))).toBe('FORBIDDEN');
    expect(errorCode(await reuse('applicant', { requirementId: 999999, libraryMaterialId: mine.material.id }))).toBe('VALIDATION_FAILED');
    expect(errorCode(await reuse('applicant', { requirementId: planningReq(v).id, libraryMaterialId: 999999 }))).toBe('NOT_FOUND');
    expect((await reuse('applicant', { requirementId: planningReq(v).id })).statusCode).toBe(400);
    expect((await reuse('applicant', { requirementId: planningReq(v).id, libraryMaterialId: 1, certificateId: 1 })).statusCode).toBe(400);
    const audited = await db().selectFrom('audit_event').select('action').where('chain_key', '=', `application:${v.id}`).where('action', '=', 'application.material_reuse').execute();
    expect(audited).toHaveLength(1);
  });

  it("attaches the enterprise's valid certificates (the PDF issued by the platform), with facts from the signed record", async () => {
    // An issued certificate as the certificates module writes it; its PDF lives in the blob store by SM3.
    const accepted = await submit(await complete(await draft()));
    const res0 = await call('clerk')('POST', `/api/v1/applications/${accepted.id}/accept`, {});
    expect(res0.statusCode, res0.body).toBe(200);
    const cases = res0.json<ApplicationView>().cases;
    const pdf = await licencePdf({ uscc: ent.uscc, name: '建设工程规划许可证（证照）' });
    const tmpFile = path.join(t.config.filesDir, 'cert.pdf');
    fs.writeFileSync(tmpFile, pdf);
    await t.services.library.intake.files.blobs.putFile(sm3(pdf), tmpFile, pdf.length);
    const dept = await db().selectFrom('department').select(['id']).where('code', '=', 'SZ-ZRZY').executeTakeFirstOrThrow();
    await db().insertInto('signing_key').values({ department_id: dept.id, key_id: 'test-materials-key', public_key: 'x', sealed_private_key: 'x', created_at: new Date(), retired_at: new Date() }).execute();
    const project = await db().selectFrom('project').select(['id', 'code', 'name']).where('id', '=', accepted.projectId).executeTakeFirstOrThrow();
    const matter = await db().selectFrom('matter').select(['id', 'code']).where('code', '=', 'SZ-ZRZY-GCGH').executeTakeFirstOrThrow();
    const cert = (caseId: string, n: number, over: Record<string, unknown> = {}) => ({
      kind: 'certificate' as const,
      number: `TEST〔2026〕GCGH-0000${n}号`,
      verification_code: `ABCDEFGHJKMNPQR${n}`,
      case_id: caseId,
      application_id: accepted.id,
      enterprise_id: ent.id,
      project_id: project.id,
      matter_id: matter.id,
      department_id: dept.id,
      region_code: '320500',
      title: '建设工程规划许可证',
      holder_name: ent.name,
      holder_uscc: ent.uscc,
      project_code: project.code,
      project_name: project.name,
      matter_code: matter.code,
      matter_name: '建设工程规划许可证核发',
      department_name: '市自然资源和规划局',
      issue_date: '2026-02-20',
      valid_until: '2027-02-20',
      reasons: null,
      pdf_sm3: sm3(pdf),
      pdf_size_bytes: pdf.length,
      key_id: 'test-materials-key',
      record_signature: 'x',
      created_at: new Date(),
      ...over,
    });
    const ids = await db()
      .insertInto('certificate')
      .values([cert(cases[0]!.id, 1), cert(cases[1]!.id, 2, { status: 'revoked' }), cert(cases[2]!.id, 3, { enterprise_id: (await db().selectFrom('enterprise').select('id').where('id', '!=', ent.id).executeTakeFirstOrThrow()).id })])
      .returning('id')
      .execute();
    const [valid, revoked, foreign] = ids.map((r) => r.id);

    const offers = (await call('applicant')('GET', `/api/v1/applications/${v.id}/reuse-offers`)).json<{ items: ReuseOffer[] }>().items;
    const forPermit = offers.find((o) => o.requirementId === planningReq(v).id)!;
    expect(forPermit.certificates.map((c) => c.id)).toEqual([valid]);
    expect(forPermit.certificates[0]).toMatchObject({ number: 'TEST〔2026〕GCGH-00001号', title: '建设工程规划许可证', issueDate: '2026-02-20', validUntil: '2027-02-20' });

    const reuse = (body: unknown) => call('applicant')('POST', `/api/v1/applications/${v.id}/materials/reuse`, body);
    const res = await reuse({ requirementId: planningReq(v).id, certificateId: valid });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json<MaterialView>();
    expect(m).toMatchObject({ certificateId: valid, libraryMaterialId: null, contentType: 'application/pdf', sm3: sm3(pdf), sizeBytes: pdf.length });
    expect(m.extraction).toMatchObject({ status: 'read', source: 'certificate', facts: { certificateNumber: 'TEST〔2026〕GCGH-00001号', uscc: ent.uscc, validUntil: '2027-02-20' } });
    const content = await call('applicant')('GET', `/api/v1/applications/${v.id}/materials/${m.id}/content`);
    expect(sm3(content.rawPayload)).toBe(sm3(pdf));
    expect(errorCode(await reuse({ requirementId: planningReq(v).id, certificateId: valid }))).toBe('ALREADY_EXISTS');
    expect(errorCode(await reuse({ requirementId: planningReq(v).id, certificateId: revoked }))).toBe('INVALID_STATE');
    expect(errorCode(await reuse({ requirementId: planningReq(v).id, certificateId: foreign }))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await reuse({ requirementId: planningReq(v).id, certificateId: 999999 }))).toBe('NOT_FOUND');
    const png = v.requirements.find((r) => !r.acceptedTypes.includes('pdf'));
    if (png) expect(errorCode(await reuse({ requirementId: png.id, certificateId: valid }))).toBe('FILE_TYPE_REFUSED');
  });
});

describe('a new version reaches every open application using the material (decision 0013)', () => {
  it('replaces the attachment in open applications only, audits each and tells the people holding their tasks', async () => {
    const v1 = await licencePdf({ uscc: ent.uscc, name: ent.name, until: '2047年01月01日' });
    // A: a draft. B: accepted, with tasks in three departments. C: withdrawn. D: refused at the window.
    const prepared = async () => {
      const d = await draft();
      return complete(d, { [licenceReq(d).id]: v1 });
    };
    const A = await prepared();
    const B = await prepared();
    await submit(B);
    let res = await call('clerk')('POST', `/api/v1/applications/${B.id}/accept`, {});
    expect(res.statusCode, res.body).toBe(200);
    const C = await submit(await prepared());
    expect((await call('applicant')('POST', `/api/v1/applications/${C.id}/withdraw`, { reason: '项目调整' })).statusCode).toBe(200);
    const D = await submit(await prepared());
    expect((await call('clerk')('POST', `/api/v1/applications/${D.id}/refuse`, { reason: '不符合受理条件' })).statusCode).toBe(200);

    const attached = (v: ApplicationView) => v.requirements.find((r) => r.id === licenceReq(v).id)!.files;
    const fileOf = async (id: number) => attached(await getApplication(t, s.applicant!, id));
    const [a1] = await fileOf(A.id);
    const L = a1!.libraryMaterialId!;
    for (const id of [B.id, C.id, D.id]) expect((await fileOf(id)).map((f) => [f.libraryMaterialId, f.libraryVersion])).toEqual([[L, 1]]);
    const versionBefore = { A: (await getApplication(t, s.applicant!, A.id)).version, B: (await getApplication(t, s.applicant!, B.id)).version };

    // The licence is renewed in the library.
    const v2 = await licencePdf({ uscc: ent.uscc, name: ent.name, until: '2057年01月01日' });
    res = await uploadVersion(t, s.applicant!, L, v2, '营业执照（2057）.pdf');
    expect(res.statusCode, res.body).toBe(201);
    const detail = res.json<LibraryMaterialDetail>();
    const byApp = new Map(detail.usedBy.map((u) => [u.applicationId, u]));
    expect(byApp.get(A.id)).toMatchObject({ versionId: detail.versions[0]!.id, open: true });
    expect(byApp.get(B.id)).toMatchObject({ versionId: detail.versions[0]!.id, open: true });
    expect(byApp.get(C.id)).toMatchObject({ versionId: detail.versions[1]!.id, open: false });
    expect(byApp.get(D.id)).toMatchObject({ versionId: detail.versions[1]!.id, open: false });
    expect(detail.material.openApplications).toBe(2);

    for (const id of [A.id, B.id]) {
      const files = await fileOf(id);
      expect(files.map((f) => [f.libraryMaterialId, f.libraryVersion, f.fileName, f.sm3])).toEqual([[L, 2, '营业执照（2057）.pdf', sm3(v2)]]);
      expect(files[0]!.extraction!.facts.validUntil).toBe('2057-01-01');
    }
    for (const id of [C.id, D.id]) expect((await fileOf(id)).map((f) => [f.libraryVersion, f.sm3])).toEqual([[1, sm3(v1)]]);
    // The old attachments are removed, not edited: what was seen stays provable.
    const rows = await db().selectFrom('application_material').select(['sm3', 'removed_at']).where('application_id', '=', B.id).where('requirement_id', '=', licenceReq(B).id).orderBy('id').execute();
    expect(rows.map((r) => [r.sm3, r.removed_at !== null])).toEqual([
      [sm3(v1), true],
      [sm3(v2), false],
    ]);
    expect((await getApplication(t, s.applicant!, A.id)).version).toBe(versionBefore.A + 1);
    expect((await getApplication(t, s.applicant!, B.id)).version).toBe(versionBefore.B + 1);
    const audits = await db().selectFrom('audit_event').select(['chain_key']).where('action', '=', 'application.material_update').execute();
    expect(audits.map((a) => a.chain_key).sort()).toEqual([`application:${A.id}`, `application:${B.id}`].sort());

    // The department people holding B's open tasks hear of it; nobody hears of A (a draft has no tasks).
    const notes = async (who: string) => (await call(who)('GET', '/api/v1/notifications?pageSize=200')).json<{ items: Array<{ kind: string; applicationId: number | null; title: string; body: string }> }>().items.filter((n) => n.kind === 'material');
    for (const who of ['reviewer', 'reviewer2']) {
      const mine = await notes(who);
      expect(mine.map((n) => n.applicationId)).toEqual([B.id]);
      expect(mine[0]!.body).toContain('第 2 版');
    }
    expect(await notes('applicant')).toEqual([]);

    // A supplement (补正) uploaded to B replaces the licence there — and in A too.
    const v3 = await licencePdf({ uscc: ent.uscc, name: ent.name, until: '2067年01月01日' });
    res = await uploadTo(t, s.applicant!, B.id, licenceReq(B).id, v3, '营业执照（补正）.pdf');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<MaterialView>()).toMatchObject({ libraryMaterialId: L, libraryVersion: 3, sm3: sm3(v3) });
    for (const id of [A.id, B.id]) expect((await fileOf(id)).map((f) => [f.libraryVersion, f.sm3])).toEqual([[3, sm3(v3)]]);
    expect((await fileOf(C.id)).map((f) => f.libraryVersion)).toEqual([1]);
    expect((await notes('reviewer')).map((n) => n.body.includes('第 3 版'))).toContain(true);
    const verify = (await call('admin')('GET', '/api/v1/audit/verify')).json();
    expect(verify.ok).toBe(true);
  });
});
