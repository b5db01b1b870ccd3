import { describe, expect, it } from '@jest/globals';
import { FORMATS, SOURCE_TYPES, jsonSchemaOf, type SourceType } from '../../../shared/integrations/formats/index.js';
import { parseBatch } from '../../../shared/integrations/parse.js';
import { detectDelimiter, readCsv } from '../../../shared/integrations/csv.js';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/** One record per source type that breaks a rule of its schema, and the field it must be reported on. */
const INVALID: Record<SourceType, { record: Record<string, unknown>; field: string }> = {
  pos: { record: { id: 'p1', businessDate: '2026-02-30', outlet: 'REST', netRevenue: 10 }, field: 'businessDate' },
  frs: { record: { id: 'f1', date: '2026-03-01', outlet: 'REST', covers: 2, status: 'maybe' }, field: 'status' },
  trs: { record: { id: 't1', date: '2026-03-01', outlet: 'REST', covers: -1, status: 'confirmed' }, field: 'covers' },
  tms: { record: { id: 'k1', employeeNumber: 'E1', department: 'HK', date: '2026-03-01', productiveHours: 8, labourCost: 'lots' }, field: 'labourCost' },
  schedules: { record: { id: 'sh1', employeeNumber: 'E1', department: 'HK', start: '2026-03-01T07:00', end: '2026-03-01 15:00' }, field: 'end' },
  pms: { record: { id: 'd1', date: '2026-03-01', roomsAvailable: 100, roomsSold: 1.5, roomRevenue: 100 }, field: 'roomsSold' },
  rms: { record: { id: 'r1', date: '2026-03-01', rooms: 10 }, field: 'roomRevenue' },
  snc: { record: { id: 's1', date: '2026-03-01', department: 'BANQ', attendees: 10, surprise: true }, field: 'record' },
  ams: { record: { id: 'a1', date: '2026-03-01', period: '2026-03', account: '4000', amount: 1, kind: 'actual' }, field: 'date' },
  utility: { record: { id: 'u1', date: '2026-03-01', resource: 'water', quantity: 3, unit: 'kWh' }, field: 'unit' },
};

describe('canonical formats', () => {
  it.each(SOURCE_TYPES)('%s: the documented JSON and CSV examples are valid', (type) => {
    const f = FORMATS[type];
    const j = parseBatch(f, 'json', json(f.example.json));
    expect(j.fatal).toBeUndefined();
    expect(j.errors).toEqual([]);
    expect(j.records.length).toBe((f.example.json as { records: unknown[] }).records.length);
    const c = parseBatch(f, 'csv', Buffer.from(f.example.csv));
    expect(c.fatal).toBeUndefined();
    expect(c.errors).toEqual([]);
    expect(c.records.length).toBeGreaterThan(0);
  });

  it.each(SOURCE_TYPES)('%s: an invalid record is reported with its JSON path and field; valid ones pass', (type) => {
    const f = FORMATS[type];
    const valid = (f.example.json as { records: unknown[] }).records[0];
    const r = parseBatch(f, 'json', json({ records: [valid, INVALID[type].record] }));
    expect(r.records).toHaveLength(1);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]).toMatchObject({ path: '$.records[1]', field: INVALID[type].field });
    expect(r.errors[0]?.message).toEqual(expect.any(String));
  });

  it.each(SOURCE_TYPES)('%s: publishes a JSON Schema generated from the zod schema', (type) => {
    const schema = jsonSchemaOf(type) as { type: string; properties: { records: { items: { anyOf: unknown[] } } } };
    expect(schema.type).toBe('object');
    expect(schema.properties.records.items.anyOf).toHaveLength(2);
  });

  it('takes a deletion with only its id', () => {
    const r = parseBatch(FORMATS.pos, 'json', json({ records: [{ id: 'x', deleted: true }] }));
    expect(r.records).toEqual([{ path: '$.records[0]', deleted: true, id: 'x' }]);
  });

  it('rejects a body that is not the canonical shape as a whole', () => {
    expect(parseBatch(FORMATS.pos, 'json', Buffer.from('{"records": [')).fatal?.field).toBe('body');
    expect(parseBatch(FORMATS.pos, 'json', json([{ id: 'x' }])).fatal?.field).toBe('records');
    expect(parseBatch(FORMATS.pos, 'json', json({ records: [], tenantId: 'other' })).fatal?.message).toContain('tenantId');
  });
});

