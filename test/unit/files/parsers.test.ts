import ExcelJS from 'exceljs';
import { FileFormatError } from '../../../shared/files/readers/source.js';
import { inChunks, mappingOf, parseAll } from './helpers.js';

const pmsColumns = [
  { column: 'Date', field: 'date' },
  { column: 'Rooms', field: 'roomsAvailable' },
  { column: 'Sold', field: 'roomsSold' },
  { column: 'Revenue', field: 'roomRevenue' },
];
const csvPms = (file: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  mappingOf({ sourceType: 'pms', file: { kind: 'csv', ...file }, columns: pmsColumns, id: { prefix: 't:', fields: ['date'] }, ...extra } as never);

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('CSV', () => {
  const body = 'Date;Rooms;Sold;Revenue\r\n01.03.2025;112;87;"10.918,50"\r\n02.03.2025;112;64;7.489,00\r\n';
  const german = csvPms({}, { dateFormat: 'dd.MM.yyyy', numbers: { decimal: ',', thousands: '.' } });
  const expected = [
    { id: 't:2025-03-01', date: '2025-03-01', roomsAvailable: 112, roomsSold: 87, roomRevenue: 10918.5, outOfOrder: 0, complimentary: 0, guests: 0, arrivals: 0, departures: 0 },
    { id: 't:2025-03-02', date: '2025-03-02', roomsAvailable: 112, roomsSold: 64, roomRevenue: 7489, outOfOrder: 0, complimentary: 0, guests: 0, arrivals: 0, departures: 0 },
  ];

  it('detects the delimiter and reads decimal commas and thousands points', async () => {
    const r = await parseAll(utf8(body), 'text/csv', german);
    expect(r.errors).toEqual([]);
    expect(r.records).toEqual(expected);
  });

  it('drops a UTF-8 byte-order mark (the header still matches)', async () => {
    const r = await parseAll(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(body)]), 'text/csv', german);
    expect(r.records).toEqual(expected);
  });

  it('reads UTF-16 (little and big endian) by its byte-order mark, whatever is declared', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
    expect((await parseAll(new Uint8Array(le), 'text/csv', german)).records).toEqual(expected);
    const be = Buffer.from(le).swap16();
    expect((await parseAll(new Uint8Array(be), 'text/csv', german)).records).toEqual(expected);
  });

  it('reads Windows-1252 when told to, € and umlauts included, and refuses it as UTF-8 with a hint', async () => {
    const text = 'Datum;Zimmer gesamt;Zimmer außer Betrieb;Logisumsatz\r\n01.03.2025;112;3;1.234,50 €\r\n';
    const bytes = new Uint8Array(Buffer.from(text, 'latin1').map((b, i) => (text[i] === '€' ? 0x80 : b)));
    const mapping = (encoding: string) =>
      mappingOf({
        sourceType: 'pms',
        file: { kind: 'csv', encoding },
        columns: [
          { column: 'Datum', field: 'date' },
          { column: 'Zimmer gesamt', field: 'roomsAvailable' },
          { column: 'Zimmer außer Betrieb', field: 'roomsSold' },
          { column: 'Logisumsatz', field: 'roomRevenue' },
        ],
        dateFormat: 'dd.MM.yyyy',
        numbers: { decimal: ',', thousands: '.', currency: ['€'] },
        id: { fields: ['date'] },
      } as never);
    const r = await parseAll(bytes, 'text/csv', mapping('windows-1252'));
    expect(r.errors).toEqual([]);
    expect(r.records[0]).toMatchObject({ date: '2025-03-01', roomsSold: 3, roomRevenue: 1234.5 });
    await expect(parseAll(bytes, 'text/csv', mapping('utf-8'))).rejects.toThrow(/not valid utf-8 text.*set file.encoding/);
  });

  it('gives the same records when the stream splits characters, quotes and lines anywhere', async () => {
    const text = 'Date,Rooms,Sold,Revenue,Note\n2025-03-01,112,87,10918.5,"multi\nline, quoted ""note"" – ä"\n2025-03-02,112,64,7489,\n';
    const mapping = csvPms();
    const whole = await parseAll(utf8(text), 'text/csv', mapping);
    const split = await parseAll(inChunks(utf8(text), 1), 'text/csv', mapping);
    expect(split.records).toEqual(whole.records);
    expect(whole.records).toHaveLength(2);
  });

  it('takes a configured tab delimiter and a header below report titles', async () => {
    const text = 'Manager Report\tDemo Hotel\n\nprinted 02.03.2025\nDate\tRooms\tSold\tRevenue\n2025-03-01\t112\t87\t10918.50\n';
    const r = await parseAll(utf8(text), 'text/csv', csvPms({ delimiter: '\t', headerRow: 3 }));
    expect(r.errors).toEqual([]);
    expect(r.records).toEqual([expect.objectContaining({ date: '2025-03-01', roomsSold: 87, roomRevenue: 10918.5 })]);
  });

  it('names the row, column and field of each rejected row and goes on', async () => {
    const text = 'Date,Rooms,Sold,Revenue\n2025-03-01,112,87,100\n2025-02-30,112,87,100\n2025-03-03,112,lots,100\n2025-03-04,112,-5,100\n2025-03-05,112,80,\n2025-03-06,112,81,200\n';
    const r = await parseAll(utf8(text), 'text/csv', csvPms());
    expect(r.records.map((x) => x.date)).toEqual(['2025-03-01', '2025-03-06']);
    expect(r.errors).toEqual([
      { row: 3, column: 'Date', field: 'date', message: "'2025-02-30' is not a date in the format yyyy-MM-dd" },
      { row: 4, column: 'Sold', field: 'roomsSold', message: expect.stringContaining("'lots' is not a number") },
      { row: 5, column: 'Sold', field: 'roomsSold', message: expect.stringMatching(/>=0|at least|too small/i) },
      { row: 6, column: 'Revenue', field: 'roomRevenue', message: 'required: map a column or set a constant' },
    ]);
  });

  it('leaves out blank rows and rows a filter names (totals), counting them as read', async () => {
    const text = 'Date,Rooms,Sold,Revenue\n2025-03-01,112,87,100\n,,,\n\nTotal,112,87,100\n';
    const r = await parseAll(utf8(text), 'text/csv', csvPms({}, { skip: [{ column: 'Date', matches: '^total' }] }));
    expect(r.records).toHaveLength(1);
    expect(r.errors).toEqual([]);
  });

  it('fails the file when a mapped column is missing, the quoting is broken or the media type is another kind', async () => {
    await expect(parseAll(utf8('Date,Rooms,Revenue\n2025-03-01,1,2\n'), 'text/csv', csvPms())).rejects.toThrow(/no column 'Sold'/);
    await expect(parseAll(utf8('Date,Rooms,Sold,Revenue\n2025-03-01,1,"2,3\n'), 'text/csv', csvPms())).rejects.toThrow(FileFormatError);
    await expect(parseAll(utf8('Date,Rooms,Sold,Revenue\n'), 'application/xml', csvPms())).rejects.toThrow(/mapping reads csv/);
    await expect(parseAll(utf8(''), 'text/csv', csvPms())).rejects.toThrow(/empty/);
  });

  it('hands records on in batches, so a large file is never held whole', async () => {
    const lines = ['Date,Rooms,Sold,Revenue', ...Array.from({ length: 25 }, (_, i) => `2025-01-${String(i + 1).padStart(2, '0')},10,5,1`)];
    const r = await parseAll(utf8(lines.join('\n')), 'text/csv', csvPms(), 10);
    expect(r.batches).toBe(3);
    expect(r.records).toHaveLength(25);
    expect(r.rowsRead).toBe(25);
  });

  it('imports no sum short of a rejected row: the record of that id is reported instead', async () => {
    const text = 'Date,Rooms,Sold,Revenue\n2025-03-01,60,51,100\n2025-03-01,40,x,50\n2025-03-02,60,50,90\n';
    const r = await parseAll(utf8(text), 'text/csv', csvPms({}, { combine: 'sum' }));
    expect(r.records.map((x) => x.id)).toEqual(['t:2025-03-02']);
    expect(r.errors).toEqual([
      { row: 3, column: 'Sold', field: 'roomsSold', message: expect.stringContaining("'x' is not a number") },
      { row: 2, field: 'record', message: 'record t:2025-03-01 is not imported: its row 3 was rejected, and the rows of one record are added up' },
    ]);
  });

  it('adds up rows of one record id with combine: sum, and subtracts negated columns', async () => {
    const text = 'Date,Type,Rooms,Occ,Comp,Revenue\n2025-03-01,STD,60,51,1,6120.5\n2025-03-01,DLX,40,33,0,5610.25\n2025-03-02,STD,60,50,2,6000\n';
    const mapping = mappingOf({
      sourceType: 'pms',
      file: { kind: 'csv' },
      columns: [
        { column: 'Date', field: 'date' },
        { column: 'Rooms', field: 'roomsAvailable' },
        { column: 'Occ', field: 'roomsSold' },
        { column: 'Comp', field: 'roomsSold', negate: true },
        { column: 'Comp', field: 'complimentary' },
        { column: 'Revenue', field: 'roomRevenue' },
      ],
      id: { fields: ['date'] },
      combine: 'sum',
    });
    const r = await parseAll(utf8(text), 'text/csv', mapping);
    expect(r.records).toEqual([
      expect.objectContaining({ id: '2025-03-01', roomsAvailable: 100, roomsSold: 83, complimentary: 1, roomRevenue: 11730.75 }),
      expect.objectContaining({ id: '2025-03-02', roomsAvailable: 60, roomsSold: 48, complimentary: 2, roomRevenue: 6000 }),
    ]);
  });
});

