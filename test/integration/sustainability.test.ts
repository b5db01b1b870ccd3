import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, itemsOf, sendAndWait } from './integrations-helpers.js';
import { SEED_FACTORS, consumptionSchema, factorTable, footprint, metrics, type FactorEntry } from '../../shared/sustainability/index.js';

/**
 * GoGreen configuration and reports through HTTP (docs/gogreen.md, "Configuration", "Reports"):
 * consumption arrives by the `utility` webhook, occupancy by the PMS webhook; the report equals the
 * core's figures for the same month and property, flags missing factors red until the tenant adds
 * its own, reprices when a factor changes (audited), compares with last year and the targets; the
 * statement, CSV, group totals, property scopes and validation.
 */

const host = useTestHost();
let t: SeededTenant;
let owner: string;
let p0: string;
let p1: string;
let reader: SeededUser;
let manager: SeededUser;

const SETTINGS = { areas: { totalM2: 10000, roomsAndCorridorsM2: 7000, meetingM2: 800, excludedM2: 500 }, rooms: 120, country: 'GB' };
const GAS: FactorEntry = { activity: 'naturalGas', region: '*', unit: 'kWh', kgCo2ePerUnit: 0.18, year: 2025, source: 'Illustrative per-kWh gas factor (test only)' };
const LAUNDRY: FactorEntry = { activity: 'laundry', region: 'GB', unit: 'kg', kgCo2ePerUnit: 0.5, year: 2025, source: 'Illustrative laundry factor (test only)' };

const get = async (path: string, token = owner) => host.request('GET', path, { token });
const report = async (query: string, token = owner) => {
  const res = await get(`/api/v1/reports/sustainability?${query}`, token);
  expect([res.status, res.text.slice(0, 300)]).toEqual([200, expect.any(String)]);
  return res.json;
};
const marchOf = async (propertyId = p0) => (await report(`propertyId=${propertyId}&from=2025-03-01&to=2025-03-31&granularity=month`)).properties[0].periods[0];
const monthConsumption = async (month: string) => {
  const res = await get(`/api/v1/sustainability/consumption?propertyId=${p0}&from=${month}&to=${month}&granularity=month`);
  expect(res.status).toBe(200);
  return consumptionSchema.parse(res.json.items[0].consumption);
};
type AuditPayload = { action: string; actor: { id: string }; target: { type: string; id: string }; details: Record<string, unknown> };
/** The audit events of an action, as recorded in the chain. */
const events = async (action: string) =>
  (await itemsOf<{ action: string; payload: AuditPayload }>(host, 'audit', t.tenantId)).filter((e) => e.action === action).map((e) => e.payload);

beforeAll(async () => {
  t = await seedTenant(host);
  owner = t.users.owner.token;
  [p0, p1] = t.propertyIds as [string, string];
  const pms = await createIntegration(host, owner, { propertyId: p0, sourceType: 'pms' });
  expect(
    await sendAndWait(host, owner, pms, {
      records: [
        { id: 'D-250301', date: '2025-03-01', roomsAvailable: 120, roomsSold: 90, roomRevenue: 9000, guests: 135 },
        { id: 'D-250302', date: '2025-03-02', roomsAvailable: 120, roomsSold: 90, roomRevenue: 9000, guests: 135 },
        { id: 'D-240301', date: '2024-03-01', roomsAvailable: 120, roomsSold: 180, roomRevenue: 18000, guests: 270 },
      ],
    }),
  ).toMatchObject({ status: 'accepted' });
  const utility = await createIntegration(host, owner, { propertyId: p0, sourceType: 'utility' });
  const month = (period: string, prefix: string, readings: Array<Record<string, unknown>>) => readings.map((r, i) => ({ id: `${prefix}-${i}`, period, ...r }));
  expect(
    await sendAndWait(host, owner, utility, {
      records: [
        ...month('2025-03', 'M25', [
          { resource: 'electricity', quantity: 150000, unit: 'kWh' },
          { resource: 'electricity', quantity: 6000, unit: 'kWh', origin: 'onSite' },
          { resource: 'electricity', quantity: 30000, unit: 'kWh', certificates: true },
          { resource: 'naturalGas', quantity: 200000, unit: 'kWh' },
          { resource: 'water', quantity: 2600, unit: 'm3' },
          { resource: 'water', quantity: 190, unit: 'm3', supply: 'well' },
          { resource: 'water', quantity: 300, unit: 'm3', supply: 'recycled' },
          { resource: 'waste', quantity: 6000, unit: 'kg', stream: 'landfill' },
          { resource: 'waste', quantity: 3500, unit: 'kg', stream: 'recycled' },
          { resource: 'refrigerant', quantity: 3, unit: 'kg', gas: 'R-410A' },
          { resource: 'laundry', quantity: 4000, unit: 'kg' },
        ]),
        ...month('2024-03', 'M24', [
          { resource: 'electricity', quantity: 140000, unit: 'kWh' },
          { resource: 'water', quantity: 2500, unit: 'm3' },
        ]),
      ],
    }),
  ).toMatchObject({ status: 'accepted' });
  const readRole = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Green readers p1', permissions: ['sustainability.read'] } });
  reader = await createUser(host, t.slug, owner, { email: `green-reader@${t.slug}.example`, roles: [{ roleId: readRole.json.id, scope: { all: false, propertyIds: [p1] } }] });
  const manageRole = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Green managers p1', permissions: ['sustainability.read', 'sustainability.manage'] } });
  manager = await createUser(host, t.slug, owner, { email: `green-manager@${t.slug}.example`, roles: [{ roleId: manageRole.json.id, scope: { all: false, propertyIds: [p1] } }] });
});

