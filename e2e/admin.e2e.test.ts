import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { isLoginUrl, login, logout, screenshot, visibleText } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';

/** The administrator's pages, used through the UI: new accounts and regions become real. */
const env = useServerAndBrowser();

const NEW_USER = {
  username: 'reviewer.sthj.chen',
  displayName: '陈环评（市生态环境局）',
  password: 'Sthj-Review-2026',
};
const NEW_REGION = { code: '320507', name: '相城区' };

/** Picks an option of an Element Plus select: open it, click the option in its popup. */
async function choose(p: Page, selectTestId: string, optionTestId: string): Promise<void> {
  await p.getByTestId(selectTestId).click();
  const option = p.getByTestId(optionTestId);
  await option.waitFor({ state: 'visible' });
  await option.click();
  await option.waitFor({ state: 'hidden' });
}

describe('administration', () => {
  it('admin creates a reviewer of 苏州市生态环境局, who can then sign in to the reviewer home', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'admin', env.server.password);
    await p.getByTestId('home-admin').waitFor({ state: 'visible' });

    await p.getByTestId('menu-admin-users').click();
    await p.waitForURL((url) => url.pathname === '/admin/users');
    const table = p.getByTestId('users-table');
    // The seeded accounts are listed.
    await table.getByText('reviewer.zrzy', { exact: true }).waitFor({ state: 'visible' });
    expect(await visibleText(table.locator('tr', { hasText: 'reviewer.zrzy' }))).toContain('苏州市自然资源和规划局');
    await screenshot(p, 'admin-users');

    await p.getByTestId('user-create').click();
    await p.getByTestId('user-form-username').fill(NEW_USER.username);
    await p.getByTestId('user-form-display-name').fill(NEW_USER.displayName);
    await p.getByTestId('user-form-password').fill(NEW_USER.password);
    await choose(p, 'user-form-role', 'user-form-role-option-reviewer');
    // A reviewer belongs to a department: the department select appears once the role is chosen.
    await choose(p, 'user-form-department', 'user-form-department-option-SZ-STHJ');
    expect(await visibleText(p.getByTestId('user-form-department'))).toContain('苏州市生态环境局');
    await screenshot(p, 'admin-user-dialog');
    await p.getByTestId('user-form-submit').click();
    await p.locator('.el-message', { hasText: '已创建' }).waitFor({ state: 'visible' });
    await p.getByTestId('user-form-submit').waitFor({ state: 'hidden' });

    // The demo world has more accounts than a page holds: find the new one by searching.
    await p.getByTestId('users-search').fill(NEW_USER.username);
    await p.getByTestId('users-search').press('Enter');
    const row = table.locator('tr', { hasText: NEW_USER.username });
    await row.waitFor({ state: 'visible' });
    const rowText = await visibleText(row);
    expect(rowText).toContain(NEW_USER.displayName);
    expect(rowText).toContain('审批人员');
    expect(rowText).toContain('苏州市生态环境局');
    await screenshot(p, 'admin-users-created');

    await logout(p);
    await login(p, env.server.baseUrl, NEW_USER.username, NEW_USER.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('home-scope'))).toBe('苏州市生态环境局');
    expect(await visibleText(p.getByTestId('user-menu-name'))).toBe(NEW_USER.displayName);
    // A reviewer has no administration entries.
    expect(await p.getByTestId('menu-admin-users').count()).toBe(0);
    await screenshot(p, 'home-reviewer.sthj.chen');
    await logout(p);
  });

  it('admin sees the departments of the demo world', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'admin', env.server.password);
    await p.getByTestId('menu-admin-departments').click();
    await p.waitForURL((url) => url.pathname === '/admin/departments');
    const table = p.getByTestId('departments-table');
    await table.getByText('SZ-STHJ', { exact: true }).waitFor({ state: 'visible' });
    expect(await visibleText(table.locator('tr', { hasText: 'SZ-STHJ' }))).toContain('苏州市生态环境局');
    expect(await visibleText(table.locator('tr', { hasText: 'WX-XZSPJ' }))).toContain('无锡市行政审批局');
    await screenshot(p, 'admin-departments');
  });

  it('admin adds a district under 苏州市 and sees it in the region tree', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'admin', env.server.password);
    await p.getByTestId('menu-admin-regions').click();
    await p.waitForURL((url) => url.pathname === '/admin/regions');
    expect(await visibleText(p.getByTestId('region-node-320508'))).toContain('姑苏区');
    expect(await p.getByTestId(`region-node-${NEW_REGION.code}`).count()).toBe(0);
    await screenshot(p, 'admin-regions');

    await p.getByTestId('region-add-child-320500').click();
    // The parent is preset to the city whose "add child" was clicked.
    expect(await visibleText(p.getByTestId('region-form-parent'))).toContain('苏州市');
    await p.getByTestId('region-form-code').fill(NEW_REGION.code);
    await p.getByTestId('region-form-name').fill(NEW_REGION.name);
    await screenshot(p, 'admin-region-dialog');
    await p.getByTestId('region-form-submit').click();
    await p.locator('.el-message', { hasText: '已创建' }).waitFor({ state: 'visible' });
    await p.getByTestId('region-form-submit').waitFor({ state: 'hidden' });

    const node = p.getByTestId(`region-node-${NEW_REGION.code}`);
    expect(await visibleText(node)).toContain(NEW_REGION.name);
    expect(await visibleText(node)).toContain(NEW_REGION.code);
    await screenshot(p, 'admin-regions-created');

    // Still there after a reload: it was saved, not only drawn.
    await p.reload();
    expect(await visibleText(p.getByTestId(`region-node-${NEW_REGION.code}`))).toContain(NEW_REGION.name);
    expect(isLoginUrl(new URL(p.url()))).toBe(false);
  });
});
