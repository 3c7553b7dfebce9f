/**
 * A scanner for worksheet XML (`xl/worksheets/sheetN.xml`), the one part of an xlsx that grows with
 * the rows. A general XML parser (saxes) builds an object per tag and per attribute; on a 100,000-row
 * import that was a quarter of the confirm's allocations and most of its parse time (docs/registry.md).
 * This one walks the text with indexOf and reports only what a sheet needs: rows (`r`), cells (`r`,
 * `t`, `s`) and the text of their `<v>`, `<f>` and `<t>` elements, entities and CDATA decoded. Text is
 * fed in chunks cut anywhere; an unfinished tag, comment or CDATA section waits for the next chunk.
 * It checks less than a validating parser: tags are not matched against each other (a sheet that a
 * zip's checksums passed is not hand-made), but an unfinished document or an unknown entity is an error.
 */

export interface SheetCell {
  /** zero-based column from the `r` reference, or null when the cell has none */
  col: number | null;
  type: string;
  style: number;
  value: string;
  formula: string;
}

export interface SheetXmlEvents {
  row(number: number | null): void;
  cell(cell: SheetCell): void;
  endRow(): void;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new Error(`bad character reference in sheet XML: ${whole.slice(0, 20)}`);
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) throw new Error(`bad character reference in sheet XML: ${whole}`);
      return String.fromCodePoint(code);
    }
    const known = ENTITIES[name];
    if (known === undefined) throw new Error(`unknown entity in sheet XML: ${whole}`);
    return known;
  });
}

/** The attributes a sheet needs (`r`, `t`, `s`, any prefix) from s[from, to), the text of a start tag after its name. */
function attributesOf(s: string, from: number, to: number): { r?: string; t?: string; s?: string } {
  const out: { r?: string; t?: string; s?: string } = {};
  let i = from;
  while (i < to) {
    const eq = s.indexOf('=', i);
    if (eq < 0 || eq >= to) break;
    let q = eq + 1;
    while (q < to && s.charCodeAt(q) !== 34 && s.charCodeAt(q) !== 39) q++;
    const close = s.indexOf(s[q], q + 1);
    if (q >= to || close < 0 || close >= to) break;
    // the name is the last word before '=' (after whitespace, after a prefix's ':')
    let n = eq;
    while (n > i && s.charCodeAt(n - 1) <= 32) n--;
    const nameEnd = n;
    while (n > i && s.charCodeAt(n - 1) > 32 && s.charCodeAt(n - 1) !== 58) n--;
    if (nameEnd - n === 1) {
      const c = s.charCodeAt(n);
      if (c === 114 || c === 116 || c === 115) out[c === 114 ? 'r' : c === 116 ? 't' : 's'] = decodeEntities(s.slice(q + 1, close));
    }
    i = close + 1;
  }
  return out;
}

/** Column A → 0, Z → 25, AA → 26, from a reference such as "AB12". */
export function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/** Where the start or end tag beginning at `lt` ends ('>' outside quotes), or -1 if not in `s` yet. */
function tagEnd(s: string, lt: number): number {
  let q = 0;
  for (let i = lt + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (q) {
      if (c === q) q = 0;
    } else if (c === 62) return i;
    else if (c === 34 || c === 39) q = c;
  }
  return -1;
}

/** Names the scanner acts on, told by their characters without making a string per tag. */
const enum Name { Other, Row, C, V, F, T, RPh }

function nameAt(s: string, from: number, to: number): Name {
  const len = to - from;
  const a = s.charCodeAt(from);
  if (len === 1) return a === 99 ? Name.C : a === 118 ? Name.V : a === 102 ? Name.F : a === 116 ? Name.T : Name.Other;
  if (len === 3 && a === 114) {
    const b = s.charCodeAt(from + 1);
    const c = s.charCodeAt(from + 2);
    if (b === 111 && c === 119) return Name.Row;
    if (b === 80 && c === 104) return Name.RPh;
  }
  return Name.Other;
}

