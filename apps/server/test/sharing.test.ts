import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateView } from '@tongban/contracts';
import { registryContract, type RegistryFixtures } from '../src/modules/sharing/registry.contract.ts';
import { ReferenceRegistryProvider, type RegistryProvider } from '../src/modules/sharing/registry.ts';
import { as, createTestApp, errorCode, type Session, type TestContext } from './helpers.ts';
import { acceptedApplication, complete, createProject, processIdOf, sessions, STAGE3_ANSWERS, taskFor } from './workflow-support.ts';

let t: TestContext;
let s: Record<string, Session>;
const certs: Record<'valid' | 'revoked' | 'expired', CertificateView> = {} as never;
const OWN = { uscc: '', name: '苏州示范置业有限公司' };

/**
 * Three certificates of the first demo enterprise: 施工图审查合格书 (no expiry) twice — one of
 * them revoked — and 施工许可证 (three months), which the clock then leaves behind.
 */
beforeAll(async () => {
  t = await createTestApp();
  s = await sessions(t, 'applicant', 'clerk', 'reviewer', 'reviewer2', 'approver', 'admin', 'agency');
  OWN.uscc = (await t.database.db.selectFrom('enterprise').select('uscc').where('name', '=', OWN.name).executeTakeFirstOrThrow()).uscc;
  const lean = { ...STAGE3_ANSWERS, civilAirDefence: 'none', earthwork: false };
  for (let i = 0; i < 2; i++) {
    const app = await acceptedApplication(t, s.applicant!, s.clerk!, lean);
    for (const code of i === 0 ? ['SZ-ZJJ-SGTSC', 'SZ-ZJJ-SGXK'] : ['SZ-ZJJ-SGTSC']) {
      await complete(t, s.reviewer!, await taskFor(t, s.reviewer!, app.id, code));
      await complete(t, s.reviewer2!, await taskFor(t, s.reviewer2!, app.id, code));
      await complete(t, s.approver!, await taskFor(t, s.approver!, app.id, code));
    }
  }
  const out = await t.services.certificates.issuePending(10);
  expect(out.issued).toHaveLength(3);
  const items = (await as(t.app, s.admin!)('GET', '/api/v1/certificates')).json().items as CertificateView[];
  const plans = items.filter((c) => c.matterCode === 'SZ-ZJJ-SGTSC');
  certs.valid = plans[0]!;
  certs.revoked = plans[1]!;
  certs.expired = items.find((c) => c.matterCode === 'SZ-ZJJ-SGXK')!;
  const res = await as(t.app, s.approver!)('POST', `/api/v1/certificates/${certs.revoked.id}/revoke`, { reason: '依法撤销' });
  expect(res.statusCode, res.body).toBe(200);
  // Half a year later: the three-month permit has expired.
  t.clock.set('2026-09-01T10:00:00+08:00');
  s = await sessions(t, 'applicant', 'admin', 'agency');
}, 120_000);
afterAll(async () => t?.close());

const fixtures = (): RegistryFixtures => ({
  licence: OWN,
  // Well-formed (valid check character), held by nobody.
  unknownUscc: '91350100M000100Y43',
  certificates: { valid: certs.valid.number, revoked: certs.revoked.number, expired: certs.expired.number },
  unknownNumber: 'SZ-ZJJ〔2026〕SGTSC-99999号',
});

registryContract('reference (platform tables)', () => new ReferenceRegistryProvider(t.database.db, t.clock), fixtures);

