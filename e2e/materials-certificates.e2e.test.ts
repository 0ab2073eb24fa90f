import type { ApplicationView, CaseView, CertificateView, TaskSummary } from '@tongban/contracts';
import { usccCheckChar } from '@tongban/contracts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderPdf } from '../apps/server/src/lib/pdfmake.ts';
import { STAGE3_ANSWERS, TINY_PDF, api, apiLogin, type ApiSession } from './support/api.ts';
import { horizontalOverflow, login, screenshot, visibleText } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';

/**
 * Materials, pre-check and certificates end to end: the applicant applies for stage 3 (施工许可)
 * of SZ-T3, attaches a business licence whose credit code differs from the form and is told so by
 * the pre-check before submitting (and again when submitting anyway); uploads the right licence,
 * submits; the window sees the pre-check on its desk and previews a file, accepts; the departments
 * approve (through the API: their pages are covered by approval.e2e); the signed permit appears
 * in the applicant's certificates, the public verify page says authentic (also on a phone, also
 * for the PDF itself), and after 住建's approver revokes it, revoked with the reason.
 * The tests run in order.
 */
const env = useServerAndBrowser();

const NAME = '苏州示范置业有限公司';
const uscc = (first17: string) => first17 + usccCheckChar(first17)!;
/** The applicant's enterprise (demo seed). */
const RIGHT_USCC = uscc('91320508MA1PDEM00');
/** A valid code, but another enterprise's. */
const WRONG_USCC = uscc('91320594MA1NANWC0');
const PERMIT = 'SZ-ZJJ-SGXK';
const REVOKE_REASON = '施工单位资质证书被依法撤销，许可证依法吊销';

/** A 营业执照 with a real text layer, made with the platform's own PDF renderer. */
async function licencePdf(code: string): Promise<Buffer> {
  return renderPdf(
    {
      defaultStyle: { fontSize: 14 },
      content: [
        { text: '营业执照', fontSize: 28, alignment: 'center', margin: [0, 0, 0, 24] },
        {
          table: {
            widths: [150, '*'],
            body: [
              ['统一社会信用代码', code],
              ['名称', NAME],
              ['法定代表人', '张建设'],
              ['成立日期', '2018年06月15日'],
              ['营业期限', '2018年06月15日至2048年06月14日'],
            ],
          },
        },
      ],
    },
    new Date('2026-03-05T08:00:00Z'),
  );
}

/** Filled in by the tests in order. */
let app: ApplicationView;
let licenceReqId = 0;
let certificate: CertificateView;

const isLicence = (r: ApplicationView['requirements'][number]) => r.name.startsWith('营业执照');

async function openApplication(p: Page, username: string): Promise<void> {
  await login(p, env.server.baseUrl, username, env.server.password);
  await p.goto(`${env.server.baseUrl}/applications/${app.id}`);
  await p.getByTestId('application-status').waitFor({ state: 'visible' });
}

/** The draft, made through the API: project, answers, every form field, a file for each required material but the permit's licence. */
async function draftApplication(): Promise<ApplicationView> {
  const a = await apiLogin(env.server.baseUrl, 'applicant', env.server.password);
  const project = await api<{ id: number }>(a, 'POST', '/projects', {
    code: `2026-320508-47-01-${String(Math.floor(Math.random() * 900_000) + 100_000)}`,
    name: '姑苏证照示范项目',
    projectType: 3,
    investment: 52000,
    landArea: 12000,
    floorArea: 36000,
    location: '苏州市姑苏区示范路 9 号',
  });
  const processes = (await (await fetch(`${env.server.baseUrl}/api/v1/public/processes`)).json()) as { items: Array<{ code: string; processId: number }> };
  const processId = processes.items.find((x) => x.code === 'SZ-T3')!.processId;
  let view = await api<ApplicationView>(a, 'POST', '/applications', { projectId: project.id, processId, stageCode: 3, answers: STAGE3_ANSWERS });
  const given: Record<string, string | number | boolean> = {
    constructionUnit: NAME,
    constructionUnitUscc: RIGHT_USCC,
    contractAmount: 38000,
    plannedStart: '2027-03-01',
    plannedFinish: '2029-06-30',
  };
  const values: Record<string, string | number | boolean> = {};
  for (const f of view.formFields) {
    if (given[f.key] !== undefined) values[f.key] = given[f.key]!;
    else if (f.required && view.form[f.key] === undefined) {
      values[f.key] = f.type === 'number' ? 100 : f.type === 'date' ? '2027-04-01' : f.type === 'boolean' ? true : f.type === 'choice' ? f.options![0].value : `测试${f.label}`;
    }
  }
  view = await api<ApplicationView>(a, 'PATCH', `/applications/${view.id}/form`, { version: view.version, values });
  const rightLicence = await licencePdf(RIGHT_USCC);
  for (const r of view.requirements.filter((x) => x.required)) {
    if (isLicence(r) && r.matterCode === PERMIT) continue;
    const body = isLicence(r) ? rightLicence : TINY_PDF;
    await api(a, 'POST', `/applications/${view.id}/materials?requirementId=${r.id}`, body, { headers: { 'x-file-name': encodeURIComponent(`${r.name}.pdf`), 'content-type': 'application/pdf' } });
  }
  return api<ApplicationView>(a, 'GET', `/applications/${view.id}`);
}

