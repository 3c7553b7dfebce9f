import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, SCREENSHOTS, signInResident, startBrowser, type Browser } from './browser.ts';
import { DEMO_RESIDENT_PHONE } from '../../server/demo/load.ts';

/** The resident page at a phone's size: sign-in, report with a photo, offline report sent once, follow and rate, elderly mode. */
let b: Browser;
const PHONE = { width: 390, height: 844 };
/** A real photo-sized image (a colour gradient) the phone can draw and shrink before uploading. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows.set([x % 256, y % 256, 160], y * (width * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
const PNG = png(2000, 1500);
let compound: { id: string; name: string };
let building: { id: string; number: string };
let communityOrg: string;
let caseId: string;
let caseNo: string;

beforeAll(async () => {
  // texts go at any hour here: the test runs whenever CI does
  b = await startBrowser({ viewport: PHONE, config: { smsQuietHours: null } });
  b.page.on('pageerror', (e) => console.log('PAGE ERROR', e.stack));
  const db = b.server.platform.db;
  const token = await b.server.login('community');
  communityOrg = (await b.server.request({ method: 'GET', url: '/api/auth/me', token })).json().orgId;
  const region = (await db.selectFrom('org').select('region_id').where('id', '=', communityOrg).executeTakeFirstOrThrow()).region_id!;
  compound = await db.selectFrom('compound').select(['id', 'name']).where('community_id', '=', region).orderBy('id').executeTakeFirstOrThrow();
  building = await db.selectFrom('building').select(['id', 'number']).where('compound_id', '=', compound.id).orderBy('number_key').executeTakeFirstOrThrow();
});
afterAll(() => b?.close());

/** Chooses the test's compound, then its building, in the place picker the button opens; waits for the picker to close. */
async function pickPlace(button: string) {
  const { page } = b;
  await page.getByRole('button', { name: button }).click();
  await page.locator('.adm-search-bar input').fill(compound.name);
  await page.locator('.adm-list-item', { hasText: compound.name }).first().click();
  await page.locator('.adm-list-item', { hasText: building.number }).first().click();
  await expect.poll(() => page.locator('.adm-popup-body:visible').count()).toBe(0);
}

const casesWith = (description: string) =>
  b.server.platform.db.selectFrom('cases').selectAll().where('description', '=', description).execute() as Promise<Record<string, unknown>[]>;

