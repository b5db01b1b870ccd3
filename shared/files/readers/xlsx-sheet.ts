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

/** What this reader uses of exceljs's streaming workbook reader once it has emitted a worksheet. */
interface StreamedBook {
  sharedStrings?: unknown[];
  styles?: { getStyleModel(id: number): { numFmt?: string } | null };
  properties?: { model?: { date1904?: boolean } };
}

/** The context of an exceljs `WorkbookReader` that has emitted a worksheet (it reads the workbook's parts before). */
export function sheetContextOf(reader: unknown): SheetContext {
  const book = reader as StreamedBook;
  return {
    sharedStrings: book.sharedStrings,
    numFmtOf: (style: number) => book.styles?.getStyleModel(style)?.numFmt,
    date1904: book.properties?.model?.date1904 === true,
  };
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

/** The one-letter attributes a row or cell tag has that this reader uses (r, s, t), reused from tag to tag. */
interface Attributes {
  r: string | undefined;
  s: string | undefined;
  t: string | undefined;
}

/** Reads the attributes of a tag's text between `from` and `to` into `into` (r, s and t only; values decoded). */
function readAttributes(text: string, from: number, to: number, into: Attributes): void {
  into.r = into.s = into.t = undefined;
  let k = from;
  while (k < to) {
    if (text.charCodeAt(k) <= 32) {
      k++;
      continue;
    }
    const eq = text.indexOf('=', k);
    if (eq < 0 || eq >= to) return;
    let q = eq + 1;
    while (q < to && text.charCodeAt(q) <= 32) q++;
    const quote = text[q];
    if (quote !== '"' && quote !== "'") return;
    const close = text.indexOf(quote, q + 1);
    if (close < 0 || close >= to) return;
    let keyEnd = eq;
    while (keyEnd > k && text.charCodeAt(keyEnd - 1) <= 32) keyEnd--;
    if (keyEnd - k === 1) {
      const key = text[k];
      if (key === 'r' || key === 's' || key === 't') into[key] = decodeXml(text.slice(q + 1, close));
    }
    k = close + 1;
  }
}

const OTHER = 0;
const SHEET_DATA = 1;
const ROW = 2;
const C = 3;
const V = 4;
const F = 5;
const T = 6;
const IS = 7;

/** Which tag this reader acts on the name between `from` and `to` is, compared without slicing it out. */
function tagOf(text: string, from: number, to: number): number {
  const length = to - from;
  if (length === 1) {
    const c = text.charCodeAt(from);
    return c === 99 ? C : c === 118 ? V : c === 102 ? F : c === 116 ? T : OTHER;
  }
  if (length === 3) return text.startsWith('row', from) ? ROW : OTHER;
  if (length === 2) return text.startsWith('is', from) ? IS : OTHER;
  if (length === 9) return text.startsWith('sheetData', from) ? SHEET_DATA : OTHER;
  return OTHER;
}

/** Where a tag's name ends: at white space, '/' or '>'. */
function nameEnd(text: string, from: number, limit: number): number {
  let k = from;
  while (k < limit) {
    const c = text.charCodeAt(k);
    if (c <= 32 || c === 47 || c === 62) break;
    k++;
  }
  return k;
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
  /** The text of the cell's last `v`, `is` or `t` element (what exceljs keeps), undefined when it has none. */
  value: string | undefined;
}

/** Where element text goes: nowhere, a formula (not used: exceljs keeps its cached result), the cell's value. */
const NOWHERE = 0;
const FORMULA = 1;
const VALUE = 2;

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
  // One cell is open at a time: its object is reused from cell to cell.
  const cell: OpenCell = { ref: undefined, style: 0, type: undefined, formula: false, value: undefined };
  let inCell = false;
  let capture = NOWHERE;
  let out: SheetRow[] = [];

  const closeCell = (c: OpenCell, r: SheetRow & { style: number; lastColumn: number }) => {
    const col = c.ref !== undefined ? columnOf(c.ref) : r.lastColumn + 1;
    r.lastColumn = col;
    let value: Cell | undefined;
    const text = c.value;
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

  const attrs: Attributes = { r: undefined, s: undefined, t: undefined };
  let lastRow = 0;

  const open = (tag: number, text: string, from: number, to: number) => {
    switch (tag) {
      case SHEET_DATA:
        inSheetData = true;
        break;
      case ROW:
        if (inSheetData) {
          readAttributes(text, from, to, attrs);
          const r = parseInt(attrs.r ?? '', 10);
          lastRow = Number.isNaN(r) ? lastRow + 1 : r;
          row = { number: lastRow, values: [], style: parseInt(attrs.s ?? '0', 10) || 0, lastColumn: 0 };
        }
        break;
      case C:
        if (row) {
          readAttributes(text, from, to, attrs);
          cell.ref = attrs.r;
          cell.style = attrs.s === undefined ? 0 : parseInt(attrs.s, 10) || 0;
          cell.type = attrs.t;
          cell.formula = false;
          cell.value = undefined;
          inCell = true;
        }
        break;
      case F:
        if (inCell) {
          cell.formula = true;
          capture = FORMULA;
        }
        break;
      case V:
      case IS:
      case T:
        if (inCell) {
          cell.value = '';
          capture = VALUE;
        }
        break;
    }
  };

  const close = (tag: number) => {
    switch (tag) {
      case SHEET_DATA:
        inSheetData = false;
        break;
      case ROW:
        if (row) {
          out.push({ number: row.number, values: row.values });
          row = undefined;
        }
        break;
      case C:
        if (row && inCell) closeCell(cell, row);
        inCell = false;
        capture = NOWHERE;
        break;
    }
  };

  /** Reads the tags and text of `s` up to `end`; returns where it stopped (a construct not complete yet). */
  const scan = (s: string, end: number): number => {
    let i = 0;
    while (i < end) {
      const lt = s.indexOf('<', i);
      if (lt < 0 || lt >= end) {
        if (capture === VALUE) cell.value += s.slice(i, end);
        return end;
      }
      if (lt > i && capture === VALUE) cell.value += s.slice(i, lt);
      const next = s.charCodeAt(lt + 1);
      if (next === 33 /* ! */) {
        if (s.startsWith('<![CDATA[', lt)) {
          const stop = s.indexOf(']]>', lt);
          if (stop < 0) return lt;
          // exceljs reads text events only, so CDATA content is not part of a value.
          i = stop + 3;
        } else {
          const comment = s.startsWith('<!--', lt);
          const stop = comment ? s.indexOf('-->', lt) : s.indexOf('>', lt);
          if (stop < 0) return lt;
          i = stop + (comment ? 3 : 1);
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
      if (next === 47 /* / */) close(tagOf(s, lt + 2, nameEnd(s, lt + 2, gt)));
      else {
        const selfClosing = s.charCodeAt(gt - 1) === 47;
        const tagEnd = selfClosing ? gt - 1 : gt;
        const nameStop = nameEnd(s, lt + 1, tagEnd);
        const tag = tagOf(s, lt + 1, nameStop);
        if (tag !== OTHER) {
          open(tag, s, nameStop, tagEnd);
          if (selfClosing) close(tag);
        }
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