/** Runs a case to its end: each open task is claimed and approved by someone of its role in the department. */
async function approveCase(caseId: string, people: ApiSession[], roles: Map<number, string>): Promise<CaseView> {
  const [first] = people;
  for (let i = 0; i < 30; i++) {
    const c = await api<CaseView>(first, 'GET', `/cases/${caseId}`);
    if (['approved', 'approved_deficiency', 'refused'].includes(c.status)) return c;
    const task = c.tasks.find((x: TaskSummary) => x.status === 'open');
    if (!task || c.status !== 'handling') {
      await new Promise((r) => setTimeout(r, 300));
      continue;
    }
    const who = (task.assignee && people.find((s) => s.userId === task.assignee!.id)) ?? people.find((s) => roles.get(s.userId) === task.role)!;
    let version = task.version;
    if (!task.assignee || !task.claimed) {
      await api(who, 'POST', `/tasks/${task.id}/claim`, { version });
      const again = await api<CaseView>(who, 'GET', `/cases/${caseId}`);
      version = again.tasks.find((x) => x.id === task.id)!.version;
    }
    await api(who, 'POST', `/tasks/${task.id}/complete`, { version, decision: 'approve', opinion: `${task.stepName}：同意` });
  }
  throw new Error(`case ${caseId} did not conclude`);
}

