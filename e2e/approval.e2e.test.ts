import type { ApplicationView } from '@tongban/contracts';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { acceptedApplication, api, apiLogin, inbox } from './support/api.ts';
import { horizontalOverflow, login, logout, screenshot, visibleText } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';

/**
 * The departments at work on an accepted application (stage 3 of SZ-T3), through their web
 * pages: 城管 claims, handles and reviews, its approver returns the case to 承办 and the reviewer
 * finds it back in their inbox; 人防 asks for a supplement (the clock stops); 住建 loses a race
 * for a task (409 → "已被他人处理"), starts an expert review that its approver ends; the
 * supervisor sees the warnings on the board, and the admin enters the 2027 holidays.
 *
 * The application is made through the API (applicant fills and submits, clerk accepts). The tests
 * run in order on it. Clocks warn five working days ahead, so the 5-day cases are yellow at once.
 */
const env = useServerAndBrowser({ env: { CLOCK_WARN_DAYS: '5' } });

let application: ApplicationView | undefined;
async function theApplication(): Promise<ApplicationView> {
  application ??= await acceptedApplication(env.server.baseUrl, env.server.password, { projectName: '姑苏并联审批示范项目' });
  return application;
}
const caseOf = (app: ApplicationView, matterCode: string) => app.cases.find((c) => c.matterCode === matterCode)!;

/** The inbox row of this test's application for a matter and step. */
function inboxRow(p: Page, app: ApplicationView, matterCode: string, stepKey: string): Locator {
  return p.locator(`[data-testid="inbox-row-${matterCode}-${stepKey}"][data-app="${app.number}"]`);
}
const tableRow = (cell: Locator) => cell.locator('xpath=ancestor::tr[1]');

async function openInbox(p: Page): Promise<void> {
  await p.getByTestId('menu-tasks').click();
  await p.waitForURL((url) => url.pathname === '/tasks');
  await p.getByTestId('inbox-table').waitFor({ state: 'visible' });
}

async function message(p: Page, text: string): Promise<void> {
  await p.locator('.el-message', { hasText: text }).first().waitFor({ state: 'visible' });
}

async function handle(p: Page, opinion: string): Promise<void> {
  await p.getByTestId('task-complete').click();
  await p.getByTestId('decision-approve').click();
  await p.getByTestId('opinion-input').fill(opinion);
  await p.getByTestId('dialog-confirm').click();
  await message(p, '已办理');
}

