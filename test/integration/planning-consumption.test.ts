import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { filled } from './planning-helpers.js';

/**
 * The upload centre's `consumption` kind through HTTP (docs/planning.md, "Upload centre";
 * docs/gogreen.md, "Inputs"): template → filled file → upload → submit → approve (by another
 * person) → the monthly figures are utility readings GoGreen reads back and reports; a second
 * approved version corrects the first in place; a locked month holds the correction as a pending
 * adjustment; uploading takes planning.submit; a negative reading is refused with its row and month.
 */

const host = useTestHost();
let t: SeededTenant;
let p0: string;
let owner: string;
let admin: string;
let viewer: SeededUser;

type Month = { month: string; consumption: { electricity?: { gridKwh: number; onSiteRenewableKwh: number }; water?: { mainsM3: number }; waste?: { recycledKg: number }; naturalGas?: { kwh: number } } };

const template = (token: string, format = 'csv') => host.request('GET', `/api/v1/planning/templates/consumption?propertyId=${p0}&year=2028&format=${format}`, { token });
const upload = (token: string, body: string) => host.request('POST', `/api/v1/planning/versions?propertyId=${p0}&year=2028&kind=consumption&filename=consumption.csv`, { token, rawBody: body, headers: { 'content-type': 'text/csv' } });
const step = async (token: string, id: string, action: string) => {
  const current = await host.request('GET', `/api/v1/planning/versions/${id}`, { token: owner });
  return host.request('POST', `/api/v1/planning/versions/${id}/${action}`, { token, headers: { 'if-match': current.headers.get('etag') ?? '' } });
};
const months = async (from: string, to: string): Promise<Month[]> => {
  const res = await host.request('GET', `/api/v1/sustainability/consumption?propertyId=${p0}&from=${from}&to=${to}&granularity=month`, { token: owner });
  expect(res.status).toBe(200);
  return res.json.items as Month[];
};

/** Uploads, submits (owner) and approves (admin: four eyes) a filled template; the approved version's id. */
async function approved(fill: Record<string, Record<number, number>>): Promise<string> {
  const up = await upload(owner, filled((await template(owner)).text, fill));
  expect([up.status, up.text.slice(0, 300)]).toEqual([201, expect.any(String)]);
  expect((await step(owner, up.json.id, 'submit')).status).toBe(200);
  const ok = await step(admin, up.json.id, 'approve');
  expect([ok.status, ok.text.slice(0, 300)]).toEqual([200, expect.any(String)]);
  await host.app.broker?.idle();
  return up.json.id as string;
}

beforeAll(async () => {
  t = await seedTenant(host);
  owner = t.users.owner.token;
  admin = t.users.admin.token;
  p0 = t.propertyIds[0] as string;
  const role = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Planning viewers', permissions: ['planning.read'] } });
  // GoGreen settings make the sustainability report compute the property's metrics.
  const settings = { areas: { totalM2: 10000, roomsAndCorridorsM2: 7000, meetingM2: 800, excludedM2: 500 }, rooms: 120, country: 'GB' };
  expect((await host.request('PUT', `/api/v1/sustainability/properties/${p0}`, { token: owner, body: settings })).status).toBe(200);
  viewer = await createUser(host, t.slug, owner, { email: `plan-viewer@${t.slug}.example`, roles: [{ roleId: role.json.id, scope: { all: true } }] });
});

