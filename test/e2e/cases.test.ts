import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, menuLabels, screenshot, signIn, signOut, startBrowser, type Browser, pickOption } from './browser.ts';

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

const ZH = 'zh-CN';
// a real 2×2 PNG: the upload checks the type from the bytes
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const photo = (name: string) => ({ name, mimeType: 'image/png', buffer: PNG });

let caseId = '';
let caseNo = '';
let dept: { page: Page };

/** Opens an action's dialog on the case screen, lets `fill` complete it, confirms, and waits for the dialog to close. */
async function doAction(page: Page, action: string, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
  await page.getByTestId(`action-${action}`).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await page.getByTestId('action-ok').click();
  await dialog.waitFor({ state: 'hidden' });
}

const statusText = (page: Page) => page.locator('.page-title [data-testid=status-tag]').innerText();

describe('the case loop in the browser: the community registers and dispatches, the department handles, the grid worker verifies', () => {
  it('the community dispatcher registers a walk-in report: the category is suggested from the text, a photo is attached', async () => {
    const { page } = b;
    await signIn(page, 'community');
    expect(await menuLabels(page)).toEqual(['首页', '受理派遣', '我的待办', '待核查', '督办预警', '登记案件', '案件查询', '常用语', '指挥中心', '网格地图', '小区楼栋', '居民信息', '数据导入', '物业企业', '季度考评', '风险预警', '物业费收缴', '维修基金', '组织机构', '用户管理']);
    await page.getByTestId('side-menu').getByText('登记案件', { exact: true }).click();
    await page.locator('#description').fill('甸柳南社区3号楼西侧的路灯坏了一个多星期，晚上漆黑一片，老人出门不安全');
    // the classifier's suggestions appear and the fairly sure top one fills the category
    // the first suggestion loads the model: on a busy machine that takes a while
    await expect.poll(() => page.getByTestId('suggestions').innerText(), { timeout: 60_000 }).toContain('%');
    await expect.poll(() => page.getByTestId('intake-category').innerText()).toContain('路灯');
    // a building in the grid worker's grid, so the grid worker verifies it later
    const gridId = (await b.server.platform.db.selectFrom('app_user').select('grid_id').where('username', '=', 'grid').executeTakeFirstOrThrow()).grid_id!;
    const building = await b.server.platform.db.selectFrom('building').select(['address']).where('grid_id', '=', gridId).orderBy('id').executeTakeFirstOrThrow();
    await page.locator('#buildingId').click();
    await page.locator('#buildingId').fill(building.address);
    await pickOption(page, page.locator('.ant-select-item-option').first());
    await page.locator('#reporter_name').fill('李桂兰');
    await page.locator('#reporter_phone').fill('13953112345');
    await page.locator('input[type=file]').setInputFiles(photo('before.png'));
    await expect.poll(() => page.locator('.ant-upload-list-item-done, .ant-upload-list-item:not(.ant-upload-list-item-uploading)').count()).toBe(1);
    await screenshot(page, ZH, '20-intake');
    await page.getByTestId('intake-submit').click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    caseId = page.url().split('/').pop()!;
    caseNo = await page.locator('.page-title [data-testid=case-no]').innerText();
    expect(caseNo).toMatch(/^370102-\d{4}-\d{6}$/);
    expect(await statusText(page)).toBe('待受理');
    // the reporter is masked; the photo is there; the routing rules suggest the unit
    expect(await page.getByTestId('reporter').innerText()).toBe('李*兰 139****2345');
    await expect.poll(() => page.getByTestId('photo-before').count()).toBe(1);
    expect(await page.getByTestId('case-info').innerText()).toContain('按规则建议');
    expect(await page.getByTestId('case-deadlines').innerText()).toContain('立案时限');
    await screenshot(page, ZH, '21-case-reported');
  });

  it('the department keeps a reply template and watches its queue', async () => {
    dept = await b.newContext();
    await signIn(dept.page, 'dept');
    expect(await menuLabels(dept.page)).toEqual(['首页', '我的待办', '案件查询', '常用语', '指挥中心', '网格地图', '小区楼栋']);
    await dept.page.goto('/cases/templates');
    await dept.page.getByRole('button', { name: '新增常用语' }).click();
    await dept.page.getByTestId('template-category').click();
    await pickOption(dept.page, dept.page.locator('.ant-select-item-option').getByText('市政设施', { exact: true }));
    await dept.page.getByTestId('template-text').fill('已更换损坏的灯泡和镇流器，路灯恢复正常照明。');
    await dept.page.getByTestId('template-save').click();
    await expect.poll(() => dept.page.getByTestId('templates-table').innerText()).toContain('已更换损坏的灯泡');
    await screenshot(dept.page, ZH, '26-templates');
    await dept.page.goto('/cases/handle');
    await dept.page.getByTestId('queue-table').waitFor();
  });

  it('registers and dispatches it from the case screen; the department’s queue shows it as it arrives', async () => {
    const { page } = b;
    await doAction(page, 'register');
    await expect.poll(() => statusText(page)).toBe('已立案');
    await doAction(page, 'dispatch', async (dialog) => {
      // the unit the rules suggest is proposed
      await expect.poll(() => dialog.getByTestId('form-org').innerText()).toContain('城市管理局');
    });
    await expect.poll(() => statusText(page)).toBe('已派遣');
    expect(await page.getByTestId('case-deadlines').innerText()).toContain('处置时限');
    await expect.poll(() => page.getByTestId('case-deadlines').getByTestId('countdown').count()).toBeGreaterThan(0);
    await screenshot(page, ZH, '23-case-dispatched');
    // live: the department's open queue counts the new work and lists it without a reload
    await expect.poll(() => dept.page.getByTestId('live-badge').innerText()).toMatch(/[1-9]/);
    await expect.poll(() => dept.page.getByTestId('queue-table').innerText()).toContain(caseNo);
    expect(await dept.page.getByTestId('queue-table').innerText()).toMatch(/剩余 .*（工作时间）/);
    await screenshot(dept.page, ZH, '25-queue-handle');
  });

  it('prints the case sheet (派单单)', async () => {
    const { page } = b;
    await page.getByTestId('print-link').click();
    await page.waitForURL(/\/print$/);
    const sheet = page.getByTestId('print-sheet');
    await expect.poll(() => sheet.innerText()).toContain(caseNo);
    expect(await sheet.innerText()).toContain('历下区城市管理局');
    expect(await sheet.innerText()).toContain('李*兰 139****2345');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, ZH, '24-print-sheet');
    await page.emulateMedia({ media: 'screen' });
  });

  it('dispatches several new reports at once and keeps a saved view', async () => {
    const { page } = b;
    const nos: string[] = [];
    for (const d of ['经十路辅路井盖缺失，车辆经过很危险', '小区门口垃圾桶满了三天没人清运']) {
      const r = await page.request.post('/api/cases', { data: { description: d, channel: 'phone' } });
      expect(r.status()).toBe(201);
      nos.push((await r.json()).caseNo);
    }
    await page.goto('/cases/dispatch');
    const table = page.getByTestId('queue-table');
    await expect.poll(() => table.innerText()).toContain(nos[1]);
    // unclassified reports get the classifier's suggestion in the queue
    await expect.poll(() => page.getByTestId('category-suggestion').count()).toBeGreaterThan(0);
    await screenshot(page, ZH, '22-queue-dispatch');
    // the same filters, saved under a name, come back from the server
    await page.getByTestId('queue-search').locator('input').fill('井盖');
    await page.getByTestId('queue-search').locator('input').press('Enter');
    await expect.poll(() => table.innerText()).not.toContain(nos[1]);
    expect(await table.innerText()).toContain(nos[0]);
    await page.getByTestId('save-view').click();
    await page.getByTestId('view-name').fill('井盖问题');
    await page.locator('.ant-modal-confirm').getByRole('button', { name: /^保\s*存$/ }).click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已保存视图');
    const views = await page.request.get('/api/saved-views?screen=queue.dispatch');
    expect((await views.json()).map((v: { name: string }) => v.name)).toEqual(['井盖问题']);
    await page.getByTestId('queue-search').locator('input').fill('');
    await page.getByTestId('queue-search').locator('input').press('Enter');
    await expect.poll(() => table.innerText()).toContain(nos[0]);

    for (const no of nos) await page.locator('.ant-table-row', { hasText: no }).locator('.ant-checkbox-input').check();
    await page.getByTestId('bulk-dispatch').click();
    await page.getByText('全部派给同一单位').click();
    await page.getByTestId('bulk-org').click();
    await pickOption(page, page.locator('.ant-select-item-option').getByText('历下区城市管理局', { exact: true }));
    await page.getByTestId('bulk-ok').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已派遣 2 件');
    await expect.poll(() => table.innerText()).not.toContain(nos[0]);
    for (const no of nos) {
      const r = await page.request.get('/api/cases', { params: { q: no } });
      expect((await r.json()).items[0].status).toBe('dispatched');
    }
  });

  it('the department accepts and handles it with a photo and a reply template', async () => {
    const { page } = dept;
    await page.locator('[data-testid=case-link]', { hasText: caseNo }).click();
    await page.waitForURL(`**/cases/${caseId}`);
    // a grid worker's or a dispatcher's steps are not offered to the department
    await page.getByTestId('action-accept').waitFor();
    expect(await page.getByTestId('action-dispatch').count()).toBe(0);
    expect(await page.getByTestId('action-verify').count()).toBe(0);
    await doAction(page, 'accept');
    await expect.poll(() => statusText(page)).toBe('处置中');
    await page.getByTestId('action-handle').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('template-picker').click();
    await page.getByText('已更换损坏的灯泡和镇流器，路灯恢复正常照明。').click();
    await expect.poll(() => dialog.locator('#note').inputValue()).toContain('已更换损坏的灯泡');
    await dialog.locator('input[type=file]').setInputFiles(photo('after.png'));
    await expect.poll(() => dialog.locator('.ant-upload-list-item-uploading').count()).toBe(0);
    await screenshot(page, ZH, '27-handle-form');
    await page.getByTestId('action-ok').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => statusText(page)).toBe('待核查');
    await expect.poll(() => page.getByTestId('photo-after').count()).toBe(1);
    expect(await page.getByTestId('case-timeline').innerText()).toContain('已更换损坏的灯泡');
    expect(b.pageErrors).toEqual([]);
  });

  it('the grid worker verifies it on site; the community closes it', async () => {
    const { page } = b;
    await signOut(page);
    await signIn(page, 'grid');
    expect(await menuLabels(page)).toEqual(['首页', '待核查', '登记案件', '案件查询', '网格地图', '小区楼栋', '居民信息']);
    // supervising is not theirs: neither the menu nor the API
    const refused = await page.request.post(`/api/cases/${caseId}/actions`, { data: { action: 'supervise', note: '请尽快' } });
    expect(refused.status()).toBe(403);
    await page.getByTestId('side-menu').getByText('待核查', { exact: true }).click();
    await expect.poll(() => page.getByTestId('queue-table').innerText()).toContain(caseNo);
    await screenshot(page, ZH, '28-queue-verify');
    await page.locator('[data-testid=case-link]', { hasText: caseNo }).click();
    await doAction(page, 'verify', async (dialog) => {
      await dialog.getByText('已解决，通过').click();
    });
    await expect.poll(() => statusText(page)).toBe('已核查');
    await screenshot(page, ZH, '29-case-verified');
    await signOut(page);
    await signIn(page, 'community');
    await page.goto(`/cases/${caseId}`);
    await doAction(page, 'close');
    await expect.poll(() => statusText(page)).toBe('已结案');
    const timeline = await page.getByTestId('case-timeline').innerText();
    for (const step of ['上报', '立案', '派遣', '接单', '处置反馈', '核查', '结案']) expect(timeline).toContain(step);
  });

  it('the street office’s supervision queue: overdue and at-risk cases, whistles awaiting check-in', async () => {
    const { page } = b;
    await signOut(page);
    // a report the community let run past its registration deadline; the demo's own open clocks may
    // all still be running, depending on the hour its history was drawn
    // (from node, not the page: the page's cookies must stay signed out)
    const api = async (url: string, body: unknown, token?: string) => (await fetch(`${b.base}${url}`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    })).json() as Promise<{ token: string; id: string }>;
    const { token } = await api('/api/auth/login', { username: 'community', password: DEMO_PASSWORD });
    const late = await api('/api/cases', { description: '小区门口的路灯坏了一个多星期', channel: 'walk_in' }, token);
    await b.server.platform.db.updateTable('case_deadline').set({ due_at: new Date(Date.now() - 3_600_000), warn_at: new Date(Date.now() - 7_200_000) })
      .where('case_id', '=', late.id).execute();
    await signIn(page, 'street');
    await page.goto('/cases/watch');
    // overdue clocks are listed in red
    await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0);
    await screenshot(page, ZH, '30-queue-watch');
    expect(b.pageErrors).toEqual([]);
  });

  it('in English: the queues, the case screen, intake and the case sheet', async () => {
    const { page } = b;
    await page.evaluate(() => localStorage.setItem('linli.language', 'en'));
    await signOut(page);
    await signIn(page, 'community');
    await page.goto('/cases/dispatch');
    await expect.poll(() => menuLabels(page)).toContain('Intake & dispatch');
    await expect.poll(() => page.getByTestId('queue-tabs').innerText()).toContain('To close');
    await screenshot(page, 'en', '20-queue-dispatch');
    await page.goto(`/cases/${caseId}`);
    await expect.poll(() => statusText(page)).toBe('Closed');
    expect(await page.getByTestId('case-timeline').innerText()).toContain('Report handling');
    await screenshot(page, 'en', '21-case');
    await page.goto('/cases/new');
    await page.locator('#description').fill('The street light by building 3 has been out for a week');
    await screenshot(page, 'en', '22-intake');
    await page.goto(`/cases/${caseId}/print`);
    await expect.poll(() => page.getByTestId('print-sheet').innerText()).toContain('Case dispatch sheet');
    await screenshot(page, 'en', '23-print-sheet');
    await page.goto('/cases/templates');
    await screenshot(page, 'en', '24-templates');
    expect(b.pageErrors).toEqual([]);
  });
});