describe('material library, pre-check and certificates', () => {
  it('applicant attaches a licence whose credit code differs from the form and the pre-check says so before submitting', async () => {
    app = await draftApplication();
    licenceReqId = app.requirements.find((r) => isLicence(r) && r.matterCode === PERMIT)!.id;
    const p = env.page;
    await openApplication(p, 'applicant');

    // What the library already holds (the other matters' licences) is offered for reuse.
    await p.getByTestId(`reuse-${licenceReqId}`).waitFor({ state: 'visible' });

    await p.getByTestId(`upload-${licenceReqId}`).locator('input[type=file]').setInputFiles({ name: '营业执照（旧）.pdf', mimeType: 'application/pdf', buffer: await licencePdf(WRONG_USCC) });
    const req = p.locator(`[data-testid="requirement-${licenceReqId}"][data-files="1"]`);
    await req.waitFor({ state: 'visible' });
    // The file's text was read, and it is in the library now.
    await req.locator('[data-testid="extraction-status"][data-status="read"]').waitFor({ state: 'visible' });
    await req.getByTestId('material-library-version').waitFor({ state: 'visible' });

    const problem = p.locator('[data-testid^="precheck-item-"][data-rule="licence-uscc-matches"]');
    await problem.waitFor({ state: 'visible' });
    expect(await problem.getAttribute('data-severity')).toBe('error');
    expect(await visibleText(problem)).toContain('营业执照');
    expect(await visibleText(problem.getByTestId('precheck-fix'))).toContain('如何修正');
    expect(Number(await p.getByTestId('precheck').getAttribute('data-errors'))).toBeGreaterThan(0);
    await screenshot(p, 'materials-precheck-problem', p.getByTestId('precheck'));

    // Submitting anyway: the server refuses with PRECHECK_FAILED, the report stays in view.
    await p.getByTestId('submit-application').click();
    expect(await visibleText(p.getByTestId('submit-errors'))).toContain('预审');
    expect(await visibleText(p.getByTestId('application-status'))).toBe('草稿');
  });

  it('applicant replaces it with the right licence, the pre-check passes and the application is submitted', async () => {
    const p = env.page;
    await openApplication(p, 'applicant');
    const wrong = p.locator(`[data-testid="requirement-${licenceReqId}"] [data-testid^="material-delete-"]`);
    await wrong.click();
    await p.locator('.el-message-box__btns .el-button--danger').click();
    await p.locator(`[data-testid="requirement-${licenceReqId}"][data-files="0"]`).waitFor({ state: 'visible' });

    await p.getByTestId(`upload-${licenceReqId}`).locator('input[type=file]').setInputFiles({ name: '营业执照.pdf', mimeType: 'application/pdf', buffer: await licencePdf(RIGHT_USCC) });
    await p.locator(`[data-testid="requirement-${licenceReqId}"][data-files="1"]`).waitFor({ state: 'visible' });
    await p.locator('[data-testid="precheck"][data-errors="0"]').waitFor({ state: 'visible' });
    expect(await p.locator('[data-testid^="precheck-item-"][data-rule="licence-uscc-matches"]').count()).toBe(0);
    await screenshot(p, 'materials-precheck-fixed', p.getByTestId('precheck'));

    await p.getByTestId('submit-application').click();
    await p.locator('.el-message-box__btns .el-button--primary').click();
    await p.getByTestId('application-status').filter({ hasText: '已接件' }).waitFor({ state: 'visible' });
  });

  it('the window sees the pre-check on its desk, previews a file in the page and accepts', async () => {
    const p = env.page;
    await openApplication(p, 'clerk');
    await p.getByTestId('window-desk').waitFor({ state: 'visible' });
    await p.locator('[data-testid="precheck"][data-errors="0"]').waitFor({ state: 'visible' });

    await p.locator(`[data-testid="completeness-req-${licenceReqId}"] [data-testid^="completeness-file-"]`).first().click();
    const frame = p.getByTestId('document-preview-frame');
    await frame.waitFor({ state: 'visible' });
    expect(await frame.getAttribute('src')).toMatch(new RegExp(`/api/v1/applications/${app.id}/materials/\\d+/content$`));
    // Chromium's PDF viewer really opened the file in the frame (the download is served under a CSP sandbox).
    await expect.poll(() => pdfViewerOpen(p), { timeout: 15_000 }).toBe(true);
    await screenshot(p, 'materials-desk-preview');
    await p.keyboard.press('Escape');
    await frame.waitFor({ state: 'detached' });

    await p.getByTestId('window-accept').click();
    await p.getByTestId('dialog-confirm').click();
    await p.getByTestId('application-status').filter({ hasText: '办理中' }).waitFor({ state: 'visible' });
  });

  it('住建 approves the drawing review and the permit; the reviewer sees the pre-check on the case page', async () => {
    const a = await apiLogin(env.server.baseUrl, 'applicant', env.server.password);
    app = await api<ApplicationView>(a, 'GET', `/applications/${app.id}`);
    const people = await Promise.all(['reviewer', 'approver'].map((u) => apiLogin(env.server.baseUrl, u, env.server.password)));
    const roles = new Map([
      [people[0].userId, 'reviewer'],
      [people[1].userId, 'approver'],
    ]);
    const permitCase = app.cases.find((c) => c.matterCode === PERMIT)!;

    const p = env.page;
    await login(p, env.server.baseUrl, 'reviewer', env.server.password);
    await p.goto(`${env.server.baseUrl}/cases/${permitCase.id}`);
    await p.locator('[data-testid="case-precheck"] [data-testid="precheck"][data-errors="0"]').waitFor({ state: 'visible' });

    // The permit waits for the drawing review (施工图审查) of the same department.
    await approveCase(app.cases.find((c) => c.matterCode === 'SZ-ZJJ-SGTSC')!.id, people, roles);
    const done = await approveCase(permitCase.id, people, roles);
    expect(done.status).toBe('approved');

    // The issuing job signs the permit within seconds.
    for (let i = 0; i < 60; i++) {
      const list = await api<{ items: CertificateView[] }>(a, 'GET', `/certificates?applicationId=${app.id}`);
      const found = list.items.find((c) => c.caseId === permitCase.id);
      if (found) {
        certificate = found;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(certificate?.kind).toBe('certificate');
    expect(certificate.holderUscc).toBe(RIGHT_USCC);
  });

  it('the certificate is in the applicant’s list and on the application page', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'applicant', env.server.password);
    await p.getByTestId('menu-certificates').click();
    await p.waitForURL((url) => url.pathname === '/certificates');
    const row = p.getByTestId(`certificate-row-${certificate.id}`);
    expect(await visibleText(row)).toContain(certificate.number);
    expect(await p.getByTestId(`certificate-status-${certificate.id}`).getAttribute('data-status')).toBe('valid');
    expect(await p.getByTestId(`certificate-revoke-${certificate.id}`).count()).toBe(0);
    expect(await p.getByTestId(`certificate-download-${certificate.id}`).getAttribute('href')).toBe(`/api/v1/certificates/${certificate.id}/pdf`);
    await p.getByTestId(`certificate-view-${certificate.id}`).click();
    expect(await p.getByTestId('document-preview-frame').getAttribute('src')).toBe(`/api/v1/certificates/${certificate.id}/pdf?inline=1`);
    await expect.poll(() => pdfViewerOpen(p), { timeout: 15_000 }).toBe(true);
    await screenshot(p, 'certificates-applicant');
    await p.keyboard.press('Escape');

    await p.goto(`${env.server.baseUrl}/applications/${app.id}`);
    const doc = p.getByTestId(`case-${PERMIT}`).getByTestId('case-document');
    expect(await visibleText(doc.getByTestId('case-document-number'))).toBe(certificate.number);
    expect(await doc.getAttribute('data-status')).toBe('valid');
  });

  it('the public verify page says authentic, for the code and for the signed PDF', async () => {
    const p = env.page;
    await p.goto(`${env.server.baseUrl}/verify/${certificate.verificationCode}`);
    await p.locator('[data-testid="verify-result"][data-status="authentic"]').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('verify-status'))).toBe('真实有效');
    expect(await visibleText(p.getByTestId('verify-field-number'))).toContain(certificate.number);
    expect(await visibleText(p.getByTestId('verify-field-holder'))).toContain(NAME);

    const a = await apiLogin(env.server.baseUrl, 'applicant', env.server.password);
    const res = await fetch(`${env.server.baseUrl}/api/v1/certificates/${certificate.id}/pdf`, { headers: { cookie: a.cookie } });
    expect(res.status).toBe(200);
    const signed = Buffer.from(await res.arrayBuffer());
    await p.getByTestId('verify-pdf').locator('input[type=file]').setInputFiles({ name: `${certificate.number}.pdf`, mimeType: 'application/pdf', buffer: signed });
    await p.locator('[data-testid="verify-pdf-result"][data-result="valid"]').waitFor({ state: 'visible' });
    await screenshot(p, 'verify-authentic');
  });

  it('the verify page reads well on a 390 × 844 phone', async () => {
    const p = env.page;
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto(`${env.server.baseUrl}/verify/${certificate.verificationCode}`);
    const banner = p.getByTestId('verify-status');
    await banner.waitFor({ state: 'visible' });
    const box = await banner.boundingBox();
    expect(box!.y).toBeLessThan(400);
    const size = await banner.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(20);
    const { scrollWidth, clientWidth } = await horizontalOverflow(p);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await screenshot(p, 'verify-phone');

    // The public pages link to /verify, which asks for the code.
    await p.goto(`${env.server.baseUrl}/guide`);
    await p.getByTestId('guide-nav-verify').click();
    await p.waitForURL((url) => url.pathname === '/verify');
    await p.getByTestId('verify-code-input').fill(certificate.verificationCode.toLowerCase());
    await p.getByTestId('verify-code-submit').click();
    await p.locator('[data-testid="verify-result"][data-status="authentic"]').waitFor({ state: 'visible' });
  });

  it('住建’s approver revokes it with a reason, and the verify page then says revoked', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'approver', env.server.password);
    await p.getByTestId('menu-certificates').click();
    await p.getByTestId(`certificate-revoke-${certificate.id}`).click();
    await p.getByTestId('dialog-reason').fill(REVOKE_REASON);
    await p.getByTestId('dialog-confirm').click();
    await p.locator(`[data-testid="certificate-status-${certificate.id}"][data-status="revoked"]`).waitFor({ state: 'visible' });

    await p.goto(`${env.server.baseUrl}/verify/${certificate.verificationCode}`);
    await p.locator('[data-testid="verify-result"][data-status="revoked"]').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('verify-status'))).toBe('已吊销');
    expect(await visibleText(p.getByTestId('verify-revocation'))).toContain(REVOKE_REASON);
    await screenshot(p, 'verify-revoked');
  });
});

/** Chromium shows a PDF through its built-in viewer, a frame of its PDF extension inside ours. */
function pdfViewerOpen(p: Page): boolean {
  return p.frames().some((f) => f.url().startsWith('chrome-extension://') && f.url().endsWith('/index.html'));
}
