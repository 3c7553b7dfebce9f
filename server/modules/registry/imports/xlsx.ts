import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import unzipper from 'unzipper';
import type { SheetRow } from './readers.ts';
import { SheetXmlScanner } from './sheet-xml.ts';

/**
 * A streaming reader for the first worksheet of an xlsx file. (ExcelJS's stream reader decodes each
 * zip chunk on its own and garbles a Chinese character cut between two chunks — about one row in a
 * thousand — so Linli reads sheets itself: unzipper for the entries, saxes for the small parts, a scanner of
 * its own for the worksheet (sheet-xml.ts), one streaming UTF-8 decoder per entry.) Two passes over the file: first the shared strings, styles and workbook
 * (which sheet is first, 1900 or 1904 dates), then the sheet's rows one by one.
 */

interface Entry extends Readable {
  path: string;
  autodrain(): void;
}

async function xmlEvents(entry: Readable, on: (kind: 'open' | 'text' | 'close', tag: SaxesTagPlain | null, text: string) => void) {
  const parser = new SaxesParser();
  let failure: Error | null = null;
  parser.on('error', (e) => (failure = e));
  parser.on('opentag', (t) => on('open', t as SaxesTagPlain, ''));
  parser.on('text', (t) => on('text', null, t));
  parser.on('closetag', (t) => on('close', t as SaxesTagPlain, ''));
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of entry) {
    parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    if (failure) throw failure;
  }
  parser.write(decoder.decode());
  parser.close();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** One cell value as text: dates as YYYY-MM-DD, numbers as typed (an 18-digit number shows as 3.7e+17, as Excel lost it). */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) >= 1e15 ? v.toExponential() : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : `${v.getUTCFullYear()}-${pad2(v.getUTCMonth() + 1)}-${pad2(v.getUTCDate())}`;
  return String(v);
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);

interface Book {
  strings: string[];
  dateStyles: Set<number>;
  sheetPath: string | null;
  date1904: boolean;
}

// Built-in number formats that show dates (ECMA-376 18.8.30).
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
const isDateFormat = (code: string) => /[yd]|(^|[^h])m{1,4}([^s]|$)/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '')) && !/^[#0.,%\s]+$/.test(code);

async function readBook(open: () => Readable): Promise<Book> {
  const book: Book = { strings: [], dateStyles: new Set(), sheetPath: null, date1904: false };
  const customFormats = new Map<number, string>();
  const xfFormats: number[] = [];
  let firstSheetRel: string | null = null;
  const rels = new Map<string, string>();
  const zip = open().pipe(unzipper.Parse({ forceStream: true }));
  for await (const e of zip as AsyncIterable<Entry>) {
    const name = e.path.replace(/^\//, '');
    if (name === 'xl/sharedStrings.xml') {
      let current: string | null = null;
      let inText = false;
      let phonetic = false;
      await xmlEvents(e, (kind, tag, text) => {
        const n = tag ? local(tag.name) : '';
        if (kind === 'open' && n === 'si') current = '';
        else if (kind === 'open' && n === 'rPh') phonetic = true; // furigana runs are not part of the text
        else if (kind === 'close' && n === 'rPh') phonetic = false;
        else if (n === 't') inText = kind === 'open';
        else if (kind === 'text' && inText && !phonetic && current !== null) current += text;
        else if (kind === 'close' && n === 'si') {
          book.strings.push(current ?? '');
          current = null;
        }
      });
    } else if (name === 'xl/styles.xml') {
      let inXfs = false;
      await xmlEvents(e, (kind, tag) => {
        const n = tag ? local(tag.name) : '';
        if (n === 'numFmt' && kind === 'open') customFormats.set(Number(tag!.attributes.numFmtId), String(tag!.attributes.formatCode ?? ''));
        else if (n === 'cellXfs') inXfs = kind === 'open';
        else if (n === 'xf' && kind === 'open' && inXfs) xfFormats.push(Number(tag!.attributes.numFmtId ?? 0));
      });
    } else if (name === 'xl/workbook.xml') {
      await xmlEvents(e, (kind, tag) => {
        const n = tag ? local(tag.name) : '';
        if (kind === 'open' && n === 'workbookPr') book.date1904 = ['1', 'true'].includes(String(tag!.attributes.date1904 ?? ''));
        if (kind === 'open' && n === 'sheet' && firstSheetRel === null) firstSheetRel = String(tag!.attributes['r:id'] ?? Object.entries(tag!.attributes).find(([k]) => local(k) === 'id')?.[1] ?? '');
      });
    } else if (name === 'xl/_rels/workbook.xml.rels') {
      await xmlEvents(e, (kind, tag) => {
        if (kind === 'open' && tag && local(tag.name) === 'Relationship') rels.set(String(tag.attributes.Id), String(tag.attributes.Target));
      });
    } else e.autodrain();
  }
  xfFormats.forEach((fmt, i) => {
    if (BUILTIN_DATE_FORMATS.has(fmt) || (customFormats.has(fmt) && isDateFormat(customFormats.get(fmt)!))) book.dateStyles.add(i);
  });
  const target = firstSheetRel ? rels.get(firstSheetRel) : undefined;
  if (target) book.sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  return book;
}

function serialToDate(serial: number, date1904: boolean): Date {
  // 1900 system: day 25569 is 1970-01-01 (Excel's phantom 1900-02-29 is before any real birth date here)
  return new Date(Math.round((serial - (date1904 ? 24107 : 25569)) * 86400) * 1000);
}

/** Rows of the first worksheet; `open` is called twice and must give the file from the start each time. */
export async function* xlsxRows(open: () => Readable): AsyncGenerator<SheetRow> {
  const book = await readBook(open);
  const zip = open().pipe(unzipper.Parse({ forceStream: true }));
  let done = false;
  for await (const e of zip as AsyncIterable<Entry>) {
    const name = e.path.replace(/^\//, '');
    const isSheet = book.sheetPath ? name === book.sheetPath : /^xl\/worksheets\/sheet\d+\.xml$/.test(name);
    if (done || !isSheet) {
      e.autodrain();
      continue;
    }
    done = true;
    // rows are collected per chunk of XML and handed out between chunks
    const ready: SheetRow[] = [];
    let row: { number: number; cells: string[] } | null = null;
    let nextRow = 1;
    const scanner = new SheetXmlScanner({
      row(number) {
        row = { number: number ?? nextRow, cells: [] };
        nextRow = row.number + 1;
      },
      cell(c) {
        if (!row) return;
        let text: string;
        if (c.type === 's') text = book.strings[Number(c.value)] ?? '';
        else if (c.type === 'inlineStr' || c.type === 'str' || c.type === 'e') text = c.value;
        else if (c.type === 'b') text = c.value === '1' ? 'TRUE' : 'FALSE';
        else if (c.value === '') text = c.formula ? `=${c.formula}` : '';
        else if (c.type === 'd') text = cellText(new Date(c.value));
        else if (book.dateStyles.has(c.style)) text = cellText(serialToDate(Number(c.value), book.date1904));
        else text = cellText(Number(c.value));
        const col = c.col ?? row.cells.length;
        while (row.cells.length < col) row.cells.push('');
        row.cells[col] = text.trim();
      },
      endRow() {
        if (row && row.cells.some((c) => c !== '')) ready.push({ row: row.number, cells: row.cells });
        row = null;
      },
    });
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of e) {
      scanner.write(decoder.decode(chunk as Buffer, { stream: true }));
      yield* ready.splice(0);
    }
    scanner.write(decoder.decode());
    scanner.end();
    yield* ready.splice(0);
  }
}
