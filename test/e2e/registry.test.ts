import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { idCheckChar } from '../../server/platform/pii/index.ts';
import { menuLabels, openScreen, screenshot, signIn, signOut, startBrowser, type Browser, pickOption } from './browser.ts';
import { downloadedXlsx } from './operations.ts';

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

const idOf = (first17: string) => first17 + idCheckChar(first17);

describe('registry screens', () => {
  it('the community administrator: grid map, drill-down to a household, the resident card with reveal, a visit and a tag, the audited export', async () => {
    const { page } = b;
    await signIn(page, 'community');
    await openScreen(page, '网格地图');
    const map = page.getByTestId('registry-map-chart');
    await map.locator('canvas').first().waitFor();
    // the community's warnings load without choosing (one community in scope)
    await expect.poll(() => page.getByTestId('grid-warnings').innerText()).not.toContain('选择一个社区');
    // a click in the middle of the map lands in a grid (the grids tile the community)
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('grid-card').innerText()).toMatch(/\d{15}/);
    await screenshot(page, 'zh-CN', '40-grid-map');

    await openScreen(page, '小区楼栋');
    await page.locator('.ant-table-row a').first().click();
    await page.locator('.ant-table-row a').first().waitFor();
    await page.locator('.ant-table-row a').first().click();
    await expect.poll(() => page.getByTestId('places-crumbs').innerText()).toMatch(/号楼|栋|座/);
    // the first household with people in it
    await page.locator('.ant-table-row').first().waitFor();
    const rows = page.locator('.ant-table-row');
    const n = await rows.count();
    let opened = false;
    for (let i = 0; i < n && !opened; i++) {
      if (Number(await rows.nth(i).locator('td').last().innerText()) > 0) {
        await rows.nth(i).locator('a').click();
        opened = true;
      }
    }
    expect(opened).toBe(true);
    await page.getByTestId('household-drawer').locator('.ant-table-row a').first().waitFor();
    await screenshot(page, 'zh-CN', '41-household', { fullPage: false });
    await page.getByTestId('household-drawer').locator('.ant-table-row a').first().click();
    await page.waitForURL((u) => u.pathname === '/registry/residents' && u.searchParams.has('id'));

    // the resident card: masked, then revealed (audited)
    const card = page.getByTestId('resident-card');
    await expect.poll(() => card.getByTestId('resident-id-number').innerText()).toContain('*');
    await card.getByTestId('reveal').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s?定/ }).click();
    await expect.poll(() => card.getByTestId('resident-id-number').innerText()).toMatch(/^\d{17}[\dX]$/);
    const residentId = new URL(page.url()).searchParams.get('id')!;
    const reveals = await b.server.platform.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'resident.reveal').execute();
    expect(reveals.map((r) => r.entity_id)).toContain(residentId);
    // a visit
    await card.getByRole('tab', { name: /走访记录/ }).click();
    await card.getByTestId('add-visit').click();
    await page.getByTestId('visit-notes').fill('入户了解近况，身体状况良好');
    await page.getByRole('dialog', { name: '记录走访' }).getByRole('button', { name: /保\s?存/ }).click();
    await expect.poll(() => card.innerText()).toContain('入户了解近况');
    // a care tag
    await card.getByRole('tab', { name: /重点人群/ }).click();
    await card.getByTestId('add-tag').click();
    const tagDialog = page.getByRole('dialog', { name: '添加标签' });
    await tagDialog.locator('#tag').click();
    await pickOption(page, page.locator('.ant-select-item-option').filter({ hasText: '重点关注' }));
    await tagDialog.getByRole('button', { name: /保\s?存/ }).click();
    await expect.poll(() => card.locator('.ant-tag').allInnerTexts()).toContain('重点关注');
    await screenshot(page, 'zh-CN', '43-resident-card', { fullPage: false });
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => !u.searchParams.has('id'));

    // the list, searched by tag; the export goes through the server (audited)
    await page.locator('.table-filters #tag').click();
    await pickOption(page, page.locator('.ant-select-item-option').filter({ hasText: '重点关注' }));
    await page.locator('.table-filters').getByRole('button', { name: /查\s?询/ }).click();
    await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0);
    await screenshot(page, 'zh-CN', '42-residents');
    const exportsBefore = (await b.server.platform.db.selectFrom('audit_log').select('seq').where('action', '=', 'resident.export').execute()).length;
    const file = await downloadedXlsx(page, () => page.getByTestId('export-xlsx').click());
    expect(file.rows()[0].slice(0, 3)).toEqual(['姓名', '身份证号', '手机']);
    expect(file.rows().length).toBe(1 + (await page.locator('.ant-table-row').count()));
    const exportsAfter = (await b.server.platform.db.selectFrom('audit_log').select('seq').where('action', '=', 'resident.export').execute()).length;
    expect(exportsAfter).toBe(exportsBefore + 1);
  });

  it('the import wizard: a broken file, its report by row and column, then confirm', async () => {
    const { page } = b;
    await openScreen(page, '数据导入');
    const building = (await (await page.request.get('/api/buildings')).json())[0] as { compoundName: string; number: string };
    const good = idOf('37010219800101001');
    const bad = idOf('37010219850202002').slice(0, 17) + (idOf('37010219850202002').endsWith('0') ? '1' : '0');
    const csv = [
      '姓名,身份证号,手机,小区,楼栋,单元,房号,与户主关系',
      `浏览器导入,${good},13700001111,${building.compoundName},${building.number},1,9901,户主`,
      `错号码,${bad},,${building.compoundName},${building.number},1,9902,`,
      `无此楼,${idOf('37010219900303003')},,${building.compoundName},999号楼,1,101,`,
    ].join('\r\n');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-import-'));
    const file = path.join(dir, '居民台账.csv');
    writeFileSync(file, csv);
    await page.getByTestId('import-upload').locator('input[type=file]').setInputFiles(file);
    const report = page.getByTestId('import-report');
    await report.waitFor();
    await expect.poll(() => page.getByTestId('import-problems').locator('.ant-table-row').count()).toBe(2);
    const problems = await page.getByTestId('import-problems').locator('.ant-table-row').allInnerTexts();
    expect(problems.join('\n')).toMatch(/3\s+身份证号/);
    expect(problems.join('\n')).toMatch(/4\s+楼栋/);
    await screenshot(page, 'zh-CN', '44-import-report');
    await page.getByTestId('import-confirm').click();
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('新增 1');
    await screenshot(page, 'zh-CN', '45-import-done');
    const found = (await (await page.request.get('/api/residents?q=浏览器导入')).json()) as { items: { name: string }[] };
    expect(found.items.map((x) => x.name)).toEqual(['浏览器导入']);
    await signOut(page);
  });

  it('who sees what: a grid worker has the registry but no import; a property company sees places but no residents', async () => {
    const { page } = b;
    await signIn(page, 'grid');
    const grid = await menuLabels(page);
    expect(grid).toEqual(expect.arrayContaining(['网格地图', '小区楼栋', '居民信息']));
    expect(grid).not.toContain('数据导入');
    await signOut(page);

    await signIn(page, 'property');
    const property = await menuLabels(page);
    expect(property).toContain('小区楼栋');
    expect(property).not.toContain('居民信息');
    await page.goto('/registry/residents');
    await expect.poll(() => page.getByTestId('forbidden').innerText()).toContain('没有权限');
    expect(await page.locator('.ant-table').count()).toBe(0);
    expect((await page.request.get('/api/residents')).status()).toBe(403);
    await signOut(page);
  });

  it('English: the registry screens', async () => {
    const { page } = await b.newContext({ locale: 'en-US' });
    await signIn(page, 'community');
    await openScreen(page, 'Grid map');
    await page.getByTestId('registry-map-chart').locator('canvas').first().waitFor();
    await screenshot(page, 'en', '40-grid-map');
    await openScreen(page, 'Compounds and buildings');
    await page.locator('.ant-table-row').first().waitFor();
    await screenshot(page, 'en', '41-places');
    await openScreen(page, 'Residents');
    await page.locator('.ant-table-row').first().waitFor();
    await page.locator('.ant-table-row a').first().click();
    await page.getByTestId('resident-card').getByTestId('resident-id-number').waitFor();
    await screenshot(page, 'en', '43-resident-card', { fullPage: false });
    await page.keyboard.press('Escape');
    await screenshot(page, 'en', '42-residents');
    await openScreen(page, 'Import');
    await page.getByTestId('import-steps').waitFor();
    await screenshot(page, 'en', '44-import');
    expect(b.pageErrors).toEqual([]);
  });
});
