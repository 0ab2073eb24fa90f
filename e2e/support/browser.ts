import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { TestContext } from 'vitest';

/** Screenshots land here (git-ignored). */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../artifacts');

export const DESKTOP = { width: 1366, height: 850 } as const;
export const MOBILE = { width: 375, height: 740 } as const;

export interface TestBrowser {
  context: BrowserContext;
  /** The page the persistent context opened with. */
  page: Page;
  close(): Promise<void>;
}

/**
 * Debian chromium through playwright-core, with a fresh profile each time (so no cookie or
 * localStorage survives from another launch). The flags keep it from opening connections the
 * closed network refuses (see docs/ECOSYSTEM-NOTES.md, "Tests").
 */
export async function launchBrowser(viewport: { width: number; height: number } = DESKTOP): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as e2e/artifacts/<name>.png and returns its path. */
/**
 * A picture for people to look at (e2e/artifacts/<name>.png): the whole page, or one element of
 * it — pages whose content scrolls inside the shell come out blank below the fold in a full-page
 * capture, so name the part that matters.
 */
export async function screenshot(page: Page, name: string, part?: Locator): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  if (part) await part.screenshot({ path: file, animations: 'disabled' });
  else await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/**
 * Call from beforeEach: when the test fails, keep a picture of what the page showed
 * (e2e/artifacts/FAILED-<test name>.png).
 */
export function screenshotOnFailure(ctx: TestContext, page: () => Page | undefined): void {
  ctx.onTestFailed(async () => {
    const p = page();
    if (p && !p.isClosed()) await screenshot(p, `FAILED-${ctx.task.name}`).catch(() => undefined);
  });
}

/** Waits until the element is visible and returns its trimmed visible text. */
export async function visibleText(locator: Locator): Promise<string> {
  await locator.waitFor({ state: 'visible' });
  return (await locator.innerText()).trim();
}

/** True when the URL's path is /login (with or without a query). */
export const isLoginUrl = (url: URL) => url.pathname === '/login';

/**
 * Signs in through the login form as a user would: opens /login unless the page is already
 * there, fills the fields (the test ids sit on the <input> elements), clicks the button and
 * waits until the app has left the login page.
 */
export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  const current = page.url();
  if (!current.startsWith(baseUrl) || !isLoginUrl(new URL(current))) {
    await page.goto(`${baseUrl}/login`);
  }
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !isLoginUrl(url));
}

/** Logs out through the user menu and waits for the login page. */
export async function logout(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await page.waitForURL(isLoginUrl);
  await page.getByTestId('login-submit').waitFor({ state: 'visible' });
}

/** The page scrolls sideways when the document is wider than the viewport. */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}
