import dayjs from 'dayjs';

export type CellValue = string | number | boolean | Date | null | undefined;

/**
 * Writes rows to an .xlsx file and hands it to the browser as a download. The writer
 * (write-excel-file, ~30 kB gzip) is loaded only when someone exports.
 */
export async function downloadXlsx(fileBase: string, sheetName: string, header: string[], rows: CellValue[][]) {
  const { default: writeXlsxFile } = await import('write-excel-file/browser');
  const data = [
    header.map((h) => ({ value: h, fontWeight: 'bold' as const })),
    ...rows.map((r) =>
      r.map((v) => {
        if (v === null || v === undefined || v === '') return null;
        if (v instanceof Date) return { value: v, type: Date, format: 'yyyy-mm-dd hh:mm' };
        return { value: v };
      }),
    ),
  ];
  // a column as wide as its longest text (CJK characters count double), within reason
  const width = (i: number) => {
    const texts = [header[i], ...rows.slice(0, 500).map((r) => (r[i] instanceof Date ? '0000-00-00 00:00' : String(r[i] ?? '')))];
    const longest = Math.max(...texts.map((s) => [...s].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
    return Math.min(60, Math.max(8, longest + 2));
  };
  // sheet names may not hold []:*?/\ and are at most 31 characters
  const sheet = sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
  await writeXlsxFile(data, { sheet, columns: header.map((_, i) => ({ width: width(i) })), stickyRowsCount: 1 }).toFile(`${fileBase}-${dayjs().format('YYYYMMDD-HHmm')}.xlsx`);
}