describe('property settings', () => {
  it('are set (audited), read back with an ETag, replaced only with a matching If-Match', async () => {
    expect((await get(`/api/v1/sustainability/properties/${p0}`)).status).toBe(404);
    const put = await host.request('PUT', `/api/v1/sustainability/properties/${p0}`, { token: owner, body: SETTINGS });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ propertyId: p0, country: 'GB', scope2Basis: 'location', gwpAssessment: 'AR5', degreeDays: { heatingBaseC: 15.5, coolingBaseC: 22 }, anomalyRule: { marginPct: 15, minDays: 3 } });
    const etag = put.headers.get('etag') as string;
    const read = await get(`/api/v1/sustainability/properties/${p0}`);
    expect([read.status, read.headers.get('etag'), read.json.areas]).toEqual([200, etag, { ...SETTINGS.areas }]);
    expect((await host.request('PUT', `/api/v1/sustainability/properties/${p0}`, { token: owner, body: SETTINGS, headers: { 'if-match': '"stale"' } })).status).toBe(412);
    const again = await host.request('PUT', `/api/v1/sustainability/properties/${p0}`, { token: owner, body: SETTINGS, headers: { 'if-match': etag } });
    expect(again.status).toBe(200);
    expect(await events('sustainability.property_configured')).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: t.users.owner.id }), target: { type: 'sustainabilityProperty', id: `gogreen:${p0}` } })]);
    expect(await events('sustainability.property_updated')).toHaveLength(1);
  });

  it('validates at the edge, naming the field', async () => {
    const unknown = await host.request('PUT', `/api/v1/sustainability/properties/${p1}`, { token: owner, body: { ...SETTINGS, colour: 'green' } });
    expect(unknown.status).toBe(400);
    const areas = await host.request('PUT', `/api/v1/sustainability/properties/${p1}`, { token: owner, body: { ...SETTINGS, areas: { ...SETTINGS.areas, meetingM2: 5000 } } });
    expect(areas.status).toBe(400);
    expect(JSON.stringify(areas.json.errors)).toContain('body.areas.totalM2');
    const country = await host.request('PUT', `/api/v1/sustainability/properties/${p1}`, { token: owner, body: { ...SETTINGS, country: 'gb' } });
    expect(JSON.stringify(country.json.errors)).toContain('body.country');
  });
});

