import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MOBILE, horizontalOverflow, launchBrowser, login, screenshot, screenshotOnFailure, visibleText, type TestBrowser } from './support/browser.ts';
import { startServer, type TestServer } from './support/server.ts';

/**
 * The catalog end to end: an admin publishes a new version of a matter, and a visitor without an
 * account finds it in the public service guide and gets an explained matter list for an
 * industrial project. The tests run in order (the visitor sees what the admin published).
 */
let server: TestServer;
let browser: TestBrowser;
let page: Page | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
beforeEach(async (ctx) => {
  await browser.context.clearCookies();
  page = await browser.context.newPage();
  screenshotOnFailure(ctx, () => page);
});
afterEach(async () => {
  await page?.close();
  page = undefined;
});

describe('catalog', () => {
  it('admin opens a new draft of 建筑工程施工许可证核发, shortens the promised limit and publishes it', async () => {
    const p = page!;
    await login(p, server.baseUrl, 'admin', server.password);
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

  it('a visitor finds the matter by a Chinese search and sees the new promised limit', async () => {
    const p = page!;
    await p.goto(`${server.baseUrl}/login`);
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
    const p = page!;
    await p.goto(`${server.baseUrl}/guide`);
    await p.getByTestId('guide-process-SZ-T6').click();
    await p.getByTestId('guide-question-eia').waitFor({ state: 'visible' });

    await p.getByTestId('guide-answer-needsApproval-no').click();
    await p.getByTestId('guide-answer-inParkAssessed-no').click();
    await p.getByTestId('guide-answer-eia-table').click();
    const area = p.getByTestId('guide-answer-landArea').locator('input');
    await area.fill('2');
    await area.press('Tab');
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
    const p = page!;
    await p.setViewportSize(MOBILE);
    await p.goto(`${server.baseUrl}/guide`);
    await p.getByTestId('guide-process-SZ-T6').click();
    await p.getByTestId('guide-stage-1').waitFor({ state: 'visible' });
    const { scrollWidth, clientWidth } = await horizontalOverflow(p);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await screenshot(p, 'guide-mobile');
  });
});