describe('consumption versions over HTTP', () => {
  it('serves a template of the utility reading paths in canonical units × 12 months, as CSV and XLSX', async () => {
    const csv = await template(owner);
    expect(csv.status).toBe(200);
    const rows = csv.text.trim().split('\r\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['Department', 'Department name', 'Line', ...Array.from({ length: 12 }, (_, m) => `2028-${String(m + 1).padStart(2, '0')}`)]);
    const lines = rows.slice(1).map((r) => r[2]);
    expect(lines).toEqual(
      expect.arrayContaining(['electricity.gridKwh', 'electricity.onSiteRenewableKwh', 'electricity.certifiedRenewableKwh', 'districtHeatKwh', 'districtCoolingKwh', 'naturalGas.kwh', 'water.mainsM3', 'water.wellM3', 'water.recycledM3', 'waste.recycledKg', 'refrigerants.R-410A.kg', 'laundryKg']),
    );
    expect(new Set(rows.slice(1).map((r) => r[0]))).toEqual(new Set(['PROPERTY']));
    const xlsx = await template(owner, 'xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
  });

  it('refuses an upload without planning.submit (403) and a negative reading (422 naming row and month, recorded invalid)', async () => {
    const csv = (await template(owner)).text;
    expect((await upload(viewer.token, filled(csv, { 'PROPERTY|electricity.gridKwh': { 0: 100 } }))).status).toBe(403);
    const bad = await upload(owner, filled(csv, { 'PROPERTY|electricity.gridKwh': { 1: -5 } }));
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([{ field: 'body.row.2.2028-02', message: 'a reading is not negative' }]);
    const recorded = await host.request('GET', bad.headers.get('location') as string, { token: owner });
    expect(recorded.json).toMatchObject({ kind: 'consumption', status: 'invalid' });
    // Gas by volume needs its calorific value in the same month (the utility format's own rule), and is not given in kWh too.
    const gasRow = csv.trim().split('\r\n').findIndex((l) => l.split(',')[2] === 'naturalGas.m3') + 1;
    const gas = await upload(owner, filled(csv, { 'PROPERTY|naturalGas.m3': { 0: 1000, 1: 500 }, 'PROPERTY|naturalGas.kwh': { 1: 10 } }));
    expect(gas.status).toBe(422);
    expect(gas.json.errors).toEqual([
      { field: `body.row.${gasRow}.2028-01`, message: 'needs its naturalGas.calorificValueMjPerM3 in the same month' },
      { field: `body.row.${gasRow}.2028-02`, message: 'needs its naturalGas.calorificValueMjPerM3 in the same month' },
      { field: `body.row.${gasRow}.2028-02`, message: 'naturalGas is given in kWh (naturalGas.kwh) or by volume, not both in a month' },
    ]);
  });

  it('imports an approved version as readings: GoGreen consumption and the sustainability report show them; a second version corrects them', async () => {
    const v1 = await approved({
      'PROPERTY|electricity.gridKwh': { 0: 1000, 1: 900 },
      'PROPERTY|water.mainsM3': { 0: 50 },
      'PROPERTY|waste.recycledKg': { 0: 200 },
      // 1,000 m³ at 36 MJ/m³: 10,000 kWh.
      'PROPERTY|naturalGas.m3': { 0: 1000 },
      'PROPERTY|naturalGas.calorificValueMjPerM3': { 0: 36 },
    });
    expect((await host.request('GET', `/api/v1/planning/versions/${v1}`, { token: owner })).json).toMatchObject({ status: 'approved', inForce: true });
    const [jan, feb] = await months('2028-01', '2028-02');
    expect(jan).toMatchObject({ month: '2028-01', consumption: { electricity: { gridKwh: 1000 }, water: { mainsM3: 50 }, waste: { recycledKg: 200 }, naturalGas: { kwh: 10000 } } });
    expect(feb).toMatchObject({ month: '2028-02', consumption: { electricity: { gridKwh: 900 } } });

    const report = await host.request('GET', `/api/v1/reports/sustainability?propertyId=${p0}&from=2028-01-01&to=2028-01-31&granularity=month`, { token: owner });
    expect(report.status).toBe(200);
    expect(report.json.properties[0].periods[0].metrics.energy.electricityKwh).toBe(1000);

    // A later version of the same property and year: the same (month, path) readings are replaced, not
    // added to; what it leaves blank of the version it supersedes is no reading any more.
    await approved({ 'PROPERTY|electricity.gridKwh': { 0: 1100 }, 'PROPERTY|water.mainsM3': { 0: 55 } });
    const after = await months('2028-01', '2028-02');
    expect(after.map((m) => m.month)).toEqual(['2028-01']);
    expect(after[0]?.consumption).toMatchObject({ electricity: { gridKwh: 1100 }, water: { mainsM3: 55 } });
    expect(after[0]?.consumption.naturalGas).toBeUndefined();
    expect(after[0]?.consumption.waste).toBeUndefined();
  });

  it('holds a correction of a locked month as a pending adjustment, approved like any import', async () => {
    expect((await host.request('POST', `/api/v1/planning/periods/${p0}/2028-01/lock`, { token: owner })).status).toBe(200);
    const v3 = await approved({ 'PROPERTY|electricity.gridKwh': { 0: 1250 }, 'PROPERTY|water.mainsM3': { 0: 55 } });
    expect((await host.request('GET', `/api/v1/planning/versions/${v3}`, { token: owner })).json).toMatchObject({ status: 'approved', inForce: true });
    expect((await months('2028-01', '2028-01'))[0]?.consumption.electricity?.gridKwh).toBe(1100);

    const pending = await host.request('GET', `/api/v1/planning/adjustments?propertyId=${p0}&status=pending`, { token: owner });
    const held = (pending.json.items as Array<{ id: string; sourceType: string }>).find((a) => a.sourceType === 'utility');
    expect(held).toBeDefined();
    const one = await host.request('GET', `/api/v1/planning/adjustments/${held?.id}`, { token: owner });
    const ok = await host.request('POST', `/api/v1/planning/adjustments/${held?.id}/approve`, { token: owner, headers: { 'if-match': one.headers.get('etag') as string } });
    expect(ok.status).toBe(200);
    expect((await months('2028-01', '2028-01'))[0]?.consumption.electricity?.gridKwh).toBe(1250);
  });
});