describe('the report', () => {
  it('equals the core’s figures for the month, flags the missing gas (per kWh) and laundry factors red', async () => {
    const march = await marchOf();
    const consumption = await monthConsumption('2025-03');
    const fp = footprint(consumption, { country: 'GB', periodYear: 2025 }, factorTable(SEED_FACTORS));
    const expected = metrics(consumption, fp, { areas: SETTINGS.areas, rooms: 120, occupiedRooms: 180, guestNights: 270, days: 31 });
    expect(march.metrics).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(march.flag).toBe('red');
    expect(march.flaggedLines.map((l: { activity: string; flag: string }) => [l.activity, l.flag])).toEqual([
      ['laundry', 'red'],
      ['naturalGas', 'red'],
    ]);
    expect(march.metrics.methodologyVersion).toMatch(/\S/);
    expect(march.metrics.denominators).toMatchObject({ occupiedRooms: 180, guestNights: 270, days: 31 });
  });

  it('compares with last year', async () => {
    const march = await marchOf();
    expect(march.lastYear.energy.electricityKwh).toBe(140000);
    expect(march.lastYear.denominators.occupiedRooms).toBe(180);
    expect(march.changeVsLastYearPct.energyPerOccupiedRoomKwh).toBeCloseTo(((186000 + 200000) / 140000 - 1) * 100, 9);
  });

  it('reprices every period when the tenant adds or changes a factor (audited), and the flags turn green', async () => {
    const before = (await marchOf()).metrics.carbon.totalKg as number;
    const created: Record<string, string> = {};
    for (const [name, entry] of [['gas', GAS], ['laundry', LAUNDRY]] as const) {
      const res = await host.request('POST', '/api/v1/sustainability/factors', { token: owner, body: entry });
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({ ...entry, origin: 'tenant', id: expect.stringMatching(/^ef_/) });
      created[name] = res.json.id;
      created[`${name}Etag`] = res.headers.get('etag') as string;
    }
    const priced = await marchOf();
    expect(priced.flag).toBe('green');
    expect(priced.metrics.carbon.totalKg).toBeCloseTo(before + 200000 * 0.18 + 4000 * 0.5, 6);

    const changed = await host.request('PUT', `/api/v1/sustainability/factors/${created.gas}`, { token: owner, body: { ...GAS, kgCo2ePerUnit: 0.2 }, headers: { 'if-match': created.gasEtag as string } });
    expect(changed.status).toBe(200);
    expect((await marchOf()).metrics.carbon.totalKg).toBeCloseTo(before + 200000 * 0.2 + 4000 * 0.5, 6);
    expect(await events('sustainability.factor_created')).toHaveLength(2);
    expect(await events('sustainability.factor_updated')).toEqual([expect.objectContaining({ target: { type: 'emissionFactor', id: created.gas }, details: expect.objectContaining({ kgCo2ePerUnit: 0.2, previousKgCo2ePerUnit: 0.18 }) })]);

    const table = await get('/api/v1/sustainability/factors');
    expect(table.json.items.filter((f: { origin: string }) => f.origin === 'tenant')).toHaveLength(2);
    expect(table.json.items.some((f: { origin: string; source: string }) => f.origin === 'seed' && f.source.length > 0)).toBe(true);

    // Deleting the laundry factor makes laundry red again.
    const del = await host.request('DELETE', `/api/v1/sustainability/factors/${created.laundry}`, { token: owner, headers: { 'if-match': created.laundryEtag as string } });
    expect(del.status).toBe(204);
    expect((await marchOf()).flaggedLines.map((l: { activity: string }) => l.activity)).toEqual(['laundry']);
    expect(await events('sustainability.factor_deleted')).toHaveLength(1);
    expect((await host.request('PUT', `/api/v1/sustainability/factors/${created.laundry}`, { token: owner, body: LAUNDRY })).status).toBe(404);
  });

  it('compares with the targets per guest night', async () => {
    const put = await host.request('PUT', `/api/v1/sustainability/targets/${p0}`, { token: owner, body: { targets: [{ resource: 'electricityKwh', reductionPct: 20, baselineYear: 2024, deadlineYear: 2026 }] } });
    expect(put.status).toBe(200);
    expect(await events('sustainability.targets_set')).toHaveLength(1);
    const [target] = (await marchOf()).targets;
    // 2025 is half way to the deadline: 10 % less than March 2024's 140,000 kWh for its 270 guest nights, at March 2025's 270.
    expect(target).toMatchObject({ resource: 'electricityKwh', actual: 186000, aboveTarget: true });
    expect(target.target).toBeCloseTo(126000, 6);
    const dup = await host.request('PUT', `/api/v1/sustainability/targets/${p0}`, {
      token: owner,
      body: { targets: [{ resource: 'waterM3', reductionPct: 5, baselineYear: 2024, deadlineYear: 2026 }, { resource: 'waterM3', reductionPct: 6, baselineYear: 2024, deadlineYear: 2026 }] },
      headers: { 'if-match': put.headers.get('etag') as string },
    });
    expect(dup.status).toBe(400);
  });

  it('sums months into the year, properties into a group total; answers CSV', async () => {
    const year = await report(`propertyId=${p0}&from=2024-01-01&to=2025-12-31&granularity=year`);
    expect(year.properties[0].periods.map((p: { key: string }) => p.key)).toEqual(['2024', '2025']);
    expect(year.properties[0].periods[1].metrics.energy.electricityKwh).toBe(186000);
    expect(year.properties[0].total.metrics.energy.electricityKwh).toBe(186000 + 140000);
    expect(year.costs).toMatch(/not recorded/);

    const group = await host.request('POST', '/api/v1/property-groups', { token: owner, body: { kind: 'brand', name: 'Green brand', propertyIds: [p0, p1] } });
    const g = await report(`groupId=${group.json.id}&from=2025-03-01&to=2025-03-31`);
    expect(g.group).toMatchObject({ id: group.json.id, name: 'Green brand' });
    expect(g.properties.map((p: { propertyId: string; configured: boolean }) => [p.propertyId, p.configured]).sort()).toEqual([[p0, true], [p1, false]].sort());
    expect(g.total.periods[0].metrics.energy.electricityKwh).toBe(186000);

    const csv = await get(`/api/v1/reports/sustainability?propertyId=${p0}&from=2025-03-01&to=2025-03-31&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const [head, row] = csv.text.trim().split(/\r?\n/);
    expect(head).toMatch(/^propertyId,name,period,from,to,methodologyVersion,basis,flag/);
    expect(row).toContain(`${p0},`);
    expect(row).toContain(',2025-03,');
  });

  it('gives the annual statement in the HCMI/HWMI layout, JSON and CSV', async () => {
    const s = await get(`/api/v1/reports/sustainability/statement?propertyId=${p0}&year=2025`);
    expect(s.status).toBe(200);
    expect(s.json).toMatchObject({ report: 'sustainability-statement', propertyId: p0, year: 2025, basis: 'location' });
    const hcmi = s.json.lines.find((l: { line: string }) => l.line === 'Footprint per occupied room');
    expect(hcmi.value).toBeCloseTo((await marchOf()).metrics.carbon.perOccupiedRoomKg, 9);
    const csv = await get(`/api/v1/reports/sustainability/statement?propertyId=${p0}&year=2025&format=csv`);
    expect(csv.text.split(/\r?\n/)[0]).toBe('propertyId,year,methodologyVersion,basis,flag,section,line,value,unit');
    expect(csv.text).toContain('HWMI,Water per occupied room');
  });

  it('records daily temperatures (audited)', async () => {
    const res = await host.request('PUT', `/api/v1/sustainability/weather/${p0}`, { token: owner, body: { days: [{ date: '2025-03-01', meanTempC: 6.5 }, { date: '2025-04-01', meanTempC: 10 }] } });
    expect(res.json).toEqual({ propertyId: p0, days: 2, months: ['2025-03', '2025-04'] });
    expect(await events('sustainability.weather_recorded')).toHaveLength(1);
    expect((await host.request('PUT', `/api/v1/sustainability/weather/${p0}`, { token: owner, body: { days: [{ date: '2025-02-30', meanTempC: 1 }] } })).status).toBe(400);
  });
});

describe('property scopes and permissions', () => {
  it('refuses a property outside the caller’s scope (403) and an unknown one (404)', async () => {
    for (const path of [`/api/v1/reports/sustainability?propertyId=${p0}&from=2025-03-01&to=2025-03-31`, `/api/v1/reports/sustainability/statement?propertyId=${p0}&year=2025`, `/api/v1/sustainability/properties/${p0}`, `/api/v1/sustainability/targets/${p0}`]) {
      expect([path, (await get(path, reader.token)).status]).toEqual([path, 403]);
    }
    expect((await get('/api/v1/reports/sustainability?propertyId=nope&from=2025-03-01&to=2025-03-31')).status).toBe(404);
    expect((await host.request('PUT', `/api/v1/sustainability/properties/${p0}`, { token: manager.token, body: SETTINGS })).status).toBe(403);
    expect((await host.request('PUT', `/api/v1/sustainability/properties/${p1}`, { token: manager.token, body: SETTINGS })).status).toBe(200);
    // Factors apply to every property: a manager of one property cannot set them.
    expect((await host.request('POST', '/api/v1/sustainability/factors', { token: manager.token, body: GAS })).status).toBe(403);
    // `all` means the properties in the caller's scope.
    const all = await report('propertyId=all&from=2025-03-01&to=2025-03-31', reader.token);
    expect(all.properties.map((p: { propertyId: string }) => p.propertyId)).toEqual([p1]);
  });

  it('stores no personal data: GoGreen items name users by id only', async () => {
    const items = await itemsOf(host, 'sustainability', t.tenantId);
    expect(items.length).toBeGreaterThan(0);
    const text = JSON.stringify(items);
    for (const u of [t.users.owner, reader, manager]) expect(text).not.toContain(u.email);
  });
});
