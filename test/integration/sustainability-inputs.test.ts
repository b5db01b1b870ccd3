import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, itemsOf, sendAndWait, type CreatedIntegration } from './integrations-helpers.js';

/**
 * GoGreen inputs through HTTP (docs/gogreen.md, "Inputs"): utility readings by signed webhook and by
 * manual entry reach GET /sustainability/consumption per day and month; a monthly reading is spread
 * over its days by room nights; a re-sent id replaces; a locked month holds a late correction as a
 * pending adjustment until approved; permissions, property scope and validation.
 */

const host = useTestHost();
let t: SeededTenant;
let owner: string;
let p0: string;
let p1: string;
let utility: CreatedIntegration;
let reader: SeededUser;
let scopedManager: SeededUser;

type Day = { date: string; consumption: Record<string, unknown> & { electricity?: { gridKwh: number }; water?: { mainsM3: number }; waste?: { recycledKg: number } } };
type Month = { month: string; days: number; consumption: Day['consumption'] };

const consumption = async (query: string, token = owner) => {
  const res = await host.request('GET', `/api/v1/sustainability/consumption?${query}`, { token });
  expect(res.status).toBe(200);
  return res.json as { granularity: string; from: string; to: string; items: Array<Day & Month> };
};
const day = async (date: string) => (await consumption(`propertyId=${p0}&from=${date}&to=${date}`)).items[0];
const enter = (token: string, propertyId: string, readings: unknown[], headers: Record<string, string> = {}) =>
  host.request('PUT', `/api/v1/sustainability/consumption/${propertyId}`, { token, body: { readings }, headers });

beforeAll(async () => {
  t = await seedTenant(host);
  owner = t.users.owner.token;
  [p0, p1] = t.propertyIds as [string, string];
  utility = await createIntegration(host, owner, { propertyId: p0, sourceType: 'utility' });
  // Room nights to spread monthly readings by: 10 on the 1st, 30 on the 2nd, none on other days of September.
  const pms = await createIntegration(host, owner, { propertyId: p0, sourceType: 'pms' });
  const stats = await sendAndWait(host, owner, pms, {
    records: [
      { id: 'D-0901', date: '2026-09-01', kind: 'actual', roomsAvailable: 100, roomsSold: 10, roomRevenue: 1000 },
      { id: 'D-0902', date: '2026-09-02', kind: 'actual', roomsAvailable: 100, roomsSold: 30, roomRevenue: 3000 },
    ],
  });
  expect(stats.status).toBe('accepted');
  const readRole = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'GoGreen readers', permissions: ['sustainability.read'] } });
  reader = await createUser(host, t.slug, owner, { email: `green-reader@${t.slug}.example`, roles: [{ roleId: readRole.json.id, scope: { all: true } }] });
  const manageRole = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'GoGreen managers', permissions: ['sustainability.read', 'sustainability.manage'] } });
  scopedManager = await createUser(host, t.slug, owner, { email: `green-manager@${t.slug}.example`, roles: [{ roleId: manageRole.json.id, scope: { all: false, propertyIds: [p1] } }] });
});

