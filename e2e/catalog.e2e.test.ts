import { describe, expect, it } from 'vitest';
import { MOBILE, horizontalOverflow, login, screenshot, visibleText } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';

/**
 * The catalog end to end: an admin publishes a new version of a matter and of a process, and a
 * visitor without an account finds both in the public service guide and gets an explained matter list for an
 * industrial project. The tests run in order (the visitor sees what the admin published).
 */
const env = useServerAndBrowser();

describe('catalog', () => {
  it('admin opens a new draft of 建筑工程施工许可证核发, shortens the promised limit and publishes it', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'admin', env.server.password);
    await p.getByTestId('menu-admin-catalog-matters').click();
    await p.waitForURL((url) => url.pathname === '/admin/catalog/matters');
    await p.getByTestId('catalog-matters-table').waitFor({ state: 'visible' });
    await p.getByTestId('catalog-matter-row-SZ-ZJJ-SGXK').click();
    await p.waitForURL((url) => /^\/admin\/catalog\/matters\/\d+$/.test(url.pathname));

    await p.getByTestId('matter-new-draft').click();
    await p.getByTestId('matter-save').waitFor({ state: 'visible' });
    const promised = p.getByTestId('matter-edit-promisedLimitDays').locator('input');
    expect(await promised.inputValue()).toBe('3');
    await promised.fill('2');
    await promised.press('Tab');
    await screenshot(p, 'catalog-matter-draft');

    await p.getByTestId('matter-publish').click();
    await p.locator('.el-message-box__btns .el-button--primary').click();
    await p.locator('.el-message', { hasText: '已发布 v2' }).waitFor({ state: 'visible' });
    await p.getByTestId('matter-new-draft').waitFor({ state: 'visible' });
    expect(await p.getByTestId('matter-edit-promisedLimitDays').locator('input').inputValue()).toBe('2');

    await p.getByTestId('matter-tab-versions').click();
    expect(await visibleText(p.getByTestId('matter-version-status-2'))).toBe('已发布');
    expect(await visibleText(p.getByTestId('matter-version-status-1'))).toBe('已废止');
    await screenshot(p, 'catalog-matter-versions');
  });

  it('admin publishes a new version of the small-project process with a longer permit stage', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'admin', env.server.password);
    await p.goto(`${env.server.baseUrl}/admin/catalog/processes`);
    await p.getByTestId('catalog-process-row-SZ-T4').click();
    await p.waitForURL((url) => /^\/admin\/catalog\/processes\/\d+$/.test(url.pathname));
    expect(await visibleText(p.getByTestId('process-stage-3'))).toContain('5 工作日');

    await p.getByTestId('process-new-draft').click();
    await p.getByTestId('process-save').waitFor({ state: 'visible' });
    await p.getByTestId('process-tab-stages').click();
    const limit = p.getByTestId('process-stage-edit-3').locator('.el-input-number input');
    expect(await limit.inputValue()).toBe('5');
    await limit.fill('6');
    await limit.press('Tab');
    await p.getByTestId('process-publish').click();
    await p.locator('.el-message-box__btns .el-button--primary').click();
    await p.locator('.el-message', { hasText: '已发布 v2' }).waitFor({ state: 'visible' });
    await p.getByTestId('process-new-draft').waitFor({ state: 'visible' });
    await p.getByTestId('process-tab-diagram').click();
    expect(await visibleText(p.getByTestId('process-stage-3'))).toContain('6 工作日');
    await screenshot(p, 'catalog-process-published');
  });

  it('a visitor sees the new process version in the public guide', async () => {
    const p = env.page;
    await p.goto(`${env.server.baseUrl}/guide`);
    await p.getByTestId('guide-process-SZ-T4').click();
    const stage3 = p.getByTestId('guide-stage-3');
    await stage3.filter({ hasText: '6 个工作日' }).waitFor({ state: 'visible' });
    expect(await visibleText(stage3)).toContain('建筑工程施工许可证核发');
  });

  it('a visitor finds the matter by a Chinese search and sees the new promised limit', async () => {
    const p = env.page;
    await p.goto(`${env.server.baseUrl}/login`);
    await p.getByTestId('login-guide-link').click();
    await p.waitForURL((url) => url.pathname === '/guide');
    await p.getByTestId('guide-nav-matters').click();
    await p.waitForURL((url) => url.pathname === '/guide/matters');

    await p.getByTestId('guide-search').fill('施工许可');
    const hit = p.getByTestId('guide-result-SZ-ZJJ-SGXK');
    expect(await visibleText(hit)).toContain('建筑工程施工许可证核发');
    // Only matching matters are left.
    await p.getByTestId('guide-result-SZ-FGW-BA').waitFor({ state: 'detached' });
    await screenshot(p, 'guide-search');

    await hit.click();
    await p.getByTestId('matter-guide').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('matter-guide-name'))).toBe('建筑工程施工许可证核发');
    expect(await visibleText(p.getByTestId('matter-guide-promised'))).toBe('2 个工作日');
    expect(await visibleText(p.getByTestId('matter-guide-materials'))).toContain('建筑工程施工许可证申请表');
    await screenshot(p, 'guide-matter');
  });

  it('a visitor answers the questions of the industrial process and gets an explained matter list', async () => {
    const p = env.page;
    await p.goto(`${env.server.baseUrl}/guide`);
    await p.getByTestId('guide-process-SZ-T6').click();
    await p.getByTestId('guide-question-eia').waitFor({ state: 'visible' });

    await p.getByTestId('guide-answer-needsApproval-no').click();
    await p.getByTestId('guide-answer-inParkAssessed-no').click();
    await p.getByTestId('guide-answer-eia-table').click();
    const area = p.getByTestId('guide-answer-landArea').locator('input');
    await area.fill('2');
    await area.press('Tab');
    const height = p.getByTestId('guide-answer-buildingHeight').locator('input');
    await height.fill('20');
    await height.press('Tab');
    await p.getByTestId('guide-answer-specialFire-no').click();
    await p.getByTestId('guide-answer-civilAirDefence-none').click();
    await p.getByTestId('guide-answer-earthwork-no').click();

    const eia = p.getByTestId('guide-matter-SZ-STHJ-BGB');
    expect(await visibleText(eia)).toContain('建设项目环境影响报告表审批');
    expect(await visibleText(eia.getByTestId('guide-matter-reason'))).toContain('报告表');
    await p.getByTestId('guide-summary').filter({ hasText: '问题已全部回答' }).waitFor({ state: 'visible' });
    // Outside an assessed park with 2 ha of land: soil and water conservation applies; the EIA report (书) does not.
    await p.getByTestId('guide-matter-SZ-SWJ-SBFA').waitFor({ state: 'visible' });
    expect(await p.getByTestId('guide-matter-SZ-STHJ-BGS').count()).toBe(0);
    expect(await p.getByTestId('guide-matter-SZ-FGW-BA').count()).toBe(1);
    expect(await p.getByTestId('guide-matter-SZ-FGW-HZ').count()).toBe(0);
    // Stages in order, each with its lead department and time limit.
    expect(await visibleText(p.getByTestId('guide-stage-1'))).toContain('苏州市发展和改革委员会');
    expect(await visibleText(p.getByTestId('guide-stage-3'))).toContain('建筑工程施工许可证核发');

    await p.getByTestId('guide-materials-toggle-SZ-STHJ-BGB').click();
    expect(await visibleText(p.getByTestId('guide-materials-SZ-STHJ-BGB'))).toContain('建设项目环境影响报告表');
    await screenshot(p, 'guide-industrial');
  });

  it('the guide fits a 375 px phone', async () => {
    const p = env.page;
    await p.setViewportSize(MOBILE);
    await p.goto(`${env.server.baseUrl}/guide`);
    await p.getByTestId('guide-process-SZ-T6').click();
    await p.getByTestId('guide-stage-1').waitFor({ state: 'visible' });
    const { scrollWidth, clientWidth } = await horizontalOverflow(p);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await screenshot(p, 'guide-mobile');
  });
});
