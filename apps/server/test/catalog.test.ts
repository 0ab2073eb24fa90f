import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, errorCode, login, type Session, type TestContext } from './helpers.ts';

let t: TestContext;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, 'admin');
});
afterAll(async () => t?.close());

const anon = () => as(t.app, null);
const call = () => as(t.app, admin);
const processId = async (code: string) => (await anon()('GET', '/api/v1/public/processes')).json().items.find((p: { code: string }) => p.code === code).processId as number;
const guide = async (code: string, answers: Record<string, unknown>) => {
  const res = await anon()('POST', `/api/v1/processes/${await processId(code)}/guide`, { answers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<GuideBody>();
};
interface GuideBody {
  stages: Array<{ stageCode: number; matters: Array<{ code: string; reason: string; materials: Array<{ name: string }> }>; undecided: Array<{ code: string; needs: string[] }>; notApplicable: Array<{ code: string }> }>;
  unanswered: Array<{ key: string }>;
}
const codesOf = (g: Awaited<ReturnType<typeof guide>>, stage: number) => g.stages.find((s) => s.stageCode === stage)!.matters.map((m) => m.code).sort();

describe('demo catalog', () => {
  it('has 20+ published matters across 6+ departments and processes for types 3, 4 and 6', async () => {
    const matters = (await anon()('GET', '/api/v1/public/matters')).json().items;
    expect(matters.length).toBeGreaterThanOrEqual(20);
    expect(new Set(matters.map((m: { departmentId: number }) => m.departmentId)).size).toBeGreaterThanOrEqual(6);
    const processes = (await anon()('GET', '/api/v1/public/processes')).json().items;
    expect(processes.map((p: { projectType: number }) => p.projectType).sort()).toEqual([3, 4, 6]);
    const version = (await anon()('GET', `/api/v1/public/process-versions/${processes[0].publishedVersionId}`)).json();
    expect(version.stages.map((s: { stageCode: number }) => s.stageCode)).toEqual([1, 2, 3, 4]);
    expect(version.stages.every((s: { leadDepartmentName: string }) => s.leadDepartmentName)).toBe(true);
  });

  it('the construction permit guide lists the materials a real guide has, with legal time limits', async () => {
    const g = (await anon()('GET', '/api/v1/public/matters/SZ-ZJJ-SGXK')).json();
    expect(g).toMatchObject({ name: '建筑工程施工许可证核发', legalLimitDays: 7, departmentName: '苏州市住房和城乡建设局', status: 'published' });
    const names = g.materials.map((m: { name: string }) => m.name).join('|');
    for (const needed of ['建设工程规划许可证', '施工图设计文件审查合格书', '中标通知书', '施工合同', '安全管理措施', '资金']) expect(names).toContain(needed);
    expect(g.legalBasis).toContain('建筑法');
  });
});

describe('Chinese search', () => {
  it.each([
    ['施工许可', 'SZ-ZJJ-SGXK', true],
    ['施工许可', 'SZ-ZRZY-GCGH', false],
    ['环境影响', 'SZ-STHJ-BGS', true],
    ['人防', 'SZ-RFB-SJSC', true],
    ['规划许可', 'SZ-ZRZY-GCGH', true],
  ])('%s finds %s: %s', async (q, code, found) => {
    const res = await anon()('GET', `/api/v1/public/matters?q=${encodeURIComponent(q)}`);
    expect(res.json().items.some((m: { code: string }) => m.code === code)).toBe(found);
  });
  it('lists matters by stage and department', async () => {
    const stage3 = (await anon()('GET', '/api/v1/public/matters?stage=3')).json().items.map((m: { code: string }) => m.code);
    expect(stage3).toEqual(expect.arrayContaining(['SZ-ZJJ-SGXK', 'SZ-ZJJ-SGTSC', 'SZ-RFB-SJSC']));
    expect(stage3).not.toContain('SZ-FGW-BA');
    const zjj = (await anon()('GET', '/api/v1/departments')).statusCode;
    expect(zjj).toBe(401);
    const dept = (await anon()('GET', '/api/v1/public/matters?q=施工许可')).json().items[0].departmentId;
    const byDept = (await anon()('GET', `/api/v1/public/matters?stage=4&departmentId=${dept}`)).json().items.map((m: { code: string }) => m.code).sort();
    expect(byDept).toEqual(['SZ-ZJJ-JGBA', 'SZ-ZJJ-XFBA', 'SZ-ZJJ-XFYS']);
  });

  it('finds a matter by its code', async () => {
    expect((await anon()('GET', '/api/v1/public/matters?q=SZ-ZJJ-SGXK')).json().items.map((m: { code: string }) => m.code)).toEqual(['SZ-ZJJ-SGXK']);
  });
  it('nothing searchable finds nothing, not everything', async () => {
    expect((await anon()('GET', `/api/v1/public/matters?q=${encodeURIComponent('%%')}`)).json().items).toEqual([]);
  });
});

describe('guided selection', () => {
  it('type 6, industrial in an assessed park with an EIA table: filing, no soil-conservation plan, table approval', async () => {
    const g = await guide('SZ-T6', { needsApproval: false, inParkAssessed: true, eia: 'table', landArea: 3, buildingHeight: 18, specialFire: false, civilAirDefence: 'none', earthwork: false });
    expect(codesOf(g, 1)).toEqual(['SZ-FGW-BA', 'SZ-STHJ-BGB', 'SZ-ZRZY-YDGH']);
    expect(codesOf(g, 3)).toEqual(['SZ-ZJJ-SGTSC', 'SZ-ZJJ-SGXK']);
    expect(codesOf(g, 4)).toContain('SZ-ZJJ-XFBA');
    expect(codesOf(g, 4)).not.toContain('SZ-ZJJ-XFYS');
    expect(g.unanswered).toEqual([]);
    const bgb = g.stages[0]!.matters.find((m) => m.code === 'SZ-STHJ-BGB')!;
    expect(bgb.reason).toContain('报告表');
    // In an assessed park the commitment letter is part of the table approval.
    expect(bgb.materials.map((m) => m.name)).toContain('告知承诺书');
  });

  it('type 6 outside a park, large land, EIA report, special fire, shelter built on site', async () => {
    const g = await guide('SZ-T6', { needsApproval: true, inParkAssessed: false, eia: 'report', landArea: 12, specialFire: true, civilAirDefence: 'build', earthwork: true });
    expect(codesOf(g, 1)).toEqual(['SZ-FGW-HZ', 'SZ-STHJ-BGS', 'SZ-SWJ-SBFA', 'SZ-ZRZY-YDGH']);
    expect(codesOf(g, 3)).toEqual(['SZ-CGJ-JZLJ', 'SZ-RFB-SJSC', 'SZ-ZJJ-SGTSC', 'SZ-ZJJ-SGXK', 'SZ-ZJJ-XFSJ']);
    const sbfa = g.stages[0]!.matters.find((m) => m.code === 'SZ-SWJ-SBFA')!;
    expect(sbfa.reason).toMatch(/征占地面积.*12公顷/);
    const permit = g.stages[2]!.matters.find((m) => m.code === 'SZ-ZJJ-SGXK')!;
    expect(permit.materials.map((m) => m.name)).toContain('特殊建设工程消防设计审查意见书');
  });

  it('type 3 with allocated land needs the site selection opinion; partial answers name the open questions', async () => {
    const g = await guide('SZ-T3', { landSupply: 'allocation' });
    expect(codesOf(g, 1)).toEqual(['SZ-ZRZY-YDGH', 'SZ-ZRZY-YSXZ']);
    const undecided = g.stages[0]!.undecided.map((u) => u.code);
    expect(undecided).toEqual(expect.arrayContaining(['SZ-FGW-HZ', 'SZ-FGW-BA', 'SZ-STHJ-BGS']));
    expect(g.unanswered.map((q) => q.key)).toEqual(expect.arrayContaining(['needsApproval', 'eia', 'landArea', 'specialFire', 'civilAirDefence', 'earthwork']));
    expect(g.unanswered.map((q) => q.key)).not.toContain('landSupply');
  });

  it('type 3 with transferred land and no approval: no site selection; shelter built off site', async () => {
    const g = await guide('SZ-T3', { needsApproval: false, landSupply: 'transfer', eia: 'registration', inParkAssessed: false, landArea: 0.3, specialFire: false, civilAirDefence: 'offsite', earthwork: false });
    expect(codesOf(g, 1)).toEqual(['SZ-FGW-BA', 'SZ-ZRZY-YDGH']);
    expect(codesOf(g, 3)).toEqual(['SZ-RFB-YDJS', 'SZ-ZJJ-SGTSC', 'SZ-ZJJ-SGXK']);
    expect(g.stages[0]!.notApplicable.map((n) => n.code)).toEqual(expect.arrayContaining(['SZ-ZRZY-YSXZ', 'SZ-STHJ-BGS', 'SZ-STHJ-BGB', 'SZ-SWJ-SBFA']));
  });

  it('type 4 small project: merged planning, no drawing review, filing of fire acceptance', async () => {
    const g = await guide('SZ-T4', { landSupply: 'transfer', eia: 'registration', civilAirDefence: 'none', earthwork: true });
    expect(codesOf(g, 2)).toEqual(['SZ-ZRZY-GCGH']);
    expect(codesOf(g, 3)).toEqual(['SZ-CGJ-JZLJ', 'SZ-ZJJ-SGXK']);
    expect(codesOf(g, 4)).toEqual(['SZ-DAG-YS', 'SZ-ZJJ-JGBA', 'SZ-ZJJ-XFBA', 'SZ-ZRZY-GHHS']);
  });

  it('gives one unified form per stage: each field once, required if any matter requires it', async () => {
    const id = await processId('SZ-T6');
    const res = await anon()('POST', `/api/v1/processes/${id}/guide`, { answers: { specialFire: true, civilAirDefence: 'build', earthwork: false } });
    const form = res.json().stages.find((s: { stageCode: number }) => s.stageCode === 3).form as Array<{ key: string }>;
    const keys = form.map((f) => f.key);
    expect(keys.filter((k) => k === 'projectName')).toHaveLength(1);
    expect(keys).toEqual(expect.arrayContaining(['projectName', 'constructionUnit', 'contractor', 'plannedStart', 'shelterArea', 'fireCategory']));
    expect(keys).not.toContain('earthworkVolume');
  });

  it('type 4 with an EIA table and a shelter built off site adds exactly those two approvals', async () => {
    const g = await guide('SZ-T4', { landSupply: 'existing', eia: 'table', civilAirDefence: 'offsite', earthwork: false });
    expect(codesOf(g, 1)).toEqual(['SZ-FGW-BA', 'SZ-STHJ-BGB', 'SZ-ZRZY-YDGH']);
    expect(codesOf(g, 3)).toEqual(['SZ-RFB-YDJS', 'SZ-ZJJ-SGXK']);
  });

  it('a height threshold decides a material: sunlight analysis from 24 m', async () => {
    const materialsOf = async (buildingHeight: number) =>
      (await guide('SZ-T3', { buildingHeight })).stages.find((s) => s.stageCode === 2)!.matters.find((m) => m.code === 'SZ-ZRZY-FASC')!.materials.map((m) => m.name);
    expect(await materialsOf(60)).toContain('日照分析报告');
    expect(await materialsOf(18)).not.toContain('日照分析报告');
  });

  it('refuses answers to unknown questions or of the wrong type', async () => {
    const id = await processId('SZ-T6');
    const res = await anon()('POST', `/api/v1/processes/${id}/guide`, { answers: { eia: 'huge', landArea: 'big', nope: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/answers/eia', '/answers/landArea', '/answers/nope']);
  });
});

/** A small valid matter draft for the versioning tests. */
async function draftBody(code: string) {
  const dept = (await call()('GET', '/api/v1/departments')).json().items.find((d: { code: string }) => d.code === 'SZ-SWJ');
  return {
    code,
    name: '取水许可',
    departmentId: dept.id,
    limitKind: 'working',
    legalLimitDays: 20,
    extensionDays: 0,
    promisedLimitDays: 10,
    commitmentAllowed: false,
    deficiencyAllowed: false,
    resultType: 'licence',
    resultName: '取水许可证',
    validityMonths: 60,
    legalBasis: '《取水许可和水资源费征收管理条例》第二十三条',
    fees: '不收费',
    conditions: '直接从江河、湖泊或者地下取用水资源的单位和个人。',
    specialProcedures: [],
    formFields: [{ key: 'projectName', label: '项目名称', type: 'text', required: true }],
    materials: [{ name: '取水许可申请书', form: 'original', copies: 1, necessity: 'required', condition: null, conditionNote: null, acceptedTypes: ['pdf'], maxSizeMb: 50, sampleUrl: null, reuse: 'none', description: '' }],
  };
}

describe('versions', () => {
  it('draft → published → new draft → published retires the old one; drafts are invisible to the public', async () => {
    const body = await draftBody('SZ-SWJ-QS');
    const v1 = (await call()('POST', '/api/v1/catalog/matters', body)).json();
    expect(v1).toMatchObject({ version: 1, status: 'draft' });
    expect((await anon()('GET', '/api/v1/public/matters/SZ-SWJ-QS')).statusCode).toBe(404);
    expect((await as(t.app, await login(t.app, 'applicant'))('GET', `/api/v1/catalog/matter-versions/${v1.id}`)).statusCode).toBe(404);

    expect((await call()('POST', `/api/v1/catalog/matter-versions/${v1.id}/publish`)).json().status).toBe('published');
    const { code: _c, ...draft } = body;
    // Editing after publication opens version 2; version 1 stays as it was.
    const v2 = (await call()('PUT', `/api/v1/catalog/matters/${v1.matterId}/draft`, { ...draft, promisedLimitDays: 8 })).json();
    expect(v2).toMatchObject({ version: 2, status: 'draft', promisedLimitDays: 8 });
    expect((await anon()('GET', '/api/v1/public/matters/SZ-SWJ-QS')).json()).toMatchObject({ version: 1, promisedLimitDays: 10 });
    // Saving again updates the same draft, not a third version.
    expect((await call()('PUT', `/api/v1/catalog/matters/${v1.matterId}/draft`, { ...draft, promisedLimitDays: 6 })).json()).toMatchObject({ version: 2, id: v2.id });
    await call()('POST', `/api/v1/catalog/matter-versions/${v2.id}/publish`);
    expect((await anon()('GET', '/api/v1/public/matters/SZ-SWJ-QS')).json()).toMatchObject({ version: 2, promisedLimitDays: 6 });
    const history = (await call()('GET', `/api/v1/catalog/matters/${v1.matterId}/versions`)).json();
    expect(history.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'published'],
      [1, 'retired'],
    ]);
    // A frozen version cannot be published, retired twice or discarded.
    expect(errorCode(await call()('POST', `/api/v1/catalog/matter-versions/${v1.id}/publish`))).toBe('VERSION_FROZEN');
    expect(errorCode(await call()('DELETE', `/api/v1/catalog/matter-versions/${v2.id}`))).toBe('VERSION_FROZEN');
    // The retired version stays readable: whatever references it keeps it.
    expect((await anon()('GET', `/api/v1/catalog/matter-versions/${v1.id}`)).statusCode).toBe(401);
    expect((await as(t.app, await login(t.app, 'reviewer'))('GET', `/api/v1/catalog/matter-versions/${v1.id}`)).json()).toMatchObject({ version: 1, status: 'retired', promisedLimitDays: 10 });
  });

  it('publish checks list every problem at once and change nothing', async () => {
    const body = await draftBody('SZ-SWJ-BAD');
    const v = (await call()('POST', '/api/v1/catalog/matters', { ...body, promisedLimitDays: 30, legalBasis: ' ', materials: [{ ...body.materials[0], necessity: 'conditional' }] })).json();
    const res = await call()('POST', `/api/v1/catalog/matter-versions/${v.id}/publish`);
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('PUBLISH_CHECK_FAILED');
    expect(res.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['/legalBasis', '/materials', '/materials/0/condition', '/promisedLimitDays']);
    expect((await call()('GET', `/api/v1/catalog/matter-versions/${v.id}`)).json().status).toBe('draft');
  });

  it('a draft with an unparseable condition is not even saved', async () => {
    const body = await draftBody('SZ-SWJ-COND');
    const res = await call()('POST', '/api/v1/catalog/matters', { ...body, materials: [{ ...body.materials[0], necessity: 'conditional', condition: 'landArea >= ' }] });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(res.json().error.details[0].path).toBe('/materials/0/condition');
    expect((await call()('GET', '/api/v1/catalog/matters?q=SZ-SWJ-COND')).json().items).toEqual([]);
  });

  it('a process refuses a prerequisite cycle, an unpublished matter and a stage too short for its matters', async () => {
    const pid = await processId('SZ-T4');
    const draft = (await call()('POST', `/api/v1/catalog/processes/${pid}/draft`)).json();
    expect(draft).toMatchObject({ status: 'draft', version: 2 });
    const stages = draft.stages.map((s: Record<string, unknown> & { matters: Array<Record<string, unknown>> }) => ({
      stageCode: s.stageCode,
      name: s.name,
      timeLimitDays: s.stageCode === 1 ? 2 : s.timeLimitDays,
      leadDepartmentId: s.leadDepartmentId,
      matters: s.matters.map((m) => ({ matterCode: m.matterCode, mandatory: m.mandatory, condition: m.condition, conditionNote: m.conditionNote, prerequisites: m.matterCode === 'SZ-ZRZY-YDGH' ? ['SZ-FGW-BA'] : m.matterCode === 'SZ-FGW-BA' ? ['SZ-ZRZY-YDGH'] : m.prerequisites })),
    }));
    stages[1].matters.push({ matterCode: 'SZ-SWJ-BAD', mandatory: true, condition: null, conditionNote: null, prerequisites: [] });
    const saved = await call()('PUT', `/api/v1/catalog/processes/${pid}/draft`, { name: draft.name, description: draft.description, questions: draft.questions, stages });
    expect(saved.statusCode, saved.body).toBe(200);
    const res = await call()('POST', `/api/v1/catalog/process-versions/${draft.id}/publish`);
    expect(errorCode(res)).toBe('PUBLISH_CHECK_FAILED');
    const messages = res.json().error.details.map((d: { message: string }) => d.message).join('\n');
    expect(messages).toMatch(/前置事项存在循环/);
    expect(messages).toMatch(/尚未发布/);
    // The published version is untouched and still drives the guide.
    expect((await guide('SZ-T4', {})).stages[0]!.matters.length).toBeGreaterThan(0);
    expect((await call()('DELETE', `/api/v1/catalog/process-versions/${draft.id}`)).statusCode).toBe(204);
  });

  it('a draft process condition may only use its own questions', async () => {
    const pid = await processId('SZ-T4');
    const v = (await call()('GET', `/api/v1/catalog/process-versions/${(await anon()('GET', '/api/v1/public/processes')).json().items.find((p: { processId: number }) => p.processId === pid).publishedVersionId}`)).json();
    const stages = v.stages.map((s: Record<string, unknown> & { matters: Array<Record<string, unknown>> }) => ({
      stageCode: s.stageCode,
      name: s.name,
      timeLimitDays: s.timeLimitDays,
      leadDepartmentId: s.leadDepartmentId,
      matters: s.matters.map((m) => ({ matterCode: m.matterCode, mandatory: m.mandatory, condition: m.matterCode === 'SZ-STHJ-BGB' ? 'unknownQuestion' : m.condition, conditionNote: m.conditionNote, prerequisites: m.prerequisites })),
    }));
    const res = await call()('PUT', `/api/v1/catalog/processes/${pid}/draft`, { name: v.name, description: v.description, questions: v.questions, stages });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(res.json().error.details[0].message).toContain('unknownQuestion');
  });
});

describe('catalog scope', () => {
  it('only admins edit; every other role is refused and nothing changes', async () => {
    const body = await draftBody('SZ-SWJ-NO');
    for (const u of ['applicant', 'clerk', 'reviewer', 'approver', 'supervisor', 'agency']) {
      const s = as(t.app, await login(t.app, u));
      expect(errorCode(await s('POST', '/api/v1/catalog/matters', body)), u).toBe('FORBIDDEN');
      expect(errorCode(await s('POST', '/api/v1/catalog/matter-versions/1/publish')), u).toBe('FORBIDDEN');
      expect(errorCode(await s('POST', `/api/v1/catalog/processes/${await processId('SZ-T3')}/draft`)), u).toBe('FORBIDDEN');
    }
    expect(errorCode(await anon()('POST', '/api/v1/catalog/matters', body))).toBe('UNAUTHENTICATED');
    expect((await call()('GET', '/api/v1/catalog/matters?q=SZ-SWJ-NO')).json().items).toEqual([]);
  });

  it('editing is audited and the chain still verifies', async () => {
    const events = (await call()('GET', '/api/v1/audit/events?action=matter.publish&pageSize=100')).json();
    expect(events.total).toBeGreaterThanOrEqual(22);
    expect((await call()('GET', '/api/v1/audit/verify')).json().ok).toBe(true);
  });
});
