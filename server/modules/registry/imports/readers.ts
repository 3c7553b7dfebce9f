import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/**
 * Streaming readers for uploaded spreadsheets: each yields rows as arrays of strings (row 1 is the
 * header), holding no more than a chunk of the file at a time. Formulas are never evaluated: a
 * formula cell reads as the value the spreadsheet last showed, and text that looks like a formula
 * is just text.
 */
export interface SheetRow {
  /** 1-based, as the spreadsheet numbers it */
  row: number;
  cells: string[];
}

export type SpreadsheetFormat = 'xlsx' | 'csv';

/** What an upload is, from its first bytes: an xlsx (zip) or text; null for anything else (old .xls, images …). */
export function sniffFormat(head: Buffer): SpreadsheetFormat | null {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  // legacy binary formats (OLE .xls) and anything with NUL bytes is not a CSV
  if (head.includes(0)) return head[0] === 0xff && head[1] === 0xfe ? 'csv' : null;
  return 'csv';
}

// ---- CSV

/**
 * The encoding of a CSV: a byte-order mark decides; otherwise UTF-8 if the sample is valid UTF-8,
 * else GB18030 (a superset of GBK, what Chinese Excel writes by default).
 */
export function detectEncoding(sample: Buffer): { encoding: 'utf8' | 'utf16le' | 'gb18030'; bom: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf8', bom: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf16le', bom: 2 };
  try {
    // stream: true lets a character cut at the end of the sample pass
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return { encoding: 'utf8', bom: 0 };
  } catch {
    return { encoding: 'gb18030', bom: 0 };
  }
}

/**
 * RFC 4180 fields from text chunks: commas, double quotes ("" inside quotes), CRLF or LF line
 * ends, line breaks inside quoted fields. Fully blank lines are skipped (row numbers still count them).
 */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<SheetRow> {
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  // a quote seen inside a quoted field: the next character decides ("" is a literal quote)
  let quotePending = false;
  let pendingCR = false;
  let rowNumber = 1;
  const endRow = (): SheetRow | null => {
    fields.push(field);
    const row = fields.length === 1 && fields[0] === '' ? null : { row: rowNumber, cells: fields };
    rowNumber++;
    fields = [];
    field = '';
    return row;
  };
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (pendingCR) {
        pendingCR = false;
        if (ch === '\n') continue;
      }
      if (quotePending) {
        quotePending = false;
        if (ch === '"') {
          field += '"';
          continue;
        }
        quoted = false;
      }
      if (quoted) {
        if (ch === '"') quotePending = true;
        else field += ch;
        continue;
      }
      if (ch === '"' && field === '') quoted = true;
      else if (ch === ',') {
        fields.push(field);
        field = '';
      } else if (ch === '\n' || ch === '\r') {
        const row = endRow();
        if (row) yield row;
        pendingCR = ch === '\r';
      } else field += ch;
    }
  }
  if (field !== '' || fields.length > 0) {
    const row = endRow();
    if (row) yield row;
  }
}

async function* decoded(stream: Readable): AsyncGenerator<string> {
  const iterator = stream[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  // enough bytes to tell UTF-8 from GBK with confidence
  while (head.length < 64 * 1024) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value as Buffer]);
  }
  const { encoding, bom } = detectEncoding(head);
  const decoder = iconv.getDecoder(encoding);
  const first = decoder.write(head.subarray(bom));
  if (first) yield first;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const s = decoder.write(next.value as Buffer);
    if (s) yield s;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

// ---- xlsx

const pad2 = (n: number) => String(n).padStart(2, '0');

/** One xlsx cell as text. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) >= 1e15 ? v.toExponential() : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return `${v.getUTCFullYear()}-${pad2(v.getUTCMonth() + 1)}-${pad2(v.getUTCDate())}`;
  const o = v as { richText?: { text: string }[]; formula?: string; sharedFormula?: string; result?: unknown; text?: unknown; error?: string };
  if (o.richText) return o.richText.map((r) => r.text).join('');
  if (o.formula !== undefined || o.sharedFormula !== undefined) return o.result !== undefined ? cellText(o.result) : `=${o.formula ?? o.sharedFormula}`;
  if (o.text !== undefined) return cellText(o.text);
  if (o.error) return o.error;
  return String(v);
}

/** Rows of the first worksheet. Styles are read so that date cells come back as dates. */
async function* xlsxRows(stream: Readable): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
        if (cells.some((c) => c !== '')) yield { row: row.number, cells };
      }
      return; // only the first worksheet holds the data
    }
  } finally {
    stream.destroy();
  }
}

export function readRows(stream: Readable, format: SpreadsheetFormat): AsyncGenerator<SheetRow> {
  return format === 'xlsx' ? xlsxRows(stream) : parseCsv(decoded(stream));
}