export class SheetXmlScanner {
  private rest = '';
  private cell: SheetCell | null = null;
  /** which element's text is being kept: the cell's value, formula or inline text */
  private capture: 'value' | 'formula' | null = null;
  private inRow = false;
  private phonetic = false;

  constructor(private readonly on: SheetXmlEvents) {}

  write(chunk: string): void {
    const s = this.rest + chunk;
    let i = 0;
    for (;;) {
      const lt = s.indexOf('<', i);
      // text runs to the next tag; until that arrives, an entity in it may still be cut
      if (lt < 0) break;
      if (lt > i && this.capture) this.text(decodeEntities(s.slice(i, lt)));
      i = lt;
      let end: number;
      const bang = s.charCodeAt(lt + 1) === 33; /* ! */
      if (bang && s.startsWith('<![CDATA[', lt)) {
        end = s.indexOf(']]>', lt + 9);
        if (end < 0) break;
        this.text(s.slice(lt + 9, end));
        i = end + 3;
      } else if (bang && s.startsWith('<!--', lt)) {
        end = s.indexOf('-->', lt + 4);
        if (end < 0) break;
        i = end + 3;
      } else {
        end = tagEnd(s, lt);
        if (end < 0) break;
        this.tag(s, lt + 1, end);
        i = end + 1;
      }
    }
    this.rest = s.slice(i);
  }

  end(): void {
    if (this.rest.trim() !== '' || this.inRow) throw new Error('sheet XML ends inside an element');
  }

  private text(t: string) {
    if (!this.cell || !this.capture || t === '') return;
    if (this.capture === 'value') this.cell.value += t;
    else this.cell.formula += t;
  }

  /** The tag whose text is s[from, to) ('<' and '>' excluded). */
  private tag(s: string, from: number, to: number) {
    const first = s.charCodeAt(from);
    if (first === 63 /* ? */ || first === 33 /* ! (DOCTYPE) */) return;
    const closing = first === 47; /* / */
    const selfClosing = !closing && s.charCodeAt(to - 1) === 47;
    let start = closing ? from + 1 : from;
    let nameEnd = start;
    for (; nameEnd < to; nameEnd++) {
      const c = s.charCodeAt(nameEnd);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47) break;
      if (c === 58) start = nameEnd + 1; // a prefix: x:row
    }
    const name = nameAt(s, start, nameEnd);
    if (closing) this.close(name);
    else {
      this.open(name, s, nameEnd, selfClosing ? to - 1 : to);
      if (selfClosing) this.close(name);
    }
  }

  private open(name: Name, s: string, attrsFrom: number, attrsTo: number) {
    if (name === Name.Row) {
      const a = attributesOf(s, attrsFrom, attrsTo);
      this.inRow = true;
      this.on.row(a.r ? Number(a.r) : null);
    } else if (name === Name.C && this.inRow) {
      const a = attributesOf(s, attrsFrom, attrsTo);
      this.cell = { col: a.r ? columnIndex(a.r) : null, type: a.t ?? 'n', style: Number(a.s ?? 0), value: '', formula: '' };
    } else if (this.cell) {
      if (name === Name.V) this.capture = 'value';
      else if (name === Name.F) this.capture = 'formula';
      // inline strings: the text of every run, not of phonetic hints (<rPh><t>)
      else if (name === Name.T && this.cell.type === 'inlineStr' && !this.phonetic) this.capture = 'value';
      else if (name === Name.RPh) this.phonetic = true;
    }
  }

  private close(name: Name) {
    if (name === Name.V || name === Name.F || name === Name.T) this.capture = null;
    else if (name === Name.RPh) this.phonetic = false;
    else if (name === Name.C && this.cell) {
      const cell = this.cell;
      this.cell = null;
      this.capture = null;
      this.phonetic = false;
      this.on.cell(cell);
    } else if (name === Name.Row && this.inRow) {
      this.inRow = false;
      this.on.endRow();
    }
  }
}
