import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuLabels, openScreen, screenshot, signIn, signInResident, signOut, startBrowser, type Browser, pickOption } from './browser.ts';

// a real 2×2 PNG: the upload checks the type from the bytes
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

/** Back to the top before a full-page picture (a scrolled page draws the sticky header mid-page). */
const top = (page: import('playwright-core').Page) => page.evaluate(() => window.scrollTo(0, 0));

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
    await top(page);
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
    await top(page);
    await screenshot(page, 'zh-CN', '73-credit-file');
    // the housing bureau keeps the company's profile
    await page.getByRole('button', { name: '编辑资料' }).click();
    const profile = page.getByRole('dialog', { name: '编辑资料' });
    await profile.locator('#contactPhone').fill('0531-88886666');
    await profile.getByRole('button', { name: /确\s?定/ }).click();
    await expect.poll(() => page.getByTestId('company-profile').innerText()).toContain('0531-88886666');
    expect(await page.getByTestId('company-compounds').innerText()).toContain(compound);
    // a new service contract for the compound, with the signed contract attached
    await page.getByTestId('company-compounds').getByRole('row', { name: new RegExp(compound) }).getByRole('button', { name: '新签合同' }).click();
    const contract = page.getByRole('dialog', { name: new RegExp('新签合同') });
    // each end typed into its own input, then checked: keystrokes into an opening picker can be lost
    const period = async (from: string, to: string) => {
      const ends = contract.locator('.ant-picker-range input');
      for (const [i, day] of [[0, from], [1, to]] as const) {
        await ends.nth(i).click();
        await ends.nth(i).fill(day);
        await ends.nth(i).press('Enter');
      }
      await expect.poll(async () => [await ends.nth(0).inputValue(), await ends.nth(1).inputValue()]).toEqual([from, to]);
    };
    // overlapping the contract in force: refused, and said at the period
    await period(new Date().toISOString().slice(0, 10), '2040-12-31');
    await contract.locator('#residential').fill('2.1');
    await contract.getByRole('button', { name: /确\s?定/ }).click();
    await expect.poll(() => contract.locator('.ant-form-item-explain-error').allInnerTexts()).toEqual([expect.stringMatching(/重叠|合同/)]);
    await screenshot(page, 'zh-CN', '73-contract-refused', { fullPage: false });
    await period('2041-01-01', '2043-12-31');
    await contract.locator('input[type=file]').setInputFiles({ name: '物业服务合同.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') });
    await contract.locator('.ant-upload-list-item', { hasText: '物业服务合同.pdf' }).waitFor();
    await expect.poll(() => contract.getByTestId('contract-file').getAttribute('class')).not.toContain('ant-btn-loading');
    await screenshot(page, 'zh-CN', '73-contract-file', { fullPage: false });
    await contract.getByRole('button', { name: /确\s?定/ }).click();
    await contract.waitFor({ state: 'hidden' });
    const signed = await b.server.platform.db.selectFrom('property_contract').select(['file_id', 'starts_on']).where('file_id', 'is not', null).execute();
    expect(signed).toHaveLength(1);
    // two yellow cards within 12 months: the second adds a red card, all three in the file
    for (const reason of ['10月物业费按每平方米2.5元收取，合同为2.1元', '11月再次超标准收费']) {
      await page.getByTestId('issue-card').click();
      const card = page.getByRole('dialog', { name: '记黄牌' });
      await card.locator('#behaviourCode').click();
      await pickOption(page, page.locator('.ant-select-item-option').filter({ hasText: '收费与合同约定不符' }));
      await card.locator('#reason').fill(reason);
      await card.getByRole('button', { name: '记黄牌' }).click();
      await card.waitFor({ state: 'hidden' });
    }
    await expect.poll(() => page.getByTestId('credit-records').locator('.ant-tag').allInnerTexts()).toEqual(expect.arrayContaining(['黄牌', '红牌']));
    expect(await page.getByTestId('credit-records').innerText()).toContain('12 个月内两次黄牌');
    await top(page);
    await screenshot(page, 'zh-CN', '73-credit-file-cards');
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
    // a payment recorded at the counter settles the household's arrears
    const drawer = page.getByTestId('ledger-drawer');
    await drawer.locator('th', { hasText: '欠费' }).click();
    await drawer.locator('th', { hasText: '欠费' }).click();
    const owing = drawer.locator('.ant-table-row').first();
    const label = (await owing.locator('td').first().innerText()).trim();
    const owed = (await owing.locator('td').nth(4).innerText()).trim();
    const totalArrears = async () => Number((await drawer.locator('.ant-statistic').nth(3).locator('.ant-statistic-content').innerText()).replace(/[^\d.]/g, ''));
    const arrearsBefore = await totalArrears();
    await owing.getByRole('button', { name: '登记缴费' }).click();
    const payment = page.getByRole('dialog', { name: `登记缴费 · ${label}` });
    // the amount starts at what the home owes
    expect(await payment.locator('#amount').inputValue()).toBe(owed.replace(/,/g, ''));
    await payment.locator('#reference').fill('E2E-0001');
    await payment.getByRole('button', { name: /确\s?定|OK/ }).click();
    await expect.poll(() => b.server.platform.db.selectFrom('fee_payment').select('amount_fen').where('reference', '=', 'E2E-0001').execute()).toEqual([{ amount_fen: Math.round(Number(owed.replace(/,/g, '')) * 100) }]);
    // the compound's arrears go down by the payment (the paid home drops to the end of the sorted list)
    await expect.poll(async () => Math.round((arrearsBefore - (await totalArrears())) * 100)).toBe(Math.round(Number(owed.replace(/,/g, '')) * 100));
    // the quarter's books, published to the owners
    await drawer.getByRole('button', { name: '公布季度收支' }).click();
    const books = page.getByRole('dialog', { name: '公布季度收支' });
    await books.locator('#income').fill('52000');
    await books.locator('#spending_0_item').fill('保洁外包');
    await books.locator('#spending_0_amount').fill('18000.5');
    await books.getByRole('button', { name: /确\s?定|OK/ }).click();
    await expect.poll(() => b.server.platform.db.selectFrom('fee_statement').select(['income_fen', 'spending']).execute()).toEqual([{ income_fen: 5_200_000, spending: [{ item: '保洁外包', amountFen: 1_800_050 }] }]);
    await books.waitFor({ state: 'hidden' });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await openScreen(page, '维修基金');
    // a proposal with a quote, then put to the owners' vote
    await page.getByRole('button', { name: '新建使用方案' }).click();
    const create = page.getByRole('dialog', { name: '新建使用方案' });
    await create.locator('#compoundId').click();
    await pickOption(page, page.locator('.ant-select-item-option').first());
    await create.locator('#title').fill('屋面防水维修');
    await create.locator('#description').fill('顶层住户反映雨季渗漏，需整体重做防水层');
    await create.locator('#budget').fill('86000');
    await create.locator('#quotes_0_vendor').fill('山东建安防水工程公司');
    await create.locator('#quotes_0_amount').fill('84500');
    await create.getByRole('button', { name: /确\s?定|OK/ }).click();
    await page.locator('.ant-table-row', { hasText: '屋面防水维修' }).locator('a').click();
    const fund = page.getByTestId('fund-drawer');
    await fund.getByRole('button', { name: '开始表决' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s?定/ }).click();
    await expect.poll(() => fund.innerText()).toContain('表决中');
    await fund.getByTestId('fund-tally').waitFor();
    const stored = await b.server.platform.db.selectFrom('fund_proposal').select(['status', 'budget_fen', 'eligible_households']).where('title', '=', '屋面防水维修').executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'voting', budget_fen: 8_600_000 });
    expect(stored.eligible_households).toBeGreaterThan(0);
    await screenshot(page, 'zh-CN', '77-fund-proposal', { fullPage: false });
    await page.keyboard.press('Escape');
    await screenshot(page, 'zh-CN', '77-fund');
    await openScreen(page, '考评标准');
    await page.getByTestId('standard-save').waitFor();
    await screenshot(page, 'zh-CN', '78-standard');
    // a weight moved from one part to another must be matched by its items: the sums are shown as typed
    const weights = page.locator('.ant-card-extra input.ant-input-number-input');
    await weights.nth(0).fill('25');
    await expect.poll(() => page.locator('.ant-alert').first().innerText()).toContain('105');
    // saved so, the server's refusals are said on the lists they name: the weights' sum above the parts, the item sum in its part
    await page.getByTestId('standard-save').click();
    await expect.poll(() => page.locator('.ant-form-item-explain-error').allInnerTexts()).toEqual(['四项权重之和必须为 100', '细项分值之和必须等于该项权重 25']);
    await screenshot(page, 'zh-CN', '78-standard-refused');
    await weights.nth(0).fill('20');
    await expect.poll(() => page.locator('.ant-alert').first().innerText()).toContain('100');
    // the standard as loaded saves back unchanged (what the editor sends is what the server accepts)
    const items = await b.server.platform.db.selectFrom('credit_item').select(['code', 'points', 'active']).orderBy('code').execute();
    await page.getByTestId('standard-save').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('考评标准已保存');
    expect(await b.server.platform.db.selectFrom('credit_item').select(['code', 'points', 'active']).orderBy('code').execute()).toEqual(items);
    expect(await menuLabels(page)).not.toContain('党员公职人员欠费');
    await signOut(page);

    // the organisation department's confidential list: every reading is audited
    await signIn(page, 'orgdept');
    const before = (await b.server.platform.db.selectFrom('audit_log').select('seq').where('action', '=', 'property.arrears_confidential.read').execute()).length;
    await openScreen(page, '党员公职人员欠费');
    await expect.poll(async () => (await b.server.platform.db.selectFrom('audit_log').select('seq').where('action', '=', 'property.arrears_confidential.read').execute()).length).toBe(before + 1);
    await screenshot(page, 'zh-CN', '79-confidential-arrears');
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

  it('the resident page: an owner rates the company once a quarter, sees the fee bill, votes on a fund proposal', async () => {
    const db = b.server.platform.db;
    const community = await b.server.login('community');
    const region = (await b.server.request({ method: 'GET', url: '/api/auth/me', token: community })).json().scopePath.at(-1).id as string;
    // an owner household with an area in a compound of the community run by a company, nobody signed up yet
    const owner = await db
      .selectFrom('resident as r')
      .innerJoin('household as h', 'h.id', 'r.household_id')
      .innerJoin('compound as c', 'c.id', 'h.compound_id')
      .select(['r.id', 'c.id as compound_id', 'c.name as compound_name'])
      .where('c.community_id', '=', region)
      .where('c.management', '=', 'property_company')
      .where('h.occupancy', '=', 'owner')
      .where('h.area_m2', '>', 0)
      .where('r.status', '=', 'active')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('resident_account as a').select('a.id').whereRef('a.resident_id', '=', 'r.id'))))
      .orderBy('r.id')
      .executeTakeFirstOrThrow();
    // the community puts a fund proposal to the vote
    const created = await b.server.request({ method: 'POST', url: '/api/property/fund-proposals', token: community, headers: { 'idempotency-key': 'e2e-fund-1' }, payload: { compoundId: owner.compound_id, title: '更换3号楼电梯', description: '电梯使用超过15年，年检多次整改', budgetFen: 38_000_000, quotes: [{ vendor: '济南通力电梯', amountFen: 37_500_000 }] } });
    expect(created.statusCode, created.body).toBe(201);
    const opened = await b.server.request({ method: 'POST', url: `/api/property/fund-proposals/${created.json().id}/open`, token: community, payload: { closesAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } });
    expect(opened.statusCode, opened.body).toBe(200);

    const { page } = await b.newContext({ viewport: { width: 390, height: 844 } });
    const phone = '13900139001';
    await page.goto('/m/');
    await signInResident(page, b.server, phone);
    await page.getByRole('button', { name: /我的物业/ }).waitFor();
    // the community links the account to the resident record, in person
    const link = await b.server.request({ method: 'POST', url: `/api/residents/${owner.id}/link-account`, token: community, payload: { phone, verification: 'in_person' } });
    expect(link.statusCode, link.body).toBeLessThan(300);

    await page.getByRole('button', { name: /我的物业/ }).click();
    await expect.poll(() => page.getByTestId('my-company').innerText()).toContain(owner.compound_name);
    const form = page.getByTestId('rate-form');
    const items = form.locator('.adm-rate');
    const n = await items.count();
    expect(n).toBe(4);
    for (let i = 0; i < n; i++) await items.nth(i).locator('.adm-rate-star').nth(i === 0 ? 2 : 4).click();
    await screenshot(page, 'resident', '60-property-rate', { stretch: true });
    await form.getByRole('button', { name: '提交评价' }).click();
    await page.getByTestId('rated').waitFor();
    const ratings = await db.selectFrom('property_rating').select(['scores', 'compound_id']).where('compound_id', '=', owner.compound_id).execute();
    expect(ratings.length).toBe(1);
    expect(Object.values(ratings[0].scores as Record<string, number>).sort()).toEqual([3, 5, 5, 5]);
    await screenshot(page, 'resident', '61-property-rated', { stretch: true });

    await page.getByRole('tab', { name: '物业费' }).click();
    await page.getByTestId('my-bill').waitFor();
    await screenshot(page, 'resident', '62-property-bill', { stretch: true });

    await page.getByRole('tab', { name: '公开账目' }).click();
    const proposal = page.getByTestId('fund-proposal').filter({ hasText: '更换3号楼电梯' });
    await proposal.getByRole('button', { name: '同意' }).click();
    await page.locator('.adm-dialog').getByRole('button', { name: '投票' }).click();
    await expect.poll(() => proposal.innerText()).toContain('您家已投票：同意');
    expect(await proposal.innerText()).toContain('已投票 1 /');
    await page.locator('.adm-dialog-body').waitFor({ state: 'hidden' });
    await screenshot(page, 'resident', '63-property-vote', { stretch: true });
    expect(b.pageErrors).toEqual([]);
  });
});
