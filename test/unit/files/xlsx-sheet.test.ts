import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { plainCell, readSheetRows, sheetContextOf } from '../../../shared/files/readers/xlsx-sheet.js';

const OPTIONS = { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' } as const;

/** Each sheet's rows as [number, present cells by column] from exceljs's own worksheet reader, or from readSheetRows. */
async function rowsOf(bytes: Buffer, ours: boolean): Promise<Array<[string, number, Array<[string, unknown]>]>> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), OPTIONS);
  const out: Array<[string, number, Array<[string, unknown]>]> = [];
  for await (const sheet of reader) {
    const { name = '', iterator } = sheet as unknown as { name?: string; iterator: AsyncIterable<Uint8Array> };
    if (ours) {
      for await (const batch of readSheetRows(iterator, sheetContextOf(reader))) for (const row of batch) out.push([name, row.number, Object.entries(row.values)]);
    } else {
      for await (const row of sheet as unknown as AsyncIterable<{ number: number; values: unknown[] }>) out.push([name, row.number, Object.entries(row.values.map(plainCell))]);
    }
  }
  return out;
}

describe('XLSX worksheet scanner', () => {
  it('gives the cells exceljs gives: shared and rich text, dates by style, numbers, booleans, formula results, errors, escaped text', async () => {
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
    const other = wb.addWorksheet('Other');
    other.addRow(['only', 1]);
    for (const useSharedStrings of [true, false]) {
      const bytes = Buffer.from(await wb.xlsx.writeBuffer({ useSharedStrings } as never));
      const expected = await rowsOf(bytes, false);
      expect(expected.length).toBeGreaterThan(5);
      expect(await rowsOf(bytes, true)).toEqual(expected);
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
    const expected = await rowsOf(bytes, false);
    expect(expected).toHaveLength(501);
    expect(await rowsOf(bytes, true)).toEqual(expected);
  });
});
