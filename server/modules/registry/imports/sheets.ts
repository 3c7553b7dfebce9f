import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ImportKind } from '../tables.ts';
import { COLUMNS, neutralizeCell } from './columns.ts';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The import template: the header row communities fill in, and a sheet explaining each column. */
export async function templateWorkbook(kind: ImportKind): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const data = wb.addWorksheet('导入');
  const cols = COLUMNS[kind];
  data.columns = cols.map((c) => ({ header: c.required ? `${c.header}*` : c.header, key: c.key, width: Math.max(10, c.header.length * 2 + 4), style: { numFmt: '@' } }));
  data.getRow(1).font = { bold: true };
  const help = wb.addWorksheet('说明');
  help.columns = [{ header: '列名', width: 14 }, { header: '也可写作', width: 36 }, { header: '必填', width: 6 }, { header: '说明', width: 60 }];
  help.getRow(1).font = { bold: true };
  for (const c of cols) help.addRow([c.header, c.aliases.join('、'), c.required ? '是' : '', c.note]);
  help.addRow([]);
  help.addRow(['', '', '', '先校验后导入：上传后会逐行检查并给出问题清单，确认后才写入；同一文件重复导入不会产生重复数据。']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A streaming xlsx writer: rows go out as they are added, so an export of any size runs in flat
 * memory. Every text cell that begins like a formula is neutralised with a leading apostrophe.
 */
export function streamingSheet(sheetName: string, headers: string[]) {
  const stream = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(headers).commit();
  return {
    stream,
    add(values: (string | number | null)[]) {
      ws.addRow(values.map((v) => (typeof v === 'string' ? neutralizeCell(v) : v))).commit();
    },
    async finish() {
      ws.commit();
      await wb.commit();
    },
  };
}
