import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FileOptions } from '../mapping.js';
import type { Cell } from '../values.js';
import { chunksOf, FileFormatError, headerKey, type FileInput, type HeaderCheck, type SourceRow } from './source.js';
import { plainCell, readSheetRows, sheetContextOf, type SheetRow } from './xlsx-sheet.js';

type XlsxOptions = Extract<FileOptions, { kind: 'xlsx' }>;

/**
 * Workbooks up to this size are read whole (exceljs's Workbook.load): exceljs's streaming reader can
 * lose the race for `xl/workbook.xml` when a writer stores it after the worksheets (exceljs itself
 * does) and the machine is busy — the sheet names are then unknown and the read fails. Larger files
 * stream, so memory stays bounded (the 50 MB benchmark file streams).
 */
const READ_WHOLE_UP_TO = 16 * 1024 * 1024;

/**
 * Reads one worksheet of an XLSX workbook as rows, numbered as the sheet shows them: a small
 * workbook whole, a large one with exceljs's streaming reader (rows parsed as the zip is read, shared
 * strings and styles cached, so date cells arrive as dates; a worksheet stored before the shared
 * strings is parked in a temporary file by exceljs until they are read).
 */
export async function* readXlsx(input: FileInput, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow> {
  for await (const rows of readXlsxBatches(input, options, checkHeader)) yield* rows;
}

/** `readXlsx`, the rows handed on as the reader has them: one await per chunk of the sheet instead of one per row. */
export async function* readXlsxBatches(input: FileInput, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow[]> {
  const chunks = chunksOf(input);
  const head: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size <= READ_WHOLE_UP_TO) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  if (ended) {
    yield* readWhole(Buffer.concat(head), options, checkHeader);
    return;
  }
  yield* readStreamed(
    (async function* () {
      yield* head;
      yield* chunks;
    })(),
    options,
    checkHeader,
  );
}

/** The rows of the chosen sheet from its header row on, as cells by header key. */
async function* rowsOf(name: string, batches: AsyncIterable<SheetRow[]> | Iterable<SheetRow[]>, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow[]> {
  let keys: string[] | undefined;
  for await (const batch of batches) {
    const out: SourceRow[] = [];
    for (const row of batch) {
      if (row.number < options.headerRow) continue;
      const values = row.values;
      if (!keys) {
        const names = Array.from(values, (v) => (v === undefined || v === null ? '' : String(v).trim()));
        keys = names.map(headerKey);
        checkHeader(names.filter((n) => n !== ''));
        continue;
      }
      const cells = new Map<string, Cell>();
      values.forEach((v, i) => {
        const key = keys?.[i];
        if (key) cells.set(key, v);
      });
      out.push({ row: row.number, cells });
    }
    if (out.length > 0) yield out;
  }
  if (!keys) throw new FileFormatError(`worksheet '${name}' has no header row ${options.headerRow}`);
}

function missingSheet(options: XlsxOptions, seen: string[]): FileFormatError {
  return new FileFormatError(options.sheet ? `the workbook has no worksheet '${options.sheet}' (it has: ${seen.join(', ') || 'none'})` : 'the workbook has no worksheet');
}

async function* readWhole(bytes: Buffer, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new FileFormatError(`not a readable XLSX workbook: ${(err as Error).message.split('\n')[0]}`);
  }
  const sheets = workbook.worksheets; // in tab order
  const sheet = sheets.find((s) => options.sheet === undefined || s.name.toLowerCase() === options.sheet.toLowerCase());
  if (!sheet) throw missingSheet(options, sheets.map((s) => s.name));
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => rows.push({ number, values: (row.values as unknown[]).map(plainCell) }));
  yield* rowsOf(sheet.name, [rows], options, checkHeader);
}

async function* readStreamed(input: AsyncIterable<Uint8Array>, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow[]> {
  const stream = Readable.from(input);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
  let found = false;
  const seen: string[] = [];
  try {
    for await (const sheet of reader) {
      const { name = '', iterator } = sheet as unknown as { name?: string; iterator: AsyncIterable<Uint8Array> };
      seen.push(name);
      const wanted = !found && (options.sheet === undefined || name.toLowerCase() === options.sheet.toLowerCase());
      if (!wanted) {
        // The zip is one stream: a sheet not read is still read through.
        for await (const _chunk of iterator) void _chunk;
        continue;
      }
      found = true;
      // The sheet's XML is read here rather than by exceljs's worksheet reader (its SAX parse and cell
      // objects were most of the time); shared strings, styles and the 1904 flag are exceljs's, read
      // before it emits the sheet.
      yield* rowsOf(name, readSheetRows(iterator, sheetContextOf(reader)), options, checkHeader);
    }
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(`not a readable XLSX workbook: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    // Left early (a missing header, the caller stopping): stop reading the file instead of leaving the unzip stalled on it.
    stream.destroy();
  }
  if (!found) throw missingSheet(options, seen);
}
