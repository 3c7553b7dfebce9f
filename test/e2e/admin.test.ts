import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { menuLabels, openScreen, screenshot, signIn, startBrowser, type Browser, pickOption } from './browser.ts';

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

const ZH = 'zh-CN';
/** a code shown as it is (`case.close`, `hot_spot`) where a name belongs */
const RAW_CODE = /^[a-z0-9_.]+$/;

describe('the platform administrator walks every administration screen (zh-CN)', () => {
  it('signs in and sees who they are, their organisation and scope', async () => {
    const { page } = b;
    await page.goto('/');
    await page.waitForURL('**/login**');
    await screenshot(page, ZH, '01-login');
    await signIn(page, 'admin');
    await expect.poll(() => page.getByTestId('shell-where').innerText()).toContain('邻里平台运维中心');
    expect(await page.getByTestId('shell-where').innerText()).toContain('全部辖区');
    expect(await menuLabels(page)).toEqual(['首页', '登记案件', '案件查询', '常用语', '指挥中心', '网格地图', '小区楼栋', '居民信息', '数据导入', '事项分类', '派遣规则', '时限规则', '节假日与工作时间', '物业企业', '现场检查', '季度考评', '风险预警', '物业费收缴', '维修基金', '考评标准', '组织机构', '用户管理', '角色权限', '接口令牌', '审计日志']);
    expect(await page.getByTestId('home-identity').innerText()).toContain('平台管理员');
    await screenshot(page, ZH, '02-home');
  });

  it('organisations: the jurisdiction tree, the list, and creating a department', async () => {
    const { page } = b;
    await openScreen(page, '组织机构');
    await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(5);
    await page.getByTestId('region-tree').getByText('历下区', { exact: true }).click();
    await expect.poll(async () => (await page.locator('.ant-table-row').allInnerTexts()).every((r) => r.includes('历下区'))).toBe(true);
    expect(await page.getByTestId('table-count').innerText()).toMatch(/共 \d+ 条/);
    await screenshot(page, ZH, '03-orgs');

    await page.getByRole('button', { name: '新建单位' }).click();
    const dialog = page.getByRole('dialog');
    // the area picked in the tree is proposed for the new body
    await expect.poll(() => dialog.locator('.ant-select-content').nth(1).innerText()).toContain('历下区');
    await dialog.locator('#name').fill('历下区退役军人事务局');
    await dialog.locator('#deptType').click();
    await pickOption(page, page.locator('.ant-select-item-option').getByText('民政', { exact: true }));
    await dialog.getByRole('button', { name: '保 存' }).or(dialog.getByRole('button', { name: '保存' })).click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已新建单位');
    await page.locator('#q').fill('退役军人');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await expect.poll(() => page.locator('.ant-table-row').allInnerTexts()).toEqual([expect.stringContaining('历下区退役军人事务局')]);
  });

  it('users: create an account, see the temporary password once, edit roles, disable', async () => {
    const { page } = b;
    await openScreen(page, '用户管理');
    await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(5);
    await screenshot(page, ZH, '04-users');

    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#username').fill('wangfang');
    await dialog.locator('#displayName').fill('王芳');
    await dialog.locator('#orgId').click();
    await page.keyboard.type('甸柳');
    await pickOption(page, page.locator('.ant-select-item-option').first());
    await dialog.getByLabel('社区工作人员').check();
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    const secret = page.getByTestId('once-secret');
    await expect.poll(() => secret.inputValue()).toMatch(/^[A-Za-z0-9]{14}$/);
    await screenshot(page, ZH, '05-users-temporary-password');
    await page.getByRole('button', { name: '我已保存' }).click();

    await page.locator('#q').fill('wangfang');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    const row = page.locator('.ant-table-row', { hasText: 'wangfang' });
    await expect.poll(() => row.innerText()).toContain('待改密码');
    expect(await row.innerText()).toContain('社区工作人员');

    await row.getByRole('button', { name: '编 辑' }).or(row.getByRole('button', { name: '编辑' })).click();
    await page.getByRole('dialog').getByLabel('网格员').check();
    await page.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
    await expect.poll(() => row.innerText()).toContain('网格员');

    await row.getByRole('button', { name: /停\s*用/ }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await expect.poll(() => row.innerText()).toContain('已停用');
    const users = (await b.server.request({ method: 'GET', url: '/api/users?q=wangfang', token: await b.server.login('admin') })).json();
    expect(users[0]).toMatchObject({ displayName: '王芳', roles: ['community_staff', 'grid_worker'], active: false, mustChangePassword: true });
  });

  it('users: the current view exports to an Excel file with the shown columns', async () => {
    const { page } = b;
    await page.getByRole('button', { name: /^重\s*置$/ }).click();
    await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(5);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^用户管理-\d{8}-\d{4}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, '账号', '姓名', '所在单位', '角色', '状态']);
    const usernames = sheet.getColumn(1).values.slice(2);
    expect(usernames).toEqual(expect.arrayContaining(['admin', 'community', 'grid', 'wangfang']));
  });

  it('roles: a matrix of roles and permissions with readable names; a change is saved', async () => {
    const { page } = b;
    await openScreen(page, '角色权限');
    const matrix = page.getByTestId('role-matrix');
    await expect.poll(() => matrix.innerText()).toContain('管理用户账号');
    expect(await matrix.innerText()).toContain('社区工作人员');
    // every permission and area shows by its name; the code is only the grey line under the name
    const named = await matrix.locator('.code-text').evaluateAll((els) => els.map((e) => [e.previousElementSibling?.textContent ?? '', e.textContent ?? '']));
    expect(named.length).toBeGreaterThan(30);
    for (const [name, code] of named) expect(name, code).not.toBe(code);
    for (const area of await matrix.locator('.no-wrap').allInnerTexts()) expect(area).not.toMatch(RAW_CODE);
    await screenshot(page, ZH, '06-roles');
    await page.getByLabel('社区工作人员 · 查看审计日志').check();
    await page.getByTestId('roles-save').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已保存 1 个角色的权限');
    const roles = (await b.server.request({ method: 'GET', url: '/api/roles', token: await b.server.login('admin') })).json();
    expect(roles.find((r: { code: string }) => r.code === 'community_staff').permissions).toContain('audit.read');
  });

  it('integration tokens: the secret is shown once, the token works, revoking stops it', async () => {
    const { page } = b;
    await openScreen(page, '接口令牌');
    await page.getByRole('button', { name: '新建令牌' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#name').fill('12345 热线对接');
    await dialog.locator('#kind').click();
    await pickOption(page, page.locator('.ant-select-item-option').getByText('12345 热线', { exact: true }));
    await dialog.getByLabel('查看辖区信息').check();
    await dialog.getByRole('button', { name: '生成令牌' }).click();
    const secret = await page.getByTestId('once-secret').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await screenshot(page, ZH, '07-tokens-secret');
    await page.getByRole('button', { name: '我已保存' }).click();
    const orgs = await b.server.request({ method: 'GET', url: '/api/orgs', headers: { authorization: `Bearer ${secret}` } });
    expect(orgs.statusCode).toBe(200);

    const row = page.locator('.ant-table-row', { hasText: '12345 热线对接' });
    await expect.poll(() => row.innerText()).toContain('查看辖区信息');
    await screenshot(page, ZH, '08-tokens');
    await row.getByRole('button', { name: /吊\s*销/ }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await expect.poll(() => row.innerText()).toContain('已吊销');
    const after = await b.server.request({ method: 'GET', url: '/api/orgs', headers: { authorization: `Bearer ${secret}` } });
    expect(after.statusCode).toBe(401);
  });

  it('audit log: what was just done is listed; the chain verifies', async () => {
    const { page } = b;
    await openScreen(page, '审计日志');
    await expect.poll(() => page.locator('.ant-table-tbody').innerText()).toContain('吊销接口令牌');
    const body = await page.locator('.ant-table-tbody').innerText();
    for (const action of ['新建用户', '修改用户', '修改角色权限', '新建单位', '登录']) expect(body).toContain(action);
    for (const cell of await page.locator('.ant-table-row td:nth-child(6), .ant-table-row td:nth-child(7)').allInnerTexts()) expect(cell).not.toMatch(RAW_CODE);
    // chosen by typing, not by clicking into the opening list (an animation a loaded machine may catch mid-way)
    await page.locator('#action').fill('新建用户');
    await page.locator('.ant-select-item-option-active').getByText('新建用户', { exact: true }).waitFor();
    await page.locator('#action').press('Enter');
    await expect.poll(() => page.locator('.ant-select', { has: page.locator('#action') }).locator('.ant-select-content').innerText()).toContain('新建用户');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await expect.poll(async () => new Set(await page.locator('.ant-table-row td:nth-child(6)').allInnerTexts())).toEqual(new Set(['新建用户']));
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-report').innerText()).toContain('审计记录完整');
    await screenshot(page, ZH, '09-audit');
    expect(b.pageErrors).toEqual([]);
  });
});
