import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchBrowser, screenshotOnFailure, type TestBrowser } from './browser.ts';
import { startServer, type TestServer } from './server.ts';

/** What {@link useServerAndBrowser} hands the tests: read these inside tests and hooks only. */
export interface ServerAndBrowser {
  readonly server: TestServer;
  readonly browser: TestBrowser;
  /** The current test's fresh tab. */
  readonly page: Page;
}

/**
 * The usual setup of a test file: one server and one browser for the whole file; each test starts
 * signed out (cookies cleared), on a fresh tab that is closed afterwards, with a screenshot kept
 * when it fails. Call at the top level of the file; it registers the hooks. `env` goes to the
 * server (see {@link startServer}).
 */
export function useServerAndBrowser(options: { env?: Record<string, string> } = {}): ServerAndBrowser {
  let server: TestServer | undefined;
  let browser: TestBrowser | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    server = await startServer(options.env);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async (ctx) => {
    await browser!.context.clearCookies();
    page = await browser!.context.newPage();
    screenshotOnFailure(ctx, () => page);
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useServerAndBrowser: no ${what} yet (read it inside a test or hook)`);
    return value;
  };
  return {
    get server() {
      return need(server, 'server');
    },
    get browser() {
      return need(browser, 'browser');
    },
    get page() {
      return need(page, 'page');
    },
  };
}
