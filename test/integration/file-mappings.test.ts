import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration, itemsOf } from './integrations-helpers.js';

const host = useTestHost();
let t: SeededTenant;
let pmsFile: string;
let webhook: string;

const fixture = (name: string) => readFileSync(new URL(`../fixtures/files/${name}`, import.meta.url));
const preview = (id: string, query: string, body: Buffer | string, contentType = 'text/csv', token = t.users.owner.token) =>
  host.request('POST', `/api/v1/integrations/${id}/files/preview${query}`, { token, rawBody: body, headers: { 'content-type': contentType } });

const hstatMapping = {
  sourceType: 'pms',
  file: { kind: 'csv', encoding: 'windows-1252' },
  columns: [
    { column: 'Datum', field: 'date' },
    { column: 'Zimmer gesamt', field: 'roomsAvailable' },
    { column: 'Zimmer belegt', field: 'roomsSold' },
    { column: 'Logisumsatz', field: 'roomRevenue' },
  ],
  dateFormat: 'dd.MM.yyyy',
  numbers: { decimal: ',', thousands: '.', currency: ['€'] },
  skip: [{ column: 'Datum', equals: 'Summe' }],
  id: { prefix: 'h:', fields: ['date'] },
};

beforeAll(async () => {
  t = await seedTenant(host);
  pmsFile = (await createIntegration(host, t.users.owner.token, { kind: 'file', propertyId: t.propertyIds[0], sourceType: 'pms', format: 'csv', name: 'Night audit files' })).id;
  webhook = (await createIntegration(host, t.users.owner.token, { propertyId: t.propertyIds[0], sourceType: 'pms' })).id;
});