describe('utility readings by signed webhook', () => {
  it('shows daily readings per day and a monthly reading spread over its days by room nights', async () => {
    const imp = await sendAndWait(host, owner, utility, {
      records: [
        { id: 'EL-0901', date: '2026-09-01', resource: 'electricity', quantity: 100, unit: 'kWh', meter: 'EL-MAIN' },
        { id: 'EL-0902', date: '2026-09-02', resource: 'electricity', quantity: 0.2, unit: 'MWh', meter: 'EL-MAIN' },
        { id: 'WATER-09', period: '2026-09', resource: 'water', quantity: 100, unit: 'm3' },
        { id: 'GAS-09', period: '2026-09', resource: 'naturalGas', quantity: 1000, unit: 'm3', calorificValue: 36, volumeCorrection: 1 },
      ],
    });
    expect(imp).toMatchObject({ status: 'accepted', counts: { accepted: 4, rejected: 0 } });

    const days = await consumption(`propertyId=${p0}&from=2026-09-01&to=2026-09-30`);
    expect(days.items.map((d) => d.date)).toHaveLength(30); // the monthly readings reach every day of the month
    expect(days.items[0]).toEqual({
      date: '2026-09-01',
      consumption: { electricity: { gridKwh: 100, onSiteRenewableKwh: 0, certifiedRenewableKwh: 0 }, water: { mainsM3: 25, wellM3: 0, recycledM3: 0 }, naturalGas: { kwh: 2500 }, refrigerants: [] },
    });
    expect(days.items[1]?.consumption).toMatchObject({ electricity: { gridKwh: 200 }, water: { mainsM3: 75 }, naturalGas: { kwh: 7500 } });
    // A day without room nights takes none of a monthly reading.
    expect(days.items[2]).toEqual({ date: '2026-09-03', consumption: { water: { mainsM3: 0, wellM3: 0, recycledM3: 0 }, naturalGas: { kwh: 0 }, refrigerants: [] } });

    // Months stand for their first and last day at day granularity.
    const byMonth = await consumption(`propertyId=${p0}&from=2026-09&to=2026-09`);
    expect([byMonth.from, byMonth.to, byMonth.items.length]).toEqual(['2026-09-01', '2026-09-30', 30]);

    const months = await consumption(`propertyId=${p0}&from=2026-08&to=2026-10&granularity=month`);
    expect(months).toMatchObject({ granularity: 'month', from: '2026-08', to: '2026-10' });
    expect(months.items).toEqual([
      { month: '2026-09', days: 30, consumption: { electricity: { gridKwh: 300, onSiteRenewableKwh: 0, certifiedRenewableKwh: 0 }, water: { mainsM3: 100, wellM3: 0, recycledM3: 0 }, naturalGas: { kwh: 10000 }, refrigerants: [] } },
    ]);
  });

  it('replaces a reading re-sent under the same id, and removes a deleted one', async () => {
    await sendAndWait(host, owner, utility, { records: [{ id: 'EL-0901', date: '2026-09-01', resource: 'electricity', quantity: 150, unit: 'kWh' }] });
    expect((await day('2026-09-01'))?.consumption.electricity?.gridKwh).toBe(150);
    await sendAndWait(host, owner, utility, { records: [{ id: 'GAS-09', deleted: true }] });
    expect((await day('2026-09-01'))?.consumption.naturalGas).toBeUndefined();
    const [month] = (await consumption(`propertyId=${p0}&from=2026-09&to=2026-09&granularity=month`)).items;
    expect(month?.consumption).toMatchObject({ electricity: { gridKwh: 350 }, water: { mainsM3: 100 } });
  });

  it('rejects a reading the format refuses, naming the field', async () => {
    const imp = await sendAndWait(host, owner, utility, { records: [{ id: 'BAD-1', date: '2026-09-05', resource: 'water', quantity: 3, unit: 'kWh' }] });
    expect(imp.status).toBe('rejected');
    expect(imp.errors[0]).toMatchObject({ field: 'unit' });
  });
});

describe('a supplier file mapped to utility readings', () => {
  it('imports a CSV export through a file integration’s column mapping; a corrected file replaces its readings', async () => {
    const file = await createIntegration(host, owner, { kind: 'file', propertyId: p1, sourceType: 'utility' });
    const mapping = {
      sourceType: 'utility',
      file: { kind: 'csv', delimiter: ';' },
      columns: [
        { column: 'Datum', field: 'date' },
        { column: 'Verbrauch kWh', field: 'quantity' },
        { column: 'Zähler', field: 'meter' },
      ],
      constants: { resource: 'electricity', unit: 'kWh' },
      dateFormat: 'dd.MM.yyyy',
      numbers: { decimal: ',', thousands: '.' },
      id: { prefix: 'stadtwerke:', fields: ['meter', 'date'] },
    };
    expect((await host.request('PUT', `/api/v1/integrations/${file.id}/file-mapping`, { token: owner, body: { mapping } })).status).toBe(200);
    const upload = (body: string, filename: string) => host.request('POST', `/api/v1/integrations/${file.id}/files?filename=${filename}`, { token: owner, rawBody: body, headers: { 'content-type': 'text/csv' } });
    expect((await upload('Datum;Zähler;Verbrauch kWh\r\n01.10.2026;Z-1;1.234,5\r\n02.10.2026;Z-1;987,25\r\n', 'oct.csv')).status).toBe(202);
    await host.app.broker?.idle();
    const oct = await consumption(`propertyId=${p1}&from=2026-10-01&to=2026-10-31`);
    expect(oct.items.map((d) => [d.date, d.consumption.electricity?.gridKwh])).toEqual([
      ['2026-10-01', 1234.5],
      ['2026-10-02', 987.25],
    ]);
    expect((await upload('Datum;Zähler;Verbrauch kWh\r\n02.10.2026;Z-1;990\r\n', 'oct-corrected.csv')).status).toBe(202);
    await host.app.broker?.idle();
    const [month] = (await consumption(`propertyId=${p1}&from=2026-10&to=2026-10&granularity=month`)).items;
    expect(month).toMatchObject({ month: '2026-10', days: 2, consumption: { electricity: { gridKwh: 2224.5 } } });
  });
});

