import { TextDecoder } from 'node:util';
import type { Cell } from '../values.js';

/** What a worksheet's cells need from the rest of the workbook (exceljs's streaming reader has read it). */
export interface SheetContext {
  /** The shared-string table: text, or exceljs's `{ richText }` runs. */
  sharedStrings: readonly unknown[] | undefined;
  /** A cell style's number format by style id (exceljs's style manager). */
  numFmtOf: (styleId: number) => string | undefined;
  date1904: boolean;
}

/** One `<row>` of the sheet: its number and its cells by column number (1-based; absent where the sheet has none). */
export interface SheetRow {
  number: number;
  values: Cell[];
}

/** Excel's date formats: a format code with y, m, d, h, s or b outside quotes and brackets (exceljs's rule). */
function isDateFormat(code: string | undefined): boolean {
  if (!code) return false;
  return /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_, e: string) => (e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (NAMED[e] as string)));
}

/** Element text as a SAX parser gives it: line ends read as LF (before entities), entities decoded. */
function xmlText(raw: string): string {
  return decodeXml(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);
}

const NAMED_AGAIN = /&([a-z]*);/g;

/** A string cell's text: exceljs decodes its five named entities a second time, after the parser. */
function stringCell(raw: string): string {
  const text = xmlText(raw);
  return text.includes('&') ? text.replace(NAMED_AGAIN, (all, e: string) => NAMED[e] ?? all) : text;
}

/** The value of attribute `name` in a tag's attribute text, or undefined. */
function attribute(attrs: string, name: string): string | undefined {
  let i = 0;
  const n = attrs.length;
  while (i < n) {
    while (i < n && attrs.charCodeAt(i) <= 32) i++;
    const eq = attrs.indexOf('=', i);
    if (eq < 0) return undefined;
    const key = attrs.slice(i, eq).trim();
    let q = eq + 1;
    while (q < n && attrs.charCodeAt(q) <= 32) q++;
    const quote = attrs[q];
    if (quote !== '"' && quote !== "'") return undefined;
    const close = attrs.indexOf(quote, q + 1);
    if (close < 0) return undefined;
    if (key === name) return decodeXml(attrs.slice(q + 1, close));
    i = close + 1;
  }
  return undefined;
}

/** A cell reference's column number: `C12` → 3. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return col;
}

/** An exceljs cell value as a plain cell: rich text joined, a formula by its cached result, an error cell as empty. */
export function plainCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown; error?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return plainCell(v.result);
    if ('error' in v) return null;
    if (typeof v.text === 'string') return v.text;
  }
  return null;
}

interface OpenCell {
  ref: string | undefined;
  style: number;
  type: string | undefined;
  formula: boolean;
  value: { text: string } | undefined;
}

/**
 * Reads a worksheet's XML (`xl/worksheets/sheetN.xml`, as bytes) into rows with the cell values
 * exceljs's streaming reader gives, as plain cells: shared strings looked up, dates where the cell's
 * (or else its row's) number format is a date format, booleans, a formula by its cached result, an
 * error cell as null, a cell with neither value nor formula absent. It scans the tags it needs
 * (`sheetData`, `row`, `c`, `v`, `f`, `is`, `t`) with `indexOf` instead of a general SAX parse
 * building a row and cell object model: that parse was most of an XLSX import's time. Rows come in
 * batches, one per chunk of the sheet.
 */