describe('file mappings over HTTP', () => {
  it('lists the ready-made mappings', async () => {
    const res = await host.request('GET', '/api/v1/file-mappings', { token: t.users.owner.token });
    expect(res.status).toBe(200);
    expect(res.json.items.map((i: { name: string }) => i.name)).toEqual(['opera-tsa03', 'opera-tsa04', 'opera-gdpdu-revenue', 'protel-hstat', 'protel-revenue-xml']);
  });

  it('previews a sample with a ready-made mapping and with a mapping in the query, storing nothing', async () => {
    const ready = await preview(pmsFile, '?ready=opera-tsa03', fixture('opera-tsa03.csv'));
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ source: 'ready', ready: 'opera-tsa03', recordCount: 2, rowsRead: 6, errorCount: 0, errors: [] });
    expect(ready.json.records[0]).toMatchObject({ id: 'opera-tsa03:2025-03-03', date: '2025-03-03', roomsAvailable: 112, roomsSold: 93, roomRevenue: 14160 });

    const own = await preview(pmsFile, `?limit=1&mapping=${encodeURIComponent(JSON.stringify(hstatMapping))}`, fixture('protel-hstat.csv'), 'application/octet-stream');
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ source: 'request', recordCount: 3, rowsRead: 4, errorCount: 0 });
    expect(own.json.records).toEqual([expect.objectContaining({ id: 'h:2025-03-01', roomsSold: 87, roomRevenue: 10918.5 })]);

    const bad = await preview(pmsFile, `?mapping=${encodeURIComponent(JSON.stringify(hstatMapping))}`, Buffer.from('Datum;Zimmer gesamt;Zimmer belegt;Logisumsatz\n01.03.2025;112;viele;1,00\n31.02.2025;112;3;1,00\n'));
    expect(bad.status).toBe(200);
    expect(bad.json.errors).toEqual([
      { row: 2, column: 'Zimmer belegt', field: 'roomsSold', message: expect.stringContaining("'viele' is not a number") },
      { row: 3, column: 'Datum', field: 'date', message: "'31.02.2025' is not a date in the format dd.MM.yyyy" },
    ]);
    expect(await itemsOf(host, 'imports', t.tenantId, 'import')).toEqual([]);
    expect(await itemsOf(host, 'imports', t.tenantId, 'fileMapping')).toEqual([]);
  });

  it('names what is wrong: the mapping field, the source type, a file the mapping cannot read, no mapping at all', async () => {
    const typo = await preview(pmsFile, `?mapping=${encodeURIComponent(JSON.stringify({ ...hstatMapping, columns: [{ column: 'Datum', field: 'datum' }] }))}`, 'x');
    expect(typo.status).toBe(400);
    expect(typo.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'query.mapping.columns.0.field' })]));
    const notJson = await preview(pmsFile, '?mapping=%7Bnope', 'x');
    expect(notJson.json.errors).toEqual([expect.objectContaining({ field: 'query.mapping', message: 'not valid JSON' })]);
    const otherType = await preview(pmsFile, '?ready=opera-gdpdu-revenue', fixture('opera-gdpdu-revenue.csv'));
    expect(otherType.status).toBe(400);
    expect(otherType.json.errors).toEqual([expect.objectContaining({ field: 'query.ready', message: expect.stringContaining('takes pms records') })]);
    const unreadable = await preview(pmsFile, '?ready=opera-tsa03', fixture('opera-gdpdu-revenue.csv'));
    expect(unreadable.status).toBe(400);
    expect(unreadable.json.errors).toEqual([expect.objectContaining({ field: 'body', message: expect.stringContaining("malformed CSV (delimiter ',')") })]);
    const kind = await preview(pmsFile, '?ready=opera-tsa03', fixture('opera-tsa03.csv'), 'application/xml');
    expect(kind.status).toBe(400);
    const none = await preview(pmsFile, '', fixture('opera-tsa03.csv'));
    expect(none.status).toBe(400);
    expect(none.json.errors).toEqual([expect.objectContaining({ field: 'query.mapping' })]);
  });

  it('refuses integrations that take no files and callers without integrations.manage', async () => {
    expect((await preview(webhook, '?ready=opera-tsa03', fixture('opera-tsa03.csv'))).status).toBe(404);
    expect((await host.request('PUT', `/api/v1/integrations/${webhook}/file-mapping`, { token: t.users.owner.token, body: { ready: 'opera-tsa03' } })).status).toBe(404);
    expect((await preview(pmsFile, '?ready=opera-tsa03', fixture('opera-tsa03.csv'), 'text/csv', t.users.endUser.token)).status).toBe(403);
  });

  it('saves a mapping under If-Match, reads it back, and previews with the saved one', async () => {
    const path = `/api/v1/integrations/${pmsFile}/file-mapping`;
    const token = t.users.owner.token;
    expect((await host.request('GET', path, { token })).status).toBe(404);
    // Nothing saved yet: an If-Match has nothing to match.
    expect((await host.request('PUT', path, { token, headers: { 'if-match': '"stale"' }, body: { ready: 'opera-tsa03' } })).status).toBe(412);
    const neither = await host.request('PUT', path, { token, body: {} });
    expect(neither.status).toBe(400);
    const first = await host.request('PUT', path, { token, body: { ready: 'opera-tsa03' } });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ integrationId: pmsFile, ready: 'opera-tsa03', mapping: { sourceType: 'pms', combine: 'sum' } });
    const etag = first.headers.get('etag') as string;

    const changed = await host.request('PUT', path, { token, headers: { 'if-match': etag }, body: { mapping: hstatMapping } });
    expect(changed.status).toBe(200);
    expect(changed.json.ready).toBeUndefined();
    expect((await host.request('PUT', path, { token, headers: { 'if-match': etag }, body: { ready: 'opera-tsa03' } })).status).toBe(412);

    const read = await host.request('GET', path, { token });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(changed.headers.get('etag'));
    expect(read.json.mapping).toMatchObject({ file: { kind: 'csv', encoding: 'windows-1252' }, id: { prefix: 'h:' } });

    const saved = await preview(pmsFile, '', fixture('protel-hstat.csv'));
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ source: 'saved', recordCount: 3 });
  });
});
