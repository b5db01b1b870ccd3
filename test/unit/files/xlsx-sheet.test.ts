import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { readSheetRows, sheetContextOf } from '../../../shared/files/readers/xlsx-sheet.js';
import { cellKindsWorkbook, exceljsRows, type Rows } from './xlsx-fixtures.js';

/** Each sheet's rows from readSheetRows, given the sheets and the workbook context by exceljs's streaming reader. */
async function scannedRows(bytes: Buffer): Promise<Rows> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
  const out: Rows = [];
  for await (const sheet of reader) {
    const { name = '', iterator } = sheet as unknown as { name?: string; iterator: AsyncIterable<Uint8Array> };
    for await (const batch of readSheetRows(iterator, sheetContextOf(reader))) for (const row of batch) out.push([name, row.number, Object.entries(row.values)]);
  }
  return out;
}

describe('XLSX worksheet scanner', () => {
  it('gives the cells exceljs gives: shared and rich text, dates by style, numbers, booleans, formula results, errors, escaped text', async () => {
    for (const useSharedStrings of [true, false]) {
      const bytes = await cellKindsWorkbook(useSharedStrings);
      const expected = await exceljsRows(bytes);
      expect(expected.length).toBeGreaterThan(5);
      expect(await scannedRows(bytes)).toEqual(expected);
    }
  });

  it('reads a workbook written by the streaming writer, its worksheet stored before the shared strings', async () => {
    const chunks: Buffer[] = [];
    const sink = new (await import('node:stream')).PassThrough();
    sink.on('data', (c: Buffer) => chunks.push(c));
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: true, useStyles: true });
    const sheet = writer.addWorksheet('GDPDU_REV_SUM');
    sheet.addRow(['POST_DATE', 'TRX_CODE', 'NET_AMT']).commit();
    for (let i = 0; i < 500; i++) {
      const row = sheet.addRow([new Date(Date.UTC(2024, 0, 1 + (i % 40))), String(1000 + i), i / 7]);
      row.getCell(1).numFmt = 'dd.mm.yyyy';
      row.commit();
    }
    sheet.commit();
    await writer.commit();
    const bytes = Buffer.concat(chunks);
    const expected = await exceljsRows(bytes);
    expect(expected).toHaveLength(501);
    expect(await scannedRows(bytes)).toEqual(expected);
  });
});