describe('department approval', () => {
  it('reviewer.cgj claims a pool task from the inbox and completes 承办', async () => {
    const app = await theApplication();
    const p = env.page;
    await login(p, env.server.baseUrl, 'reviewer.cgj', env.server.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
    await openInbox(p);

    const cell = inboxRow(p, app, 'SZ-CGJ-JZLJ', 'handle');
    const row = tableRow(cell);
    expect(await visibleText(row)).toContain('城市建筑垃圾处置核准');
    expect(await visibleText(row)).toContain('待签收');
    // Five working days, warned five ahead: yellow from the first day.
    expect(await row.locator('[data-level]').getAttribute('data-level')).toBe('yellow');
    expect(await visibleText(row)).toContain('剩 5 个工作日');
    // The level filter keeps it; the red one drops it.
    await p.getByTestId('inbox-level-yellow').click();
    await p.waitForURL((url) => url.searchParams.get('level') === 'yellow');
    await cell.waitFor({ state: 'visible' });
    await p.getByTestId('inbox-level-red').click();
    await p.waitForURL((url) => url.searchParams.get('level') === 'red');
    await cell.waitFor({ state: 'detached' });
    await p.getByTestId('inbox-level-all').click();
    await screenshot(p, 'approval-inbox');

    await cell.click();
    await p.waitForURL((url) => url.pathname === `/cases/${caseOf(app, 'SZ-CGJ-JZLJ').id}`);
    expect(await visibleText(p.getByTestId('case-status'))).toBe('办理中');
    expect(await visibleText(p.getByTestId('case-application-number'))).toBe(app.number!);
    expect(await visibleText(p.getByTestId('case-clock-left'))).toBe('剩 5 个工作日');
    expect(await p.getByTestId('case-clock-level').getAttribute('data-level')).toBe('yellow');
    expect(await p.getByTestId('case-step-handle').getAttribute('data-current')).toBe('true');
    // A pool task: only claiming (and the case-level actions) until it is mine.
    expect(await p.getByTestId('task-complete').count()).toBe(0);

    await p.getByTestId('task-claim').click();
    await message(p, '已签收');
    await p.getByTestId('task-transfer').waitFor({ state: 'visible' });
    await p.getByTestId('task-delegate').waitFor({ state: 'visible' });
    await p.getByTestId('task-add-signer').waitFor({ state: 'visible' });
    // 承办 is the first step: nothing to return to.
    expect(await p.getByTestId('task-return').count()).toBe(0);

    await handle(p, '处置场所和运输路线符合要求，同意');
    await expect.poll(() => p.getByTestId('case-step-review').getAttribute('data-current')).toBe('true');
    expect(await visibleText(p.getByTestId('case-history'))).toContain('处置场所和运输路线符合要求，同意');
    // Nobody has touched 审核 yet: the step can still be withdrawn.
    await p.getByTestId('case-withdraw-step').waitFor({ state: 'visible' });
    await screenshot(p, 'approval-case-handled');
  });

  it('reviewer.cgj completes 审核', async () => {
    const app = await theApplication();
    const p = env.page;
    await login(p, env.server.baseUrl, 'reviewer.cgj', env.server.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
    await openInbox(p);
    await inboxRow(p, app, 'SZ-CGJ-JZLJ', 'review').click();
    await p.getByTestId('task-claim').click();
    await message(p, '已签收');
    await handle(p, '审核通过');
    await expect.poll(() => p.getByTestId('case-step-sign').getAttribute('data-current')).toBe('true');
    expect(await visibleText(p.getByTestId('case-holders'))).toBe('待签收');
  });

  it('approver.cgj returns the case from 签发 to 承办 with a reason', async () => {
    const app = await theApplication();
    const p = env.page;
    await login(p, env.server.baseUrl, 'approver.cgj', env.server.password);
    await p.getByTestId('home-approver').waitFor({ state: 'visible' });
    await openInbox(p);
    await inboxRow(p, app, 'SZ-CGJ-JZLJ', 'sign').click();
    await p.getByTestId('task-claim').click();
    await message(p, '已签收');

    await p.getByTestId('task-return').click();
    await p.getByTestId('return-step-select').click();
    await p.getByTestId('return-step-handle').click();
    // The reason is required.
    await p.getByTestId('dialog-confirm').click();
    await p.locator('.el-form-item__error', { hasText: '请填写理由' }).waitFor({ state: 'visible' });
    await p.getByTestId('reason-input').fill('消纳场所证明已过期，请重新核实');
    await screenshot(p, 'approval-return-dialog');
    await p.getByTestId('dialog-confirm').click();
    await message(p, '已退回');

    await expect.poll(() => p.getByTestId('case-step-handle').getAttribute('data-current')).toBe('true');
    expect(await visibleText(p.getByTestId('case-holders'))).toBe('审核员（市城管局）');
    expect(await visibleText(p.getByTestId('case-history'))).toContain('签发 退回到 承办。理由：消纳场所证明已过期，请重新核实');
    // The approver holds nothing of this case any more.
    await p.getByTestId('case-no-actions').waitFor({ state: 'visible' });
  });

  it('reviewer.cgj finds the returned task assigned to them, and a notification about it', async () => {
    const app = await theApplication();
    const p = env.page;
    await login(p, env.server.baseUrl, 'reviewer.cgj', env.server.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
    await openInbox(p);
    await p.getByTestId('inbox-view-mine').click();
    await p.waitForURL((url) => url.searchParams.get('view') === 'mine');
    const row = tableRow(inboxRow(p, app, 'SZ-CGJ-JZLJ', 'handle'));
    expect(await visibleText(row)).toContain('审核员（市城管局）（未签收）');
    expect(await visibleText(row.getByTestId('inbox-origin-return'))).toBe('退回');

    // The bell: a new task (the return assigned it to me).
    const bell = p.getByTestId('notifications-bell');
    await expect.poll(async () => Number(await bell.getAttribute('data-unread'))).toBeGreaterThan(0);
    await bell.click();
    const item = p.locator('[data-testid^="notification-item-"]', { hasText: '新待办：城市建筑垃圾处置核准' }).first();
    await item.waitFor({ state: 'visible' });
    await screenshot(p, 'approval-notifications');
    await item.click();
    await p.waitForURL((url) => url.pathname === `/cases/${caseOf(app, 'SZ-CGJ-JZLJ').id}`);
    await p.getByTestId('task-claim').waitFor({ state: 'visible' });
    expect(await visibleText(p.getByTestId('case-my-task'))).toContain('我的待办：承办');
  });

  it('reviewer.rfb asks for a supplement on the 人防 case and its clock stops', async () => {
    const app = await theApplication();
    const p = env.page;
    await login(p, env.server.baseUrl, 'reviewer.rfb', env.server.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
    await openInbox(p);
    await inboxRow(p, app, 'SZ-RFB-SJSC', 'handle').click();
    await p.getByTestId('task-claim').click();
    await message(p, '已签收');
    expect(await visibleText(p.getByTestId('case-clock-paused'))).toBe('计时中');

    await p.getByTestId('case-supplement').click();
    const dialog = p.getByTestId('dialog-supplement');
    await dialog.waitFor({ state: 'visible' });
    // Nothing picked: told to pick at least one.
    await dialog.getByTestId('dialog-confirm').click();
    await dialog.getByTestId('dialog-error').waitFor({ state: 'visible' });
    const requirement = dialog.locator('[data-testid^="supplement-req-"]').first();
    await requirement.click();
    await dialog.locator('[data-testid^="supplement-reason-req-"]').first().fill('防护单元划分图比例不清，请重新上传');
    await dialog.getByTestId('supplement-add-free').click();
    await dialog.getByTestId('supplement-free-name-0').fill('平战转换方案');
    await dialog.getByTestId('supplement-free-reason-0').fill('缺少平战转换专项说明');
    await screenshot(p, 'approval-supplement-dialog');
    await dialog.getByTestId('dialog-confirm').click();
    await message(p, '已发出补正通知');

    expect(await visibleText(p.getByTestId('case-status'))).toBe('补正中');
    expect(await visibleText(p.getByTestId('case-clock-paused'))).toBe('计时暂停中');
    expect(await p.getByTestId('case-clock-paused').getAttribute('data-paused')).toBe('true');
    expect(await visibleText(p.getByTestId('case-history'))).toContain('补正 2 项');
    // Paused: no task action until the applicant has supplied.
    expect(await p.getByTestId('task-complete').count()).toBe(0);
    await screenshot(p, 'approval-supplement-paused');

    await openInbox(p);
    expect(await visibleText(tableRow(inboxRow(p, app, 'SZ-RFB-SJSC', 'handle')))).toContain('暂停');
  });

  it('reviewer2 loses the race for a 住建 task: 已被他人处理 and the page reloads', async () => {
    const app = await theApplication();
    const p = env.page;
    await login(p, env.server.baseUrl, 'reviewer2', env.server.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
    const sgtsc = caseOf(app, 'SZ-ZJJ-SGTSC');
    await p.goto(`${env.server.baseUrl}/cases/${sgtsc.id}`);
    await p.getByTestId('task-claim').waitFor({ state: 'visible' });

    // Meanwhile 赵审核 (reviewer) claims it.
    const reviewer = await apiLogin(env.server.baseUrl, 'reviewer', env.server.password);
    const task = (await inbox(reviewer)).find((x) => x.caseId === sgtsc.id)!;
    await api(reviewer, 'POST', `/tasks/${task.id}/claim`, { version: task.version });

    await p.getByTestId('task-claim').click();
    await message(p, '已被他人处理，请刷新');
    // Reloaded: the task is 赵审核's now and nothing is left for reviewer2.
    await p.getByTestId('case-holders').filter({ hasText: '赵审核（市住建局）' }).waitFor({ state: 'visible' });
    expect(await p.getByTestId('task-claim').count()).toBe(0);
  });

  it('reviewer starts an expert review on 施工图审查 and the approver ends it', async () => {
    const app = await theApplication();
    const sgtsc = caseOf(app, 'SZ-ZJJ-SGTSC');
    const p = env.page;
    await login(p, env.server.baseUrl, 'reviewer', env.server.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
    await openInbox(p);
    await inboxRow(p, app, 'SZ-ZJJ-SGTSC', 'handle').click();
    await p.waitForURL((url) => url.pathname === `/cases/${sgtsc.id}`);
    await p.getByTestId('case-special-start').click();
    await p.getByTestId('special-procedure-select').click();
    await p.getByTestId('special-procedure-expert_review').click();
    await p.getByTestId('reason-input').fill('超限高层建筑，需组织结构专家评审');
    await p.getByTestId('dialog-confirm').click();
    await message(p, '特别程序已启动');
    expect(await visibleText(p.getByTestId('case-status'))).toBe('特别程序中');
    expect(await visibleText(p.getByTestId('case-paused-note'))).toContain('专家评审');
    expect(await visibleText(p.getByTestId('case-clock-paused'))).toBe('计时暂停中');
    expect(await p.getByTestId('task-complete').count()).toBe(0);
    await screenshot(p, 'approval-special');

    await logout(p);
    await login(p, env.server.baseUrl, 'approver', env.server.password);
    await p.getByTestId('home-approver').waitFor({ state: 'visible' });
    await p.goto(`${env.server.baseUrl}/cases/${sgtsc.id}`);
    await p.getByTestId('case-special-end').click();
    await p.getByTestId('reason-input').fill('专家评审通过，结构方案可行');
    await p.getByTestId('dialog-confirm').click();
    await message(p, '特别程序已结束');
    expect(await visibleText(p.getByTestId('case-status'))).toBe('办理中');
    expect(await visibleText(p.getByTestId('case-clock-paused'))).toBe('计时中');
    expect(await visibleText(p.getByTestId('case-pauses'))).toContain('专家评审');
    expect(await visibleText(p.getByTestId('case-history'))).toContain('专家评审。结果：专家评审通过，结构方案可行');
  });

  it('the supervisor sees the running cases and the warnings on the board', async () => {
    const app = await theApplication();
    const p = env.page;
    await login(p, env.server.baseUrl, 'supervisor', env.server.password);
    await p.getByTestId('home-supervisor').waitFor({ state: 'visible' });
    await p.getByTestId('menu-supervision').click();
    await p.waitForURL((url) => url.pathname === '/supervision');

    const count = (key: string) => visibleText(p.getByTestId(`supervision-count-${key}`).getByTestId('supervision-count-value')).then(Number);
    await expect.poll(() => count('running')).toBeGreaterThanOrEqual(3);
    expect(await count('paused')).toBeGreaterThanOrEqual(1);
    expect(await count('yellow')).toBeGreaterThanOrEqual(1);
    expect(await count('red')).toBe(0);
    expect(await visibleText(p.getByTestId('supervision-chart'))).toContain('苏州市城市管理局');

    // The 城管 case (5 working days, handling) is in warning; the paused 人防 case is not listed.
    const cgj = p.getByTestId(`supervision-row-${caseOf(app, 'SZ-CGJ-JZLJ').id}`);
    await cgj.waitFor({ state: 'visible' });
    expect(await cgj.getAttribute('data-level')).toBe('yellow');
    expect(await p.getByTestId(`supervision-row-${caseOf(app, 'SZ-RFB-SJSC').id}`).count()).toBe(0);
    await screenshot(p, 'approval-supervision');

    await p.getByTestId('supervision-count-red').click();
    await cgj.waitFor({ state: 'detached' });
    await p.getByTestId('supervision-level-yellow').click();
    await cgj.click();
    await p.waitForURL((url) => url.pathname === `/cases/${caseOf(app, 'SZ-CGJ-JZLJ').id}`);
    await p.getByTestId('case-clock-level').waitFor({ state: 'visible' });
    // A supervisor reads; nothing to act on.
    expect(await p.getByTestId('task-claim').count()).toBe(0);
  });

  it('the admin enters the 2027 holiday notice; a weekday make-up day is refused with its reason', async () => {
    const p = env.page;
    await login(p, env.server.baseUrl, 'admin', env.server.password);
    await p.getByTestId('home-admin').waitFor({ state: 'visible' });
    await p.getByTestId('menu-admin-calendar').click();
    await p.waitForURL((url) => url.pathname === '/admin/calendar');
    await p.getByTestId('calendar-years').waitFor({ state: 'visible' });

    const edit = p.getByTestId('calendar-edit-2027');
    if (await edit.count()) {
      await edit.click();
    } else {
      // 2027 is not among the years around today: enter it as another year.
      await p.getByTestId('calendar-other-year').locator('input').fill('2027');
      await p.getByTestId('calendar-other-year-go').click();
    }
    await p.getByTestId('calendar-editor').waitFor({ state: 'visible' });
    await p.getByTestId('calendar-notice').fill('国务院办公厅关于2027年部分节假日安排的通知');

    const addRange = async (kind: 'holidays' | 'workdays', from: string, to: string) => {
      const inputs = p.getByTestId(`calendar-${kind}`).locator('.el-range-input');
      await inputs.nth(0).fill(from);
      await inputs.nth(1).fill(to);
      await inputs.nth(1).press('Enter');
      await p.getByTestId(`calendar-${kind}-add`).click();
    };
    await addRange('holidays', '2027-01-01', '2027-01-01');
    // 春节: a range keeps its weekdays only.
    await addRange('holidays', '2027-02-05', '2027-02-11');
    await p.getByTestId('calendar-holidays-date-2027-02-08').waitFor({ state: 'visible' });
    expect(await p.getByTestId('calendar-holidays-date-2027-02-06').count()).toBe(0);
    // A make-up working day on a Monday: the server refuses it and says why.
    await addRange('workdays', '2027-02-01', '2027-02-01');
    await p.getByTestId('calendar-save').click();
    expect(await visibleText(p.getByTestId('calendar-save-error'))).toContain('2027-02-01 是周一');
    await screenshot(p, 'approval-calendar-refused');

    await p.getByTestId('calendar-workdays-date-2027-02-01').locator('.el-tag__close').click();
    await addRange('workdays', '2027-01-31', '2027-01-31');
    // The preview shows the draft.
    expect(await p.locator('[data-date="2027-02-09"]').getAttribute('data-kind')).toBe('holiday');
    expect(await p.locator('[data-date="2027-01-31"]').getAttribute('data-kind')).toBe('makeup');
    await p.getByTestId('calendar-save').click();
    await message(p, '2027 年日历已保存');

    expect(await visibleText(p.getByTestId('calendar-source-2027'))).toBe('管理员录入');
    // Saved: the preview now comes from the server's calendar.
    await p.getByTestId('calendar-editor').waitFor({ state: 'detached' });
    await expect.poll(() => p.locator('[data-date="2027-02-10"]').getAttribute('data-kind')).toBe('holiday');
    expect(await p.locator('[data-date="2027-01-31"]').getAttribute('data-kind')).toBe('makeup');
    await screenshot(p, 'approval-calendar-saved');
  });

  it('the inbox and the case page fit a 390 px phone', async () => {
    const app = await theApplication();
    const p = env.page;
    await p.setViewportSize({ width: 390, height: 844 });
    await login(p, env.server.baseUrl, 'reviewer.cgj', env.server.password);
    await p.getByTestId('home-reviewer').waitFor({ state: 'visible' });
    await p.goto(`${env.server.baseUrl}/tasks`);
    const card = inboxRow(p, app, 'SZ-CGJ-JZLJ', 'handle');
    await card.waitFor({ state: 'visible' });
    let { scrollWidth, clientWidth } = await horizontalOverflow(p);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await screenshot(p, 'approval-inbox-mobile');

    await card.click();
    await p.getByTestId('case-status').waitFor({ state: 'visible' });
    ({ scrollWidth, clientWidth } = await horizontalOverflow(p));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const main = await p.evaluate(() => {
      const m = document.querySelector('main')!;
      return { scrollWidth: m.scrollWidth, clientWidth: m.clientWidth };
    });
    expect(main.scrollWidth).toBeLessThanOrEqual(main.clientWidth);
    await screenshot(p, 'approval-case-mobile');
  });
});
