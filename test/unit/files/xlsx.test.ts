import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '../../../shared/files/readers/source.js';
import { openWorkbook, readXlsx } from '../../../shared/files/readers/xlsx.js';
import { inChunks } from './helpers.js';
import { cellKindsWorkbook as workbook, exceljsRows, unzipInOrder, zip, type Rows, type ZipFile } from './xlsx-fixtures.js';

const FIRST = /^(\[content_types\]\.xml|_rels\/\.rels|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels|xl\/styles\.xml|xl\/sharedstrings\.xml)$/i;

/** The same files, the workbook's parts first: exceljs's streaming reader then has them all before any worksheet. */
function partsFirst(files: ZipFile[]): ZipFile[] {
  return [...files.filter((f) => FIRST.test(f.name)), ...files.filter((f) => !FIRST.test(f.name))];
}

/** The same files, the worksheets first and the workbook part, its relationships, styles and shared strings last. */
function sheetsFirst(files: ZipFile[]): ZipFile[] {
  const sheets = files.filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f.name));
  return [...sheets, ...files.filter((f) => !sheets.includes(f) && !FIRST.test(f.name)), ...files.filter((f) => FIRST.test(f.name)).reverse()];
}

async function ourRows(input: Buffer | AsyncIterable<Uint8Array>): Promise<Rows> {
  const book = await openWorkbook(input);
  const out: Rows = [];
  try {
    for (const sheet of book.sheets) for await (const batch of book.rows(sheet.part)) for (const row of batch) out.push([sheet.name, row.number, Object.entries(row.values)]);
  } finally {
    await book.close();
  }
  return out;
}

describe('XLSX workbook reader (zip directory first, worksheet streamed)', () => {
  let dir: string;
  const tmp = process.env.TMPDIR;
  beforeEach(() => {
    // The temporary files of stream inputs land here, so the test sees that they are removed.
    dir = mkdtempSync(join(tmpdir(), 'xlsx-test-'));
    process.env.TMPDIR = dir;
  });
  afterEach(() => {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives exceljs cell values whatever order the archive stores its parts in, and however its entries are recorded', async () => {
    for (const useSharedStrings of [true, false]) {
      const files = unzipInOrder(await workbook(useSharedStrings));
      const expected = await exceljsRows(zip(partsFirst(files)));
      expect(expected.length).toBeGreaterThan(300);
      expect(new Set(expected.map(([name]) => name))).toEqual(new Set(['Data', 'Other']));
      const late = sheetsFirst(files);
      expect(late[0]?.name).toMatch(/^xl\/worksheets\/sheet/);
      expect(late.findIndex((f) => f.name === 'xl/workbook.xml')).toBeGreaterThan(late.findIndex((f) => f.name.startsWith('xl/worksheets/')));
      for (const bytes of [zip(late), zip(late, { descriptors: true }), zip(late, { zip64: true }), zip(late.map((f) => ({ ...f, method: 0 as const })))]) {
        expect(await ourRows(bytes)).toEqual(expected);
        expect(await ourRows(inChunks(bytes, 1000))).toEqual(expected);
      }
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads the first tab when no sheet is named, whichever part holds it', async () => {
    const files = unzipInOrder(await workbook(true)).map((f) => {
      if (f.name !== 'xl/workbook.xml') return f;
      // The tabs swapped: 'Other' (its part sheet2.xml) is the first tab now.
      const xml = f.data.toString('utf8');
      const tabs = xml.match(/<sheet [^>]*\/>/g) ?? [];
      expect(tabs).toHaveLength(2);
      return { ...f, data: Buffer.from(xml.replace(tabs[0] as string, '\u0000').replace(tabs[1] as string, tabs[0] as string).replace('\u0000', tabs[1] as string)) };
    });
    const bytes = zip(sheetsFirst(files));
    const book = await openWorkbook(bytes);
    await book.close();
    expect(book.sheets).toEqual([
      { name: 'Other', part: 'xl/worksheets/sheet2.xml' },
      { name: 'Data', part: 'xl/worksheets/sheet1.xml' },
    ]);
    const headers: string[][] = [];
    const rows = [];
    for await (const row of readXlsx(bytes, { kind: 'xlsx', headerRow: 1 }, (h) => headers.push([...h]))) rows.push(row);
    expect(headers).toEqual([['only', '1']]);
    expect(rows).toEqual([]);
  });

  it('removes the temporary file of a stream input when the reader is left early', async () => {
    const bytes = zip(sheetsFirst(unzipInOrder(await workbook(true))));
    const missing = () => {
      throw new FileFormatError('no column Revenue');
    };
    await expect(async () => {
      for await (const _ of readXlsx(inChunks(bytes, 4096), { kind: 'xlsx', sheet: 'data', headerRow: 1 }, missing)) void _;
    }).rejects.toThrow('no column Revenue');
    let read = 0;
    for await (const _ of readXlsx(inChunks(bytes, 4096), { kind: 'xlsx', sheet: 'DATA', headerRow: 1 }, () => {})) if (++read === 2) break;
    await expect(readXlsx(inChunks(bytes, 4096), { kind: 'xlsx', sheet: 'Budget', headerRow: 1 }, () => {}).next()).rejects.toThrow("the workbook has no worksheet 'Budget' (it has: Data, Other)");
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a damaged archive: a truncated file, a corrupt worksheet, a missing workbook part', async () => {
    const files = unzipInOrder(await workbook(true));
    const bytes = zip(files);
    await expect(openWorkbook(bytes.subarray(0, bytes.length - 100))).rejects.toThrow(new FileFormatError('not a readable XLSX workbook: not a zip archive'));
    const garbage = zip(files);
    // Deflate data overwritten with garbage in place: inflate fails and the error names the entry.
    const at = garbage.indexOf('xl/worksheets/sheet1.xml') + 'xl/worksheets/sheet1.xml'.length;
    garbage.fill(0xff, at, at + 8);
    await expect(ourRows(garbage)).rejects.toThrow(/the zip entry 'xl\/worksheets\/sheet1\.xml' is damaged/);
    await expect(openWorkbook(zip(files.filter((f) => f.name !== 'xl/workbook.xml')))).rejects.toThrow('not a readable XLSX workbook: it has no workbook part');
  });
});
