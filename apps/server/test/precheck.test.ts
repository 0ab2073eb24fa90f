import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView, LibraryMaterialDetail, MatterVersion, PrecheckItemView, PrecheckReportView } from '@tongban/contracts';
import { usccCheckChar } from '@tongban/contracts';
import { detectOcr } from '../src/modules/materials/extract.ts';
import { as, createTestApp, errorCode, type Session, type TestContext } from './helpers.ts';
import { createProject, getApplication, processIdOf, sessions, STAGE3_ANSWERS, TINY_PDF, TINY_PNG } from './workflow-support.ts';
import { awardPdf, licencePdf, pngOf, uploadTo, uploadToLibrary } from './documents.ts';

let t: TestContext;
let s: Record<string, Session>;
let ent: { id: number; uscc: string; name: string };
/** A valid credit code of nobody on the platform: a licence showing it belongs to someone else. */
const OTHER_USCC = `91320505MA1XXXXX0${usccCheckChar('91320505MA1XXXXX0')!}`;

const ocr = await detectOcr();
if (!ocr) console.info('precheck.test: the OCR case is skipped: no tesseract with the chi_sim language pack on this machine (detectOcr() returned null)');

beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, 'applicant', 'applicant2', 'clerk', 'reviewer', 'reviewer.zrzy', 'supervisor', 'admin');
  ent = await t.database.db.selectFrom('app_user as u').innerJoin('enterprise as e', 'e.id', 'u.enterprise_id').select(['e.id', 'e.uscc', 'e.name']).where('u.username', '=', 'applicant').executeTakeFirstOrThrow();
});
afterAll(async () => t?.close());

const call = (who: string) => as(t.app, s[who]!);
const req = (v: ApplicationView, name: string) => v.requirements.find((r) => r.matterCode === 'SZ-ZJJ-SGXK' && r.name.startsWith(name))!;

/** A stage-3 draft of SZ-T3, form filled and every required material uploaded (tiny files unless given). */
async function prepared(files: Record<string, Buffer> = {}): Promise<ApplicationView> {
  const p = await createProject(t, s.applicant!);
  let res = await call('applicant')('POST', '/api/v1/applications', { projectId: p.id, processId: await processIdOf(t, 'SZ-T3'), stageCode: 3, answers: STAGE3_ANSWERS });
  expect(res.statusCode, res.body).toBe(201);
  const v = res.json<ApplicationView>();
  // The credit code and the name are prefilled from the enterprise.
  expect(v.form).toMatchObject({ constructionUnitUscc: ent.uscc, constructionUnit: ent.name });
  const values: Record<string, string | number | boolean> = {};
  for (const f of v.formFields) {
    if (!f.required || v.form[f.key] !== undefined) continue;
    values[f.key] = f.type === 'number' ? 100 : f.type === 'date' ? '2026-04-01' : f.type === 'boolean' ? true : f.type === 'choice' ? f.options![0]!.value : `测试${f.label}`;
  }
  res = await call('applicant')('PATCH', `/api/v1/applications/${v.id}/form`, { version: v.version, values });
  expect(res.statusCode, res.body).toBe(200);
  for (const r of v.requirements.filter((x) => x.required)) {
    const named = Object.entries(files).find(([prefix]) => r.matterCode === 'SZ-ZJJ-SGXK' && r.name.startsWith(prefix))?.[1];
    const png = !r.acceptedTypes.includes('pdf');
    res = await uploadTo(t, s.applicant!, v.id, r.id, named ?? (png ? TINY_PNG : TINY_PDF), `${r.name}.${png ? 'png' : 'pdf'}`);
    expect(res.statusCode, res.body).toBe(201);
  }
  return getApplication(t, s.applicant!, v.id);
}

