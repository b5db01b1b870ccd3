import { posix } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FileOptions } from '../mapping.js';
import type { Cell } from '../values.js';
import { FileFormatError, headerKey, type FileInput, type HeaderCheck, type SourceRow } from './source.js';
import { readSheetRows, sheetContextOf, type SheetRow } from './xlsx-sheet.js';
import { openZip, type ZipArchive } from './xlsx-zip.js';

type XlsxOptions = Extract<FileOptions, { kind: 'xlsx' }>;

/**
 * What this reader uses of exceljs's streaming `WorkbookReader`: its parsers of the workbook's small
 * parts (relationships, sheet list, styles, shared strings), each given the part as a stream, and what
 * they leave on it. Its own `parse` is not used: it takes the zip's entries in stored order and hands a
 * worksheet on before `xl/workbook.xml` is read when a writer stores that part late (the sheet's name
 * then unknown), and it parks a worksheet stored before the shared strings in a temporary file.
 */
interface PartsReader {
  _parseRels(stream: Readable): Promise<void>;
  _parseWorkbook(stream: Readable): Promise<void>;
  _parseStyles(stream: Readable): Promise<void>;
  _parseSharedStrings(stream: Readable): AsyncGenerator<unknown>;
  workbookRels?: Array<{ Id?: string; Type?: string; Target?: string; TargetMode?: string }>;
  model?: { sheets?: Array<{ name?: string; rId?: string } | undefined> };
}

/** An opened workbook: its worksheets in tab order, each read as rows on demand. */
export interface Workbook {
  sheets: ReadonlyArray<{ name: string; part: string }>;
  rows(part: string): AsyncGenerator<SheetRow[]>;
  close(): Promise<void>;
}

/** A relationship's target as a part name: relative to the source part's folder, or absolute from the root. */
function partOf(source: string, target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(source), target);
  return posix.normalize(path).replace(/^(\.\.\/)+/, '');
}

function relsOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

/** The relationships of a type (matched by its last segment, so strict OOXML's namespace reads too). */
function ofType(rels: PartsReader['workbookRels'], type: string) {
  return (rels ?? []).filter((r) => r.TargetMode !== 'External' && typeof r.Type === 'string' && r.Type.endsWith(`/${type}`) && typeof r.Target === 'string');
}

/**
 * Opens an XLSX workbook by its zip directory and reads its relationships, sheet list, styles and
 * shared strings first, whatever order the archive stores them in; a worksheet is then streamed
 * through our scanner. Memory holds the shared strings and the styles, never the worksheet: a stream
 * input is written to a temporary file (the zip's directory is at its end), whole bytes are read in
 * place.
 */
export async function openWorkbook(input: FileInput): Promise<Workbook> {
  const zip = await openZip(input);
  try {
    const stream = (part: string): Readable | undefined => {
      const entry = zip.entry(part);
      return entry ? Readable.from(zip.bytes(entry)) : undefined;
    };
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
    const parts = reader as unknown as PartsReader;
    const rootRels = stream('_rels/.rels');
    let main = 'xl/workbook.xml';
    if (rootRels) {
      await parts._parseRels(rootRels);
      main = partOf('', ofType(parts.workbookRels, 'officeDocument')[0]?.Target ?? '/xl/workbook.xml');
    }
    const workbookXml = stream(main);
    const workbookRels = stream(relsOf(main));
    if (!workbookXml || !workbookRels) throw new FileFormatError(`not a readable XLSX workbook: it has no ${workbookXml ? 'workbook relationships' : 'workbook part'}`);
    parts.workbookRels = undefined;
    await parts._parseRels(workbookRels);
    await parts._parseWorkbook(workbookXml);
    const rels = parts.workbookRels;
    const styles = ofType(rels, 'styles')[0];
    const styleStream = styles?.Target ? stream(partOf(main, styles.Target)) : undefined;
    if (styleStream) await parts._parseStyles(styleStream);
    const strings = ofType(rels, 'sharedStrings')[0];
    const stringStream = strings?.Target ? stream(partOf(main, strings.Target)) : undefined;
    if (stringStream) for await (const _ of parts._parseSharedStrings(stringStream)) void _;
    // Tab order is the order of <sheets>; chart sheets and dialog sheets have other relationship types.
    const worksheets = new Map(ofType(rels, 'worksheet').map((r) => [r.Id, partOf(main, r.Target as string)]));
    const sheets = (parts.model?.sheets ?? []).flatMap((s) => {
      const part = s?.rId !== undefined ? worksheets.get(s.rId) : undefined;
      return s && part && zip.entry(part) ? [{ name: s.name ?? '', part }] : [];
    });
    const context = sheetContextOf(reader);
    return {
      sheets,
      rows: (part) => readSheetRows(zip.bytes(zip.entry(part) as NonNullable<ReturnType<ZipArchive['entry']>>), context),
      close: () => zip.close(),
    };
  } catch (err) {
    await zip.close();
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(`not a readable XLSX workbook: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Reads one worksheet of an XLSX workbook as rows, numbered as the sheet shows them: the first tab or
 * `file.sheet` (case-insensitive), streamed (`openWorkbook`), so memory stays bounded at any size.
 */
export async function* readXlsx(input: FileInput, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow> {
  for await (const rows of readXlsxBatches(input, options, checkHeader)) yield* rows;
}

/** `readXlsx`, the rows handed on as the reader has them: one await per chunk of the sheet instead of one per row. */
export async function* readXlsxBatches(input: FileInput, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow[]> {
  const book = await openWorkbook(input);
  try {
    const sheet = book.sheets.find((s) => options.sheet === undefined || s.name.toLowerCase() === options.sheet.toLowerCase());
    if (!sheet) {
      const names = book.sheets.map((s) => s.name);
      throw new FileFormatError(options.sheet ? `the workbook has no worksheet '${options.sheet}' (it has: ${names.join(', ') || 'none'})` : 'the workbook has no worksheet');
    }
    yield* rowsOf(sheet.name, book.rows(sheet.part), options, checkHeader);
  } finally {
    // Also when left early (a missing header, the caller stopping): a temporary file is removed.
    await book.close();
  }
}

/** The rows of the chosen sheet from its header row on, as cells by header key. */
async function* rowsOf(name: string, batches: AsyncIterable<SheetRow[]>, options: XlsxOptions, checkHeader: HeaderCheck): AsyncGenerator<SourceRow[]> {
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