describe('XLSX', () => {
  async function workbook(): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    const notes = wb.addWorksheet('Notes');
    notes.addRow(['nothing to import here']);
    const sheet = wb.addWorksheet('Statistics');
    sheet.addRow(['Night audit statistics']);
    sheet.addRow(['Date', 'Rooms', 'Sold', 'Revenue', 'Revenue text']);
    sheet.addRow([new Date(Date.UTC(2025, 2, 1)), 112, 87, 10918.5, '10.918,50']);
    sheet.getCell('A3').numFmt = 'dd.mm.yyyy';
    sheet.addRow([45718, 112, { formula: 'B4-48', result: 64 }, 7489, '7.489,00']);
    sheet.addRow([]);
    sheet.addRow(['Total', 224, 151, 18407.5, '']);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  const mapping = (sheet?: string, revenue = 'Revenue') =>
    mappingOf({
      sourceType: 'pms',
      file: { kind: 'xlsx', ...(sheet ? { sheet } : {}), headerRow: 2 },
      columns: [
        { column: 'date', field: 'date' },
        { column: 'ROOMS', field: 'roomsAvailable' },
        { column: 'Sold', field: 'roomsSold' },
        { column: revenue, field: 'roomRevenue' },
      ],
      numbers: { decimal: ',', thousands: '.' },
      skip: [{ column: 'Date', equals: 'Total' }],
      id: { prefix: 'x:', fields: ['date'] },
    });

  it('reads the named sheet: date cells, serial dates, numbers, formula results; text numbers in the locale', async () => {
    const bytes = await workbook();
    const r = await parseAll(bytes, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', mapping('statistics'));
    expect(r.errors).toEqual([]);
    expect(r.records).toEqual([
      expect.objectContaining({ id: 'x:2025-03-01', date: '2025-03-01', roomsAvailable: 112, roomsSold: 87, roomRevenue: 10918.5 }),
      expect.objectContaining({ id: 'x:2025-03-02', date: '2025-03-02', roomsAvailable: 112, roomsSold: 64, roomRevenue: 7489 }),
    ]);
    const text = await parseAll(inChunks(bytes, 1000), 'application/octet-stream', mapping('Statistics', 'Revenue text'));
    expect(text.records.map((x) => x.roomRevenue)).toEqual([10918.5, 7489]);
  });

  it('reads the first sheet when none is named, and names the sheets when the named one is missing', async () => {
    const bytes = await workbook();
    await expect(parseAll(bytes, undefined, mapping())).rejects.toThrow(/no worksheet|header row 2|no column/);
    await expect(parseAll(bytes, undefined, mapping('Budget'))).rejects.toThrow("the workbook has no worksheet 'Budget' (it has: Notes, Statistics)");
  });

  it('fails a file that is not a workbook', async () => {
    await expect(parseAll(utf8('Date,Rooms\n'), undefined, mapping())).rejects.toThrow(FileFormatError);
  });
});

describe('XML', () => {
  const mapping = mappingOf({
    sourceType: 'ams',
    file: { kind: 'xml', recordElement: 'line' },
    columns: [
      { column: '/@date', field: 'date' },
      { column: '@code', field: 'account' },
      { column: 'amount.net', field: 'amount' },
      { column: 'dept', field: 'department' },
    ],
    constants: { kind: 'actual' },
    id: { prefix: 'r:', fields: ['date', 'account'] },
  });
  const doc =
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- export -->\n<revenue date="2025-03-03" hotel="H&amp;1">\n' +
    '  <line code="100"><dept>ROOMS</dept><amount><net>14159.44</net><gross>15150.60</gross></amount></line>\n' +
    '  <line code="200"><dept>F&amp;B</dept><amount><net>3000.84</net></amount></line>\n' +
    '  <line code="300"><dept>SPA</dept><amount><net>n/a</net></amount></line>\n' +
    '</revenue>\n';

  it('reads one record element at a time, with root attributes, nested elements and entities', async () => {
    const r = await parseAll(inChunks(utf8(doc), 7), 'application/xml', mapping);
    expect(r.records).toEqual([
      { id: 'r:2025-03-03:100', date: '2025-03-03', account: '100', amount: 14159.44, department: 'ROOMS', kind: 'actual' },
      { id: 'r:2025-03-03:200', date: '2025-03-03', account: '200', amount: 3000.84, department: 'F&B', kind: 'actual' },
    ]);
    expect(r.errors).toEqual([{ row: 3, column: 'amount.net', field: 'amount', message: expect.stringContaining("'n/a' is not a number") }]);
  });

  it("reads the encoding the XML declaration names (ISO-8859-1 as Windows-1252), and refuses one it cannot", async () => {
    const latin = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<revenue date="2025-03-03"><line code="100"><dept>Getr\u00e4nke</dept><amount><net>1.5</net></amount></line></revenue>';
    const r = await parseAll(new Uint8Array(Buffer.from(latin, 'latin1')), 'application/xml', mapping);
    expect(r.records).toEqual([expect.objectContaining({ department: 'Getr\u00e4nke', amount: 1.5 })]);
    await expect(parseAll(utf8('<?xml version="1.0" encoding="Shift_JIS"?><revenue/>'), 'application/xml', mapping)).rejects.toThrow(/declares encoding shift_jis/);
  });

  it('fails a malformed record and a file without record elements', async () => {
    await expect(parseAll(utf8('<revenue date="2025-03-03"><line code="1"><net>1</dept></line></revenue>'), 'text/xml', mapping)).rejects.toThrow(/record 1: malformed XML/);
    await expect(parseAll(utf8('<revenue><row/></revenue>'), 'text/xml', mapping)).rejects.toThrow('the file holds no <line> element');
  });
});
