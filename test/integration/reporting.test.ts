import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, seedTenant, type SeededTenant, type SeededUser } from '../support/identity.js';
import { createIntegration, sendAndWait, type CreatedIntegration } from './integrations-helpers.js';

/*
 * Property p0 ("North Hotel", Vienna, 100 rooms; ROOMS driver roomsSold 0.5 h/room, FB driver covers
 * 0.3 h/cover), data sent through the real signed webhooks:
 *   PMS   2026-03-14: 80 sold, €12,000 · 2026-03-15: 60 sold, €9,000 · 2025-03-14: 70 sold, €9,800
 *   POS   FB 2026-03-14: €3,000, 150 covers · 2026-03-15: €2,000, 100 covers
 *   TMS   ROOMS 03-14: 40 h (€1,000) · FB 03-14: 30 + 2 h (€800) · FB 03-15: 40 h (€1,000)
 *   AMS   actual 03-15: FB revenue €5,000, FB cost of sales €1,500, utilities €300 · budget 03-15: FB revenue €4,000
 */

const host = useTestHost();
let t: SeededTenant;
let other: SeededTenant;
let owner: string;
let p0: string;
let p1: string;
let rooms: string;
let fb: string;
let controller: SeededUser;
let pos: CreatedIntegration;

const RANGE = 'from=2026-03-14&to=2026-03-15';

beforeAll(async () => {
  t = await seedTenant(host);
  other = await seedTenant(host);
  owner = t.users.owner.token;
  [p0, p1] = t.propertyIds as [string, string];
  [rooms, fb] = t.departmentIds[p0] as [string, string];
  const admin = t.users.admin.token;
  const integration = (sourceType: string, extra: Record<string, unknown> = {}) => createIntegration(host, admin, { propertyId: p0, sourceType, ...extra });
  await sendAndWait(host, admin, await integration('pms'), {
    records: [
      { id: 'D-0314', date: '2026-03-14', roomsAvailable: 100, outOfOrder: 2, roomsSold: 80, complimentary: 3, roomRevenue: 12000, guests: 130 },
      { id: 'D-0315', date: '2026-03-15', roomsAvailable: 100, roomsSold: 60, roomRevenue: 9000, guests: 100 },
      { id: 'D-LY-0314', date: '2025-03-14', roomsAvailable: 100, roomsSold: 70, roomRevenue: 9800, guests: 120 },
    ],
  });
  pos = await integration('pos');
  await sendAndWait(host, admin, pos, {
    records: [
      { id: 'P1', businessDate: '2026-03-14', outlet: 'FB', netRevenue: 3000, covers: 150 },
      { id: 'P2', businessDate: '2026-03-15', outlet: 'FB', netRevenue: 2000, covers: 100 },
    ],
  });
  await sendAndWait(host, admin, await integration('tms'), {
    records: [
      { id: 'T1', employeeNumber: 'E-1', department: 'ROOMS', date: '2026-03-14', productiveHours: 40, labourCost: 1000 },
      { id: 'T2', employeeNumber: 'E-2', department: 'FB', date: '2026-03-14', productiveHours: 30, nonProductiveHours: 2, labourCost: 800 },
      { id: 'T3', employeeNumber: 'E-2', department: 'FB', date: '2026-03-15', productiveHours: 40, labourCost: 1000 },
    ],
  });
  await sendAndWait(host, admin, await integration('ams', { mappings: { departments: {}, accounts: { '4100': 'revenue', '5100': 'costOfSales', '7200': 'utilities' } } }), {
    records: [
      { id: 'A1', date: '2026-03-15', account: '4100', department: 'FB', amount: 5000, kind: 'actual' },
      { id: 'A2', date: '2026-03-15', account: '5100', department: 'FB', amount: 1500, kind: 'actual' },
      { id: 'A3', date: '2026-03-15', account: '7200', amount: 300, kind: 'actual' },
      { id: 'B1', date: '2026-03-15', account: '4100', department: 'FB', amount: 4000, kind: 'budget' },
    ],
  });
  const role = await host.request('POST', '/api/v1/roles', { token: owner, body: { name: 'Controller without payroll', permissions: ['reports.pnl.read', 'reports.rp.read'] } });
  if (role.status !== 201) throw new Error(`role: ${role.status} ${role.text}`);
  controller = await createUser(host, t.slug, owner, { email: `controller@${t.slug}.example`, roles: [{ roleId: role.json.id, scope: { all: false, propertyIds: [p0] } }] });
});

