import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuLabels, openScreen, screenshot, signIn, signOut, startBrowser, type Browser } from './browser.ts';

// a real 2×2 PNG: the upload checks the type from the bytes
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

const quarterNow = () => {
  const d = new Date();
  return `${d.getFullYear()}-Q${Math.floor(d.getMonth() / 3) + 1}`;
};

describe('property oversight screens', () => {
  it('an inspector files an inspection form on a tablet, the quarterly evaluation runs, the score appears in the credit file', async () => {
    // a tablet in landscape: the housing bureau's inspector on site
    const { page } = await b.newContext({ viewport: { width: 1024, height: 768 } });
    await signIn(page, 'housing');
    expect(await menuLabels(page)).toEqual(expect.arrayContaining(['物业企业', '现场检查', '季度考评', '风险预警', '物业费收缴', '维修基金']));
    expect(await menuLabels(page)).not.toContain('考评标准');

    await openScreen(page, '现场检查');
    const form = page.getByTestId('inspection-form');
    await form.getByTestId('item-inspection.cleaning').waitFor();
    await form.getByTestId('inspection-compound').click();
    const option = page.locator('.ant-select-item-option').first();
    const compound = (await option.innerText()).trim();
    await option.click();
    // every item starts at full points: the inspector marks down what was wrong, with a photo
    const cleaning = form.getByTestId('item-inspection.cleaning');
    await cleaning.locator('input.ant-input-number-input').fill('3');
    await cleaning.getByPlaceholder('问题说明（可选）').fill('楼道堆放杂物');
    await cleaning.locator('input[type=file]').setInputFiles({ name: 'hallway.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => cleaning.locator('.ant-upload-list-item-done, .ant-upload-list-item:not(.ant-upload-list-item-uploading)').count()).toBe(1);
    const fire = form.getByTestId('item-inspection.fire');
    await fire.locator('input.ant-input-number-input').fill('2.5');
    await screenshot(page, 'zh-CN', '70-inspection-form-tablet');
    await form.getByTestId('inspection-submit').click();
    await expect.poll(() => page.getByTestId('inspection-filed').innerText()).toContain(quarterNow());
    // contract 20 + inspection 30 at full points, less 5 (cleaning) and 1.5 (fire safety)
    expect(await page.getByTestId('inspection-filed').innerText()).toContain('43.5');
    const filed = await b.server.platform.db.selectFrom('property_inspection_item').select(['item_code', 'points', 'photo_file_ids', 'note']).where('item_code', '=', 'inspection.cleaning').execute();
    expect(filed).toEqual([{ item_code: 'inspection.cleaning', points: 3, photo_file_ids: [expect.any(String)], note: '楼道堆放杂物' }]);
    await expect.poll(() => page.locator('.ant-table-row').first().innerText()).toContain(compound);
    await screenshot(page, 'zh-CN', '71-inspection-filed');

    await openScreen(page, '季度考评');
    await page.getByTestId('eval-run').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s?定/ }).click();
    await expect.poll(() => page.getByTestId('eval-result').innerText()).toContain(`${quarterNow()} 考评完成`);
    const scores = page.getByTestId('eval-scores');
    await expect.poll(() => scores.locator('.ant-table-row').count()).toBeGreaterThan(0);
    // the inspected compound's breakdown per part
    const companyRow = scores.locator('tr.ant-table-row').first();
    await companyRow.locator('.ant-table-row-expand-icon').click();
    await expect.poll(() => scores.locator('.ant-table-expanded-row').innerText()).toContain(compound);
    await screenshot(page, 'zh-CN', '72-evaluation');

    // the company's credit file shows the quarter's score and the file entry
    const company = (await companyRow.locator('a').innerText()).trim();
    await companyRow.locator('a').click();
    await expect.poll(() => page.locator('h3.page-title').innerText()).toContain(company);
    const companyScores = page.getByTestId('company-scores');
    await expect.poll(() => companyScores.locator('.ant-table-row').first().innerText()).toContain(quarterNow());
    const stored = await b.server.platform.db.selectFrom('credit_score').innerJoin('org', 'org.id', 'credit_score.company_org_id').select(['total', 'grade']).where('org.name', '=', company).where('compound_id', 'is', null).where('quarter', '=', quarterNow()).executeTakeFirstOrThrow();
    expect(await companyScores.locator('.ant-table-row').first().innerText()).toContain(String(stored.total));
    await expect.poll(() => page.getByTestId('credit-records').innerText()).toContain(`季度考评`);
    expect(await page.getByTestId('credit-records').innerText()).toContain(`${quarterNow()} ${stored.total} ${stored.grade}`);
    await screenshot(page, 'zh-CN', '73-credit-file');
    expect(b.pageErrors).toEqual([]);
  });

  it('the other screens: companies, warnings, fees with a ledger, fund proposals, the scoring standard (platform administrator)', async () => {
    const { page } = b;
    await signIn(page, 'admin');
    await openScreen(page, '物业企业');
    await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0);
    await screenshot(page, 'zh-CN', '74-companies');
    await openScreen(page, '风险预警');
    await screenshot(page, 'zh-CN', '75-warnings');
    await openScreen(page, '物业费收缴');
    await expect.poll(() => page.getByTestId('collection-table').locator('.ant-table-row').count()).toBeGreaterThan(0);
    await page.getByTestId('collection-table').locator('.ant-table-row a').first().click();
    await expect.poll(() => page.getByTestId('ledger-drawer').locator('.ant-table-row').count()).toBeGreaterThan(0);
    await screenshot(page, 'zh-CN', '76-fee-ledger', { fullPage: false });
    await page.keyboard.press('Escape');
    await openScreen(page, '维修基金');
    await screenshot(page, 'zh-CN', '77-fund');
    await openScreen(page, '考评标准');
    await page.getByTestId('standard-save').waitFor();
    await screenshot(page, 'zh-CN', '78-standard');
    await signOut(page);
    expect(b.pageErrors).toEqual([]);
  });

  it('English: the property screens and the home page shortcuts', async () => {
    const { page } = await b.newContext({ locale: 'en-US' });
    await signIn(page, 'housing');
    await page.getByTestId('shortcut-/property/companies').waitFor();
    await screenshot(page, 'en', '70-home-housing');
    await openScreen(page, 'Inspections');
    await page.getByTestId('inspection-form').getByTestId('item-inspection.cleaning').waitFor();
    await screenshot(page, 'en', '71-inspection-form');
    await openScreen(page, 'Quarterly evaluation');
    await expect.poll(() => page.getByTestId('eval-scores').locator('.ant-table-row').count()).toBeGreaterThan(0);
    await screenshot(page, 'en', '72-evaluation');
    await page.getByTestId('eval-scores').locator('.ant-table-row a').first().click();
    await page.getByTestId('credit-records').waitFor();
    await screenshot(page, 'en', '73-credit-file');
    await openScreen(page, 'Risk warnings');
    await screenshot(page, 'en', '75-warnings');
    await openScreen(page, 'Property fees');
    await expect.poll(() => page.getByTestId('collection-table').locator('.ant-table-row').count()).toBeGreaterThan(0);
    await screenshot(page, 'en', '76-fees');
    expect(b.pageErrors).toEqual([]);
  });
});
