import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuLabels, screenshot, signIn, signOut, startBrowser, type Browser } from './browser.ts';

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

describe('each user sees only what their roles allow', () => {
  it('a community administrator: their community in the header, the case queues, users but no roles, tokens or audit', async () => {
    const { page } = b;
    await signIn(page, 'community');
    await expect.poll(() => page.getByTestId('shell-where').innerText()).toContain('甸柳南社区居民委员会');
    // the place, below the city: district · street · community
    expect(await page.getByTestId('shell-where').innerText()).toMatch(/历下区 · \S+街道 · 甸柳南社区/);
    expect(await menuLabels(page)).toEqual(['首页', '受理派遣', '我的待办', '待核查', '督办预警', '登记案件', '案件查询', '常用语', '指挥中心', '网格地图', '小区楼栋', '居民信息', '数据导入', '物业企业', '季度考评', '风险预警', '物业费收缴', '维修基金', '组织机构', '用户管理']);
    await page.getByTestId('side-menu').getByText('用户管理', { exact: true }).click();
    await expect.poll(() => page.locator('.ant-table-row').allInnerTexts()).toHaveLength(3);
    const rows = (await page.locator('.ant-table-row td:first-child').allInnerTexts()).sort();
    expect(rows).toEqual(['community', 'grid', 'property']);
    await page.goto('/admin/audit');
    await expect.poll(() => page.getByTestId('forbidden').innerText()).toContain('没有权限');
    await signOut(page);
    // signed out means signed out: the console's pages lead to the sign-in page again
    await page.goto('/admin/users');
    await page.waitForURL((u) => u.pathname === '/login');
  });

  it('a grid worker: no user administration in the menu, a no-permission page at its address, 403 from the API', async () => {
    const { page } = b;
    await signIn(page, 'grid');
    expect(await menuLabels(page)).toEqual(['首页', '待核查', '登记案件', '案件查询', '网格地图', '小区楼栋', '居民信息']);
    expect(await page.getByTestId('shell-where').innerText()).toMatch(/甸柳南社区 · \S+网格/);
    // the home page's shortcuts are the registry's, none of the administration's
    await page.getByTestId('shortcut-/registry/map').waitFor();
    expect(await page.getByTestId('shortcut-/admin/users').count()).toBe(0);
    await page.goto('/admin/users');
    await expect.poll(() => page.getByTestId('forbidden').innerText()).toContain('没有权限');
    expect(await page.locator('.ant-table').count()).toBe(0);
    await screenshot(page, 'zh-CN', '10-forbidden');
    // the same session (the browser's cookie) asking the API directly
    const res = await page.request.get('/api/users');
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe('FORBIDDEN');
    await signOut(page);
  });

  it('a department handler acts for their organisation, shown as such', async () => {
    const { page } = b;
    await signIn(page, 'dept');
    await expect.poll(() => page.getByTestId('shell-where').innerText()).toContain('历下区城市管理局');
    expect(await page.getByTestId('shell-where').innerText()).toContain('历下区 · 本单位承办事项');
    expect(await menuLabels(page)).toEqual(['首页', '我的待办', '案件查询', '常用语', '指挥中心', '网格地图', '小区楼栋']);
    expect(b.pageErrors).toEqual([]);
  });
});
