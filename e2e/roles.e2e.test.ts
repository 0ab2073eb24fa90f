import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../apps/server/src/db/seed/demo.ts';
import { isLoginUrl, login, logout, screenshot, visibleText } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';

/**
 * A demo account of every role (and of several scopes) signs in through the login page and lands on its own role's home, which
 * names the enterprise, department or region the account works for.
 */
const EXPECTED: Array<{ username: string; home: string; scope: string }> = [
  { username: 'admin', home: 'home-admin', scope: '全平台' },
  { username: 'applicant', home: 'home-applicant', scope: '苏州示范置业有限公司' },
  { username: 'applicant2', home: 'home-applicant', scope: '苏州工业园区纳米新材料有限公司' },
  { username: 'clerk', home: 'home-clerk', scope: '苏州市行政审批局' },
  { username: 'reviewer', home: 'home-reviewer', scope: '苏州市住房和城乡建设局' },
  { username: 'approver', home: 'home-approver', scope: '苏州市住房和城乡建设局' },
  { username: 'reviewer.zrzy', home: 'home-reviewer', scope: '苏州市自然资源和规划局' },
  { username: 'supervisor', home: 'home-supervisor', scope: '苏州市' },
  { username: 'supervisor.gusu', home: 'home-supervisor', scope: '姑苏区' },
  { username: 'agency', home: 'home-agency', scope: '中介机构账号' },
];

const env = useServerAndBrowser();

describe('signing in as each demo account', () => {
  it('covers every role the server seeds, with seeded accounts', () => {
    expect(new Set(EXPECTED.map((e) => e.home))).toEqual(new Set(DEMO_ACCOUNTS.map((a) => `home-${a.role}`)));
    for (const e of EXPECTED) {
      const a = DEMO_ACCOUNTS.find((x) => x.username === e.username);
      expect(a && `home-${a.role}`).toBe(e.home);
    }
  });

  it.each(EXPECTED)('$username sees $home scoped to $scope, then logs out', async ({ username, home, scope }) => {
    const p = env.page;
    const account = DEMO_ACCOUNTS.find((a) => a.username === username)!;

    await p.goto(env.server.baseUrl);
    await p.waitForURL(isLoginUrl);
    expect(await visibleText(p.getByTestId('product-name'))).toContain('通办');

    await login(p, env.server.baseUrl, username, env.server.password);
    expect(new URL(p.url()).pathname).toBe('/');
    await p.getByTestId(home).waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('home-scope'))).toBe(scope);
    expect(await visibleText(p.getByTestId('user-menu-name'))).toBe(account.displayName);
    expect(await visibleText(p.locator('#tb-home-title'))).toContain(account.displayName);
    // The side menu is there and starts with the home entry.
    expect(await visibleText(p.getByTestId('menu-home'))).toBe('首页');
    await screenshot(p, `home-${username}`);

    await logout(p);
    expect(new URL(p.url()).pathname).toBe('/login');
    // Signed out for real: the home page sends us back to the login page.
    await p.goto(env.server.baseUrl);
    await p.waitForURL(isLoginUrl);
    await p.getByTestId('login-username').waitFor({ state: 'visible' });
    expect(await p.getByTestId(home).count()).toBe(0);
  });

  it('a wrong password shows INVALID_CREDENTIALS and stays on the login page', async () => {
    const p = env.page;
    await p.goto(`${env.server.baseUrl}/login`);
    await p.getByTestId('login-username').fill('reviewer');
    await p.getByTestId('login-password').fill('not-the-password-1');
    await p.getByTestId('login-submit').click();

    const error = p.getByTestId('login-error');
    expect(await visibleText(error)).toContain('用户名或密码错误');
    expect(await error.getAttribute('data-code')).toBe('INVALID_CREDENTIALS');
    expect(new URL(p.url()).pathname).toBe('/login');
    // The password field is cleared for the next try; the username is kept.
    expect(await p.getByTestId('login-password').inputValue()).toBe('');
    expect(await p.getByTestId('login-username').inputValue()).toBe('reviewer');
    await screenshot(p, 'login-invalid-credentials');

    // The right password still works afterwards (one failure does not lock the account).
    await login(p, env.server.baseUrl, 'reviewer', env.server.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
  });
});
