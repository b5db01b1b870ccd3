/**
 * Reading cells as the canonical record wants them: dates in a file's own pattern, numbers in a
 * file's own locale. A cell is what a reader produced: text (CSV, XML), or a typed value (XLSX).
 */
export type Cell = string | number | boolean | Date | null;

/** A date pattern: `yyyy`, `yy`, `MM`, `M`, `dd`, `d` and the separators `-./ `, e.g. `dd.MM.yyyy`. */
export const DATE_PATTERN = /^(?:yyyy|yy|MM|M|dd|d|[-./ ])+$/;

interface CompiledDate {
  regex: RegExp;
  order: Array<'y' | 'yy' | 'M' | 'd'>;
  /** The last text read and its date: a night audit lists hundreds of rows per date in a row. */
  lastText?: string;
  lastDate?: string | undefined;
}

const compiled = new Map<string, CompiledDate>();

function compile(pattern: string): CompiledDate {
  let hit = compiled.get(pattern);
  if (hit) return hit;
  const order: CompiledDate['order'] = [];
  const source = pattern.replace(/yyyy|yy|MM|M|dd|d|[-./ ]/g, (token) => {
    switch (token) {
      case 'yyyy':
        order.push('y');
        return '(\\d{4})';
      case 'yy':
        order.push('yy');
        return '(\\d{2})';
      case 'MM':
        order.push('M');
        return '(\\d{2})';
      case 'dd':
        order.push('d');
        return '(\\d{2})';
      case 'M':
        order.push('M');
        return '(\\d{1,2})';
      case 'd':
        order.push('d');
        return '(\\d{1,2})';
      default:
        return '\\' + token;
    }
  });
  hit = { regex: new RegExp(`^${source}$`), order };
  compiled.set(pattern, hit);
  return hit;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isoDate(y: number, m: number, d: number): string | undefined {
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return undefined;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** The last date cell read: a sheet's rows of one day follow each other. */
let lastDateCell: { time: number; date: string | undefined } = { time: Number.NaN, date: undefined };

/** Excel's day zero in the 1900 date system (serial 60, the 29th of February 1900 Excel believes in, is skipped by starting here). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A cell as an ISO date (YYYY-MM-DD), or undefined when it is not one. XLSX dates arrive as Date
 * objects (their UTC fields are the date as the sheet shows it) or, in a cell without a date style,
 * as Excel serial numbers. Two-digit years are 2000–2099.
 */
export function readDate(cell: Cell, pattern: string): string | undefined {
  if (cell instanceof Date) {
    const time = cell.getTime();
    if (Number.isNaN(time)) return undefined;
    if (time !== lastDateCell.time) lastDateCell = { time, date: isoDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate()) };
    return lastDateCell.date;
  }
  if (typeof cell === 'number') {
    if (!Number.isInteger(cell) || cell < 1 || cell > 2_958_465) return undefined;
    const day = new Date(EXCEL_EPOCH_MS + cell * 86_400_000);
    return isoDate(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
  }
  if (typeof cell !== 'string') return undefined;
  const c = compile(pattern);
  if (c.lastText === cell) return c.lastDate;
  const date = readDateText(cell, c);
  c.lastText = cell;
  c.lastDate = date;
  return date;
}

function readDateText(cell: string, { regex, order }: CompiledDate): string | undefined {
  const text = cell.trim();
  // A date-time text ("01.03.2025 00:00:00") is read by its date part.
  const match = regex.exec(text) ?? regex.exec(text.split(/[ T]/)[0] ?? '');
  if (!match) return undefined;
  let y = 0;
  let m = 0;
  let d = 0;
  order.forEach((part, i) => {
    const v = Number(match[i + 1]);
    if (part === 'y') y = v;
    else if (part === 'yy') y = 2000 + v;
    else if (part === 'M') m = v;
    else d = v;
  });
  return isoDate(y, m, d);
}

const groupedPatterns = new Map<string, RegExp>();

/** Digits grouped by three with `sep` (compiled once per separator: this runs for every cell). */
function groupedPattern(sep: string): RegExp {
  let hit = groupedPatterns.get(sep);
  if (!hit) groupedPatterns.set(sep, (hit = new RegExp(`^\\d{1,3}(\\${sep}\\d{3})+$`)));
  return hit;
}

const plainPatterns = new Map<string, RegExp | undefined>();

/**
 * The common shape of a figure in `format`, matched without trimming or dropping anything: an
 * optional leading minus, digits (grouped by three or not), an optional decimal part. Undefined
 * where the format needs the general reading for every cell (currency symbols, a space as
 * thousands separator, one character for both separators).
 */
function plainPattern(format: NumberFormat): RegExp | undefined {
  if (format.currency.length > 0 || format.thousands === ' ' || format.thousands === format.decimal) return undefined;
  const key = format.decimal + format.thousands;
  if (plainPatterns.has(key)) return plainPatterns.get(key);
  const whole = format.thousands === '' ? '\\d+' : `\\d+|\\d{1,3}(?:\\${format.thousands}\\d{3})+`;
  const pattern = new RegExp(`^(-?)(${whole})(?:\\${format.decimal}(\\d+))?$`);
  plainPatterns.set(key, pattern);
  return pattern;
}

export interface NumberFormat {
  /** The decimal separator. */
  decimal: '.' | ',';
  /** The thousands separator ('' when the file has none). */
  thousands: '' | ',' | '.' | ' ' | "'";
  /** Currency symbols or codes to drop (`€`, `EUR`). */
  currency: readonly string[];
}

/**
 * A cell as a number, or undefined when it is not one. Text is read in the file's locale: the
 * thousands separator and currency symbols are dropped, the decimal separator becomes a point, a
 * leading or trailing minus and accounting parentheses `(1.234,50)` make it negative. Anything else
 * left over (letters, a second decimal separator) is not a number: a guess would import a wrong figure.
 */
export function readNumber(cell: Cell, format: NumberFormat): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell !== 'string') return undefined;
  const plain = plainPattern(format)?.exec(cell);
  if (plain) {
    // The same figure the general reading below gives for this shape, without its string surgery.
    const [, minus, whole = '', fraction] = plain;
    const value = Number(`${format.thousands !== '' && whole.includes(format.thousands) ? whole.split(format.thousands).join('') : whole}.${fraction ?? ''}`);
    if (!Number.isFinite(value)) return undefined;
    return minus ? -value : value;
  }
  let text = cell.trim();
  for (const symbol of format.currency) text = text.split(symbol).join('');
  text = text.replace(/[\s\u00a0\u202f]/g, format.thousands === ' ' ? '' : ' ').trim();
  if (text === '') return undefined;
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1).trim();
  } else if (text.endsWith('-')) {
    negative = !negative;
    text = text.slice(0, -1).trim();
  } else if (text.startsWith('+')) text = text.slice(1).trim();
  const parts = text.split(format.decimal);
  if (parts.length > 2) return undefined;
  const [whole = '', fraction] = parts;
  // Thousands separators must group by three: '1.234,56' read with a decimal point is refused, not 1.23456.
  const sep = format.thousands === ' ' ? '' : format.thousands;
  const grouped = sep !== '' && whole.includes(sep);
  if (grouped ? !groupedPattern(sep).test(whole) : !/^\d*$/.test(whole)) return undefined;
  if (fraction !== undefined && !/^\d*$/.test(fraction)) return undefined;
  if (whole === '' && !fraction) return undefined;
  const value = Number(`${grouped ? whole.split(sep).join('') : whole || '0'}.${fraction ?? ''}`);
  if (!Number.isFinite(value)) return undefined;
  return negative ? -value : value;
}

/** A cell as text, as the canonical record's string fields want it. */
export function readText(cell: Cell): string | undefined {
  if (cell === null) return undefined;
  if (cell instanceof Date) return readDate(cell, 'yyyy-MM-dd');
  const text = String(cell).trim();
  return text === '' ? undefined : text;
}

/** A cell as a boolean: true/false, yes/no, y/n, 1/0, ja/nein (any case). */
export function readBoolean(cell: Cell): boolean | undefined {
  if (typeof cell === 'boolean') return cell;
  if (typeof cell === 'number') return cell === 1 ? true : cell === 0 ? false : undefined;
  if (typeof cell !== 'string') return undefined;
  const t = cell.trim().toLowerCase();
  if (['true', 'yes', 'y', '1', 'ja', 'j'].includes(t)) return true;
  if (['false', 'no', 'n', '0', 'nein'].includes(t)) return false;
  return undefined;
}

/** Whether a cell holds nothing (blank rows and columns of spreadsheets). */
export function isBlank(cell: Cell | undefined): boolean {
  return cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');
}
