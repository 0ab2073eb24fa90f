import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MOBILE,
  horizontalOverflow,
  isLoginUrl,
  launchBrowser,
  login,
  screenshot,
  screenshotOnFailure,
  visibleText,
  type TestBrowser,
} from './support/browser.ts';
import { startServer, type TestServer } from './support/server.ts';

/**
 * What a role may not open, the remembered language, the phone layout and signing in with the
 * keyboard only. Each test gets its own browser profile, so no session or language choice leaks
 * from one test into the next.
 */
let server: TestServer;
let browser: TestBrowser | undefined;
let page: Page | undefined;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach((ctx) => {
  screenshotOnFailure(ctx, () => page);
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  page = undefined;
});

async function open(viewport?: { width: number; height: number }): Promise<Page> {
  browser = await launchBrowser(viewport);
  page = browser.page;
  return page;
}

describe('access by role', () => {
  it('an applicant who types /admin/users gets the 403 page, and has no admin menu', async () => {
    const p = await open();
    await login(p, server.baseUrl, 'applicant', server.password);
    await p.getByTestId('home-applicant').waitFor({ state: 'visible' });
    await p.getByTestId('menu-home').waitFor({ state: 'visible' });
    for (const id of ['menu-admin-users', 'menu-admin-departments', 'menu-admin-regions']) {
      expect(await p.getByTestId(id).count(), id).toBe(0);
    }

    await p.goto(`${server.baseUrl}/admin/users`);
    const forbidden = p.getByTestId('page-forbidden');
    expect(await visibleText(forbidden)).toContain('无权访问');
    // The 403 page is shown under the address the user typed.
    expect(new URL(p.url()).pathname).toBe('/admin/users');
    expect(await p.getByTestId('users-table').count()).toBe(0);
    expect(await p.getByTestId('users-page').count()).toBe(0);
    expect(await p.getByTestId('menu-admin-users').count()).toBe(0);
    await screenshot(p, 'forbidden-applicant-admin-users');

    await forbidden.getByRole('button', { name: '返回首页' }).click();
    await p.waitForURL((url) => url.pathname === '/');
    await p.getByTestId('home-applicant').waitFor({ state: 'visible' });
  });

  it('a signed-out visitor who opens /admin/users signs in and lands on that page', async () => {
    const p = await open();
    await p.goto(`${server.baseUrl}/admin/users`);
    await p.waitForURL(isLoginUrl);
    expect(new URL(p.url()).searchParams.get('redirect')).toBe('/admin/users');
    expect(await p.getByTestId('users-table').count()).toBe(0);
    await login(p, server.baseUrl, 'admin', server.password);
    await p.waitForURL((url) => url.pathname === '/admin/users');
    await p.getByTestId('users-table').getByText('applicant2', { exact: true }).waitFor({ state: 'visible' });
  });
});

describe('language', () => {
  it('switches to English and remembers it after a reload', async () => {
    const p = await open();
    await login(p, server.baseUrl, 'applicant', server.password);
    expect(await visibleText(p.getByTestId('home-role'))).toBe('企业用户');
    expect(await visibleText(p.getByTestId('lang-switch'))).toBe('English');

    await p.getByTestId('lang-switch').click();
    await p.waitForFunction(() => document.documentElement.lang === 'en-US');
    expect(await visibleText(p.getByTestId('home-role'))).toBe('Applicant');
    expect(await visibleText(p.getByTestId('menu-home'))).toBe('Home');
    expect(await visibleText(p.locator('#tb-home-title'))).toMatch(/^Welcome, /);
    expect(await visibleText(p.getByTestId('lang-switch'))).toBe('中文');
    await screenshot(p, 'home-applicant-en');

    await p.reload();
    await p.getByTestId('home-applicant').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('home-role'))).toBe('Applicant');
    expect(await visibleText(p.getByTestId('menu-home'))).toBe('Home');
    expect(await p.evaluate(() => document.documentElement.lang)).toBe('en-US');

    // The login page speaks English too, and a failed login explains itself in English.
    await p.getByTestId('user-menu').click();
    await p.getByTestId('logout').click();
    await p.waitForURL(isLoginUrl);
    await p.getByTestId('login-username').fill('applicant');
    await p.getByTestId('login-password').fill('wrong-password-1');
    await p.getByTestId('login-submit').click();
    expect(await visibleText(p.getByTestId('login-error'))).toContain('Wrong username or password');

    // And back to Chinese.
    await p.getByTestId('lang-switch').click();
    await p.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    expect(await visibleText(p.getByTestId('lang-switch'))).toBe('English');
  });
});

describe('phone layout', () => {
  it('a clerk on a 375 px screen gets the hamburger menu and no sideways scrolling', async () => {
    const p = await open(MOBILE);
    await p.goto(`${server.baseUrl}/login`);
    await p.getByTestId('login-submit').waitFor({ state: 'visible' });
    const loginOverflow = await horizontalOverflow(p);
    expect(loginOverflow.scrollWidth, 'login page is wider than the screen').toBeLessThanOrEqual(MOBILE.width + 1);
    await screenshot(p, 'mobile-login');

    await login(p, server.baseUrl, 'clerk', server.password);
    await p.getByTestId('home-clerk').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('home-scope'))).toBe('苏州市行政审批局');
    const toggle = p.getByTestId('menu-toggle');
    await toggle.waitFor({ state: 'visible' });
    // The side menu is folded away until the hamburger opens it.
    expect(await p.getByTestId('menu-home').isVisible()).toBe(false);
    const homeOverflow = await horizontalOverflow(p);
    expect(homeOverflow.scrollWidth, 'home page is wider than the screen').toBeLessThanOrEqual(MOBILE.width + 1);
    await screenshot(p, 'mobile-clerk');

    await toggle.click();
    const menu = p.getByTestId('side-menu');
    await menu.waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('menu-home'))).toBe('首页');
    expect(await visibleText(p.getByTestId('menu-window-acceptance'))).toContain('受理台');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect((await horizontalOverflow(p)).scrollWidth).toBeLessThanOrEqual(MOBILE.width + 1);
    await screenshot(p, 'mobile-clerk-menu');

    // Choosing an entry closes the drawer.
    await p.getByTestId('menu-home').click();
    await menu.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  });
});

describe('keyboard', () => {
  it('signs in with the keyboard alone: type, Tab, type, Enter', async () => {
    const p = await open();
    await p.goto(`${server.baseUrl}/login`);
    const username = p.getByTestId('login-username');
    await username.waitFor({ state: 'visible' });
    // The username field has the focus when the page opens.
    await p.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'login-username');

    await p.keyboard.type('supervisor');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('login-password');
    await p.keyboard.type(server.password);
    await p.keyboard.press('Enter');

    await p.waitForURL((url) => !isLoginUrl(url));
    await p.getByTestId('home-supervisor').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('home-scope'))).toBe('苏州市');
  });
});