describe('manual entry', () => {
  let etag: string;

  it('imports readings through the property’s manual-entry integration; GET shows them', async () => {
    const res = await enter(owner, p0, [
      { date: '2026-09-03', resource: 'electricity', quantity: 1.5, unit: 'MWh' },
      { period: '2026-09', resource: 'waste', stream: 'recycled', quantity: 0.4, unit: 't' },
    ]);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ propertyId: p0, entry: 1, readings: 2, integrationId: expect.stringMatching(/^int_/), importId: expect.any(String) });
    etag = res.headers.get('etag') as string;
    expect(etag).toMatch(/^"/);
    await host.app.broker?.idle();
    const imp = await host.request('GET', `/api/v1/integrations/${res.json.integrationId}/imports/${res.json.importId}`, { token: owner });
    expect(imp.json).toMatchObject({ status: 'accepted', counts: { accepted: 2 } });
    const integration = await host.request('GET', `/api/v1/integrations/${res.json.integrationId}`, { token: owner });
    // Disabled: it takes no deliveries of its own and is never late (nobody promised a daily entry).
    expect(integration.json).toMatchObject({ propertyId: p0, sourceType: 'utility', name: 'GoGreen manual entry', enabled: false });
    const status = await host.request('GET', '/api/v1/integrations/status', { token: owner });
    expect(status.json.items.find((s: { integrationId: string }) => s.integrationId === res.json.integrationId)).toMatchObject({ late: false, lastSuccessfulImport: { importId: res.json.importId } });

    const d3 = await day('2026-09-03');
    expect(d3?.consumption.electricity?.gridKwh).toBe(1500);
    const days = await consumption(`propertyId=${p0}&from=2026-09-01&to=2026-09-02`);
    expect(days.items.map((d) => d.consumption.waste?.recycledKg)).toEqual([100, 300]);

    const entries = await itemsOf<{ action: string; payload: Record<string, unknown> }>(host, 'audit', t.tenantId, 'auditEntry');
    const entered = entries.filter((e) => e.action === 'sustainability.consumption_entered').map((e) => e.payload);
    expect(entered).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: t.users.owner.id },
        target: { type: 'property', id: p0 },
        details: { integrationId: res.json.integrationId, entry: 1, readings: 2, periods: '2026-09,2026-09-03' },
      }),
    ]);
  });

  it('corrects a reading entered again for the same day and resource; honours If-Match', async () => {
    expect((await enter(owner, p0, [{ date: '2026-09-03', resource: 'electricity', quantity: 1, unit: 'MWh' }], { 'if-match': '"stale"' })).status).toBe(412);
    const res = await enter(owner, p0, [{ date: '2026-09-03', resource: 'electricity', quantity: 1, unit: 'MWh' }], { 'if-match': etag });
    expect(res.status).toBe(202);
    expect(res.json.entry).toBe(2);
    await host.app.broker?.idle();
    expect((await day('2026-09-03'))?.consumption.electricity?.gridKwh).toBe(1000);
  });

  it('validates readings at the edge, naming the field', async () => {
    const unknown = await enter(owner, p0, [{ date: '2026-09-04', resource: 'electricity', quantity: 1, unit: 'kWh', colour: 'green' }]);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json.errors)).toContain('body.readings.0');
    const unit = await enter(owner, p0, [{ date: '2026-09-04', resource: 'waste', stream: 'landfill', quantity: 1, unit: 'kWh' }]);
    expect(unit.status).toBe(400);
    expect(unit.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.readings.0.unit' })]));
    const both = await enter(owner, p0, [{ date: '2026-09-04', period: '2026-09', resource: 'laundry', quantity: 1, unit: 'kg' }]);
    expect(both.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.readings.0.date' })]));
    const gas = await enter(owner, p0, [{ date: '2026-09-04', resource: 'naturalGas', quantity: 10, unit: 'm3' }]);
    expect(gas.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.readings.0.calorificValue' })]));
    expect((await enter(owner, p0, [])).status).toBe(400);
  });

  it('needs sustainability.manage over the property to enter, sustainability.read to read', async () => {
    const reading = [{ date: '2026-09-04', resource: 'laundry', quantity: 12, unit: 'kg' }];
    expect((await enter(reader.token, p0, reading)).status).toBe(403);
    expect((await enter(scopedManager.token, p0, reading)).status).toBe(403);
    expect((await host.request('GET', `/api/v1/sustainability/consumption?propertyId=${p0}&from=2026-09-01&to=2026-09-30`, { token: scopedManager.token })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/sustainability/consumption?propertyId=${p0}&from=2026-09-01&to=2026-09-30`, { token: t.users.endUser.token })).status).toBe(403);
    expect((await consumption(`propertyId=${p0}&from=2026-09-01&to=2026-09-01`, reader.token)).items).toHaveLength(1);
    const own = await enter(scopedManager.token, p1, reading);
    expect(own.status).toBe(202);
    await host.app.broker?.idle();
    expect((await consumption(`propertyId=${p1}&from=2026-09-04&to=2026-09-04`, scopedManager.token)).items).toEqual([{ date: '2026-09-04', consumption: { laundryKg: 12, refrigerants: [] } }]);
    expect((await enter(owner, 'no-such-hotel', reading)).status).toBe(404);
    expect((await host.request('GET', '/api/v1/sustainability/consumption?propertyId=no-such-hotel&from=2026-09-01&to=2026-09-30', { token: owner })).status).toBe(404);
  });

  it("refuses another tenant's owner on this tenant's property, recording nothing", async () => {
    const other = await seedTenant(host);
    const before = await itemsOf(host, 'sustainability', t.tenantId);
    expect((await enter(other.users.owner.token, p0, [{ date: '2026-09-04', resource: 'laundry', quantity: 1, unit: 'kg' }])).status).toBe(404);
    const read = await host.request('GET', `/api/v1/sustainability/consumption?propertyId=${p0}&from=2026-09-01&to=2026-09-30`, { token: other.users.owner.token });
    expect(read.status).toBe(404);
    expect(read.text).not.toContain('gridKwh');
    expect(await itemsOf(host, 'sustainability', t.tenantId)).toEqual(before);
    expect(await itemsOf(host, 'sustainability', other.tenantId)).toEqual([]);
  });

  it('refuses an empty, too long or malformed range', async () => {
    const bad = async (query: string, field: string) => {
      const res = await host.request('GET', `/api/v1/sustainability/consumption?${query}`, { token: owner });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    };
    await bad(`propertyId=${p0}&from=2026-09-30&to=2026-09-01`, 'query.to');
    await bad(`propertyId=${p0}&from=2024-01-01&to=2026-09-01`, 'query.to');
    await bad(`propertyId=${p0}&from=2026-13&to=2026-14&granularity=month`, 'query.from');
    await bad(`propertyId=${p0}&from=2026-09-01&to=2026-09-30&granularity=week`, 'query.granularity');
  });
});

describe('a locked month', () => {
  it('holds a late meter correction (webhook or manual) as a pending adjustment until approved', async () => {
    const locked = await host.request('POST', `/api/v1/planning/periods/${p0}/2026-09/lock`, { token: owner });
    expect(locked.status).toBe(200);

    const late = await sendAndWait(host, owner, utility, { records: [{ id: 'EL-0901', date: '2026-09-01', resource: 'electricity', quantity: 180, unit: 'kWh' }] });
    expect(late.counts).toMatchObject({ held: 1, adjustmentId: expect.stringMatching(/^adj_/) });
    expect((await day('2026-09-01'))?.consumption.electricity?.gridKwh).toBe(150);

    const manual = await enter(owner, p0, [{ date: '2026-09-03', resource: 'electricity', quantity: 1.2, unit: 'MWh' }]);
    expect(manual.status).toBe(202);
    await host.app.broker?.idle();
    const manualImport = await host.request('GET', `/api/v1/integrations/${manual.json.integrationId}/imports/${manual.json.importId}`, { token: owner });
    expect(manualImport.json.counts).toMatchObject({ held: 1 });
    expect((await day('2026-09-03'))?.consumption.electricity?.gridKwh).toBe(1000);

    const pending = await host.request('GET', `/api/v1/planning/adjustments?propertyId=${p0}&status=pending`, { token: owner });
    const held = (pending.json.items as Array<{ id: string; importId: string; sourceType: string; differences: Array<{ date: string; measure: string; before: number; after: number; departmentId: string | null }> }>).find(
      (a) => a.id === late.counts.adjustmentId,
    );
    expect(held).toMatchObject({ sourceType: 'utility' });
    expect(held?.differences).toEqual([expect.objectContaining({ date: '2026-09-01', departmentId: null, measure: 'utility.electricity.gridKwh', before: 150, after: 180 })]);

    const one = await host.request('GET', `/api/v1/planning/adjustments/${held?.id}`, { token: owner });
    const approved = await host.request('POST', `/api/v1/planning/adjustments/${held?.id}/approve`, { token: owner, headers: { 'if-match': one.headers.get('etag') as string } });
    expect(approved.status).toBe(200);
    expect((await day('2026-09-01'))?.consumption.electricity?.gridKwh).toBe(180);
    const [month] = (await consumption(`propertyId=${p0}&from=2026-09&to=2026-09&granularity=month`)).items;
    expect(month?.consumption.electricity?.gridKwh).toBe(180 + 200 + 1000);
  });
});
