import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { startTestServer, type TestServer } from '../../../../test/support/harness.ts';
import { sql } from 'kysely';
import { idCheckChar } from '../../../platform/pii/index.ts';
import { IMPORT_BATCH } from './service.ts';
import { ID_PURPOSE } from '../residents/rules.ts';
import { lockIdNumbers } from '../residents/store.ts';

let s: TestServer;
let community: string;
let community2: string;
let building: { compoundName: string; number: string; units: number };

const idOf = (first17: string) => first17 + idCheckChar(first17);
const get = (url: string, token: string) => s.request({ method: 'GET', url, token });

/** A multipart/form-data body with one file field. */
function multipart(filename: string, content: Buffer, type = 'application/octet-stream') {
  const boundary = '----linli' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const upload = (token: string, filename: string, content: Buffer, kind = 'residents') => s.request({ method: 'POST', url: `/api/imports?kind=${kind}`, token, ...multipart(filename, content) });

const counts = async () => {
  const n = async (t: 'resident' | 'household' | 'household_member' | 'resident_tag' | 'resident_change' | 'building') =>
    Number((await s.platform.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { resident: await n('resident'), household: await n('household'), member: await n('household_member'), tag: await n('resident_tag'), change: await n('resident_change'), building: await n('building') };
};

beforeAll(async () => {
  s = await startTestServer({ clock: '2026-07-01T10:00:00+08:00' });
  [community, community2] = await Promise.all(['community', 'community2'].map((u) => s.login(u)));
  const b = (await get('/api/buildings', community)).json()[0];
  building = { compoundName: b.compoundName, number: b.number, units: b.unitCount };
});
afterAll(() => s.close());

const ID_A = idOf('37010219800101001');
const ID_B = idOf('37010219850202002');
const ID_C = idOf('37010219900303003');
const badCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

function brokenCsvRows() {
  const b = building;
  return [
    ['姓名', '公民身份号码', '联系电话', '性别', '出生日期', '民族', '政治面貌', '小区', '楼号', '单元', '房号', '与户主关系', '户籍地址', '重点人群', '备注'],
    ['王导入', ID_A, '13700001111', '男', '1980-01-01', '汉', '群众', b.compoundName, b.number, '1', '9901', '户主', '山东省济南市历下区某路1号', '独居老人', '第一行'],
    ['李导入', ID_B, '', '女', '', '回族', '党员', b.compoundName, b.number, '1单元', '9901室', '配偶', '', '低保、残疾', ''],
    ['错校验', badCheck(ID_C), '', '', '', '', '', b.compoundName, b.number, '1', '9902', '', '', '', ''],
    ['无此楼', ID_C, '', '', '', '', '', b.compoundName, '999号楼', '1', '101', '', '', '', ''],
    ['王导入', ID_A, '', '', '', '', '', b.compoundName, b.number, '1', '9901', '', '', '', '重复的人'],
    ['日期错', idOf('37010219910404004'), '', '', '1991-02-30', '', '', b.compoundName, b.number, '1', '9903', '', '', '', ''],
    ['=1+1', idOf('37010219920505005'), '', '', '', '', '', '', '', '', '', '', '', '', ''],
    ['赵公式', idOf('37010219930606006'), '', '', '', '', '', b.compoundName, b.number, '一单元', '九九零四', '租户', '=HYPERLINK("http://x","点我")', '', ''],
  ];
}

const toCsv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

describe('import: validate, report, confirm', () => {
  let jobId: string;
  let file: Buffer;

  it('the template names the columns and explains them', async () => {
    const res = await get('/api/imports/templates/residents.xlsx', community);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const headers = (wb.worksheets[0].getRow(1).values as string[]).slice(1);
    expect(headers).toEqual(expect.arrayContaining(['姓名*', '身份证号*', '手机', '楼栋', '单元', '房号', '户籍地址', '重点人群']));
    expect(wb.getWorksheet('说明')!.rowCount).toBeGreaterThan(10);
  });

  it('a deliberately broken GBK CSV gets a report by row, column and problem, and nothing is imported', async () => {
    file = iconv.encode(toCsv(brokenCsvRows()), 'gbk');
    const before = await counts();
    const res = await upload(community, '台账.csv', file);
    expect(res.statusCode).toBe(201);
    const report = res.json();
    jobId = report.id;
    expect(report).toMatchObject({ status: 'validated', format: 'csv', totalRows: 8, validRows: 3, problemRows: 5 });
    expect(report.columns.unknown).toEqual(['备注']);
    expect(report.columns.matched['公民身份号码']).toBe('idNumber');
    const byRow = (row: number) => report.problems.filter((p: { row: number }) => p.row === row).map((p: { column: string; code: string }) => [p.column, p.code]);
    expect(byRow(4)).toEqual([['公民身份号码', 'id_number_checksum']]);
    expect(byRow(5)).toEqual([['楼号', 'building_unknown']]);
    expect(byRow(6)).toEqual([['公民身份号码', 'duplicate_person']]);
    expect(byRow(7)).toEqual([['出生日期', 'date_impossible']]);
    expect(byRow(8)).toEqual(expect.arrayContaining([['姓名', 'name_invalid']]));
    const dup = report.problems.find((p: { row: number }) => p.row === 6);
    expect(dup.message).toBe('与第 2 行是同一个人（身份证号重复）');
    expect(res.body).not.toContain(ID_A);
    expect(await counts()).toEqual(before);
  });

  it('confirming imports the valid rows in one go: households, memberships, tags; a second confirm is 409', async () => {
    const before = await counts();
    const res = await s.request({ method: 'POST', url: `/api/imports/${jobId}/confirm`, token: community });
    expect(res.statusCode).toBe(200);
    expect(res.json().result).toEqual({ created: 3, updated: 0, unchanged: 0, skipped: 5, householdsCreated: 2 });
    const after = await counts();
    expect(after.resident - before.resident).toBe(3);
    expect(after.household - before.household).toBe(2);
    expect(after.member - before.member).toBe(3);
    expect(after.tag - before.tag).toBe(3);
    const again = await s.request({ method: 'POST', url: `/api/imports/${jobId}/confirm`, token: community });
    expect(again.statusCode).toBe(409);

    const wang = (await get(`/api/residents?q=${ID_A}`, community)).json().items[0];
    expect(wang).toMatchObject({ name: '王导入', relation: 'head', tags: ['elderly_alone'], separated: true, ethnicity: '汉族' });
    const li = (await get(`/api/residents?q=${ID_B}`, community)).json().items[0];
    // "1单元" + "9901室" is the same flat as "1" + "9901"
    expect(li.household.id).toBe(wang.household.id);
    expect(li).toMatchObject({ relation: 'spouse', politicalStatus: 'party_member', tags: ['disabled', 'subsistence_allowance'] });
    const zhao = (await get(`/api/residents?q=${encodeURIComponent('赵公式')}`, community)).json().items[0];
    expect(zhao.household.label).toMatch(/1单元9904$/);
    const card = (await get(`/api/residents/${zhao.id}`, community)).json();
    // a formula is stored as the text it is, never evaluated
    expect(card.registeredAddress).toBe('=HYPERLINK("http://x","点我")');
  });

  it('importing the same file again changes nothing', async () => {
    const before = await counts();
    const res = await upload(community, '台账.csv', file);
    expect(res.json()).toMatchObject({ validRows: 3, problemRows: 5 });
    const confirm = await s.request({ method: 'POST', url: `/api/imports/${res.json().id}/confirm`, token: community });
    expect(confirm.json().result).toEqual({ created: 0, updated: 0, unchanged: 3, skipped: 5, householdsCreated: 0 });
    expect(await counts()).toEqual(before);
  });

  it('a changed row updates the person and keeps the old value in the history; empty cells erase nothing', async () => {
    const rows = brokenCsvRows().slice(0, 2);
    rows[1][2] = '13700009999';
    rows[1][13] = '';
    const res = await upload(community, 'changed.xlsx', await xlsxOf(rows));
    expect(res.json()).toMatchObject({ format: 'xlsx', validRows: 1 });
    const confirm = await s.request({ method: 'POST', url: `/api/imports/${res.json().id}/confirm`, token: community });
    expect(confirm.json().result).toMatchObject({ created: 0, updated: 1 });
    const wang = (await get(`/api/residents?q=${ID_A}`, community)).json().items[0];
    expect(wang.phone).toBe('137****9999');
    expect(wang.tags).toEqual(['elderly_alone']);
    const card = (await get(`/api/residents/${wang.id}`, community)).json();
    expect(card.changes.at(-1)).toMatchObject({ source: `import:${res.json().id}`, changes: { phone: { from: '137****1111', to: '137****9999' } } });
  });

  it('xlsx: header aliases, date cells, an ID number Excel turned into a number', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['居民姓名', '身份证号码（必填）', '手机号码', '出生日期', '小区名称', '楼栋', '单元', '门牌号']);
    ws.addRow(['孙表格', idOf('37010219700707007'), '13700002222', new Date(Date.UTC(1970, 6, 7)), building.compoundName, building.number, '1', '9905']);
    ws.addRow(['周数字', 370102197008080000, '', '', building.compoundName, building.number, '1', '9906']);
    const res = await upload(community, 'people.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const report = res.json();
    expect(report).toMatchObject({ totalRows: 2, validRows: 1, problemRows: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ row: 3, column: '身份证号码（必填）', code: 'id_number_as_number' })]);
  });

  it('a file without the required columns fails and cannot be confirmed; another community cannot see or confirm it', async () => {
    const res = await upload(community, 'wrong.csv', Buffer.from('名称,地址\n甲,乙\n'));
    expect(res.json()).toMatchObject({ status: 'failed', columns: { missing: ['姓名', '身份证号'] } });
    expect((await s.request({ method: 'POST', url: `/api/imports/${res.json().id}/confirm`, token: community })).statusCode).toBe(409);
    expect((await get(`/api/imports/${jobId}`, community2)).statusCode).toBe(404);
    expect((await s.request({ method: 'POST', url: `/api/imports/${jobId}/confirm`, token: community2 })).statusCode).toBe(404);
  });

  it('another community’s buildings are unknown to an importer; an old binary .xls is refused', async () => {
    const res = await upload(community2, 'x.csv', Buffer.from(toCsv(brokenCsvRows().slice(0, 2))));
    expect(res.json().problems[0]).toMatchObject({ code: 'compound_unknown' });
    const xls = await upload(community, 'old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]));
    expect(xls.statusCode).toBe(415);
  });

  it('households and buildings import by their natural keys too', async () => {
    const grids = (await get('/api/regions?level=grid', community)).json() as { id: string; code: string; parentId: string }[];
    const buildings = toCsv([
      ['小区', '楼栋', '网格编号', '层数', '单元数'],
      [building.compoundName, '88号楼', grids[0].code, '6', '2'],
      [building.compoundName, '88栋', grids[0].code, '6', '2'],
      [building.compoundName, '89号楼', '370000000000999', '6', '2'],
    ]);
    let res = await upload(community, 'b.csv', Buffer.from(buildings), 'buildings');
    expect(res.json()).toMatchObject({ validRows: 2, problemRows: 1 });
    let confirm = await s.request({ method: 'POST', url: `/api/imports/${res.json().id}/confirm`, token: community });
    // "88号楼" and "88栋" are the same building
    expect(confirm.json().result).toMatchObject({ created: 1, unchanged: 1, skipped: 1 });
    const households = toCsv([['小区', '楼栋', '单元', '房号', '面积', '居住情况'], [building.compoundName, '88号楼', '2', '301', '89.5', '出租'], [building.compoundName, '88', '二单元', '301室', '89.5', '出租']]);
    res = await upload(community, 'h.csv', Buffer.from(households), 'households');
    confirm = await s.request({ method: 'POST', url: `/api/imports/${res.json().id}/confirm`, token: community });
    expect(confirm.json().result).toMatchObject({ created: 1, unchanged: 1 });
    // the building's two units were made with it, once; the household is in its unit
    const made = await s.platform.db.selectFrom('building as b').innerJoin('unit as u', 'u.building_id', 'b.id').select(['b.id', 'u.id as unit', 'u.number', 'u.district_id', 'b.district_id as buildingDistrict']).where('b.number', '=', '88号楼').orderBy('u.number').execute();
    expect(made.map((u) => u.number)).toEqual(['1', '2']);
    expect(made.every((u) => u.district_id === u.buildingDistrict)).toBe(true);
    const flat = await s.platform.db.selectFrom('household').select('unit_id').where('building_id', '=', made[0].id).where('room_no', '=', '301').executeTakeFirstOrThrow();
    expect(flat.unit_id).toBe(made[1].unit);
  });
});

describe('import in batches', () => {
  const header = ['姓名', '身份证号', '小区', '楼栋', '单元', '房号', '与户主关系'];
  // people born on one day (a thousand a day, then the next), told apart by their sequence number; a row without a building lives in the importer's community
  const bornOn = (day: string, i: number) => `${day.slice(0, 6)}${String(Number(day.slice(6)) + Math.floor(i / 1000)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  const person = (day: string, i: number, place: string[] = ['', '', '', '']) => [`批量${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉戌亥'[Math.floor(i / 10) % 12]}`, idOf(`370102${bornOn(day, i)}`), ...place, ''];
  const confirm = (id: string) => s.request({ method: 'POST', url: `/api/imports/${id}/confirm`, token: community });

  it('a family split by a batch boundary lands in one household, created once', async () => {
    const flat = [building.compoundName, building.number, '1', '7701'];
    const rows = [header, ...Array.from({ length: IMPORT_BATCH + 2 }, (_, i) => person('19750505', i, i >= IMPORT_BATCH - 2 ? flat : undefined))];
    rows[IMPORT_BATCH - 1][6] = '户主';
    for (const r of rows.slice(IMPORT_BATCH)) r[6] = '子女';
    const before = await counts();
    const res = await upload(community, 'family.csv', Buffer.from(toCsv(rows)));
    expect(res.json()).toMatchObject({ totalRows: IMPORT_BATCH + 2, validRows: IMPORT_BATCH + 2 });
    const done = await confirm(res.json().id);
    expect(done.json().result).toEqual({ created: IMPORT_BATCH + 2, updated: 0, unchanged: 0, skipped: 0, householdsCreated: 1 });
    const after = await counts();
    expect(after.household - before.household).toBe(1);
    expect(after.member - before.member).toBe(4);
    const family = await s.platform.db
      .selectFrom('household_member as m')
      .innerJoin('household as h', 'h.id', 'm.household_id')
      .select('m.relation')
      .where('h.unit_no', '=', '1')
      .where('h.room_no', '=', '7701')
      .where('m.valid_to', 'is', null)
      .execute();
    expect(family.map((m) => m.relation).sort()).toEqual(['child', 'child', 'child', 'head']);
  });

  it('a confirm that fails after some batches leaves nothing behind; confirming again imports everyone once', async () => {
    const rows = [header, ...Array.from({ length: IMPORT_BATCH + 5 }, (_, i) => person('19760606', i))];
    rows[IMPORT_BATCH + 3][0] = '中断者';
    const res = await upload(community, 'crash.csv', Buffer.from(toCsv(rows)));
    expect(res.json()).toMatchObject({ validRows: IMPORT_BATCH + 5 });
    const before = await counts();
    // the database refuses one row of the second batch, after the first batch was written
    await sql`CREATE FUNCTION test_refuse_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.name = '中断者' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`.execute(s.platform.db);
    await sql`CREATE TRIGGER test_refuse_row BEFORE INSERT ON resident FOR EACH ROW EXECUTE FUNCTION test_refuse_row()`.execute(s.platform.db);
    try {
      expect((await confirm(res.json().id)).statusCode).toBe(500);
    } finally {
      await sql`DROP TRIGGER test_refuse_row ON resident`.execute(s.platform.db);
      await sql`DROP FUNCTION test_refuse_row()`.execute(s.platform.db);
    }
    expect(await counts()).toEqual(before);
    expect((await get(`/api/imports/${res.json().id}`, community)).json().status).toBe('validated');
    const again = await confirm(res.json().id);
    expect(again.json().result).toMatchObject({ created: IMPORT_BATCH + 5, unchanged: 0 });
    expect((await counts()).resident - before.resident).toBe(IMPORT_BATCH + 5);
    expect((await confirm(res.json().id)).statusCode).toBe(409);
  });

  it('people changed in different ways in one batch each get their own change, history and membership', async () => {
    const flat = (room: string) => [building.compoundName, building.number, '1', room];
    const base = [header.slice(0, 6).concat(['手机', '民族']), [...person('19770707', 1, flat('7801')).slice(0, 6), '13700007001', '汉'], [...person('19770707', 2, flat('7802')).slice(0, 6), '13700007002', '汉'], [...person('19770707', 3, flat('7803')).slice(0, 6), '13700007003', '汉']];
    await confirm((await upload(community, 'base.csv', Buffer.from(toCsv(base)))).json().id);
    const changed = base.map((r) => [...r]);
    changed[1][6] = '13700007999'; // a new phone
    changed[2][7] = '回族'; // another ethnicity
    changed[3][5] = '7804'; // moved to another flat
    const res = await upload(community, 'changed.csv', Buffer.from(toCsv(changed)));
    const before = await counts();
    expect((await confirm(res.json().id)).json().result).toEqual({ created: 0, updated: 3, unchanged: 0, skipped: 0, householdsCreated: 1 });
    expect((await counts()).change - before.change).toBe(3);
    const card = async (row: string[]) => (await get(`/api/residents/${(await get(`/api/residents?q=${row[1]}`, community)).json().items[0].id}`, community)).json();
    const [a, b, c] = [await card(changed[1]), await card(changed[2]), await card(changed[3])];
    expect(a.changes.at(-1).changes).toEqual({ phone: { from: '137****7001', to: '137****7999' } });
    expect(a.ethnicity).toBe('汉族');
    expect(b.changes.at(-1).changes).toEqual({ ethnicity: { from: '汉族', to: '回族' } });
    expect(b.phone).toBe('137****7002');
    expect(Object.keys(c.changes.at(-1).changes)).toEqual(['household']);
    expect(c.household.label).toMatch(/1单元7804$/);
    const history = await s.platform.db.selectFrom('household_member').select(['valid_to', 'reason_out']).where('resident_id', '=', c.id).orderBy('valid_from').orderBy('created_at').execute();
    expect(history.map((m) => m.reason_out)).toEqual(['moved', null]);
  });
});

describe('import across districts', () => {
  it('a person moved by an import to another district takes their care tags along', async () => {
    const admin = await s.login('admin');
    const db = s.platform.db;
    const inDistrict = (other?: string) => {
      let q = db.selectFrom('building as b').innerJoin('compound as c', 'c.id', 'b.compound_id').select(['b.number', 'b.district_id', 'c.name as compound']).orderBy('b.id').limit(1);
      if (other) q = q.where('b.district_id', '<>', other);
      return q.executeTakeFirstOrThrow();
    };
    const a = await inDistrict();
    const b = await inDistrict(a.district_id);
    const id = idOf('37010219780808008');
    const file = (at: typeof a) => Buffer.from(toCsv([['姓名', '身份证号', '小区', '楼栋', '单元', '房号', '重点人群'], ['跨区者', id, at.compound, at.number, '1', '7901', '独居老人']]));
    const importAs = async (at: typeof a) => {
      const res = await upload(admin, 'd.csv', file(at));
      expect(res.json(), res.body).toMatchObject({ validRows: 1 });
      return (await s.request({ method: 'POST', url: `/api/imports/${res.json().id}/confirm`, token: admin })).json().result;
    };
    expect(await importAs(a)).toMatchObject({ created: 1 });
    const tagDistricts = async () => (await db.selectFrom('resident_tag as t').innerJoin('resident as r', 'r.id', 't.resident_id').select(['r.district_id as person', 't.district_id as tag']).where('r.name', '=', '跨区者').execute());
    expect(await tagDistricts()).toEqual([{ person: a.district_id, tag: a.district_id }]);
    expect(await importAs(b)).toMatchObject({ updated: 1 });
    expect(await tagDistricts()).toEqual([{ person: b.district_id, tag: b.district_id }]);
  });

  // the lock of a confirm grows with its people: 20,000 numbers in one transaction, more than the shared lock
  // table of a server with fewer than 312 connections holds (64 per connection), which advisory locks ran out of
  it('holds the city-wide lock on 20,000 ID numbers in one transaction (a 100,000-row confirm holds five times as many)', async () => {
    const hashes = Array.from({ length: 20_000 }, (_, i) => `bulk-lock-${String(i).padStart(5, '0')}`);
    await s.platform.db.transaction().execute(async (trx) => {
      await lockIdNumbers(trx, hashes);
      await lockIdNumbers(trx, hashes.slice(0, 10)); // again in the same transaction: its own lock
    });
    const { n } = await s.platform.db.selectFrom('resident_id_claim').select((eb) => eb.fn.countAll<string>().as('n')).where('id_hash', 'like', 'bulk-lock-%').executeTakeFirstOrThrow();
    expect(Number(n)).toBe(20_000);
  });

  // a registration elsewhere that has checked the number and written the person but not yet committed:
  // the confirm must wait for it (the city-wide lock on the number), then find that person instead of
  // adding a second one in its own district — the unique index covers one district only
  it.runIf(inject('template').engine === 'postgres')('a confirm waits for a registration of the same ID number in another district and stores one person', async () => {
    const admin = await s.login('admin');
    const db = s.platform.db;
    const [a, b] = await db.selectFrom('building as bl').innerJoin('compound as c', 'c.id', 'bl.compound_id')
      .select(['bl.number', 'bl.district_id', 'c.name as compound']).distinctOn('bl.district_id').orderBy('bl.district_id').orderBy('bl.id').execute();
    const id = idOf('37010219770707007');
    const hash = s.platform.pii.blindIndex(ID_PURPOSE, id);
    const res = await upload(admin, 'lock.csv', Buffer.from(toCsv([['姓名', '身份证号', '小区', '楼栋', '单元', '房号'], ['锁住者', id, a.compound, a.number, '1', '7801']])));
    expect(res.json(), res.body).toMatchObject({ validRows: 1 });

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const registration = db.transaction().execute(async (trx) => {
      await lockIdNumbers(trx, [hash]);
      await sql`INSERT INTO resident (id, name, name_key, gender, birth_date, id_enc, id_hash, id_tail, city_id, district_id, street_id, community_id, status)
        SELECT gen_random_uuid(), '锁住者', '锁住者', gender, birth_date, id_enc, ${hash}, id_tail, city_id, district_id, street_id, community_id, 'active'
        FROM resident WHERE district_id = ${b.district_id} LIMIT 1`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    let confirmed = false;
    const confirm = s.request({ method: 'POST', url: `/api/imports/${res.json().id}/confirm`, token: admin }).finally(() => (confirmed = true));
    await new Promise((r) => setTimeout(r, 1500));
    expect(confirmed).toBe(false);
    release();
    await registration;
    expect((await confirm).statusCode).toBe(200);
    const stored = await db.selectFrom('resident').select('district_id').where('id_hash', '=', hash).execute();
    expect(stored).toHaveLength(1);
  });
});

async function xlsxOf(rows: string[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('data');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('export', () => {
  const readExport = async (token: string, query = '') => {
    const res = await get(`/api/exports/residents.xlsx${query}`, token);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const ws = wb.worksheets[0];
    const rows: string[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    return rows;
  };

  it('numbers are masked unless asked for in full with a second administrator’s approval; formulas are neutralised; every export is audited', async () => {
    const auditsBefore = Number((await s.platform.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'resident.export').executeTakeFirstOrThrow()).n);
    const masked = await readExport(community, `?q=${ID_A}`);
    expect(masked[0].slice(0, 3)).toEqual(['姓名', '身份证号', '手机']);
    expect(masked[1][1]).toBe(`370***********${ID_A.slice(-4)}`);
    // four eyes (server/modules/privacy): the street administrator approves the community's request
    const asked = await s.request({ method: 'POST', url: '/api/export-approvals', token: community, payload: { filter: { q: ID_A }, reason: '核对导入结果' } });
    expect(asked.statusCode).toBe(201);
    expect((await s.request({ method: 'POST', url: `/api/export-approvals/${asked.json().id}/approve`, token: await s.login('street') })).statusCode).toBe(200);
    const full = await readExport(community, `?q=${ID_A}&unmasked=true&approval=${asked.json().id}`);
    expect(full[1][1]).toBe(ID_A);
    const zhao = await readExport(community, `?q=${encodeURIComponent('赵公式')}`);
    expect(zhao[1][13]).toBe('\'=HYPERLINK("http://x","点我")');
    const all = await readExport(community);
    expect(all.length).toBeGreaterThan(100);
    const grid = await s.login('grid');
    expect((await get('/api/exports/residents.xlsx', grid)).statusCode).toBe(403);
    const auditsAfter = Number((await s.platform.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'resident.export').executeTakeFirstOrThrow()).n);
    expect(auditsAfter - auditsBefore).toBe(4);
  });

  it('someone without the unmasked permission gets masked numbers and cannot ask for them', async () => {
    await s.platform.db.deleteFrom('role_permission').where('role_code', '=', 'community_admin').where('permission', '=', 'resident.export_unmasked').execute();
    try {
      const rows = await readExport(community, `?q=${ID_A}`);
      expect(rows[1][1]).toBe(`370***********${ID_A.slice(-4)}`);
      expect(rows[1][2]).toBe('137****9999');
      expect((await get('/api/exports/residents.xlsx?unmasked=true', community)).statusCode).toBe(403);
    } finally {
      await s.platform.db.insertInto('role_permission').values({ role_code: 'community_admin', permission: 'resident.export_unmasked' }).execute();
    }
  });
});
