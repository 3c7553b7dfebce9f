import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuLabels, openScreen, screenshot, signIn, startBrowser, type Browser, pickMenuEntry, pickOption } from './browser.ts';

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

async function chooseLanguage(page: Browser['page'], name: string) {
  await page.getByTestId('language-switch').click();
  await pickMenuEntry(page, page.locator('.ant-dropdown-menu-item').getByText(name, { exact: true }));
}

const EN_SCREENS: [string, string][] = [
  ['Organisations', '03-orgs'],
  ['Users', '04-users'],
  ['Role permissions', '06-roles'],
  ['Integration tokens', '08-tokens'],
  ['Audit log', '09-audit'],
];

describe('language, theme and tablet width', () => {
  it('English: the sign-in page, every screen, and the server’s messages', async () => {
    const { page } = b;
    await page.goto('/login');
    await chooseLanguage(page, 'English');
    await expect.poll(() => page.locator('.login-card').innerText()).toContain('Username');
    await page.locator('#username').fill('admin');
    await page.locator('#password').fill('not-the-password');
    await page.locator('button[type=submit]').click();
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('Wrong username or password');
    await screenshot(page, 'en', '01-login');
    await signIn(page, 'admin');
    await expect.poll(() => menuLabels(page)).toEqual(['Home', 'Register a case', 'Find cases', 'Reply templates', 'Command centre', 'Grid map', 'Compounds and buildings', 'Residents', 'Import', 'Categories', 'Routing rules', 'Time limits', 'Holidays and working hours', 'Property companies', 'Inspections', 'Quarterly evaluation', 'Risk warnings', 'Property fees', 'Maintenance fund', 'Scoring standard', 'Organisations', 'Users', 'Role permissions', 'Integration tokens', 'Audit log']);
    expect(await page.getByTestId('shell-where').innerText()).toContain('All areas');
    await screenshot(page, 'en', '02-home');
    for (const [label, file] of EN_SCREENS) {
      await openScreen(page, label);
      await page.locator('.ant-table').first().waitFor();
      await screenshot(page, 'en', file);
    }
    // antd's own texts follow (pagination, empty states)
    expect(await page.locator('.ant-pagination').innerText()).toContain('page');
    // a field error from the server comes in English (Accept-Language)
    await openScreen(page, 'Users');
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#username').fill('grid');
    await dialog.locator('#displayName').fill('Duplicate');
    await dialog.locator('#orgId').click();
    await pickOption(page, page.locator('.ant-select-item-option').first());
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toMatch(/username/i);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('Traditional Chinese in Taiwan usage, remembered across a reload', async () => {
    const { page } = b;
    await chooseLanguage(page, '繁體中文');
    await expect.poll(() => menuLabels(page)).toEqual(['首頁', '登記案件', '案件查詢', '常用語', '指揮中心', '網格地圖', '小區樓棟', '居民資訊', '資料匯入', '事項分類', '派遣規則', '時限規則', '節假日與工作時間', '物業企業', '現場檢查', '季度考評', '風險預警', '物業費收繳', '維修基金', '考評標準', '組織單位', '使用者管理', '角色權限', '介接權杖', '稽核紀錄']);
    await page.reload();
    expect(await menuLabels(page)).toContain('使用者管理');
    await openScreen(page, '使用者管理');
    await expect.poll(() => page.locator('.ant-table-tbody').innerText()).toContain('社區管理員');
    await screenshot(page, 'zh-TW', '04-users');
    await chooseLanguage(page, '简体中文');
    await expect.poll(() => menuLabels(page)).toContain('用户管理');
  });

  it('dark mode is remembered; at tablet width the menu folds to icons and opens on demand', async () => {
    const { page } = b;
    await page.getByTestId('theme-switch').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await openScreen(page, '组织机构');
    await screenshot(page, 'zh-CN', '13-orgs-dark');
    await page.getByTestId('theme-switch').click();

    const tablet = await b.newContext({ viewport: { width: 768, height: 1024 } });
    await signIn(tablet.page, 'community');
    const sider = tablet.page.locator('.shell-sider');
    await expect.poll(async () => (await sider.boundingBox())?.width).toBe(64);
    await tablet.page.goto('/admin/users');
    await expect.poll(() => tablet.page.locator('.ant-table-row').count()).toBe(3);
    // organisation and place stay visible in the header
    expect(await tablet.page.getByTestId('shell-where').innerText()).toContain('甸柳南社区');
    await screenshot(tablet.page, 'zh-CN', '14-tablet-users');
    await tablet.page.getByRole('button', { name: '展开菜单' }).click();
    await expect.poll(async () => (await sider.boundingBox())?.width).toBe(236);
    await screenshot(tablet.page, 'zh-CN', '15-tablet-menu-open');
    expect(b.pageErrors).toEqual([]);
  });
});
