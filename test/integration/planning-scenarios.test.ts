import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, sendAndWait } from './integrations-helpers.js';

/*
 * North Hotel (100 rooms; ROOMS: driver rooms sold, 0.5 h a room; FB: driver covers, 0.3 h a cover),
 * forecast for March 2027 sent through the signed webhooks:
 *   RMS: 80 rooms at 150 on 1 and 2 March → 160 rooms sold, rooms revenue 24,000 (rooms available:
 *        the capacity, 3,100 in March; 36,500 in the year)
 *   AMS (trial balance, March): FB revenue 31,000, cost of sales 9,300, payroll 12,400; ROOMS payroll 4,000; utilities 3,100
 * Baseline: revenue 55,000; ROOMS hours from the standard 160 × 0.5 = 80 (wage rate 4,000 ÷ 80 = 50);
 *   FB has no hours (no covers, no forecast hours) and keeps its payroll; GOP 55,000 − 4,000 − 21,700 − 3,100 = 26,200.
 * Plus actuals (PMS 2027-03-01: 70 of 100 rooms, 9,800) that no scenario may change.
 */

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let t: SeededTenant;
let other: SeededTenant;
let owner: string;
let north: string;
let south: string;
let fb: string;
let southPlanner: SeededUser;
let noPayroll: SeededUser;
const ACCOUNTS = { '4100': 'revenue', '5100': 'costOfSales', '6100': 'payrollAndRelated', '7200': 'utilities' };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

beforeAll(async () => {
  t = await seedTenant(host);
  other = await seedTenant(host);
  owner = t.users.owner.token;
  [north, south] = t.propertyIds as [string, string];
  fb = t.departmentIds[north]![1]!;
  const admin = t.users.admin.token;
  await sendAndWait(host, admin, await createIntegration(host, admin, { propertyId: north, sourceType: 'rms' }), {
    records: [
      { id: 'F1', date: '2027-03-01', rooms: 80, adr: 150 },
      { id: 'F2', date: '2027-03-02', rooms: 80, adr: 150 },
    ],
  });
  await sendAndWait(host, admin, await createIntegration(host, admin, { propertyId: north, sourceType: 'ams', mappings: { departments: {}, accounts: ACCOUNTS } }), {
    records: [
      { id: 'A1', period: '2027-03', account: '4100', department: 'FB', amount: 31000, kind: 'forecast' },
      { id: 'A2', period: '2027-03', account: '5100', department: 'FB', amount: 9300, kind: 'forecast' },
      { id: 'A3', period: '2027-03', account: '6100', department: 'FB', amount: 12400, kind: 'forecast' },
      { id: 'A4', period: '2027-03', account: '6100', department: 'ROOMS', amount: 4000, kind: 'forecast' },
      { id: 'A5', period: '2027-03', account: '7200', amount: 3100, kind: 'forecast' },
    ],
  });
  await sendAndWait(host, admin, await createIntegration(host, admin, { propertyId: north, sourceType: 'pms' }), { records: [{ id: 'P1', date: '2027-03-01', roomsAvailable: 100, roomsSold: 70, roomRevenue: 9800, guests: 120 }] });
  const planners = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Planners', permissions: ['planning.read', 'planning.submit', 'payroll.read'] } });
  southPlanner = await createUser(host, t.slug, owner, { email: `south@${t.slug}.example`, roles: [{ roleId: planners.json.id, scope: { all: false, propertyIds: [south] } }] });
  const readers = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Planners without payroll', permissions: ['planning.read', 'planning.submit'] } });
  noPayroll = await createUser(host, t.slug, owner, { email: `nopay@${t.slug}.example`, roles: [{ roleId: readers.json.id, scope: { all: true } }] });
});

const create = (token: string, body: object) => host.request('POST', '/api/v1/planning/scenarios', { token, body });
const patch = (id: string, etag: string, body: object, token = owner) => host.request('PATCH', `/api/v1/planning/scenarios/${id}`, { token, body, headers: { 'if-match': etag } });
const march = (s: Json) => s.months.find((m: Json) => m.period === '2027-03');
const dept = (period: Json, id: string) => period.departments.find((d: Json) => d.departmentId === id);

