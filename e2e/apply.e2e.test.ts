import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MOBILE, horizontalOverflow, login, screenshot, visibleText } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';

/**
 * The applicant's journey through the UI, with the window in between: register a project, apply
 * for stage 3 (施工许可) of SZ-T3 — guided answers → matters → unified form → materials →
 * submit —, the window asks for one supplement, the applicant resubmits, the window accepts and
 * the applicant sees the parallel cases with their clocks. The tests run in order.
 */
const env = useServerAndBrowser();

const CODE = `2026-320508-47-01-${String(Math.floor(Math.random() * 900_000) + 100_000)}`;
const PROJECT = '姑苏示范住宅项目（二期）';
/** A small but real PDF: the server sniffs the first bytes. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const SUPPLEMENT_REASON = '施工图缺少消防设计专篇，请补充后重新上传';

/** Filled in by the tests in order. */
let applicationId = 0;
let applicationNumber = '';

/** Picks an option of an Element Plus select: open it, click the option in its popup. */
async function choose(p: Page, selectTestId: string, optionTestId: string): Promise<void> {
  await p.getByTestId(selectTestId).click();
  const option = p.getByTestId(optionTestId);
  await option.waitFor({ state: 'visible' });
  await option.click();
  await option.waitFor({ state: 'hidden' });
}

/** Confirms the open Element Plus message box. */
async function confirmBox(p: Page): Promise<void> {
  await p.locator('.el-message-box__btns .el-button--primary').click();
}

async function openApplication(p: Page, username: string): Promise<void> {
  await login(p, env.server.baseUrl, username, env.server.password);
  await p.goto(`${env.server.baseUrl}/applications/${applicationId}`);
  await p.getByTestId('application-status').waitFor({ state: 'visible' });
}

