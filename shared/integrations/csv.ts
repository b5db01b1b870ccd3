import { parse } from 'csv-parse/sync';

interface CsvRow {
  /** Line of the file where the record starts (the header is line 1). */
  line: number;
  values: Record<string, string>;
  /** Set when the row has more or fewer fields than the header. */
  fieldCountError?: string;
}

export interface CsvTable {
  delimiter: ',' | ';';
  columns: string[];
  rows: CsvRow[];
}

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
}

/**
 * The delimiter of the header line: whichever of `,` and `;` occurs more often outside quotes
 * (comma when neither does: a single-column file).
 */
export function detectDelimiter(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Decodes UTF-8 strictly (invalid bytes are an error, not U+FFFD) and drops a byte-order mark. */
export function decodeUtf8(raw: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new CsvFormatError('the body is not valid UTF-8');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a CSV file with a header row: UTF-8 (BOM tolerated), RFC 4180 quoting (quoted fields may
 * hold delimiters, doubled quotes and line breaks), comma or semicolon delimiter, CRLF or LF.
 * Malformed quoting fails the whole file; a row with the wrong field count is reported per row.
 */
export function readCsv(raw: Buffer): CsvTable {
  const text = decodeUtf8(raw);
  if (text.trim() === '') throw new CsvFormatError('the file is empty');
  const delimiter = detectDelimiter(text);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: false }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
  } catch (err) {
    throw new CsvFormatError(`malformed CSV: ${(err as Error).message.split('\n')[0]}`);
  }
  const head = records.shift();
  if (!head) throw new CsvFormatError('the header row is missing');
  const columns = head.record.map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') throw new CsvFormatError('the header has an empty column name');
    if (seen.has(c)) throw new CsvFormatError(`the header names column '${c}' twice`);
    seen.add(c);
  }
  let previousEnd = head.info.lines;
  const rows: CsvRow[] = [];
  for (const { record, info } of records) {
    // A record that spans lines (quoted line breaks) starts after the previous one ended.
    const lineCount = record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    const line = Math.max(previousEnd + 1, info.lines - lineCount);
    previousEnd = info.lines;
    const values: Record<string, string> = {};
    columns.forEach((c, i) => {
      const v = record[i];
      if (v !== undefined) values[c] = v;
    });
    const row: CsvRow = { line, values };
    if (record.length !== columns.length) row.fieldCountError = `expected ${columns.length} fields, found ${record.length}`;
    rows.push(row);
  }
  return { delimiter, columns, rows };
}
