import { Readable, pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { FileOptions } from '../mapping.js';
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
  const { delimiter, chunks } = await withDelimiter(decodeText(input, options.encoding), options.delimiter);
  const parser = parse({ delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: false, bom: false });
  // pipeline destroys the parser with the source's error (e.g. an encoding problem): iteration then throws it.
  pipeline(Readable.from(chunks), parser, () => undefined);
  let keys: string[] | undefined;
  let index = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      index++;
      if (index < options.headerRow) continue;
      if (!keys) {
        keys = record.map(headerKey);
        checkHeader(record.map((h) => h.trim()));
        continue;
      }
      const cells = new Map<string, string>();
      record.forEach((value, i) => {
        const key = keys?.[i];
        if (key !== undefined && key !== '') cells.set(key, value);
      });
      // csv-parse counts the lines read so far: a record that spans lines started that many lines back.
      const spans = record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
      yield { row: info.lines - spans, cells };
    }
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    if (err instanceof CsvError) throw new FileFormatError(`malformed CSV (delimiter '${delimiter === '\t' ? 'tab' : delimiter}'): ${err.message.split('\n')[0]}`);
    throw err;
  }
  if (!keys) throw new FileFormatError(index === 0 ? 'the file is empty' : `the file has no header row ${options.headerRow}`);
}
