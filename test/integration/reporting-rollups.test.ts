import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestHost, type TestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration, itemsOf, sendAndWait, type CreatedIntegration } from './integrations-helpers.js';
import { rebuildRollups } from '../../shared/integrations/rollup.js';

/*
 * Issue 16 item 3: month, quarter and year reports read the monthly rollups, which the imports keep
 * up to date on the same write path as the daily aggregates. Every report here is asked twice
 * through HTTP — from the rollups (read=auto) and from the daily aggregates (read=days) — and must
 * come out identical, before and after a correction and a deletion, under both sources of record for
 * rooms revenue, spreading by rooms available and both last-year alignments.
 */

let host: TestHost;
let t: SeededTenant;
let owner: string;
let admin: string;
let hotel: string;
const feeds: Record<string, CreatedIntegration> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const day = (base: string, offset: number) => new Date(Date.parse(`${base}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

/** Source data over 20 Jan – 10 Apr of 2025 and 2026, every few days, with figures that vary by day. */
function bodies(year: number) {
  const base = `${year}-01-20`;
  const pms = [];
  const pos = [];
  const tms = [];
  for (let o = 0; o < 81; o++) {
    const date = day(base, o);
    if (o % 2 === 0) pms.push({ id: `PMS-${date}`, date, roomsAvailable: 120, roomsSold: 60 + (o % 50), roomRevenue: 7000 + o * 13.37, guests: 100 + o, outOfOrder: o % 4 });
    if (o % 3 !== 1) pos.push({ id: `POS-${date}`, businessDate: date, outlet: 'FB', netRevenue: 900 + o * 7.11, covers: 30 + (o % 17) });
    if (o % 5 === 0) pos.push({ id: `POSR-${date}`, businessDate: date, outlet: 'ROOMS', netRevenue: 120.5 + o });
    if (o % 3 === 0) tms.push({ id: `T-${date}`, employeeNumber: `E${o % 7}`, department: o % 2 ? 'HK' : 'FB', date, productiveHours: 7.5 + (o % 3), nonProductiveHours: o % 2, labourCost: 180.25 + o });
  }
  return { pms, pos, tms };
}

beforeAll(async () => {
  host = await startTestHost();
  t = await seedTenant(host);
  owner = t.users.owner.token;
  admin = t.users.admin.token;
  const created = await host.request('POST', '/api/v1/properties', { token: owner, body: { name: 'Rollup Hotel', timezone: 'UTC', currency: 'EUR', roomsAvailable: 120 } });
  if (created.status !== 201) throw new Error(`property: ${created.status} ${created.text}`);
  hotel = created.json.id;
  for (const d of [
    { code: 'ROOMS', name: 'Rooms', usaliDepartment: 'rooms', driver: 'roomsSold', standardHoursPerUnit: 0.2 },
    { code: 'HK', name: 'Housekeeping', usaliDepartment: 'rooms', driver: 'roomsSold', standardHoursPerUnit: 0.4 },
    { code: 'FB', name: 'Restaurant', usaliDepartment: 'fnb', driver: 'covers', standardHoursPerUnit: 0.3 },
    { code: 'AG', name: 'Administrative & General', usaliDepartment: 'admin_general', driver: 'none', standardHoursPerUnit: null },
  ]) {
    const res = await host.request('POST', `/api/v1/properties/${hotel}/departments`, { token: owner, body: d });
    if (res.status !== 201) throw new Error(`department: ${res.status} ${res.text}`);
  }
  const integration = async (sourceType: string, extra: Record<string, unknown> = {}) => (feeds[sourceType] = await createIntegration(host, admin, { propertyId: hotel, sourceType, ...extra }));
  await integration('pms');
  await integration('pos');
  await integration('tms');
  await integration('rms');
  await integration('trs');
  await integration('ams', { mappings: { departments: {}, accounts: { '4000': 'revenue', '5000': 'payrollAndRelated', '7000': 'otherExpenses' } } });
  const send = async (type: string, body: object) => {
    const imp = await sendAndWait(host, admin, feeds[type] as CreatedIntegration, body);
    if (imp.status !== 'accepted') throw new Error(`import ${type}: ${JSON.stringify(imp)}`);
  };
  for (const year of [2025, 2026]) {
    const b = bodies(year);
    await send('pms', { records: b.pms });
    await send('pos', { records: b.pos });
    await send('tms', { records: b.tms });
  }
  await send('rms', { records: Array.from({ length: 20 }, (_, i) => ({ id: `F-${i}`, date: day('2026-02-20', i * 2), rooms: 70 + i, roomRevenue: 8000 + i * 101.01 })) });
  await send('trs', {
    records: [
      { id: 'R-1', date: '2026-02-14', outlet: 'FB', covers: 4, status: 'confirmed' },
      { id: 'R-2', date: '2026-03-31', outlet: 'FB', covers: 2, status: 'noShow' },
      { id: 'R-3', date: '2025-02-14', outlet: 'FB', covers: 6, status: 'completed' },
    ],
  });
  await send('ams', {
    records: [
      { id: 'GL-REBATE', date: '2026-02-10', account: '4000', department: 'ROOMS', amount: -300, kind: 'actual' },
      { id: 'GL-ROOMS-03', period: '2026-03', account: '4000', department: 'ROOMS', amount: 250000.01, kind: 'actual' },
      { id: 'BU-FB-02', period: '2026-02', account: '4000', department: 'FB', amount: 28000, kind: 'budget' },
      { id: 'BU-FB-03', period: '2026-03', account: '4000', department: 'FB', amount: 61000, kind: 'budget' },
      { id: 'BU-FBP-03', period: '2026-03', account: '5000', department: 'FB', amount: 18000.03, kind: 'budget' },
      { id: 'BU-AG-03', period: '2026-03', account: '7000', department: 'AG', amount: 3100, kind: 'budget' },
      { id: 'FC-ROOMS-0305', date: '2026-03-05', account: '4000', department: 'ROOMS', amount: 2000, kind: 'forecast' },
      { id: 'FC-FB-0405', date: '2026-04-05', account: '4000', department: 'FB', amount: 1300, kind: 'forecast' },
    ],
  });
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

async function report(path: string, query: string): Promise<Json> {
  const res = await host.request('GET', `/api/v1/reports/${path}?propertyId=${hotel}&${query}`, { token: owner });
  expect(res.status).toBe(200);
  return res.json;
}

/** The same report from the rollups and from the daily aggregates: equal, and the rollups read fewer items. */
async function bothWays(path: string, query: string): Promise<{ rolled: Json; days: Json }> {
  const rolled = await report(path, `${query}&read=auto`);
  const days = await report(path, `${query}&read=days`);
  expect(rolled.meta.aggregatesFrom).toBe('monthlyRollups');
  expect(days.meta.aggregatesFrom).toBe('dailyAggregates');
  expect(rolled.properties).toEqual(days.properties);
  expect(rolled.meta.aggregateItems).toBeLessThan(days.meta.aggregateItems);
  return { rolled, days };
}

async function setSettings(settings: Record<string, unknown>): Promise<void> {
  const current = await host.request('GET', `/api/v1/properties/${hotel}`, { token: owner });
  const res = await host.request('PATCH', `/api/v1/properties/${hotel}`, { token: owner, headers: { 'if-match': current.headers.get('etag') as string }, body: { settings } });
  expect(res.status).toBe(200);
}

const RANGE = 'from=2026-01-25&to=2026-04-05';

async function everyReportBothWays(): Promise<void> {
  for (const alignment of ['calendar', 'weekday']) await bothWays('revenue-productivity', `${RANGE}&granularity=month&lastYearAlignment=${alignment}`);
  for (const granularity of ['quarter', 'year']) await bothWays('revenue-productivity', `${RANGE}&granularity=${granularity}`);
  for (const granularity of ['month', 'quarter', 'year']) await bothWays('profit-loss', `${RANGE}&granularity=${granularity}`);
}

describe('rollups: month, quarter and year reports equal the day-level computation', () => {
  it('R&P and the P&L at month, quarter and year, with every comparison', async () => {
    await everyReportBothWays();
    const { rolled } = await bothWays('revenue-productivity', `${RANGE}&granularity=month`);
    // Not vacuous: the months carry actuals, budgets spread from monthly postings, forecasts and last year.
    const feb = rolled.properties[0].periods.find((p: Json) => p.key === '2026-02');
    expect(feb.total.actual.revenue).toBeGreaterThan(0);
    expect(feb.total.budget.revenue).toBe(28000);
    expect(feb.total.lastYear.revenue).toBeGreaterThan(0);
    expect(rolled.properties[0].total.total.forecast.revenue).toBeGreaterThan(0);
  });

  it('under the AMS as source of record for rooms revenue and spreading by rooms available', async () => {
    await setSettings({ roomsRevenueSource: 'ams', monthlySpread: 'roomsAvailable' });
    try {
      await everyReportBothWays();
    } finally {
      await setSettings({ roomsRevenueSource: 'pms', monthlySpread: 'even' });
    }
  });

  it('the day-granularity report (streamed) sums to the month report, figure by additive figure', async () => {
    const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${hotel}&${RANGE}&granularity=day`, { token: owner });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    // Streamed, and still cacheable: the ETag is the hash of the whole body.
    const { createHash } = await import('node:crypto');
    expect(res.headers.get('etag')).toBe(`"${createHash('sha256').update(res.text).digest('base64url').slice(0, 32)}"`);
    const again = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${hotel}&${RANGE}&granularity=day`, { token: owner, headers: { 'if-none-match': res.headers.get('etag') as string } });
    expect(again.status).toBe(304);
    const daily = res.json.properties[0];
    const monthly = (await report('revenue-productivity', `${RANGE}&granularity=month`)).properties[0];
    expect(daily.periods).toHaveLength(71);
    for (const month of monthly.periods) {
      const days = daily.periods.filter((p: Json) => p.key.startsWith(month.key));
      for (const series of ['actual', 'budget', 'forecast', 'lastYear']) {
        for (const figure of ['revenue', 'covers', 'productiveHours', 'nonProductiveHours', 'labourCost', 'roomsSold']) {
          const sum = days.reduce((s: number, p: Json) => s + (p.total[series][figure] ?? 0), 0);
          expect(Math.round(sum * 100) / 100).toBeCloseTo(month.total[series][figure] ?? 0, 2);
        }
      }
    }
  });

  it('a correction and a deletion flow into the rollups; a second delivery changes nothing', async () => {
    const before = (await report('revenue-productivity', `${RANGE}&granularity=month&compare=`)).properties[0];
    const feb = (p: Json) => p.periods.find((x: Json) => x.key === '2026-02');
    const fb = (period: Json) => period.departments.find((d: Json) => d.code === 'FB');
    // POS of 2026-02-10 (offset 21: 900 + 21 × 7.11 = 1,049.31) corrected to 5,000; POS of 2026-02-12 (offset 23: 1,063.53)
    // and PMS of 2026-02-13 (offset 24: 84 rooms sold) deleted.
    const body = {
      records: [
        { id: 'POS-2026-02-10', businessDate: '2026-02-10', outlet: 'FB', netRevenue: 5000, covers: 38 },
        { id: 'POS-2026-02-12', deleted: true },
        { id: 'PMS-2026-02-13', deleted: true },
      ],
    };
    const feedsPos = feeds.pos as CreatedIntegration;
    await sendAndWait(host, admin, feedsPos, { records: body.records.slice(0, 2) });
    await sendAndWait(host, admin, feeds.pms as CreatedIntegration, { records: body.records.slice(2) });
    const after = (await report('revenue-productivity', `${RANGE}&granularity=month&compare=`)).properties[0];
    expect(fb(feb(after)).actual.revenue).toBeCloseTo(fb(feb(before)).actual.revenue - 1049.31 + 5000 - 1063.53, 2);
    expect(feb(after).total.actual.roomsSold).toBe(feb(before).total.actual.roomsSold - 84);
    await everyReportBothWays();

    const rollups = async () => (await itemsOf<Json>(host, 'aggregates', t.tenantId, 'monthlyRollup')).map(({ _etag, computedAt, ...r }) => ({ ...r, etag: _etag, computedAt }));
    const settled = await rollups();
    expect(settled.length).toBeGreaterThan(0);
    await sendAndWait(host, admin, feedsPos, { records: body.records.slice(0, 2) });
    expect(await rollups()).toEqual(settled);
  });

  it('aggregates without rollups (written before rollups existed) get them from the rebuild, the same as the imports wrote', async () => {
    const strip = (items: Json[]) => items.map(({ _etag, _ts, computedAt: _c, ...r }) => r).sort((a: Json, b: Json) => a.id.localeCompare(b.id));
    const written = strip(await itemsOf<Json>(host, 'aggregates', t.tenantId, 'monthlyRollup'));
    const col = host.app.store.collection('aggregates', t.tenantId);
    for (const r of written) await col.scoped(r.propertyId).delete(r.id);
    const empty = await report('revenue-productivity', `${RANGE}&granularity=month&compare=`);
    expect(empty.meta.aggregateItems).toBeLessThan(10);
    expect(empty.properties[0].total.total.actual.revenue).toBe(0);
    const months = ['2025-01', '2025-02', '2025-03', '2025-04', '2026-01', '2026-02', '2026-03', '2026-04'];
    const counts = await rebuildRollups(host.app.store, t.tenantId, hotel, months, { parallelRequests: 4 });
    expect(counts.writes).toBe(written.length);
    expect(strip(await itemsOf<Json>(host, 'aggregates', t.tenantId, 'monthlyRollup'))).toEqual(written);
    await everyReportBothWays();
  });
});