export async function* readSheetRows(bytes: AsyncIterable<Uint8Array>, book: SheetContext): AsyncGenerator<SheetRow[]> {
  const decoder = new TextDecoder('utf-8');
  const dateStyles = new Map<number, boolean>();
  const isDateStyle = (style: number): boolean => {
    let hit = dateStyles.get(style);
    if (hit === undefined) dateStyles.set(style, (hit = isDateFormat(book.numFmtOf(style))));
    return hit;
  };
  let inSheetData = false;
  let row: (SheetRow & { style: number; lastColumn: number }) | undefined;
  let cell: OpenCell | undefined;
  let current: { text: string } | undefined;
  let out: SheetRow[] = [];

  const closeCell = (c: OpenCell, r: SheetRow & { style: number; lastColumn: number }) => {
    const col = c.ref !== undefined ? columnOf(c.ref) : r.lastColumn + 1;
    r.lastColumn = col;
    let value: Cell | undefined;
    const text = c.value?.text;
    if (c.formula) value = text === undefined ? null : c.type === 'str' ? stringCell(text) : parseFloat(xmlText(text));
    else if (text !== undefined) {
      switch (c.type) {
        case 's': {
          const shared = book.sharedStrings?.[parseInt(xmlText(text), 10)];
          value = book.sharedStrings === undefined ? null : shared === null || shared === undefined ? undefined : plainCell(shared);
          break;
        }
        case 'inlineStr':
        case 'str':
          value = stringCell(text);
          break;
        case 'e':
          value = null;
          break;
        case 'b':
          value = parseInt(xmlText(text), 10) !== 0;
          break;
        default: {
          const n = parseFloat(xmlText(text));
          const style = c.style || r.style;
          // exceljs's excelToDate, to the same floating-point steps.
          if (style && isDateStyle(style)) value = new Date(Math.round((n - 25569 + (book.date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
          else value = n;
        }
      }
    }
    if (value !== undefined) r.values[col] = value;
  };

  const open = (name: string, attrs: string) => {
    switch (name) {
      case 'sheetData':
        inSheetData = true;
        break;
      case 'row':
        if (inSheetData) {
          const r = parseInt(attribute(attrs, 'r') ?? '', 10);
          row = { number: Number.isNaN(r) ? (row?.number ?? 0) + 1 : r, values: [], style: parseInt(attribute(attrs, 's') ?? '0', 10) || 0, lastColumn: 0 };
        }
        break;
      case 'c':
        if (row) cell = { ref: attribute(attrs, 'r'), style: parseInt(attribute(attrs, 's') ?? '', 10) || 0, type: attribute(attrs, 't'), formula: false, value: undefined };
        break;
      case 'f':
        if (cell) {
          cell.formula = true;
          current = { text: '' };
        }
        break;
      case 'v':
      case 'is':
      case 't':
        if (cell) current = cell.value = { text: '' };
        break;
    }
  };

  const close = (name: string) => {
    switch (name) {
      case 'sheetData':
        inSheetData = false;
        break;
      case 'row':
        if (row) {
          out.push({ number: row.number, values: row.values });
          row = undefined;
        }
        break;
      case 'c':
        if (row && cell) closeCell(cell, row);
        cell = undefined;
        current = undefined;
        break;
    }
  };

  /** Reads the tags and text of `s` up to `end`; returns where it stopped (a construct not complete yet). */
  const scan = (s: string, end: number): number => {
    let i = 0;
    while (i < end) {
      const lt = s.indexOf('<', i);
      if (lt < 0 || lt >= end) {
        if (current) current.text += s.slice(i, end);
        return end;
      }
      if (lt > i && current) current.text += s.slice(i, lt);
      const next = s.charCodeAt(lt + 1);
      if (next === 33 /* ! */) {
        if (s.startsWith('<![CDATA[', lt)) {
          const stop = s.indexOf(']]>', lt);
          if (stop < 0) return lt;
          // exceljs reads text events only, so CDATA content is not part of a value.
          i = stop + 3;
        } else {
          const stop = s.startsWith('<!--', lt) ? s.indexOf('-->', lt) : s.indexOf('>', lt);
          if (stop < 0) return lt;
          i = stop + (s.startsWith('<!--', lt) ? 3 : 1);
        }
        continue;
      }
      if (next === 63 /* ? */) {
        const stop = s.indexOf('?>', lt);
        if (stop < 0) return lt;
        i = stop + 2;
        continue;
      }
      const gt = s.indexOf('>', lt);
      if (gt < 0) return lt;
      if (next === 47 /* / */) close(s.slice(lt + 2, gt).trim());
      else {
        const selfClosing = s.charCodeAt(gt - 1) === 47;
        const tagEnd = selfClosing ? gt - 1 : gt;
        let nameEnd = lt + 1;
        while (nameEnd < tagEnd && s.charCodeAt(nameEnd) > 32) nameEnd++;
        const name = s.slice(lt + 1, nameEnd);
        open(name, s.slice(nameEnd, tagEnd));
        if (selfClosing) close(name);
      }
      i = gt + 1;
    }
    return end;
  };

  let buffer = '';
  for await (const chunk of bytes) {
    buffer += decoder.decode(chunk, { stream: true });
    // Up to the last '<': what comes before it is complete text and tags.
    const stop = scan(buffer, Math.max(0, buffer.lastIndexOf('<')));
    buffer = buffer.slice(stop);
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  buffer += decoder.decode();
  scan(buffer, buffer.length);
  if (out.length > 0) yield out;
}