/** What reports answer and what the pipeline stored: a scenario must change none of it. */
async function reportsAndData() {
  const q = `propertyId=${north}&from=2027-01-01&to=2027-12-31`;
  const rp = await host.request('GET', `/api/v1/reports/revenue-productivity?${q}&granularity=month`, { token: owner });
  const pnl = await host.request('GET', `/api/v1/reports/profit-loss?${q}&granularity=year&compare=forecast,budget`, { token: owner });
  const stored: string[] = [];
  for (const container of ['facts', 'aggregates'] as const) {
    const items = await host.app.store.collection(container, t.tenantId).all<{ id: string; _etag?: string }>('SELECT c.id, c._etag FROM c');
    stored.push(...items.map((i) => `${container}/${i.id}/${i._etag}`));
  }
  expect([rp.status, pnl.status]).toEqual([200, 200]);
  const { meta: _rm, ...rpBody } = rp.json;
  const { meta: _pm, ...pnlBody } = pnl.json;
  return { rp: rpBody, pnl: pnlBody, stored: stored.sort() };
}

describe('what-if scenarios through HTTP', () => {
  let id: string;
  let etag: string;
  let before: Awaited<ReturnType<typeof reportsAndData>>;

  it("copies the forecast as reports see it: the baseline's revenue and GOP equal the P&L's forecast", async () => {
    before = await reportsAndData();
    const res = await create(owner, { propertyId: north, year: 2027, name: 'Busy March' });
    expect(res.status).toBe(201);
    id = res.json.id;
    etag = res.headers.get('etag') as string;
    expect(res.headers.get('location')).toBe(`/api/v1/planning/scenarios/${id}`);
    expect(res.json.source).toMatchObject({ series: 'forecast', versionId: null, label: 'forecast series' });
    expect(res.json.months).toHaveLength(12);
    const m = march(res.json);
    expect(m.baseline).toEqual(m.scenario);
    expect(m.baseline).toMatchObject({ revenue: 55000, roomsRevenue: 24000, roomsSold: 160, roomsAvailable: 3100, adr: 150, paidHours: 80, labourCost: 16400, gop: 26200 });
    const pnl = (before.pnl as Json).properties[0].total.lines;
    const line = (key: string) => pnl.find((l: Json) => l.key === key).forecast;
    expect(res.json.year.baseline).toMatchObject({ revenue: line('revenue.total'), gop: line('gop'), roomsAvailable: 36500, roomsSold: line('stats.roomsSold') });
    expect(line('gop')).toBe(26200);
    const drivers = res.json.drivers.baseline.find((d: Json) => d.period === '2027-03');
    expect(drivers.occupancy).toBeCloseTo(160 / 3100, 10);
    expect(drivers.adr).toBe(150);
    expect(drivers.departments.find((d: Json) => d.departmentId === fb)).toEqual({ departmentId: fb, covers: 0, revenuePerCover: null, standard: 0.3, wageRate: null, fixedHours: 0 });
  });

  it('changes drivers (If-Match) and shows the projection beside the baseline', async () => {
    const stale = etag;
    // Occupancy 10 % in March → 310 rooms at 150 = 46,500; ROOMS 155 h at 50 = 7,750. GOP 77,500 − 7,750 − 21,700 − 3,100 = 44,950.
    const first = await patch(id, etag, { name: 'Busier March', changes: [{ driver: 'occupancy', month: '2027-03', set: 0.1 }] });
    expect(first.status).toBe(200);
    expect(first.json.name).toBe('Busier March');
    expect(march(first.json).scenario).toMatchObject({ revenue: 77500, roomsSold: 310, roomsRevenue: 46500, paidHours: 155, labourCost: 20150, gop: 44950 });
    expect(march(first.json).baseline.gop).toBe(26200);
    etag = first.headers.get('etag') as string;
    expect((await patch(id, stale, { changes: [{ driver: 'adr', changePct: 10 }] })).status).toBe(412);
    // FB: 1,000 covers at 35 = 35,000 (cost of sales 30 % = 10,500); 1,000 × 0.3 = 300 h at 20 = 6,000.
    // Revenue 81,500; hours 455; GOP 81,500 − 7,750 − 16,500 − 3,100 = 54,150; RevPOLU 81,500 ÷ 455.
    const second = await patch(id, etag, {
      changes: [
        { driver: 'covers', month: '2027-03', departmentId: fb, set: 1000 },
        { driver: 'revenuePerCover', month: '2027-03', departmentId: fb, set: 35 },
        { driver: 'wageRate', departmentId: fb, set: 20 },
      ],
    });
    expect(second.status).toBe(200);
    etag = second.headers.get('etag') as string;
    const m = march(second.json);
    expect(m.scenario).toMatchObject({ revenue: 81500, paidHours: 455, labourCost: 13750, gop: 54150, revPOLU: 179.1209, productivity: 179.1209 });
    expect(dept(m, fb).scenario).toEqual({ departmentId: fb, revenue: 35000, covers: 1000, paidHours: 300, labourCost: 6000, productivity: 3.3333 });
    expect(second.json.year.scenario).toMatchObject({ revenue: 81500, gop: 54150, roomsSold: 310 });
    const read = await host.request('GET', `/api/v1/planning/scenarios/${id}`, { token: owner });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(etag);
    expect(read.json).toEqual(second.json);
  });

  it('refuses bad changes with a 400 naming the field', async () => {
    const cases: Array<[object, string]> = [
      [{ changes: [{ driver: 'occupancy', set: 1.2 }] }, 'body.changes.0.set'],
      [{ changes: [{ driver: 'adr', departmentId: fb, set: 100 }] }, 'body.changes.0.departmentId'],
      [{ changes: [{ driver: 'covers', set: 1, changePct: 2 }] }, 'body.changes.0.set'],
      [{ changes: [{ driver: 'covers', month: '2026-03', set: 1 }] }, 'body.changes.0.month'],
      [{ changes: [{ driver: 'covers', departmentId: t.departmentIds[south]![0], set: 1 }] }, 'body.changes.0.departmentId'],
      [{ changes: [{ driver: 'occupancy', changePct: 1000 }] }, 'body.changes'],
      [{ colour: 'red' }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await patch(id, etag, body);
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.json.errors.map((e: Json) => e.field)).toContain(field);
    }
    const noForecast = await create(owner, { propertyId: north, year: 2030, name: 'Nothing' });
    expect(noForecast.status).toBe(400);
    expect(noForecast.json.errors[0].field).toBe('body.year');
  });

  it('lists and compares scenarios', async () => {
    const second = await create(owner, { propertyId: north, year: 2027, name: 'Plain' });
    expect(second.status).toBe(201);
    const list = await host.request('GET', `/api/v1/planning/scenarios?propertyId=${north}&year=2027`, { token: owner });
    expect(list.status).toBe(200);
    expect(list.json.items.map((s: Json) => s.name)).toEqual(['Plain', 'Busier March']);
    const compared = await host.request('GET', `/api/v1/planning/scenarios/compare?ids=${id},${second.json.id}`, { token: owner });
    expect(compared.status).toBe(200);
    expect(compared.json.scenarios.map((s: Json) => s.year.scenario.gop)).toEqual([54150, 26200]);
    expect((await host.request('GET', `/api/v1/planning/scenarios/compare?ids=${id},a,b,c`, { token: owner })).status).toBe(400);
    expect((await host.request('GET', `/api/v1/planning/scenarios/compare?ids=${id},no-such`, { token: owner })).status).toBe(404);
  });

  it('needs planning permissions over the property, and payroll.read for labour cost, wage rates and GOP', async () => {
    const endUser = t.users.endUser.token;
    expect((await create(endUser, { propertyId: north, year: 2027, name: 'x' })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/planning/scenarios/${id}`, { token: endUser })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/planning/scenarios?propertyId=${north}&year=2027`, { token: endUser })).status).toBe(403);
    // Scoped to South: North's scenarios are out of scope.
    expect((await create(southPlanner.token, { propertyId: north, year: 2027, name: 'x' })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/planning/scenarios/${id}`, { token: southPlanner.token })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/planning/scenarios/compare?ids=${id}`, { token: southPlanner.token })).status).toBe(403);
    expect((await patch(id, etag, { name: 'Mine' }, southPlanner.token)).status).toBe(403);
    expect((await host.request('DELETE', `/api/v1/planning/scenarios/${id}`, { token: southPlanner.token, headers: { 'if-match': etag } })).status).toBe(403);
    const hidden = await host.request('GET', `/api/v1/planning/scenarios/${id}`, { token: noPayroll.token });
    expect(hidden.status).toBe(200);
    expect(hidden.json.payrollVisible).toBe(false);
    expect(hidden.text).not.toMatch(/labourCost|wageRate|"gop/);
    expect(march(hidden.json).scenario.revenue).toBe(81500);
    expect((await patch(id, etag, { changes: [{ driver: 'wageRate', set: 1 }] }, noPayroll.token)).status).toBe(403);
    // Another tenant's scenario and property are not found.
    expect((await host.request('GET', `/api/v1/planning/scenarios/${id}`, { token: other.users.owner.token })).status).toBe(404);
    expect((await create(other.users.owner.token, { propertyId: north, year: 2027, name: 'x' })).status).toBe(404);
    expect((await host.request('GET', `/api/v1/planning/scenarios?propertyId=${north}&year=2027`, { token: other.users.owner.token })).status).toBe(404);
  });

  it('deletes (If-Match), audits every change, and leaves actuals, forecasts and reports as they were', async () => {
    expect((await host.request('DELETE', `/api/v1/planning/scenarios/${id}`, { token: owner, headers: { 'if-match': '"stale"' } })).status).toBe(412);
    expect((await host.request('DELETE', `/api/v1/planning/scenarios/${id}`, { token: owner, headers: { 'if-match': etag } })).status).toBe(204);
    expect((await host.request('GET', `/api/v1/planning/scenarios/${id}`, { token: owner })).status).toBe(404);
    await host.app.broker?.idle();
    for (const [action, count] of [['planning.scenario_created', 1], ['planning.scenario_updated', 2], ['planning.scenario_deleted', 1]] as const) {
      const audit = await host.request('GET', `/api/v1/audit?action=${action}`, { token: owner });
      expect([action, audit.json.items.filter((e: Json) => e.target?.id === id).length]).toEqual([action, count]);
    }
    expect(await reportsAndData()).toEqual(before);
  });

  it('records the approved forecast version it copied, whose figures it holds', async () => {
    // A forecast version for South, 2027: FB revenue 20,000 in April (the template's month columns start at the fourth).
    const csv = (await host.request('GET', `/api/v1/planning/templates/forecast?propertyId=${south}&year=2027&format=csv`, { token: owner })).text;
    const rows = csv.trim().split('\r\n').map((line) => line.split(','));
    const fbRevenue = rows.find((cells) => cells[0] === 'FB' && cells[2] === 'revenue') as string[];
    fbRevenue[6] = '20000';
    const uploaded = await host.request('POST', `/api/v1/planning/versions?propertyId=${south}&year=2027&kind=forecast`, { token: t.users.admin.token, rawBody: rows.map((cells) => cells.join(',')).join('\r\n') + '\r\n', headers: { 'content-type': 'text/csv' } });
    expect(uploaded.status).toBe(201);
    const version = uploaded.json.id as string;
    for (const [token, action] of [[t.users.admin.token, 'submit'], [owner, 'approve']] as const) {
      const current = await host.request('GET', `/api/v1/planning/versions/${version}`, { token: owner });
      expect((await host.request('POST', `/api/v1/planning/versions/${version}/${action}`, { token, headers: { 'if-match': current.headers.get('etag') ?? '' } })).status).toBe(200);
    }
    await host.app.broker?.idle();
    const approved = await host.request('GET', `/api/v1/planning/versions/${version}`, { token: owner });
    const res = await create(owner, { propertyId: south, year: 2027, name: 'From the approved forecast' });
    expect(res.status).toBe(201);
    expect(res.json.source).toMatchObject({ series: 'forecast', versionId: version, label: `forecast version ${uploaded.json.number}` });
    const southFb = t.departmentIds[south]![1]!;
    expect(dept(res.json.months.find((m: Json) => m.period === '2027-04'), southFb).baseline.revenue).toBe(20000);
    // Changing and deleting the scenario leaves the approved version as it was.
    const changed = await patch(res.json.id, res.headers.get('etag') as string, { changes: [{ driver: 'revenuePerCover', set: 40 }, { driver: 'covers', set: 900 }] });
    expect(dept(changed.json.months.find((m: Json) => m.period === '2027-04'), southFb).scenario.revenue).toBe(36000);
    expect((await host.request('DELETE', `/api/v1/planning/scenarios/${res.json.id}`, { token: owner, headers: { 'if-match': changed.headers.get('etag') as string } })).status).toBe(204);
    const after = await host.request('GET', `/api/v1/planning/versions/${version}`, { token: owner });
    expect([after.headers.get('etag'), after.json]).toEqual([approved.headers.get('etag'), approved.json]);
  });
});
