import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FileOptions } from '../mapping.js';
import type { Cell } from '../values.js';
import { chunksOf, FileFormatError, headerKey, type FileInput, type HeaderCheck, type SourceRow } from './source.js';

type XlsxOptions = Extract<FileOptions, { kind: 'xlsx' }>;

/** An exceljs cell value as a plain cell: rich text joined, a formula by its cached result, an error cell as empty. */
function plain(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown; error?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return plain(v.result);
    if ('error' in v) return null;
    if (typeof v.text === 'string') return v.text;
  }
  return null;
}

/**
 * Reads one worksheet of an XLSX workbook as a stream of rows with exceljs's streaming reader: rows
 * are parsed as the zip is read, shared strings and styles cached (styles make date cells arrive as
 * dates). A worksheet stored before the shared strings is parked in a temporary file by exceljs until
 * they are read, so memory stays bounded either way. Rows are numbered as the sheet shows them.
 */
export async function* readXlsx(input: FileInput, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow> {
  const stream = Readable.from(chunksOf(input));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
  let found = false;
  const seen: string[] = [];
  try {
    for await (const sheet of reader) {
      const name = (sheet as unknown as { name?: string }).name ?? '';
      seen.push(name);
      const wanted = !found && (options.sheet === undefined || name.toLowerCase() === options.sheet.toLowerCase());
      if (!wanted) {
        // The zip is one stream: a sheet not read is still read through.
        for await (const _row of sheet) void _row;
        continue;
      }
      found = true;
      let keys: string[] | undefined;
      for await (const row of sheet) {
        if (row.number < options.headerRow) continue;
        const values = row.values as unknown[];
        if (!keys) {
          const names = values.map((v) => (v === undefined || v === null ? '' : String(plain(v) ?? '').trim()));
          keys = names.map(headerKey);
          checkHeader(names.filter((n) => n !== ''));
          continue;
        }
        const cells = new Map<string, Cell>();
        values.forEach((v, i) => {
          const key = keys?.[i];
          if (key) cells.set(key, plain(v));
        });
        yield { row: row.number, cells };
      }
      if (!keys) throw new FileFormatError(`worksheet '${name}' has no header row ${options.headerRow}`);
    }
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(`not a readable XLSX workbook: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    // Left early (a missing header, the caller stopping): stop reading the file instead of leaving the unzip stalled on it.
    stream.destroy();
  }
  if (!found) throw new FileFormatError(options.sheet ? `the workbook has no worksheet '${options.sheet}' (it has: ${seen.join(', ') || 'none'})` : 'the workbook has no worksheet');
}
