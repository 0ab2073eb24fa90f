import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, errorCode, login, type Session, type TestContext } from './helpers.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let t: TestContext;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, 'admin');
});
afterAll(async () => t?.close());

const exportFile = async (source: 'published' | 'latest') => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/catalog/export.xlsx?source=${source}`, headers: { cookie: admin.cookie } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe(XLSX);
  return res.rawPayload;
};
const importFile = (file: Buffer, session: Session = admin, type = XLSX) =>
  t.app.inject({ method: 'POST', url: '/api/v1/catalog/import', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': type }, payload: file });
const load = async (file: Buffer) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  return wb;
};
/** Every data sheet as plain cell values, for comparing two files (the readme names the export source). */
const values = async (file: Buffer) => {
  const wb = await load(file);
  return wb.worksheets.filter((ws) => ws.name !== '说明').map((ws) => ({ name: ws.name, rows: ws.getSheetValues().map((r) => (Array.isArray(r) ? r.slice(1) : r)) }));
};
const count = async (table: 'matter_version' | 'process_version' | 'audit_event') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('catalog Excel', () => {
  it('exports every published matter, material, process, stage, stage matter and question', async () => {
    const wb = await load(await exportFile('published'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', '事项', '材料', '流程', '阶段', '阶段事项', '引导问题']);
    expect(wb.getWorksheet('事项')!.rowCount - 1).toBe(22);
    expect(wb.getWorksheet('流程')!.rowCount - 1).toBe(3);
    expect(wb.getWorksheet('阶段')!.rowCount - 1).toBe(12);
    const header = wb.getWorksheet('事项')!.getRow(1).values as string[];
    expect(header).toContain('法定时限');
    const permit = wb.getWorksheet('事项')!.getRows(2, 22)!.find((r) => r.getCell(1).value === 'SZ-ZJJ-SGXK')!;
    expect(permit.getCell(2).value).toBe('建筑工程施工许可证核发');
  });

  it('survives a round trip without loss: import as drafts equal to the published versions, export again identical', async () => {
    const first = await exportFile('published');
    const res = await importFile(first);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ matters: { created: 0, updated: 22 }, processes: { created: 0, updated: 3 } });
    const again = await exportFile('latest');
    expect(await values(again)).toEqual(await values(first));
    // Each matter has a draft whose content equals its published version.
    const list = (await as(t.app, admin)('GET', '/api/v1/catalog/matters')).json().items as Array<{ code: string; draftVersionId: number; publishedVersionId: number }>;
    const strip = ({ id: _i, version: _v, status: _s, createdAt: _c, updatedAt: _u, publishedAt: _p, ...rest }: Record<string, unknown>) => rest;
    for (const m of list) {
      expect(m.draftVersionId, m.code).toBeTruthy();
      const draft = (await as(t.app, admin)('GET', `/api/v1/catalog/matter-versions/${m.draftVersionId}`)).json();
      const published = (await as(t.app, admin)('GET', `/api/v1/catalog/matter-versions/${m.publishedVersionId}`)).json();
      expect(strip(draft), m.code).toEqual(strip(published));
    }
  });

  it('a file with errors reports each bad cell and changes nothing', async () => {
    const wb = await load(await exportFile('published'));
    const matters = wb.getWorksheet('事项')!;
    matters.getCell('E3').value = 'abc'; // 法定时限
    matters.getCell('C5').value = 'NO-SUCH-DEPT'; // 实施部门编码
    matters.getCell('H6').value = '也许'; // 告知承诺制
    wb.getWorksheet('材料')!.getCell('D4').value = '传真件'; // 材料形式
    wb.getWorksheet('阶段事项')!.getCell('D2').value = 'SZ-NOPE'; // 事项编码
    const before = { mv: await count('matter_version'), pv: await count('process_version'), audit: await count('audit_event') };
    const res = await importFile(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('IMPORT_FAILED');
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['事项!E3', '事项!C5', '事项!H6', '材料!D4', '阶段事项!D2']));
    expect(res.json().error.details.find((d: { path: string }) => d.path === '事项!E3').message).toContain('整数');
    expect({ mv: await count('matter_version'), pv: await count('process_version'), audit: await count('audit_event') }).toEqual(before);
  });

  it('refuses a file that is not a workbook, the wrong content type, and non-admins', async () => {
    expect(errorCode(await importFile(Buffer.from('MZ this is not a zip')))).toBe('IMPORT_FAILED');
    expect(errorCode(await importFile(Buffer.from('{}'), admin, 'text/plain'))).toBe('UNSUPPORTED_MEDIA_TYPE');
    const reviewer = await login(t.app, 'reviewer');
    expect(errorCode(await importFile(await exportFile('published'), reviewer))).toBe('FORBIDDEN');
    const exp = await t.app.inject({ method: 'GET', url: '/api/v1/catalog/export.xlsx', headers: { cookie: reviewer.cookie } });
    expect(errorCode(exp)).toBe('FORBIDDEN');
  });
});