describe('the reference provider', () => {
  it('shares certificates only, not decision letters, and says where the answer came from', async () => {
    const provider = new ReferenceRegistryProvider(t.database.db, t.clock);
    expect(await provider.certificate(certs.valid.number)).toEqual({
      number: certs.valid.number,
      title: '施工图设计文件审查合格书',
      holderName: OWN.name,
      holderUscc: OWN.uscc,
      issueDate: '2026-03-02',
      validUntil: null,
      status: 'valid',
      issuer: '苏州市住房和城乡建设局',
      source: 'tongban',
    });
    expect(await provider.businessLicence(OWN.uscc.toLowerCase())).toMatchObject({ uscc: OWN.uscc, name: OWN.name, status: 'active', regionCode: '320508' });
    await t.database.db.updateTable('certificate').set({ kind: 'decision_letter' }).where('id', '=', certs.valid.id).execute();
    expect(await provider.certificate(certs.valid.number)).toBeNull();
    await t.database.db.updateTable('certificate').set({ kind: 'certificate' }).where('id', '=', certs.valid.id).execute();
  });
});

describe('sharing routes', () => {
  const call = (u: string | null) => as(t.app, u ? s[u]! : null);

  it('answer signed-in users with the record, 404 NOT_FOUND when unknown', async () => {
    const licence = await call('applicant')('GET', `/api/v1/sharing/business-licence/${OWN.uscc}`);
    expect(licence.statusCode, licence.body).toBe(200);
    expect(licence.json()).toMatchObject({ uscc: OWN.uscc, name: OWN.name, source: 'tongban' });
    const expired = await call('agency')('GET', `/api/v1/sharing/certificates/${encodeURIComponent(certs.expired.number)}`);
    expect(expired.statusCode, expired.body).toBe(200);
    expect(expired.json()).toMatchObject({ number: certs.expired.number, status: 'expired', validUntil: '2026-06-01' });
    const revoked = await call('admin')('GET', `/api/v1/sharing/certificates/${encodeURIComponent(certs.revoked.number)}`);
    expect(revoked.json().status).toBe('revoked');
    for (const url of ['/api/v1/sharing/business-licence/91350100M000100Y43', '/api/v1/sharing/business-licence/not-a-uscc', `/api/v1/sharing/certificates/${encodeURIComponent('SZ-ZJJ〔2026〕SGTSC-99999号')}`, '/api/v1/sharing/certificates/%00']) {
      const res = await call('applicant')('GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(errorCode(res)).toBe('NOT_FOUND');
    }
  });

  it('refuse anonymous callers', async () => {
    for (const url of [`/api/v1/sharing/business-licence/${OWN.uscc}`, `/api/v1/sharing/certificates/${encodeURIComponent(certs.valid.number)}`]) {
      const res = await call(null)('GET', url);
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
    }
  });
});

describe('the application form prefills from the registry', () => {
  /** A province exchange's answer: the registered name differs in form from what the platform holds. */
  const province = (behaviour: 'answers' | 'fails'): RegistryProvider => ({
    async businessLicence(uscc) {
      if (behaviour === 'fails') throw new Error('province exchange unreachable');
      return { uscc, name: '苏州示范置业有限公司（登记名）', legalRepresentative: '张三', registeredAddress: '苏州市姑苏区', regionCode: '320508', status: 'active', source: 'province' };
    },
    async certificate() {
      return null;
    },
  });
  const draftForm = async (ctx: TestContext) => {
    const { applicant } = await sessions(ctx, 'applicant');
    const project = await createProject(ctx, applicant!);
    const res = await as(ctx.app, applicant!)('POST', '/api/v1/applications', { projectId: project.id, processId: await processIdOf(ctx, 'SZ-T3'), stageCode: 3, answers: STAGE3_ANSWERS });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ form: Record<string, unknown> }>().form;
  };

  it('takes the unit from the registry, and from the platform record when the registry fails', async () => {
    const answering = await createTestApp({}, { registry: province('answers') });
    try {
      expect(await draftForm(answering)).toMatchObject({ constructionUnit: '苏州示范置业有限公司（登记名）', constructionUnitUscc: OWN.uscc });
    } finally {
      await answering.close();
    }
    const failing = await createTestApp({}, { registry: province('fails') });
    try {
      expect(await draftForm(failing)).toMatchObject({ constructionUnit: OWN.name, constructionUnitUscc: OWN.uscc });
    } finally {
      await failing.close();
    }
  }, 60_000);
});
