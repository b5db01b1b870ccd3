import { Readable } from 'node:stream';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { plainCell } from '../../../shared/files/readers/xlsx-sheet.js';

/** Rows as [sheet, row number, present cells by column]. */
export type Rows = Array<[string, number, Array<[string, unknown]>]>;

/**
 * A workbook with every kind of cell the worksheet scanner reads (shared and rich text, dates by style,
 * numbers, booleans, formula results, errors, escaped text, line breaks), 300 more rows, and a second sheet.
 */
export async function cellKindsWorkbook(useSharedStrings: boolean): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Data');
  sheet.addRow(['Date', 'Code', 'Net', 'Flag', 'Note']);
  sheet.addRow([new Date(Date.UTC(2025, 2, 1)), '1000', 12.5, true, 'a <b> & "c" \'d\'']);
  sheet.getCell('A2').numFmt = 'dd.mm.yyyy';
  sheet.addRow([45718, '1001', { formula: 'C2*2', result: 25 }, false, { richText: [{ text: 'rich ' }, { font: { bold: true }, text: 'text' }] }]);
  sheet.addRow([]);
  sheet.addRow([45719.5, 'x', { formula: 'B3&"y"', result: 'xy' }, { error: '#N/A' }, 'line\r\nbreak &amp;lt;']);
  sheet.getCell('A5').numFmt = 'yyyy-mm-dd hh:mm';
  sheet.getCell('C5').numFmt = '#,##0.00 "d"';
  sheet.addRow([null, '', -0.1, 0, { formula: 'NOW()' }]);
  sheet.getRow(8).getCell(3).value = 3;
  for (let i = 0; i < 300; i++) sheet.addRow([new Date(Date.UTC(2025, 0, 1 + i)), `code ${i % 17}`, i / 7, i % 2 === 0, `note ${i}`]).getCell(1).numFmt = 'dd.mm.yyyy';
  const other = wb.addWorksheet('Other');
  other.addRow(['only', 1]);
  return Buffer.from(await wb.xlsx.writeBuffer({ useSharedStrings } as never));
}

/** Every sheet's rows as [sheet, number, present cells by column] from exceljs's own streaming reader. */
export async function exceljsRows(bytes: Buffer): Promise<Rows> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
  const out: Rows = [];
  for await (const sheet of reader) {
    const { name = '' } = sheet as unknown as { name?: string };
    for await (const row of sheet as unknown as AsyncIterable<{ number: number; values: unknown[] }>) out.push([name, row.number, Object.entries(row.values.map(plainCell))]);
  }
  return out;
}

/** One file of an archive to write, with how it is stored. */
export interface ZipFile {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflated (default). */
  method?: 0 | 8;
}

export interface ZipOptions {
  /** Sizes and CRC after the data (general purpose bit 3), as streaming writers store them. */
  descriptors?: boolean;
  /** Zip64 records: sizes and offsets in the 0x0001 extra field, a zip64 end record and locator. */
  zip64?: boolean;
}

/** The files of an archive in stored order (walks the local headers: archives written with sizes in them). */
export function unzipInOrder(bytes: Buffer): ZipFile[] {
  const files: ZipFile[] = [];
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    if (bytes.readUInt16LE(at + 6) & 8) throw new Error('data descriptors are not walked here');
    const method = bytes.readUInt16LE(at + 8);
    const compressed = bytes.readUInt32LE(at + 18);
    const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 30, at + 30 + bytes.readUInt16LE(at + 26)).toString('utf8');
    const raw = bytes.subarray(start, start + compressed);
    files.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    at = start + compressed;
  }
  return files;
}

/** Writes the files in the order given: a writer of our own, so the entry order and record kinds are the test's choice. */
export function zip(files: ZipFile[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const method = file.method ?? 8;
    const data = method === 8 ? deflateRawSync(file.data) : file.data;
    const crc = crc32(file.data);
    const name = Buffer.from(file.name, 'utf8');
    const flags = 0x0800 | (options.descriptors ? 8 : 0);
    const big = options.zip64 === true;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(big ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(options.descriptors ? 0 : crc, 14);
    local.writeUInt32LE(options.descriptors ? 0 : data.length, 18);
    local.writeUInt32LE(options.descriptors ? 0 : file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const parts = [local, name, data];
    if (options.descriptors) {
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(data.length, 8);
      descriptor.writeUInt32LE(file.data.length, 12);
      parts.push(descriptor);
    }
    const extra = Buffer.alloc(big ? 28 : 0);
    if (big) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(file.data.length), 4);
      extra.writeBigUInt64LE(BigInt(data.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(45, 4);
    central.writeUInt16LE(big ? 45 : 20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(big ? 0xffffffff : data.length, 20);
    central.writeUInt32LE(big ? 0xffffffff : file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(big ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    const record = Buffer.concat(parts);
    locals.push(record);
    offset += record.length;
  }
  const directory = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(files.length), 24);
    record.writeBigUInt64LE(BigInt(files.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.zip64 ? 0xffff : files.length, 8);
  end.writeUInt16LE(options.zip64 ? 0xffff : files.length, 10);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : directory.length, 12);
  end.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, directory, ...tail, end]);
}