const rp = (token: string, query: string, headers: Record<string, string> = {}) => host.request('GET', `/api/v1/reports/revenue-productivity?${query}`, { token, headers });
const pnl = (token: string, query: string, headers: Record<string, string> = {}) => host.request('GET', `/api/v1/reports/profit-loss?${query}`, { token, headers });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const row = (period: any, departmentId: string) => period.departments.find((d: { departmentId: string }) => d.departmentId === departmentId);

describe('Revenue & Productivity over HTTP', () => {
  it('computes the KPIs from imported data, against budget and last year, with caching headers', async () => {
    const res = await rp(owner, `propertyId=${p0}&${RANGE}&granularity=day&compare=budget,lastYear`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(res.json.payrollVisible).toBe(true);
    // The property with its departments, the aggregates, its locked months and its planning versions in force.
    expect(res.json.meta.storeReads).toBe(4);
    expect(res.headers.get('x-store-reads')).toBe('4');
    expect(res.json.meta.lockedPeriods).toEqual({});
    const [d14, d15] = res.json.properties[0].periods;
    expect(res.json.properties[0].currency).toBe('EUR');
    expect(d14.key).toBe('2026-03-14');
    expect(d14.total.actual).toMatchObject({ revenue: 15000, paidHours: 72, labourCost: 1800, labourCostPct: 12, revPOLU: 208.3333, hpor: 0.9, earnedHours: 85, productivityIndex: 1.2143, hoursVariance: -15 });
    expect(row(d14, rooms).actual).toMatchObject({ output: 80, earnedHours: 40, productivityIndex: 1, productivityTotal: 2 });
    expect(row(d14, fb).actual).toMatchObject({ revenue: 3000, covers: 150, coversPerLabourHour: 4.6875, earnedHours: 45, productivityIndex: 1.5, hoursVariance: -15 });
    expect(d14.total.lastYear).toMatchObject({ revenue: 9800, roomsSold: 70 });
    expect(d14.total.variance.lastYear).toMatchObject({ revenue: 5200, roomsSold: 10 });
    // The month-end AMS revenue is not added to the POS revenue; the budget comes from the AMS.
    expect(d15.total.actual.revenue).toBe(11000);
    expect(d15.total.budget.revenue).toBe(4000);
    expect(d15.total.variance.budget.revenue).toBe(7000);
    expect(row(d15, fb).actual.hoursVariance).toBe(10);
    expect(res.json.properties[0].total.total.actual.revenue).toBe(26000);
    expect(res.text).not.toMatch(/NaN|Infinity/);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await rp(owner, `propertyId=${p0}&${RANGE}`);
    const again = await rp(owner, `propertyId=${p0}&${RANGE}`, { 'if-none-match': first.headers.get('etag') as string });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('serves CSV with a header row and units', async () => {
    const res = await rp(owner, `propertyId=${p0}&${RANGE}&granularity=week`, { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = res.text.trim().split('\r\n');
    expect(header).toContain('revenue (EUR)');
    expect(header).toContain('labour cost (EUR)');
    expect(header).toContain('paid hours (h)');
    expect(rows.some((r) => r.startsWith('North Hotel,EUR,2026-W11,2026-03-14,2026-03-15,,Property total,actual,26000,'))).toBe(true);
  });

  it('omits labour cost for a caller without payroll.read (end-user role)', async () => {
    const res = await rp(t.users.endUser.token, `propertyId=${p0}&${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.json.payrollVisible).toBe(false);
    expect(res.text).not.toMatch(/"labourCost(Pct)?"/);
    expect(res.json.properties[0].periods[0].total.actual.revenue).toBe(15000);
    const csv = await rp(t.users.endUser.token, `propertyId=${p0}&${RANGE}`, { accept: 'text/csv' });
    expect(csv.text.split('\r\n')[0]).not.toContain('labour cost');
  });

  it('limits properties to the caller’s scope: all = covered ones, explicit out-of-scope 403, other tenant 404', async () => {
    const all = await rp(controller.token, `propertyId=all&${RANGE}`);
    expect(all.status).toBe(200);
    expect(all.json.properties.map((p: { propertyId: string }) => p.propertyId)).toEqual([p0]);
    expect((await rp(controller.token, `propertyId=${p1}&${RANGE}`)).status).toBe(403);
    expect((await rp(controller.token, `propertyId=${other.propertyIds[0]}&${RANGE}`)).status).toBe(404);
    expect((await rp(owner, `propertyId=${other.propertyIds[0]}&${RANGE}`)).status).toBe(404);
    const ownerAll = await rp(owner, `propertyId=all&${RANGE}&compare=`);
    expect(ownerAll.json.properties.map((p: { propertyId: string }) => p.propertyId).sort()).toEqual([p0, p1].sort());
    // p1 has no data at all: zeros and null ratios, never NaN.
    const empty = ownerAll.json.properties.find((p: { propertyId: string }) => p.propertyId === p1);
    expect(empty.total.total.actual).toMatchObject({ revenue: 0, paidHours: 0, productivityTotal: null, hpor: null, labourCostPct: null, dataDays: 0 });
    expect(ownerAll.text).not.toMatch(/NaN|Infinity/);
  });

  it('filters by department and rejects bad parameters with 400', async () => {
    const res = await rp(owner, `propertyId=${p0}&${RANGE}&departmentId=${fb}`);
    expect(res.json.properties[0].periods[0].departments.map((d: { code: string }) => d.code)).toEqual(['FB']);
    const empty = await rp(owner, `propertyId=${p0}&${RANGE}&departmentId=`);
    expect(empty.json.properties[0].periods[0].departments.map((d: { code: string }) => d.code)).toEqual(['FB', 'ROOMS']);
    expect((await rp(owner, `propertyId=${p0}&${RANGE}&departmentId=${t.departmentIds[p1]![0]}`)).status).toBe(404);
    expect((await rp(owner, `propertyId=${p0}&from=2026-02-30&to=2026-03-01`)).status).toBe(400);
    expect((await rp(owner, `propertyId=${p0}&from=2026-03-15&to=2026-03-14`)).status).toBe(400);
    expect((await rp(owner, `propertyId=${p0}&${RANGE}&compare=budget,nextYear`)).status).toBe(400);
    expect((await rp(owner, `propertyId=${p0}&${RANGE}&granularity=hour`)).status).toBe(400);
    expect((await rp(owner, `propertyId=${p0}&from=2020-01-01&to=2026-01-01`)).status).toBe(400);
  });

  it('audits each view as report.viewed', async () => {
    await rp(t.users.endUser.token, `propertyId=${p0}&${RANGE}`);
    await host.app.broker!.idle();
    const audit = await host.request('GET', '/api/v1/audit?action=report.viewed', { token: owner });
    expect(audit.status).toBe(200);
    expect(audit.json.items.some((i: { actor: { id: string }; details?: Record<string, unknown> }) => i.actor.id === t.users.endUser.id && i.details?.propertyId === p0)).toBe(true);
  });
});

describe('Profit & loss over HTTP', () => {
  it('builds the USALI statement from ledger and PMS data, against the budget', async () => {
    const res = await pnl(owner, `propertyId=${p0}&${RANGE}&granularity=month&compare=budget`);
    expect(res.status).toBe(200);
    const lines = new Map<string, { actual: number | null; budget: number | null; variance: { budget: { amount: number | null; pct: number | null } } }>(
      res.json.properties[0].periods[0].lines.map((l: { key: string }) => [l.key, l]),
    );
    const v = (k: string) => lines.get(k)?.actual;
    expect(v('stats.roomsAvailable')).toBe(200);
    expect(v('stats.roomsSold')).toBe(140);
    expect(v('stats.occupancy')).toBe(70);
    expect(v('stats.adr')).toBe(150);
    expect(v('stats.revpar')).toBe(105);
    expect(v('revenue.rooms')).toBe(21000);
    expect(v('revenue.foodAndBeverage')).toBe(5000);
    expect(v('revenue.total')).toBe(26000);
    expect(v('expenses.foodAndBeverage.costOfSales')).toBe(1500);
    expect(v('undistributed.utilities')).toBe(300);
    expect(v('gop')).toBe(24200);
    expect(v('stats.goppar')).toBe(121);
    expect(lines.get('revenue.total')?.budget).toBe(4000);
    expect(lines.get('revenue.total')?.variance.budget).toEqual({ amount: 22000, pct: 550 });
    expect(lines.has('expenses.foodAndBeverage.payrollAndRelated')).toBe(true);
  });

  it('hides payroll lines without payroll.read, and needs reports.pnl.read', async () => {
    const res = await pnl(controller.token, `propertyId=${p0}&${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.json.payrollVisible).toBe(false);
    expect(res.text).not.toContain('payrollAndRelated');
    expect((await pnl(t.users.endUser.token, `propertyId=${p0}&${RANGE}`)).status).toBe(403);
    expect((await pnl(controller.token, `propertyId=${p1}&${RANGE}`)).status).toBe(403);
  });

  it('serves CSV', async () => {
    const res = await pnl(owner, `propertyId=${p0}&${RANGE}&compare=budget`, { accept: 'text/csv' });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.text.split('\r\n')[0]).toBe('property,currency,period,from,to,section,line,unit,actual,budget,budget variance,budget variance (%)');
    expect(res.text).toContain('North Hotel,EUR,2026-03,2026-03-14,2026-03-15,grossOperatingProfit,Gross operating profit,EUR,24200,4000,20200,505');
  });
});

describe('corrections and the daily close', () => {
  it('a re-import that corrects a past day changes the report and its ETag', async () => {
    const before = await rp(owner, `propertyId=${p0}&${RANGE}&granularity=day`);
    await sendAndWait(host, t.users.admin.token, pos, { records: [{ id: 'P2', businessDate: '2026-03-15', outlet: 'FB', netRevenue: 2500, covers: 100 }] });
    const after = await rp(owner, `propertyId=${p0}&${RANGE}&granularity=day`);
    expect(after.json.properties[0].periods[1].total.actual.revenue).toBe(11500);
    expect(after.json.properties[0].periods[0].total.actual.revenue).toBe(15000);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    const stale = await rp(owner, `propertyId=${p0}&${RANGE}&granularity=day`, { 'if-none-match': before.headers.get('etag') as string });
    expect(stale.status).toBe(200);
  });

  it('closes the previous business day in each property’s own time zone, once', async () => {
    const created = await host.request('POST', '/api/v1/properties', { token: owner, body: { name: 'Harbour Auckland', timezone: 'Pacific/Auckland', currency: 'NZD', roomsAvailable: 40 } });
    expect(created.status).toBe(201);
    const auckland = created.json.id as string;
    // 18:30 UTC on 15 March: 07:30 on the 16th in Auckland (closes the 15th), 19:30 on the 15th in Vienna (closes the 14th).
    const now = new Date('2026-03-15T18:30:00Z');
    const first = await host.app.reporting.dailyClose(now);
    expect(first.closed).toEqual(expect.arrayContaining([{ tenantId: t.tenantId, propertyId: auckland, date: '2026-03-15' }, { tenantId: t.tenantId, propertyId: p0, date: '2026-03-14' }]));
    const second = await host.app.reporting.dailyClose(now);
    expect(second.closed.filter((c) => c.tenantId === t.tenantId)).toEqual([]);
    expect(second.alreadyClosed).toBeGreaterThanOrEqual(3);
    // 05:30 in Vienna on the 16th: before the default close hour (6), so the 15th stays open.
    const early = new Date('2026-03-16T04:30:00Z');
    const notYet = await host.app.reporting.dailyClose(early);
    expect(notYet.closed.some((c) => c.propertyId === p0)).toBe(false);
  });

  it('stores a digest with yesterday’s KPIs vs budget, departments over their hours and late sources', async () => {
    const close = new Date('2026-03-16T06:30:00Z');
    await host.app.reporting.dailyClose(close);
    const res = await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${p0}&date=2026-03-15`, { token: owner });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ propertyId: p0, date: '2026-03-15', currency: 'EUR', recomputed: true, lateSources: [] });
    expect(res.json.total.actual).toMatchObject({ revenue: 11500, labourCost: 1000 });
    expect(res.json.total.budget.revenue).toBe(4000);
    expect(res.json.overHours).toEqual([{ departmentId: fb, code: 'FB', name: 'Food & Beverage', productiveHours: 40, earnedHours: 30, overBy: 10 }]);
    const hidden = await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${p0}&date=2026-03-15`, { token: t.users.endUser.token });
    expect(hidden.status).toBe(200);
    expect(hidden.text).not.toMatch(/"labourCost(Pct)?"/);

    const next = new Date('2026-03-17T06:30:00Z');
    await host.app.reporting.dailyClose(next);
    const silent = await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${p0}&date=2026-03-16`, { token: owner });
    expect(silent.json.lateSources).toEqual(['ams', 'pms', 'pos', 'tms']);
    expect((await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${p0}&date=2026-03-20`, { token: owner })).status).toBe(404);
    expect((await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${p1}&date=2026-03-15`, { token: controller.token })).status).toBe(403);
  });

  it('asks the integrations service for late integrations through its system port, with no user behind the close', async () => {
    // 11:00 in Vienna on 25 March 2026: past the expected hour, and none of p0's integrations delivered that day.
    const now = new Date('2026-03-25T10:00:00Z');
    expect((await host.app.integrations.lateSources(t.tenantId, p0, now)).sort()).toEqual(['ams', 'pms', 'pos', 'tms']);
    expect(await host.app.integrations.lateSources(t.tenantId, p1, now)).toEqual([]);
    await host.app.reporting.dailyClose(now);
    // The week before the 24th holds no data, so every late source in the digest came through the port.
    const digest = await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${p0}&date=2026-03-24`, { token: owner });
    expect(digest.json.lateSources).toEqual(['ams', 'pms', 'pos', 'tms']);
    expect((await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${p1}&date=2026-03-24`, { token: owner })).json.lateSources).toEqual([]);
  });

  it('runs as the registered timer on the real clock, at most one digest per property and day', async () => {
    await host.scheduler.trigger('reportsDailyClose');
    await host.scheduler.trigger('reportsDailyClose');
    const digests = await host.app.store
      .collection('aggregates', t.tenantId)
      .all<{ id: string; propertyId: string; date: string }>("SELECT c.id, c.propertyId, c.date FROM c WHERE c.type = 'dailyDigest' AND c.date > '2026-04-01'");
    const perProperty = new Map<string, number>();
    for (const d of digests) perProperty.set(d.propertyId, (perProperty.get(d.propertyId) ?? 0) + 1);
    expect([...perProperty.values()].every((n) => n === 1)).toBe(true);
    for (const d of digests) expect(d.id).toBe(`digest:${d.propertyId}:${d.date}`);
  });

  it('documents the report routes in the OpenAPI document', async () => {
    const doc = await host.request('GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/reports/revenue-productivity', '/reports/profit-loss', '/reports/daily-digest'].map((p) => expect.stringContaining(p))));
  });
});