async function report(id: number, who = 'applicant'): Promise<PrecheckReportView> {
  const res = await call(who)('GET', `/api/v1/applications/${id}/precheck`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const errorsOf = (r: PrecheckReportView) => r.items.filter((i) => i.severity === 'error').map((i) => i.ruleId).sort();

describe('pre-check before submission (智能预审)', () => {
  it("flags a licence whose credit code differs from the form's, refuses submission, and passes once the file is replaced", async () => {
    const bad = await licencePdf({ uscc: OTHER_USCC, name: ent.name });
    const v = await prepared({ 营业执照: bad, 中标通知书: await awardPdf({ date: '2026年02月01日' }) });
    const licence = req(v, '营业执照');
    const attached = licence.files[0]!;
    expect(attached.extraction).toMatchObject({ status: 'read', facts: { uscc: OTHER_USCC } });

    let r = await report(v.id);
    expect(r).toMatchObject({ applicationId: v.id, ok: false, errors: 1, today: '2026-03-02' });
    expect(errorsOf(r)).toEqual(['licence-uscc-matches']);
    const item = r.items.find((i) => i.ruleId === 'licence-uscc-matches')!;
    expect(item).toMatchObject<Partial<PrecheckItemView>>({
      kind: 'document-matches-form',
      severity: 'error',
      field: 'constructionUnitUscc',
      fieldLabel: '建设单位统一社会信用代码',
      materialCode: 'business-licence',
      requirementId: licence.id,
      materialName: licence.name,
      materialId: attached.id,
      fileName: attached.fileName,
      fact: 'uscc',
      expected: ent.uscc,
      actual: OTHER_USCC,
    });
    expect(item.message.zh).toContain('不一致');
    expect(item.message.en).toContain('differs');
    // The tiny files of the other materials cannot be read: the report says so per file.
    expect(r.documents.find((d) => d.materialId === attached.id)!.extraction.status).toBe('read');
    expect(r.documents.some((d) => d.extraction.status === 'unreadable' && d.extraction.reason?.zh.startsWith('无法读取'))).toBe(true);

    let res = await call('applicant')('POST', `/api/v1/applications/${v.id}/submit`, { version: v.version });
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('PRECHECK_FAILED');
    expect(res.json().error.details).toEqual([{ path: `/materials/${licence.id}`, message: expect.stringContaining(OTHER_USCC) }]);
    expect((await getApplication(t, s.applicant!, v.id)).status).toBe('draft');

    // The right licence replaces the wrong one (a new version of the same library material).
    res = await uploadTo(t, s.applicant!, v.id, licence.id, await licencePdf({ uscc: ent.uscc, name: ent.name }), '营业执照.pdf');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ libraryMaterialId: attached.libraryMaterialId, libraryVersion: 2 });
    r = await report(v.id);
    expect(r.ok).toBe(true);
    expect(r.errors).toBe(0);
    expect(r.checked).toBeGreaterThan(5);
    const fixed = await getApplication(t, s.applicant!, v.id);
    expect(req(fixed, '营业执照').files).toHaveLength(1);
    res = await call('applicant')('POST', `/api/v1/applications/${v.id}/submit`, { version: fixed.version });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('received');
  });

  it('checks dates, names, the form credit code, ranges and the order of dates', async () => {
    const v = await prepared({
      营业执照: await licencePdf({ uscc: ent.uscc, name: '苏州别家置业有限公司', until: '2025年12月31日' }),
      中标通知书: await awardPdf({ date: '2026年05月01日' }),
    });
    let r = await report(v.id);
    expect(errorsOf(r)).toEqual(['award-not-future', 'licence-name-matches', 'licence-not-expired']);
    const expired = r.items.find((i) => i.ruleId === 'licence-not-expired')!;
    expect(expired).toMatchObject({ actual: '2025-12-31', expected: '2026-03-02', requirementId: req(v, '营业执照').id });
    expect(expired.message.zh).toContain('营业执照营业期限');
    expect(r.items.find((i) => i.ruleId === 'award-not-future')).toMatchObject({ requirementId: req(v, '中标通知书').id, actual: '2026-05-01' });

    // The form: a mistyped credit code, a price of 0, a start after the finish.
    const res = await call('applicant')('PATCH', `/api/v1/applications/${v.id}/form`, {
      version: v.version,
      values: { constructionUnitUscc: `${ent.uscc.slice(0, 17)}${ent.uscc[17] === '0' ? '1' : '0'}`, contractAmount: 0, plannedStart: '2026-06-01', plannedFinish: '2026-05-01' },
    });
    expect(res.statusCode, res.body).toBe(200);
    r = await report(v.id);
    expect(errorsOf(r)).toEqual(['award-not-future', 'contract-amount-range', 'licence-name-matches', 'licence-not-expired', 'licence-uscc-matches', 'planned-dates-order', 'uscc-valid']);
    expect(r.items.find((i) => i.ruleId === 'uscc-valid')).toMatchObject({ field: 'constructionUnitUscc', fieldLabel: '建设单位统一社会信用代码' });
    expect(r.items.find((i) => i.ruleId === 'uscc-valid')!.requirementId).toBeUndefined();
    const submit = await call('applicant')('POST', `/api/v1/applications/${v.id}/submit`, {});
    expect(errorCode(submit)).toBe('PRECHECK_FAILED');
    const paths = submit.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/form/constructionUnitUscc', '/form/contractAmount', '/form/plannedStart', `/materials/${req(v, '营业执照').id}`, `/materials/${req(v, '中标通知书').id}`]));
  });

  it('an unreadable licence is a warning, not an error: submission goes ahead', async () => {
    const v = await prepared();
    const r = await report(v.id);
    expect(r.ok).toBe(true);
    const readable = r.items.find((i) => i.ruleId === 'licence-readable')!;
    expect(readable).toMatchObject({ severity: 'warning', requirementId: req(v, '营业执照').id });
    expect(readable.message.en).toContain('could not be read');
    const res = await call('applicant')('POST', `/api/v1/applications/${v.id}/submit`, { version: v.version });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('is readable by whoever may read the application, and by no one else', async () => {
    const v = await prepared();
    for (const who of ['applicant', 'clerk', 'supervisor', 'admin']) expect((await call(who)('GET', `/api/v1/applications/${v.id}/precheck`)).statusCode, who).toBe(200);
    expect(errorCode(await call('applicant2')('GET', `/api/v1/applications/${v.id}/precheck`))).toBe('OUT_OF_SCOPE');
    // Departments read an application once it has a case of theirs.
    expect(errorCode(await call('reviewer')('GET', `/api/v1/applications/${v.id}/precheck`))).toBe('OUT_OF_SCOPE');
    expect((await call('applicant')('POST', `/api/v1/applications/${v.id}/submit`, {})).statusCode).toBe(200);
    expect((await call('clerk')('POST', `/api/v1/applications/${v.id}/accept`, {})).statusCode).toBe(200);
    const accepted = await report(v.id, 'reviewer');
    expect(accepted.ok).toBe(true);
    expect(errorCode(await call('reviewer.zrzy')('GET', `/api/v1/applications/${v.id}/precheck`))).toBe('OUT_OF_SCOPE');
    expect(errorCode(await as(t.app, null)('GET', `/api/v1/applications/${v.id}/precheck`))).toBe('UNAUTHENTICATED');
    expect(errorCode(await call('admin')('GET', '/api/v1/applications/999999/precheck'))).toBe('NOT_FOUND');
    expect((await call('admin')('GET', '/api/v1/applications/0/precheck')).statusCode).toBe(400);
  });

  it.skipIf(!ocr)('reads a photographed licence (PNG) through OCR and finds its credit code (skipped without tesseract chi_sim)', async () => {
    // Skipped when the machine has no tesseract with chi_sim (detectOcr() is null): images are then not read at all.
    const png = pngOf(await licencePdf({ uscc: ent.uscc, name: ent.name, until: '2046年01月01日' }));
    if (!png) return; // no pdftoppm to draw the page: nothing to photograph
    const res = await uploadToLibrary(t, s.applicant!, { kind: 'business-licence', name: '营业执照照片' }, png, 'licence.png');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<LibraryMaterialDetail>().material.current.extraction).toMatchObject({ status: 'read', source: 'ocr', facts: { uscc: ent.uscc } });
  });
});

describe('pre-check rules in the catalog', () => {
  let matter: MatterVersion;
  const body = (m: MatterVersion) => {
    const { id: _i, matterId: _m, code: _c, version: _v, status: _s, departmentName: _d, createdAt: _ca, updatedAt: _u, publishedAt: _p, ...draft } = m;
    return draft;
  };

  beforeAll(async () => {
    const list = (await call('admin')('GET', '/api/v1/catalog/matters?q=SZ-ZJJ-SGXK')).json().items as Array<{ publishedVersionId: number }>;
    matter = (await call('admin')('GET', `/api/v1/catalog/matter-versions/${list[0]!.publishedVersionId}`)).json();
  });

  it('the demo matter carries codes and rules', () => {
    expect(matter.materials.map((m) => m.code).filter(Boolean)).toEqual(expect.arrayContaining(['business-licence', 'planning-permit', 'bid-award', 'construction-contract']));
    expect(matter.precheckRules!.map((r) => r.id)).toEqual(expect.arrayContaining(['uscc-valid', 'licence-uscc-matches', 'licence-name-matches', 'licence-not-expired', 'award-not-future', 'contract-amount-range', 'licence-readable']));
  });

  it('refuses invalid rules, unknown material codes and unknown fields when a draft is saved', async () => {
    const put = (b: unknown) => call('admin')('PUT', `/api/v1/catalog/matters/${matter.matterId}/draft`, b);
    const draft = body(matter);
    let res = await put({ ...draft, precheckRules: [{ id: 'x', kind: 'nope', severity: 'error' }] });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(res.json().error.details[0]).toMatchObject({ path: '/precheckRules/0', message: expect.stringContaining('未知的规则类型') });
    res = await put({ ...draft, precheckRules: [{ id: 'a', kind: 'document-readable', severity: 'warning', material: 'fire-opinion' }, { id: 'b', kind: 'range', severity: 'error', target: { field: 'height' }, min: 1 }] });
    expect(res.json().error.details).toEqual([
      { path: '/precheckRules/0', message: expect.stringContaining('fire-opinion') },
      { path: '/precheckRules/1', message: expect.stringContaining('height') },
    ]);
    res = await put({ ...draft, materials: draft.materials.map((m, i) => (i === 0 ? { ...m, code: 'Bad_Code' } : m)) });
    expect(res.statusCode).toBe(400);
    res = await put({ ...draft, precheckRules: 'all' });
    expect(res.statusCode).toBe(400);
    // A valid change is saved as a draft with its rules and codes; the published version is untouched.
    const rules = [...draft.precheckRules!, { id: 'contract-readable', kind: 'document-readable', severity: 'warning', material: 'construction-contract' }];
    res = await put({ ...draft, precheckRules: rules });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<MatterVersion>()).toMatchObject({ status: 'draft', precheckRules: rules });
    expect(res.json<MatterVersion>().materials.map((m) => m.code)).toEqual(matter.materials.map((m) => m.code));
    expect((await call('admin')('DELETE', `/api/v1/catalog/matter-versions/${res.json<MatterVersion>().id}`)).statusCode).toBe(204);
  });

  it('the Excel export carries the material codes and the rules', async () => {
    const res = await call('admin')('GET', '/api/v1/catalog/export.xlsx?source=published');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const column = (sheet: string, header: string) => {
      const ws = wb.getWorksheet(sheet)!;
      const n = (ws.getRow(1).values as string[]).indexOf(header);
      return { ws, n };
    };
    const rules = column('事项', '预审规则(JSON)');
    const row = rules.ws.getRows(2, rules.ws.rowCount - 1)!.find((r) => r.getCell(1).value === 'SZ-ZJJ-SGXK')!;
    expect(JSON.parse(row.getCell(rules.n).value as string)).toEqual(matter.precheckRules);
    const codes = column('材料', '材料编码');
    const codesOfPermit = codes.ws.getRows(2, codes.ws.rowCount - 1)!.filter((r) => r.getCell(1).value === 'SZ-ZJJ-SGXK').map((r) => r.getCell(codes.n).value ?? null);
    expect(codesOfPermit).toEqual(matter.materials.map((m) => m.code ?? null));
  });
});
