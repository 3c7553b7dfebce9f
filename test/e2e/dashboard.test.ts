import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuLabels, openScreen, screenshot, signIn, signOut, startBrowser, type Browser, pickOption } from './browser.ts';
import { downloadedXlsx } from './operations.ts';

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

const total = async (page: Browser['page'], key: string) => Number((await page.getByTestId(`dash-total-${key}`).locator('.ant-statistic-content-value').innerText()).replace(/\D/g, ''));

describe('the command-centre dashboard', () => {
  it('the street sees its area: charts, grid map, ranking, exports, the monthly report, full screen; a new case moves the numbers', async () => {
    const { page } = b;
    await signIn(page, 'street');
    await openScreen(page, '指挥中心');
    await page.getByTestId('dash-totals').waitFor();
    // every chart is drawn (ECharts renders into a canvas)
    for (const id of ['dash-trend', 'dash-category', 'dash-channel', 'dash-funnel', 'dash-map']) await page.getByTestId(id).locator('canvas').first().waitFor();
    // the demo history has cases this month, and the ranking of the street's communities has rows
    expect(await total(page, 'intake')).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('dash-ranking').locator('.ant-table-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('dash-ranking').locator('.ant-card-head').innerText()).toContain('社区考核排名');
    await screenshot(page, 'zh-CN', '20-dashboard');

    // a chart's numbers to xlsx
    const byCategory = await downloadedXlsx(page, () => page.getByTestId('dash-category-export').click());
    expect(byCategory.rows()[0]).toEqual(['类别', '受理量']);
    expect(byCategory.rows().length).toBeGreaterThan(1);
    // the ranking table to xlsx
    const ranking = await downloadedXlsx(page, () => page.getByTestId('dash-ranking-export').click());
    expect(ranking.rows()[0]).toEqual(expect.arrayContaining(['名次', '单位', '响应率', '解决率', '满意率', '综合得分']));
    // the monthly report, built by the server
    const report = await downloadedXlsx(page, () => page.getByTestId('dash-report').click());
    expect(report.sheets).toEqual(expect.arrayContaining(['概况', '社区排名', '每日受理', '按类别']));

    // a case reported now (through the API with this browser's session) is counted after a refresh
    const before = await total(page, 'intake');
    const building = (await (await page.request.get('/api/buildings')).json())[0];
    const created = await page.request.post('/api/cases', { data: { description: '小区门口路灯不亮', channel: 'phone', category: 'facilities.street_light', buildingId: building.id } });
    expect(created.status(), await created.text()).toBe(201);
    await page.reload();
    await page.getByTestId('dash-totals').waitFor();
    await expect.poll(() => total(page, 'intake')).toBe(before + 1);

    // the wall: full screen layout without the side menu's frame
    await page.getByTestId('dash-wall').click();
    await expect.poll(() => page.locator('.dashboard-wall').count()).toBe(1);
    await screenshot(page, 'zh-CN', '21-dashboard-wall', { fullPage: false });
    await page.getByTestId('dash-wall').click();
    await expect.poll(() => page.locator('.dashboard-wall').count()).toBe(0);
    // another period: a single day
    await page.getByTestId('dash-grain').getByText('日', { exact: true }).click();
    await expect.poll(() => page.locator('.page-description').innerText()).toMatch(/(\d{4}-\d{2}-\d{2}) 至 \1/);
    await signOut(page);
  });

  it('a grid worker has neither the menu entry nor the data', async () => {
    const { page } = b;
    await signIn(page, 'grid');
    expect(await menuLabels(page)).not.toContain('指挥中心');
    await page.goto('/command');
    await expect.poll(() => page.getByTestId('forbidden').innerText()).toContain('没有权限');
    expect(await page.locator('canvas').count()).toBe(0);
    const res = await page.request.get('/api/dashboard?period=2026-01');
    expect(res.status()).toBe(403);
    await signOut(page);
  });

  it('English: the dashboard and the case-rule screens', async () => {
    const { page } = await b.newContext({ locale: 'en-US' });
    await signIn(page, 'admin');
    await openScreen(page, 'Command centre');
    await page.getByTestId('dash-trend').locator('canvas').first().waitFor();
    expect(await page.getByTestId('dash-funnel').innerText()).toContain('Progress');
    await screenshot(page, 'en', '20-dashboard');
    for (const [label, file] of [['Categories', '30-taxonomy'], ['Routing rules', '31-routing'], ['Time limits', '32-sla']] as const) {
      await openScreen(page, label);
      await page.locator('.ant-table-row').first().waitFor();
      await screenshot(page, 'en', file);
    }
    await openScreen(page, 'Holidays and working hours');
    await page.getByTestId('calendar-list').locator('.ant-table-row').first().waitFor();
    await screenshot(page, 'en', '33-calendar');
    expect(b.pageErrors).toEqual([]);
  });
});

describe('case rules', () => {
  it('the administrator edits a category, a time limit, a routing rule, a holiday and the working hours', async () => {
    const { page } = b;
    await signIn(page, 'admin');
    // categories: find one by keyword and add a keyword
    await openScreen(page, '事项分类');
    await page.locator('.table-filters input').first().fill('路灯');
    await page.getByRole('button', { name: '查 询' }).or(page.getByRole('button', { name: '查询' })).first().click();
    await expect.poll(() => page.locator('.ant-table-row').first().innerText()).toContain('facilities.street_light');
    await screenshot(page, 'zh-CN', '30-taxonomy');
    await page.locator('.ant-table-row').first().getByRole('button', { name: '编 辑' }).or(page.locator('.ant-table-row').first().getByRole('button', { name: '编辑' })).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('.ant-select-selection-search input, input.ant-select-input').last().fill('灯杆歪斜');
    await dialog.locator('.ant-select-selection-search input, input.ant-select-input').last().press('Enter');
    await dialog.getByRole('button', { name: /保\s?存/ }).click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已保存');
    const item = ((await (await page.request.get('/api/taxonomy')).json()) as { children: { code: string; keywords: string[] }[] }[]).flatMap((x) => x.children).find((x) => x.code === 'facilities.street_light')!;
    expect(item.keywords).toContain('灯杆歪斜');

    // time limits: change the handling limit of one rule
    await openScreen(page, '时限规则');
    await page.locator('.ant-table-row').first().waitFor();
    await screenshot(page, 'zh-CN', '32-sla');
    const rules = (await (await page.request.get('/api/sla-rules')).json()) as { id: string; category: string; handleAmount: number }[];
    const first = rules[0];
    await page.locator('.ant-table-row').first().getByRole('button', { name: /编\s?辑/ }).click();
    await page.getByRole('dialog').locator('#handleAmount').fill(String(first.handleAmount + 1));
    await page.getByRole('dialog').getByRole('button', { name: /保\s?存/ }).click();
    await expect.poll(async () => ((await (await page.request.get('/api/sla-rules')).json()) as { id: string; handleAmount: number }[]).find((r) => r.id === first.id)!.handleAmount).toBe(first.handleAmount + 1);

    // routing: a new rule sending a category to a type of department
    await openScreen(page, '派遣规则');
    await page.locator('.ant-table-row').first().waitFor();
    const count = ((await (await page.request.get('/api/routing-rules')).json()) as unknown[]).length;
    await page.getByRole('button', { name: '新增派遣规则' }).click();
    const routing = page.getByRole('dialog');
    await routing.locator('#category').click();
    await page.keyboard.type('路灯');
    await pickOption(page, page.locator('.ant-select-item-option').filter({ hasText: '路灯' }).first());
    await routing.locator('#targetDeptType').click();
    await pickOption(page, page.locator('.ant-select-item-option').filter({ hasText: '住房和城乡建设' }));
    await routing.locator('#note').fill('浏览器测试');
    await routing.getByRole('button', { name: /保\s?存/ }).click();
    await expect.poll(async () => ((await (await page.request.get('/api/routing-rules')).json()) as unknown[]).length).toBe(count + 1);
    await screenshot(page, 'zh-CN', '31-routing');

    // the calendar: 2026-12-24 becomes a holiday, then the working hours change
    await openScreen(page, '节假日与工作时间');
    await page.getByTestId('calendar-list').locator('.ant-table-row').first().waitFor();
    await screenshot(page, 'zh-CN', '33-calendar');
    // the calendar's own date cell: choose the month through the list, then the day
    await page.locator('.ant-picker-calendar-year-select').click();
    await pickOption(page, page.locator('.ant-select-item-option').filter({ hasText: '2026' }));
    await page.locator('.ant-picker-calendar-month-select').click();
    await pickOption(page, page.locator('.ant-select-item-option').filter({ hasText: /^12月$/ }));
    await page.locator('td[title="2026-12-24"]').click();
    const day = page.getByRole('dialog');
    await day.locator('#name').fill('测试假日');
    await day.getByRole('button', { name: /保\s?存/ }).click();
    await expect.poll(() => page.getByTestId('calendar-list').innerText()).toContain('测试假日');
    await page.getByTestId('working-hours').getByRole('button', { name: '添加时段' }).click();
    const last = page.getByTestId('working-hours').locator('.ant-picker-range').last();
    await last.click();
    await page.keyboard.type('18:30');
    await page.keyboard.press('Enter');
    await page.keyboard.type('20:00');
    await page.keyboard.press('Enter');
    await page.getByTestId('working-hours-save').click();
    await expect.poll(async () => ((await (await page.request.get('/api/settings/working-hours')).json()) as { periods: string[][] }).periods).toEqual([['08:30', '12:00'], ['13:30', '17:30'], ['18:30', '20:00']]);
    expect(b.pageErrors).toEqual([]);
  });
});
