import { describe, expect, it } from 'vitest';
import { SheetXmlScanner, type SheetCell } from './sheet-xml.ts';

/** Rows as [row number, cells] from XML given in pieces. */
function scan(pieces: string[]) {
  const rows: { number: number | null; cells: SheetCell[] }[] = [];
  const scanner = new SheetXmlScanner({
    row: (number) => rows.push({ number, cells: [] }),
    cell: (c) => rows.at(-1)!.cells.push(c),
    endRow: () => undefined,
  });
  for (const p of pieces) scanner.write(p);
  scanner.end();
  return rows;
}

// what Excel, WPS, LibreOffice and hand-edited files put into a sheet
const SHEET = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- made by hand > with a comment -->
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="1" spans="1:4" x14ac:dyDescent='0.25'><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t xml:space="preserve"> 张&amp;三 &#x4E2D;&#22269; </x:t></x:is></x:c></x:row>
<row r="3"><c r="B3" s="2"><v>31063</v></c><c r="C3" t="str"><f>A3&amp;"&gt;"</f><v>a&gt;b</v></c><c r="D3"/><c r="E3" t="inlineStr"><is><r><t>多</t></r><r><t><![CDATA[段<文本>]]></t></r><rPh sb="0" eb="1"><t>ふり</t></rPh></is></c></row>
<row><c t="b"><v>1</v></c><c t="e" data-note="a>b"><v>#N/A</v></c></row>
<row r="9"/>
</x:sheetData></x:worksheet>`;

const expected = [
  { number: 1, cells: [{ col: 0, type: 's', style: 0, value: '0', formula: '' }, { col: 2, type: 'inlineStr', style: 0, value: ' 张&三 中国 ', formula: '' }] },
  {
    number: 3,
    cells: [
      { col: 1, type: 'n', style: 2, value: '31063', formula: '' },
      { col: 2, type: 'str', style: 0, value: 'a>b', formula: 'A3&">"' },
      { col: 3, type: 'n', style: 0, value: '', formula: '' },
      { col: 4, type: 'inlineStr', style: 0, value: '多段<文本>', formula: '' },
    ],
  },
  { number: null, cells: [{ col: null, type: 'b', style: 0, value: '1', formula: '' }, { col: null, type: 'e', style: 0, value: '#N/A', formula: '' }] },
  { number: 9, cells: [] },
];

describe('worksheet XML scanner', () => {
  it('reads rows, cells, entities, CDATA, prefixed names, self-closing tags and quoted ">" and skips phonetic runs', () => {
    expect(scan([SHEET])).toEqual(expected);
  });

  it('gives the same cells however the text is cut into chunks', () => {
    for (let at = 1; at < SHEET.length; at++) expect(scan([SHEET.slice(0, at), SHEET.slice(at)]), `cut at ${at}`).toEqual(expected);
    expect(scan(SHEET.split(''))).toEqual(expected);
  });

  it('refuses an unfinished document and unknown or broken entities', () => {
    expect(() => scan([SHEET.slice(0, SHEET.indexOf('</c></row>'))])).toThrow(/ends inside/);
    expect(() => scan(['<row><c t="inlineStr"><is><t>&nbsp;</t></is></c></row>'])).toThrow(/unknown entity/);
    expect(() => scan(['<row><c><v>1 & 2</v></c></row>'])).toThrow(/character reference/);
  });
});
