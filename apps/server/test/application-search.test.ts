import type { ApplicationSummary, ApplicationView, ProjectView } from '@tongban/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAllApplicationSearch } from '../src/modules/workflow/application-search.ts';
import { as, createTestApp, type Session, type TestContext } from './helpers.ts';
import { acceptedApplication, inbox, sessions, STAGE3_ANSWERS } from './workflow-support.ts';

/**
 * Searching applications (decision 0015): the inbox's and the application list's `q` match the
 * application number, project code and name, enterprise name and USCC and the matter names, by
 * CJK bigrams, through `application_search`, which follows renames in the same transaction.
 */
let t: TestContext;
let s: Record<string, Session>;
let garden: ApplicationView;
let park: ApplicationView;

const inboxApps = async (q: string) => [...new Set((await inbox(t, s['reviewer.rfb']!, `&q=${encodeURIComponent(q)}`)).map((x) => x.applicationId))].sort();
const listed = async (q: string) => {
  const res = await as(t.app, s.clerk!)('GET', `/api/v1/applications?pageSize=100&q=${encodeURIComponent(q)}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as ApplicationSummary[]).map((a) => a.id).sort();
};
const both = () => [garden.id, park.id].sort();

beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, 'applicant', 'clerk', 'admin', 'reviewer.rfb');
  garden = await acceptedApplication(t, s.applicant!, s.clerk!, undefined, { name: '姑苏檀香花园项目' });
  // 人防 in both; 防空地下室易地建设审批 (offsite) instead of 人防工程设计审查 in the park's.
  park = await acceptedApplication(t, s.applicant!, s.clerk!, { ...STAGE3_ANSWERS, civilAirDefence: 'offsite' }, { name: '园区星海科技园项目' });
});
afterAll(async () => t?.close());

describe('search over applications', () => {
  it('finds by project name, number, project code, enterprise and matter, in the inbox and the application list', async () => {
    const enterprise = garden.enterpriseName;
    for (const [q, want] of [
      ['科技园', [park.id]],
      ['星海科技', [park.id]],
      ['檀香', [garden.id]],
      [garden.number!, [garden.id]],
      [garden.number!.toLowerCase(), [garden.id]],
      [park.projectCode, [park.id]],
      [enterprise.slice(0, 4), both()],
      ['易地建设', [park.id]], // the name of one of its matters
      ['人防工程设计', [garden.id]],
      ['防空地下室', both()], // in the names of both's 人防 matters
      ['星海花园', []], // 星海 and 花园 are in different applications
      ['没有这个项目', []],
      ['%%', []], // nothing searchable matches nothing
    ] as Array<[string, number[]]>) {
      expect(await inboxApps(q), q).toEqual(want);
      expect(await listed(q), q).toEqual(want);
    }
    // Without q the inbox holds both.
    expect([...new Set((await inbox(t, s['reviewer.rfb']!)).map((x) => x.applicationId))].sort()).toEqual(both());
  });

  it('follows a project rename and an enterprise rename', async () => {
    const project = (await as(t.app, s.applicant!)('GET', `/api/v1/projects/${park.projectId}`)).json<ProjectView>();
    const body = { version: project.version, name: '园区月湾数据中心项目', projectType: project.projectType, investment: project.investment, landArea: project.landArea, floorArea: project.floorArea, location: project.location };
    const res = await as(t.app, s.applicant!)('PUT', `/api/v1/projects/${park.projectId}`, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(await inboxApps('月湾数据')).toEqual([park.id]);
    expect(await inboxApps('星海科技')).toEqual([]);

    const renamed = await as(t.app, s.admin!)('PATCH', `/api/v1/enterprises/${park.enterpriseId}`, { name: '苏州澄湖置业有限公司' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await listed('澄湖置业')).toEqual(both());
    expect(await listed(garden.enterpriseName)).toEqual([]);
  });

  it('a rename that fails writes no search row (same transaction)', async () => {
    const project = (await as(t.app, s.applicant!)('GET', `/api/v1/projects/${garden.projectId}`)).json<ProjectView>();
    const body = { version: project.version + 5, name: '姑苏错版项目', projectType: project.projectType, investment: project.investment, landArea: project.landArea, floorArea: project.floorArea, location: project.location };
    const res = await as(t.app, s.applicant!)('PUT', `/api/v1/projects/${garden.projectId}`, body);
    expect(res.statusCode).toBe(409);
    expect(await inboxApps('错版')).toEqual([]);
    expect(await inboxApps('檀香')).toEqual([garden.id]);
  });

  it('the backfill (migration 0006) writes the same rows as the services, in batches', async () => {
    const db = t.database.db;
    const before = await db.selectFrom('application_search').selectAll().orderBy('application_id').execute();
    expect(before.length).toBeGreaterThanOrEqual(2);
    await db.deleteFrom('application_search').execute();
    expect(await inboxApps('檀香')).toEqual([]);
    expect(await refreshAllApplicationSearch(db, { batch: 1 })).toBe(before.length);
    const after = await db.selectFrom('application_search').selectAll().orderBy('application_id').execute();
    expect(after.map((r) => ({ ...r, tokens: [...r.tokens].sort() }))).toEqual(before.map((r) => ({ ...r, tokens: [...r.tokens].sort() })));
    expect(await inboxApps('檀香')).toEqual([garden.id]);
  });
});