describe('resident page on a phone', () => {
  it('the first visit is small (measured, recorded for docs/benchmarks.md)', async () => {
    const { page } = b;
    const loaded: { url: string; bytes: number; gzip: number }[] = [];
    const listener = async (res: import('playwright-core').Response) => {
      if (!res.url().includes('/m/')) return;
      const body = await res.body().catch(() => null);
      if (body) loaded.push({ url: new URL(res.url()).pathname, bytes: body.length, gzip: gzipSync(body, { level: 6 }).length });
    };
    page.on('response', listener);
    await page.goto('/m/');
    await page.getByRole('button', { name: '获取验证码' }).waitFor();
    await page.waitForLoadState('networkidle');
    page.off('response', listener);
    const sum = (k: 'bytes' | 'gzip') => loaded.reduce((a, r) => a + r[k], 0);
    const js = loaded.filter((r) => r.url.endsWith('.js'));
    const report = { files: loaded, totalBytes: sum('bytes'), totalGzip: sum('gzip'), jsGzip: js.reduce((a, r) => a + r.gzip, 0) };
    mkdirSync(path.join(SCREENSHOTS, '..'), { recursive: true });
    writeFileSync(path.join(SCREENSHOTS, '..', 'resident-page-weight.json'), JSON.stringify(report, null, 2));
    console.log(`resident page first load: ${loaded.length} files, ${(report.totalBytes / 1024).toFixed(1)} kB, gzip ${(report.totalGzip / 1024).toFixed(1)} kB (JavaScript ${(report.jsGzip / 1024).toFixed(1)} kB)`);
    // the budget the page is built to: well under the staff console's 285 kB
    expect(report.totalGzip).toBeLessThan(200 * 1024);
    await screenshot(page, 'resident', '01-sign-in', { stretch: true });
  });

  it('signs in with the code sent by SMS', async () => {
    const { page } = b;
    await signInResident(page, b.server, DEMO_RESIDENT_PHONE);
    await page.getByRole('button', { name: /我要反映/ }).first().waitFor();
    await screenshot(page, 'resident', '02-home', { stretch: true });
  });

  it('reports a problem with a photo and a building, and gets the case number at once', async () => {
    const { page } = b;
    await page.getByRole('button', { name: /我要反映/ }).first().click();
    await page.getByRole('textbox', { name: '问题描述' }).fill('楼道里的灯坏了好几天，晚上上下楼很黑，老人容易摔倒');
    await page.locator('input[type=file]').setInputFiles({ name: 'light.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => page.locator('.adm-image-uploader-cell-image').count()).toBe(1);
    await pickPlace('选择小区和楼栋');
    await expect.poll(() => page.getByTestId('place').innerText()).toContain(compound.name);
    await screenshot(page, 'resident', '03-report-filled', { stretch: true });
    await page.getByRole('button', { name: '提交' }).click();
    caseNo = await page.getByTestId('case-no').innerText();
    expect(caseNo).toMatch(/^\d{6}-\d{4}-\d{6}$/);
    await screenshot(page, 'resident', '04-report-done', { stretch: true });
    const [c] = await casesWith('楼道里的灯坏了好几天，晚上上下楼很黑，老人容易摔倒');
    expect(c).toMatchObject({ case_no: caseNo, channel: 'resident_app', building_id: building.id });
    caseId = c.id as string;
    const files = await b.server.platform.db.selectFrom('case_attachment').selectAll().where('case_id', '=', caseId).execute();
    expect(files).toHaveLength(1);
  });

  it('follows the case as staff act on it, and rates the result', async () => {
    const { page, server: s } = b;
    // progress by text message: the resident agrees in the settings
    await page.goto('/m/settings');
    await page.getByRole('switch', { name: '短信通知进展' }).click();
    await expect.poll(() => page.getByRole('switch', { name: '短信通知进展' }).getAttribute('aria-checked')).toBe('true');
    await screenshot(page, 'resident', '04b-settings-sms', { stretch: true });
    const token = await s.login('community');
    for (const body of [
      { action: 'register' }, { action: 'dispatch', orgId: communityOrg }, { action: 'accept' },
      { action: 'handle', note: '已更换楼道灯泡' }, { action: 'verify', passed: true }, { action: 'close' },
    ]) {
      const res = await s.request({ method: 'POST', url: `/api/cases/${caseId}/actions`, token, payload: body });
      expect(res.statusCode, `${body.action}: ${res.body}`).toBe(200);
    }
    // the texts: sent to the resident's phone for the dispatch, the handling and the closing
    await s.platform.jobs.runDue();
    const texts = s.sms.sent.filter((m) => m.text.includes(caseNo)).map((m) => m.text);
    expect(texts).toEqual([`【邻里】您反映的问题（${caseNo}）已派给责任单位处理`, `【邻里】您反映的问题（${caseNo}）责任单位已处理完毕，正在核查`, `【邻里】您反映的问题（${caseNo}）已办结，请评价`]);
    // and in the page: the home screen counts them, the messages page lists them and leads to the case
    await page.goto('/m/');
    await expect.poll(() => page.locator('.tile', { hasText: '消息' }).innerText()).toContain('3');
    await page.locator('.tile', { hasText: '消息' }).click();
    await page.locator('.messages .adm-list-item', { hasText: '已办结，请评价' }).waitFor();
    await screenshot(page, 'resident', '04c-messages', { stretch: true });
    await page.locator('.messages .adm-list-item', { hasText: '已办结，请评价' }).click();
    await expect.poll(() => page.locator('.adm-step').count()).toBeGreaterThan(4);
    expect(await page.locator('.case').innerText()).toContain('已更换楼道灯泡');
    await screenshot(page, 'resident', '05-case-timeline', { stretch: true });
    await page.locator('.adm-selector-item', { hasText: '解决了' }).click();
    await page.locator('.adm-selector-item', { hasText: /^满意$/ }).click();
    await page.getByRole('textbox', { name: '想说的话（可不填）' }).fill('修得很快，谢谢');
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => page.locator('.case').innerText()).toContain('您的评价');
    // satisfied: reopening is not offered (only a dissatisfied answer can reopen)
    expect(await page.locator('.case').innerText()).not.toContain('问题没解决，重新办理');
    const [c] = await casesWith('楼道里的灯坏了好几天，晚上上下楼很黑，老人容易摔倒');
    expect(c.status).toBe('evaluated');
    await screenshot(page, 'resident', '06-case-evaluated', { stretch: true });
  });

  it('a refusal the server explains is said in its words, not as a network failure to retry', async () => {
    const { page } = b;
    // a report that is not the resident's (here: nobody's) is "not found"
    await page.goto('/m/cases/00000000-0000-4000-8000-000000000000');
    await page.getByText('未找到该记录').waitFor();
    expect(await page.getByText('网络不通，请稍后再试').count()).toBe(0);
    expect(await page.getByRole('button', { name: '重试' }).count()).toBe(0);
    await screenshot(page, 'resident', '06b-case-not-found', { stretch: true });
  });

  it('an offline report waits on the phone and is sent exactly once when the network is back, even when an answer is lost', async () => {
    const { page, context } = b;
    const text = '小区东门的垃圾桶满了没人清运，气味很大';
    await page.goto('/m/report');
    await page.getByRole('button', { name: '选择小区和楼栋' }).waitFor();
    await page.getByRole('textbox', { name: '问题描述' }).fill(text);
    await pickPlace('选择小区和楼栋');
    await context.setOffline(true);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('没有网络，已保存在手机上').waitFor();
    // no network: nothing to wait for before the picture
    await page.screenshot({ path: path.join(SCREENSHOTS, 'resident', '07-offline-saved.png'), fullPage: true, animations: 'disabled' });
    expect(await casesWith(text)).toHaveLength(0);

    // the first try reaches the server, which creates the case, but the answer never arrives
    let tries = 0;
    await page.route('**/api/cases', async (route) => {
      tries++;
      if (tries === 1) {
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await context.setOffline(false);
    await expect.poll(async () => (await casesWith(text)).length).toBe(1);
    expect(tries).toBe(1);
    // the next try (the phone retries on its own) sends the same Idempotency-Key: the server answers with the same case
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.locator('.adm-tab-bar-item', { hasText: '首页' }).click();
    await expect.poll(() => page.locator('.sent').count()).toBe(1);
    const [c] = await casesWith(text);
    expect(await page.locator('.sent').innerText()).toContain(c.case_no as string);
    expect(tries).toBe(2);
    expect(await casesWith(text)).toHaveLength(1);
    await page.unroute('**/api/cases');
    // (after a switch to offline and back the page's load state does not settle to "network idle" again)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'resident', '08-offline-sent.png'), fullPage: true, animations: 'disabled' });
  });

  it('notices and services from the community, with a read receipt', async () => {
    const { page, server: s } = b;
    const token = await s.login('community');
    await s.request({ method: 'POST', url: '/api/notices', token, payload: { kind: 'announcement', title: '本周六上午停水', body: '因管道维修，周六 8:00–12:00 停水，请提前储水。', important: true } });
    await s.request({ method: 'POST', url: '/api/service-items', token, payload: { category: 'elderly', name: '老年助餐', description: '每天中午为 70 岁以上老人送餐上门', contactPhone: '0531-88888888', hours: '11:00–12:30' } });
    await page.goto('/m/');
    await page.getByRole('button', { name: /居务公开/ }).click();
    await pickPlace('选择住址');
    await page.locator('.adm-list-item', { hasText: '本周六上午停水' }).click();
    await page.getByRole('button', { name: '我已阅读' }).click();
    await expect.poll(async () => (await s.platform.db.selectFrom('notice_read').selectAll().execute()).length).toBe(1);
    await screenshot(page, 'resident', '09-notice', { stretch: true });
    await page.goto('/m/services');
    await page.getByText('老年助餐').waitFor();
    await screenshot(page, 'resident', '10-services', { stretch: true });
  });

  it('elderly mode: large text, high contrast, big targets; English and Traditional Chinese', async () => {
    const { page } = b;
    await page.goto('/m/settings');
    await page.getByRole('switch', { name: '长辈模式' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true);
    await page.goto('/m/');
    const size = await page.locator('.tile-title').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(size).toBeGreaterThanOrEqual(24);
    const height = await page.locator('.tile').first().evaluate((e) => e.getBoundingClientRect().height);
    expect(height).toBeGreaterThanOrEqual(56);
    await screenshot(page, 'resident', '11-elder-home', { stretch: true });
    await page.goto('/m/report');
    await page.getByRole('textbox', { name: '问题描述' }).waitFor();
    await screenshot(page, 'resident', '12-elder-report', { stretch: true });
    await page.goto(`/m/cases/${caseId}`);
    await page.locator('.adm-step').first().waitFor();
    await screenshot(page, 'resident', '13-elder-case', { stretch: true });
    await page.goto('/m/settings');
    await page.locator('.adm-selector-item', { hasText: 'English' }).click();
    await page.getByText('Easy mode').waitFor();
    await page.goto('/m/');
    await page.getByRole('button', { name: /Report a problem/ }).waitFor();
    await screenshot(page, 'resident', '14-elder-en', { stretch: true });
    await page.goto('/m/settings');
    await page.locator('.adm-selector-item', { hasText: '繁體中文' }).click();
    // the language is remembered once its catalogue has loaded; leave only after that
    await page.getByText('長輩模式').waitFor();
    await page.goto('/m/cases');
    await page.getByText('我的反映').first().waitFor();
    await screenshot(page, 'resident', '15-zh-TW-cases', { stretch: true });
    expect(b.pageErrors).toEqual([]);
  });
});
