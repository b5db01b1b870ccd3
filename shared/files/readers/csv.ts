import type { FileOptions } from '../mapping.js';
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.js';
import { decodeText } from './text.js';
import { FileFormatError, headerKey, type FileInput, type HeaderCheck, type SourceRow } from './source.js';

type CsvOptions = Extract<FileOptions, { kind: 'csv' }>;

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter the header line holds most of, outside quotes (a single-column file: comma). */
export function detectDelimiter(firstLine: string): (typeof DELIMITERS)[number] {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: (typeof DELIMITERS)[number] = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Decoded text with the delimiter decided on the first complete line (or the first 64 KiB). */
async function withDelimiter(text: AsyncGenerator<string>, configured: CsvOptions['delimiter']): Promise<{ delimiter: string; chunks: AsyncGenerator<string> }> {
  if (configured) return { delimiter: configured, chunks: text };
  let head = '';
  // Read by hand: leaving a for-await loop would close the generator the rest is read from.
  while (!/[\r\n]/.test(head) && head.length <= 1 << 16) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
  }
  async function* rest(): AsyncGenerator<string> {
    if (head) yield head;
    yield* text;
  }
  return { delimiter: detectDelimiter(head), chunks: rest() };
}

/**
 * Reads a CSV file as a stream of rows: RFC 4180 quoting (quoted fields may hold delimiters, doubled
 * quotes and line breaks), any of , ; tab |, CRLF or LF, the header on `headerRow` (titles above it
 * are left out). Rows are numbered by the file line they start on. Malformed quoting fails the file
 * with the line it was found on.
 */
export async function* readCsv(input: FileInput, options: CsvOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow> {
  for await (const rows of readCsvBatches(input, options, checkHeader)) yield* rows;
}

/**
 * `readCsv`, the rows of each decoded chunk (64 KiB of a stream) handed on together: a large file's
 * rows then cost one await per chunk instead of one per row.
 */
export async function* readCsvBatches(input: FileInput, options: CsvOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow[]> {
  const { delimiter, chunks } = await withDelimiter(decodeText(input, options.encoding), options.delimiter);
  const tokenizer = new CsvTokenizer(delimiter);
  let keys: string[] | undefined;
  let index = 0;
  let line = 1;
  const rowsOf = (records: string[][]): SourceRow[] => {
    const rows: SourceRow[] = [];
    for (const record of records) {
      const start = line;
      // Each record takes one line plus the line breaks inside its quoted fields; empty lines come
      // through as one empty field, so nothing is skipped unseen.
      line += 1;
      for (const f of record) if (f.includes('\n') || f.includes('\r')) line += f.match(/\r\n|\r|\n/g)?.length ?? 0;
      if (record.length === 1 && record[0] === '') continue;
      index++;
      if (index < options.headerRow) continue;
      if (!keys) {
        keys = record.map(headerKey);
        checkHeader(record.map((h) => h.trim()));
        continue;
      }
      const cells = new Map<string, string>();
      for (let i = 0; i < record.length; i++) {
        const key = keys[i];
        if (key !== undefined && key !== '') cells.set(key, record[i] as string);
      }
      rows.push({ row: start, cells });
    }
    return rows;
  };
  try {
    for await (const text of chunks) {
      const rows = rowsOf(tokenizer.push(text));
      if (rows.length > 0) yield rows;
    }
    const rows = rowsOf(tokenizer.end());
    if (rows.length > 0) yield rows;
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new FileFormatError(`malformed CSV (delimiter '${delimiter === '\t' ? 'tab' : delimiter}'): ${err.message}`);
    throw err;
  }
  if (!keys) throw new FileFormatError(index === 0 ? 'the file is empty' : `the file has no header row ${options.headerRow}`);
}
