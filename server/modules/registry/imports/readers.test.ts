import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { detectEncoding, parseCsv, readRows, sniffFormat } from './readers.ts';
import { cellText } from './xlsx.ts';
import { headerKey, matchHeaders, neutralizeCell, parseDateCell } from './columns.ts';

async function rowsOf(chunks: string[]) {
  const out: { row: number; cells: string[] }[] = [];
  for await (const r of parseCsv((async function* () { yield* chunks; })())) out.push(r);
  return out;
}

describe('CSV (RFC 4180)', () => {
  it('quotes, escaped quotes, commas and line breaks inside quotes, CRLF, blank lines', async () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line1\nline2"\r\n\r\nlast,,\n';
    expect(await rowsOf([text])).toEqual([
      { row: 1, cells: ['a', 'b', 'c'] },
      { row: 2, cells: ['x, y', 'say "hi"', 'line1\nline2'] },
      { row: 4, cells: ['last', '', ''] },
    ]);
  });

  it('gives the same rows however the text is cut into chunks', async () => {
    const text = 'h1,h2\n"a""b",c\r\n"multi\r\nline","q"""\nend';
    const whole = await rowsOf([text]);
    for (let cut = 1; cut < text.length; cut++) expect(await rowsOf([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    expect(await rowsOf(text.split(''))).toEqual(whole);
    expect(whole[1].cells).toEqual(['a"b', 'c']);
    expect(whole[3].cells).toEqual(['end']);
  });
});

describe('encodings and formats', () => {
  it('tells UTF-8 (with or without BOM), UTF-16 and GBK apart', async () => {
    expect(detectEncoding(Buffer.from('\ufeff姓名', 'utf8'))).toEqual({ encoding: 'utf8', bom: 3 });
    expect(detectEncoding(Buffer.from('姓名,身份证号', 'utf8'))).toEqual({ encoding: 'utf8', bom: 0 });
    expect(detectEncoding(iconv.encode('姓名,身份证号', 'gbk'))).toEqual({ encoding: 'gb18030', bom: 0 });
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x53, 0x59]))).toEqual({ encoding: 'utf16le', bom: 2 });
    for (const encoded of [iconv.encode('姓名,民族\n张三,汉族\n', 'gbk'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名,民族\n张三,汉族\n')])]) {
      const rows = [];
      for await (const r of readRows(() => Readable.from([encoded.subarray(0, 5), encoded.subarray(5)]), 'csv')) rows.push(r.cells);
      expect(rows).toEqual([['姓名', '民族'], ['张三', '汉族']]);
    }
  });

  it('knows an xlsx from a CSV and refuses old binary spreadsheets', () => {
    expect(sniffFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('xlsx');
    expect(sniffFormat(Buffer.from('姓名,身份证号'))).toBe('csv');
    expect(sniffFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toBeNull();
  });

  it('reads xlsx cells as text: dates, huge numbers as Excel kept them', () => {
    expect(cellText(new Date(Date.UTC(1985, 2, 15)))).toBe('1985-03-15');
    expect(cellText(13800138000)).toBe('13800138000');
    expect(cellText(370102198503151200)).toBe('3.701021985031512e+17');
  });
});

describe('columns', () => {
  it('matches headers by name or alias, ignoring marks and notes', () => {
    expect(headerKey(' 身份证号（必填）* ')).toBe('身份证号');
    const m = matchHeaders('residents', ['序号', '居民姓名', '公民身份号码', '联系电话', '楼号', '门牌号', '姓名']);
    expect([...m.byIndex.entries()]).toEqual([[1, 'name'], [2, 'idNumber'], [3, 'phone'], [4, 'building'], [5, 'room']]);
    expect(m.unknown).toEqual(['序号']);
    expect(m.missing).toEqual([]);
    expect(matchHeaders('residents', ['姓名']).missing).toEqual(['身份证号']);
  });

  it('dates in the forms spreadsheets use, impossible dates told apart', () => {
    for (const d of ['1985-03-15', '1985/3/15', '1985.3.15', '19850315', '1985年3月15日']) expect(parseDateCell(d), d).toBe('1985-03-15');
    expect(parseDateCell('1991-02-30')).toBe('impossible');
    expect(parseDateCell('yesterday')).toBeNull();
  });

  it('neutralises formula-like cells for export', () => {
    for (const v of ['=1+1', '+86', '-5', '@SUM(A1)', '\tx']) expect(neutralizeCell(v)).toBe(`'${v}`);
    expect(neutralizeCell('张三')).toBe('张三');
  });
});

describe('xlsx', () => {
  const people = Array.from({ length: 3000 }, (_, i) => [`聂永刚${i}`, `山东省泰安市新泰市马庄镇小韩庄村${i}号翡翠大都会3号楼1单元401`, '户主']);

  it('reads every Chinese character intact however the zip is chunked, in shared-string and inline-string files', async () => {
    const shared = new ExcelJS.Workbook();
    const ws = shared.addWorksheet('居民');
    ws.addRow(['姓名', '户籍地址', '与户主关系', '出生日期', '身份证号', '公式']);
    for (const p of people) ws.addRow(p);
    ws.getCell('D2').value = new Date(Date.UTC(1985, 2, 15));
    ws.getCell('D2').numFmt = 'yyyy-mm-dd';
    ws.getCell('E2').value = 370102198503151200;
    ws.getCell('F2').value = { formula: 'A2&"!"', result: '聂永刚0!' } as never;
    const sharedFile = Buffer.from(await shared.xlsx.writeBuffer());

    const chunks: Buffer[] = [];
    const { PassThrough } = await import('node:stream');
    const sink = new PassThrough();
    sink.on('data', (c) => chunks.push(c));
    const inline = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false });
    const iws = inline.addWorksheet('居民');
    iws.addRow(['姓名', '户籍地址', '与户主关系']).commit();
    for (const p of people) iws.addRow(p).commit();
    iws.commit();
    await inline.commit();
    const inlineFile = Buffer.concat(chunks);

    for (const file of [sharedFile, inlineFile]) {
      const rows: string[][] = [];
      // 1,000-byte pieces put chunk boundaries inside characters again and again
      const pieces = () => Readable.from(Array.from({ length: Math.ceil(file.length / 1000) }, (_, i) => file.subarray(i * 1000, (i + 1) * 1000)));
      for await (const r of readRows(pieces, 'xlsx')) rows.push(r.cells);
      expect(rows).toHaveLength(3001);
      expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual(people);
    }
    const first: string[][] = [];
    for await (const r of readRows(() => Readable.from([sharedFile]), 'xlsx')) first.push(r.cells);
    expect(first[1].slice(3)).toEqual(['1985-03-15', '3.701021985031512e+17', '聂永刚0!']);
  });
});
