import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { xlsxRows } from './xlsx.ts';

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

export function readRows(open: () => Readable, format: SpreadsheetFormat): AsyncGenerator<SheetRow> {
  return format === 'xlsx' ? xlsxRows(open) : parseCsv(decoded(open()));
}