describe('CSV reading', () => {
  it('tolerates a byte-order mark and CRLF line ends', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,date,rooms,roomRevenue\r\nF1,2026-04-01,10,1000\r\n')]);
    const r = parseBatch(FORMATS.rms, 'csv', body);
    expect(r.errors).toEqual([]);
    expect(r.records[0]).toMatchObject({ row: 2, record: { id: 'F1', rooms: 10, roomRevenue: 1000 } });
  });

  it('detects semicolons and reads decimal commas in semicolon files', () => {
    expect(detectDelimiter('a;b;c\n1,5;2;3')).toBe(';');
    expect(detectDelimiter('"a;b",c,d\n')).toBe(',');
    const r = parseBatch(FORMATS.rms, 'csv', Buffer.from('id;date;rooms;adr\nF1;2026-04-01;10;168,50\n'));
    expect(r.errors).toEqual([]);
    expect(r.records[0]).toMatchObject({ record: { adr: 168.5 } });
  });

  it('reads quoted fields holding delimiters, doubled quotes and line breaks, and numbers rows by their first line', () => {
    const text = 'id,date,outlet,covers,status,channel\n"R,1",2026-03-01,REST,2,confirmed,"phone ""direct"""\nR2,2026-03-01,REST,3,confirmed,"web\nform"\nR3,2026-03-01,REST,x,confirmed,web\n';
    const r = parseBatch(FORMATS.frs, 'csv', Buffer.from(text));
    expect(r.records.map((x) => (x.deleted ? x.id : (x.record as { id: string }).id))).toEqual(['R,1', 'R2']);
    expect(r.records[1]).toMatchObject({ record: { channel: 'web\nform' } });
    expect(r.records[0]).toMatchObject({ row: 2, record: { channel: 'phone "direct"' } });
    expect(r.records[1]?.row).toBe(3);
    // R2 spans lines 3–4, so the next record starts on line 5.
    expect(r.errors).toEqual([expect.objectContaining({ row: 5, field: 'covers' })]);
  });

  it('treats empty cells as absent (defaults apply) and reads deletions', () => {
    const r = parseBatch(FORMATS.pos, 'csv', Buffer.from('id,businessDate,outlet,netRevenue,tax,deleted\nZ1,2026-03-01,BAR,10,,\nZ0,,,,,true\n'));
    expect(r.errors).toEqual([]);
    expect(r.records[0]).toMatchObject({ deleted: false, record: { tax: 0, covers: 0 } });
    expect(r.records[1]).toMatchObject({ deleted: true, id: 'Z0' });
  });

  it('reports rows with the wrong number of fields, unknown columns, and bad files', () => {
    const r = parseBatch(FORMATS.rms, 'csv', Buffer.from('id,date,rooms,roomRevenue\nF1,2026-04-01,10\nF2,2026-04-02,10,10\n'));
    expect(r.errors).toEqual([{ row: 2, field: 'row', message: 'expected 4 fields, found 3' }]);
    expect(r.records).toHaveLength(1);
    const unknown = parseBatch(FORMATS.rms, 'csv', Buffer.from('id,date,rooms,roomRevenue,colour\nF1,2026-04-01,10,10,red\n'));
    expect(unknown.errors[0]?.message).toContain("'colour'");
    expect(parseBatch(FORMATS.rms, 'csv', Buffer.from('id,date\n"F1,2026-04-01\n')).fatal?.message).toMatch(/malformed CSV/);
    expect(parseBatch(FORMATS.rms, 'csv', Buffer.from([0x69, 0x64, 0x0a, 0xff, 0xfe])).fatal?.message).toMatch(/UTF-8/);
    expect(parseBatch(FORMATS.rms, 'csv', Buffer.from('')).fatal?.message).toMatch(/empty/);
    expect(() => readCsv(Buffer.from('id,id\n1,2\n'))).toThrow(/twice/);
  });
});

describe('documentation', () => {
  it('docs/integrations.md carries the current JSON Schema of every source type', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/integrations.md', import.meta.url), 'utf8');
    for (const type of SOURCE_TYPES) expect(doc).toContain(JSON.stringify(jsonSchemaOf(type), null, 2));
  });
});