describe('applying for a construction permit (施工许可)', () => {
  it('applicant registers a project and is told when the project code is wrong', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'applicant', env.server.password);
    await p.getByTestId('menu-projects').click();
    await p.waitForURL((url) => url.pathname === '/projects');

    await p.getByTestId('project-create').click();
    const code = p.getByTestId('project-form-code');
    await code.fill('2026-3205-47-01-1');
    await p.getByTestId('project-form-name').fill(PROJECT);
    // Checked here as the server checks it.
    await p.locator('.el-form-item__error', { hasText: '项目代码格式应为' }).waitFor({ state: 'visible' });
    await choose(p, 'project-form-type', 'project-form-type-option-3');
    await p.getByTestId('project-form-investment').locator('input').fill('52000');
    await p.getByTestId('project-form-land-area').locator('input').fill('12000');
    await p.getByTestId('project-form-floor-area').locator('input').fill('36000');
    await p.getByTestId('project-form-location').fill('苏州市姑苏区示范路 1 号');
    // Right shape, but a region that does not exist: the server's answer lands on the field.
    await code.fill(CODE.replace('320508', '329999'));
    await p.getByTestId('project-form-submit').click();
    await p.locator('.el-alert', { hasText: '行政区划 329999 不存在' }).waitFor({ state: 'visible' });

    await code.fill(CODE);
    await p.getByTestId('project-form-submit').click();
    const row = p.getByTestId(`project-row-${CODE}`);
    await row.waitFor({ state: 'visible' });
    const tr = p.locator('tr', { has: row });
    expect(await visibleText(tr)).toContain('一般社会投资类');
    expect(await visibleText(tr)).toContain('姑苏区');
    await screenshot(p, 'apply-projects');
  });

  it('applicant answers the guided questions of stage 3 and sees the matters that apply, then creates the draft', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'applicant', env.server.password);
    await p.getByTestId('menu-projects').click();
    await p.locator('tr', { has: p.getByTestId(`project-row-${CODE}`) }).locator('[data-testid^="apply-project-"]').click();
    await p.waitForURL((url) => url.pathname === '/apply');
    expect(await visibleText(p.getByTestId('wizard-project-facts'))).toContain(CODE);

    await p.getByTestId('wizard-stage-3').click();
    await p.getByTestId('guide-question-specialFire').waitFor({ state: 'visible' });
    await p.getByTestId('guide-answer-specialFire-no').click();
    await p.getByTestId('guide-answer-civilAirDefence-build').click();
    await p.getByTestId('guide-answer-earthwork-yes').click();

    const result = p.getByTestId('wizard-result');
    await p.getByTestId('wizard-summary').filter({ hasText: '共 4 个事项需要办理' }).waitFor({ state: 'visible' });
    for (const code of ['SZ-ZJJ-SGTSC', 'SZ-RFB-SJSC', 'SZ-CGJ-JZLJ', 'SZ-ZJJ-SGXK']) {
      await result.getByTestId(`matter-${code}`).waitFor({ state: 'visible' });
    }
    // Each matter says why it applies.
    expect(await visibleText(result.getByTestId('matter-SZ-RFB-SJSC').getByTestId('matter-reason'))).toContain('结合修建');
    expect(await result.getByTestId('matter-SZ-ZJJ-XFSJ').count()).toBe(0);
    await screenshot(p, 'apply-wizard');

    await p.getByTestId('wizard-create').click();
    await p.waitForURL((url) => /^\/applications\/\d+$/.test(url.pathname));
    applicationId = Number(new URL(p.url()).pathname.split('/').pop());
    applicationNumber = await visibleText(p.getByTestId('application-number'));
    expect(applicationNumber).toMatch(/^SB\d{11}$/);
    expect(await visibleText(p.getByTestId('application-status'))).toBe('草稿');
    expect(await visibleText(p.getByTestId('answers-summary'))).toContain('结合修建');
  });

  it('applicant fills the unified form, uploads a PDF per required material and submits', async () => {
    const p = env.page;
    await openApplication(p, 'applicant');

    // Submitting too early lists everything still missing.
    await p.getByTestId('submit-application').click();
    const errors = p.getByTestId('submit-errors');
    expect(await visibleText(errors)).toContain('请填写');
    expect(await visibleText(errors)).toContain('请上传');

    // 项目信息复用, then the rest by hand; every change is saved on its own.
    await p.getByTestId('form-fill-project').click();
    expect(await p.getByTestId('form-field-constructionUnit').locator('input').inputValue()).toBe('苏州示范置业有限公司');
    const values: Record<string, string> = {
      designUnit: '苏州建筑设计研究院有限公司',
      contractor: '苏州建工集团有限公司',
      contractAmount: '38000',
      shelterArea: '4200',
      earthworkVolume: '26000',
      plannedStart: '2027-03-01',
      plannedFinish: '2029-06-30',
    };
    const fields = await p.locator('[data-testid^="form-field-"][data-type]').evaluateAll((els) =>
      els.map((e) => ({ id: e.getAttribute('data-testid')!, type: e.getAttribute('data-type')!, value: e.querySelector('input')?.value ?? '' })),
    );
    expect(fields.length).toBeGreaterThan(5);
    for (const f of fields) {
      if (f.value) continue;
      const key = f.id.replace('form-field-', '');
      const input = p.getByTestId(f.id).locator('input').first();
      await input.fill(values[key] ?? (f.type === 'number' ? '100' : f.type === 'date' ? '2027-03-01' : `测试${key}`));
      if (f.type === 'date') await input.press('Enter');
    }
    await p.getByTestId('form-saved').waitFor({ state: 'visible' });

    // A file whose content is not a PDF is refused by the server, and said so at the requirement.
    const required = await p
      .locator('[data-testid^="requirement-"][data-required="true"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('requirement-', '')));
    expect(required.length).toBeGreaterThan(8);
    const first = required[0];
    await p.getByTestId(`upload-${first}`).locator('input[type=file]').setInputFiles({ name: '伪装.pdf', mimeType: 'application/pdf', buffer: Buffer.from('this is not a PDF at all') });
    expect(await visibleText(p.getByTestId(`upload-error-${first}`))).toContain('格式');

    for (const id of required) {
      await p.getByTestId(`upload-${id}`).locator('input[type=file]').setInputFiles({ name: `材料-${id}.pdf`, mimeType: 'application/pdf', buffer: PDF });
      await p.locator(`[data-testid="requirement-${id}"][data-files="1"]`).waitFor({ state: 'visible' });
    }
    await p.getByTestId('problems-none').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId(`requirement-${first}`))).toMatch(/SM3 [0-9a-f]{8}…/);
    await screenshot(p, 'apply-draft-complete');

    await p.getByTestId('submit-application').click();
    await confirmBox(p);
    await p.getByTestId('application-status').filter({ hasText: '已接件' }).waitFor({ state: 'visible' });
  });

  it('the window opens its desk and asks for one supplement (一次性告知)', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'clerk', env.server.password);
    await p.getByTestId('menu-window-acceptance').click();
    await p.waitForURL((url) => url.pathname === '/window/acceptance');
    await p.getByTestId(`app-row-${applicationNumber}`).click();
    await p.getByTestId('window-desk').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('completeness-summary'))).toContain('齐全');

    await p.getByTestId('window-supplement').click();
    const item = p.getByTestId('supplement-item-0');
    await item.waitFor({ state: 'visible' });
    const itemName = await visibleText(item.locator('.tb-sup__name'));
    await p.getByTestId('supplement-check-0').click();
    await p.getByTestId('supplement-reason-0').fill(SUPPLEMENT_REASON);
    await screenshot(p, 'apply-window-supplement');
    await p.getByTestId('dialog-confirm').click();
    await p.getByTestId('application-status').filter({ hasText: '待补正' }).waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('window-supplement-items'))).toContain(itemName);

    // It is now on the supplement list, not on the acceptance desk.
    await p.getByTestId('menu-window-supplement').click();
    await p.getByTestId(`app-row-${applicationNumber}`).waitFor({ state: 'visible' });
  });

  it('applicant sees the supplement request, uploads again and resubmits', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'applicant', env.server.password);
    await p.getByTestId('menu-applications').click();
    expect(await visibleText(p.getByTestId(`app-status-${applicationNumber}`))).toContain('待补正');
    await p.getByTestId(`app-row-${applicationNumber}`).click();
    expect(await visibleText(p.getByTestId('window-supplement-items'))).toContain(SUPPLEMENT_REASON);

    const highlighted = p.locator('[data-testid^="requirement-"].is-highlighted');
    await highlighted.waitFor({ state: 'visible' });
    const id = (await highlighted.getAttribute('data-testid'))!.replace('requirement-', '');
    await p.getByTestId(`upload-${id}`).locator('input[type=file]').setInputFiles({ name: '施工图（含消防专篇）.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.from('% fire\n')]) });
    await p.locator(`[data-testid="requirement-${id}"][data-files="2"]`).waitFor({ state: 'visible' });

    await p.getByTestId('submit-application').click();
    await confirmBox(p);
    await p.getByTestId('application-status').filter({ hasText: '已接件' }).waitFor({ state: 'visible' });
  });

  it('the window accepts, and the applicant sees the four parallel cases with their due dates', async () => {
    const p = env.page;
    await openApplication(p, 'clerk');
    await p.getByTestId('window-accept').click();
    await p.getByTestId('accept-dialog').getByText('建筑工程施工许可证核发').waitFor({ state: 'visible' });
    await p.getByTestId('dialog-confirm').click();
    await p.getByTestId('application-status').filter({ hasText: '办理中' }).waitFor({ state: 'visible' });

    await p.context().clearCookies();
    await openApplication(p, 'applicant');
    await p.getByTestId('section-cases').waitFor({ state: 'visible' });
    expect(await p.locator('[data-testid^="case-SZ-"]').count()).toBe(4);
    for (const code of ['SZ-ZJJ-SGTSC', 'SZ-RFB-SJSC', 'SZ-CGJ-JZLJ']) {
      const c = p.getByTestId(`case-${code}`);
      expect(await visibleText(c.getByTestId('case-status'))).toBe('办理中');
      expect(await visibleText(c.getByTestId('case-step'))).toBe('承办');
      expect(await visibleText(c.getByTestId('case-holders'))).toBe('待签收');
      expect(await visibleText(c.getByTestId('case-due'))).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(await visibleText(c.getByTestId('case-days-left'))).toMatch(/剩余 \d+ 个工作日/);
      expect(await c.getByTestId('case-level').getAttribute('data-level')).toBe('green');
    }
    // The permit waits for the drawing review: no clock yet.
    const permit = p.getByTestId('case-SZ-ZJJ-SGXK');
    expect(await visibleText(permit.getByTestId('case-status'))).toBe('等待前置');
    expect(await visibleText(permit.getByTestId('case-no-clock'))).toContain('施工图设计文件联合审查');
    expect(await visibleText(p.getByTestId('stage-due'))).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The window's supplement request and its end are on the record.
    const timeline = p.getByTestId('returns-timeline');
    expect(await visibleText(timeline)).toContain('补正告知');
    expect(await visibleText(timeline)).toContain(SUPPLEMENT_REASON);
    await screenshot(p, 'apply-cases');
  });

  it('the application page fits a 390 px phone', async () => {
    const p = env.page;
    await p.setViewportSize({ width: 390, height: MOBILE.height });
    await openApplication(p, 'applicant');
    await p.getByTestId('section-cases').waitFor({ state: 'visible' });
    const { scrollWidth, clientWidth } = await horizontalOverflow(p);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await screenshot(p, 'apply-cases-mobile');
  });
});
