import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration, sendAndWait } from './integrations-helpers.js';
import { SpreadWeights } from '../../shared/planning/spread-weights.js';
import { spreadMonth, type SpreadMethod, type SpreadTarget } from '../../shared/planning/spreading.js';
import { addDays, daysBetween } from '../../shared/reporting/periods.js';
import type { Item } from '../../shared/platform/cosmos/store.js';

/*
 * Property p0 ("North Hotel", 100 rooms; departments ROOMS and FB), data pushed through the signed
 * webhooks and the import pipeline (facts → aggregates), one month per method:
 *   2026-11 (30 days) PMS actual 1–10: 80 available (5 out of order, which stay in) · on the books 11–15: 90
 *                     available · 16–30 nothing (the room count, 100) · an on-the-books 999 on the 1st loses to the actual
 *   2027-04 (30 days) RMS forecast 1–20: 50 rooms · PMS on the books 21–30: 25 sold (and 5 on the 1st, which the forecast beats)
 *   2027-03 (31 days) last year = 2026-03-02 … 2026-04-01 (364 days back): POS FB revenue 200 on Fridays and
 *                     Saturdays, 100 on other days · PMS actual room revenue 300 on 2026-03-02
 *   2028-02 (29 days) FRS FB: 5 covers on the 1st, 4 + 4 + 2 on the 14th (and a cancelled 6), 5 on the 29th
 */

const host = useTestHost();
let t: SeededTenant;
let other: SeededTenant;
let p0: string;
let p1: string;
let rooms: string;
let fb: string;
let source: SpreadWeights;

const dd = (n: number) => String(n).padStart(2, '0');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const target = (period: string, extra: Partial<SpreadTarget> = {}): SpreadTarget => ({ tenantId: t.tenantId, propertyId: p0, period, measure: 'revenue', ...extra });
const weights = (period: string, method: SpreadMethod, extra: Partial<SpreadTarget> = {}) => source.weights(target(period, extra), method);
const total = (days: Array<{ amount: number }>) => Math.round(days.reduce((s, d) => s + d.amount * 100, 0)) / 100;
/** The shares of a spread, by day of the month. */
const byDay = (days: Array<{ date: string; amount: number }>) => Object.fromEntries(days.map((d) => [Number(d.date.slice(8)), d.amount]));

beforeAll(async () => {
  t = await seedTenant(host);
  other = await seedTenant(host);
  [p0, p1] = t.propertyIds as [string, string];
  [rooms, fb] = t.departmentIds[p0] as [string, string];
  source = new SpreadWeights(host.app.reporting.reader);
  const admin = t.users.admin.token;
  const integration = (sourceType: string) => createIntegration(host, admin, { propertyId: p0, sourceType });
  await sendAndWait(host, admin, await integration('pms'), {
    records: [
      ...range(1, 10).map((d) => ({ id: `A-2026-11-${dd(d)}`, date: `2026-11-${dd(d)}`, kind: 'actual', roomsAvailable: 80, outOfOrder: 5, roomsSold: 50, roomRevenue: 5000 })),
      { id: 'OTB-2026-11-01', date: '2026-11-01', kind: 'onTheBooks', roomsAvailable: 999, roomsSold: 1, roomRevenue: 100 },
      ...range(11, 15).map((d) => ({ id: `OTB-2026-11-${dd(d)}`, date: `2026-11-${dd(d)}`, kind: 'onTheBooks', roomsAvailable: 90, roomsSold: 40, roomRevenue: 4000 })),
      { id: 'OTB-2027-04-01', date: '2027-04-01', kind: 'onTheBooks', roomsAvailable: 100, roomsSold: 5, roomRevenue: 500 },
      ...range(21, 30).map((d) => ({ id: `OTB-2027-04-${dd(d)}`, date: `2027-04-${dd(d)}`, kind: 'onTheBooks', roomsAvailable: 100, roomsSold: 25, roomRevenue: 2500 })),
      { id: 'A-2026-03-02', date: '2026-03-02', kind: 'actual', roomsAvailable: 100, roomsSold: 3, roomRevenue: 300 },
    ],
  });
  await sendAndWait(host, admin, await integration('rms'), {
    records: range(1, 20).map((d) => ({ id: `F-2027-04-${dd(d)}`, date: `2027-04-${dd(d)}`, rooms: 50, adr: 100 })),
  });
  const lastYearDays = Array.from({ length: daysBetween('2026-03-02', '2026-04-01') }, (_, i) => addDays('2026-03-02', i));
  await sendAndWait(host, admin, await integration('pos'), {
    records: lastYearDays.map((date) => {
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      return { id: `P-${date}`, businessDate: date, outlet: 'FB', netRevenue: weekday === 5 || weekday === 6 ? 200 : 100, covers: 10 };
    }),
  });
  await sendAndWait(host, admin, await integration('frs'), {
    records: [
      { id: 'R1', date: '2028-02-01', outlet: 'FB', covers: 5, status: 'confirmed' },
      { id: 'R2', date: '2028-02-14', outlet: 'FB', covers: 4, status: 'confirmed' },
      { id: 'R3', date: '2028-02-14', outlet: 'FB', covers: 4, status: 'confirmed' },
      { id: 'R4', date: '2028-02-14', outlet: 'FB', covers: 2, status: 'confirmed' },
      { id: 'R5', date: '2028-02-14', outlet: 'FB', covers: 6, status: 'cancelled' },
      { id: 'R6', date: '2028-02-29', outlet: 'FB', covers: 5, status: 'seated' },
    ],
  });
});

describe('spreading weights from the aggregates', () => {
  it('even: one per day of a 30-day month; 100.00 → 3.34 on the first 10 days, 3.33 on the other 20', async () => {
    const w = await weights('2027-09', 'even');
    expect(w).toEqual(new Array(30).fill(1));
    const days = spreadMonth(100, '2027-09', w);
    expect(days.map((d) => d.amount)).toEqual([...new Array(10).fill(3.34), ...new Array(20).fill(3.33)]);
    expect(total(days)).toBe(100);
  });

  it('roomsAvailable: actual statistics, else on the books, else the room count (30-day month)', async () => {
    const w = await weights('2026-11', 'roomsAvailable');
    // Out-of-order rooms stay in rooms available (the property's default); the actual beats the on-the-books 999.
    expect(w).toEqual([...new Array(10).fill(80), ...new Array(5).fill(90), ...new Array(15).fill(100)]);
    // 1,000.00 ÷ 2,750 room-days: 80 → 29.0909, 90 → 32.7272, 100 → 36.3636; the 10 cents floored away
    // go to the largest fractions: days 11–15 (.7272), then the first five 100-days (.3636), 16–20.
    const days = spreadMonth(1000, '2026-11', w);
    const share = byDay(days);
    for (const d of range(1, 10)) expect(share[d]).toBe(29.09);
    for (const d of range(11, 15)) expect(share[d]).toBe(32.73);
    for (const d of range(16, 20)) expect(share[d]).toBe(36.37);
    for (const d of range(21, 30)) expect(share[d]).toBe(36.36);
    expect(total(days)).toBe(1000);
  });

  it('roomsAvailable of a property without statistics: its room count every day, so even', async () => {
    expect(await source.weights({ ...target('2027-01'), propertyId: p1 }, 'roomsAvailable')).toEqual(new Array(31).fill(150));
  });

  it('roomNights: the RMS forecast, else rooms on the books; a negative amount mirrors the positive one', async () => {
    const w = await weights('2027-04', 'roomNights');
    expect(w).toEqual([...new Array(20).fill(50), ...new Array(10).fill(25)]);
    // 999.99 ÷ 1,250 room nights: 50 → 39.9996 (fraction .96 of a cent), 25 → 19.9998 (.98): the 29 cents
    // left go to days 21–30 first, then to days 1–19; day 20 keeps 39.99.
    const days = spreadMonth(999.99, '2027-04', w);
    const share = byDay(days);
    for (const d of range(1, 19)) expect(share[d]).toBe(40);
    expect(share[20]).toBe(39.99);
    for (const d of range(21, 30)) expect(share[d]).toBe(20);
    expect(total(days)).toBe(999.99);
    const negative = spreadMonth(-999.99, '2027-04', w);
    expect(negative.map((d) => d.amount)).toEqual(days.map((d) => -d.amount));
    expect(total(negative)).toBe(-999.99);
  });

  it('roomNights takes the rooms sold of a forecast from any source, the on-the-books rooms on a forecast day without rooms', async () => {
    // An approved forecast version leaves forecast aggregates whose source is the version, not the RMS
    // (its rooms sold line, or 0 rooms when it plans money only): written here as the pipeline writes them.
    const aggregates = host.app.store.collection<Item & Record<string, unknown>>('aggregates', t.tenantId);
    const rms = await aggregates.scoped(p0).read(`agg:${p0}:2027-04-01:_property:forecast`);
    expect(rms).toMatchObject({ roomsSold: 50, sources: { rms: 1 } });
    const { _etag: _e, _ts: _t, ...base } = rms as Item & Record<string, unknown>;
    const planned = (date: string, roomsSold: number) => ({ ...base, id: `agg:${p0}:${date}:_property:forecast`, date, roomsSold, roomRevenue: 0, sources: { planning: 1 } });
    await aggregates.upsert(planned('2027-05-01', 60));
    await aggregates.upsert(planned('2027-05-02', 0));
    await sendAndWait(host, t.users.admin.token, await createIntegration(host, t.users.admin.token, { propertyId: p0, sourceType: 'pms' }), {
      records: [{ id: 'OTB-2027-05-02', date: '2027-05-02', kind: 'onTheBooks', roomsAvailable: 100, roomsSold: 20, roomRevenue: 2000 }],
    });
    expect(await weights('2027-05', 'roomNights')).toEqual([60, 20, ...new Array(29).fill(0)]);
  });

  it('lastYear: the department’s actual days 364 days back, so Fridays and Saturdays stay heavy (31-day month)', async () => {
    const w = await weights('2027-03', 'lastYear', { departmentId: fb, measure: 'revenue' });
    const weekend = [5, 6, 12, 13, 19, 20, 26, 27];
    expect(w).toEqual(range(1, 31).map((d) => (weekend.includes(d) ? 200 : 100)));
    // 10,000.00 ÷ 3,900: 100 → 256.410256 (.0256 of a cent), 200 → 512.820512 (.0512); one cent left,
    // to the largest fraction, the earliest weekend day: 5 March.
    const days = spreadMonth(10_000, '2027-03', w);
    const share = byDay(days);
    expect(share[5]).toBe(512.83);
    for (const d of weekend.slice(1)) expect(share[d]).toBe(512.82);
    for (const d of range(1, 31).filter((x) => !weekend.includes(x))) expect(share[d]).toBe(256.41);
    expect(total(days)).toBe(10_000);
  });

  it('lastYear reads the measure at its level: rooms revenue adds the PMS room revenue, the property total both', async () => {
    const fbPattern = range(1, 31).map((d) => ([5, 6, 12, 13, 19, 20, 26, 27].includes(d) ? 200 : 100));
    expect(await weights('2027-03', 'lastYear', { departmentId: rooms, measure: 'usali.revenue' })).toEqual([300, ...new Array(30).fill(0)]);
    expect(await weights('2027-03', 'lastYear', { measure: 'revenue' })).toEqual([400, ...fbPattern.slice(1)]);
    expect(await weights('2027-03', 'lastYear', { departmentId: fb, measure: 'covers' })).toEqual(new Array(31).fill(10));
    expect(await weights('2027-03', 'lastYear', { measure: 'roomsSold' })).toEqual([3, ...new Array(30).fill(0)]);
  });

  it('lastYear of a property without departments: its revenue is the PMS room revenue; an unknown department has none', async () => {
    const created = await host.request('POST', '/api/v1/properties', {
      token: t.users.owner.token,
      body: { name: 'Rooms-only Hotel', timezone: 'Europe/Vienna', currency: 'EUR', roomsAvailable: 20 },
    });
    expect(created.status).toBe(201);
    const hotel = created.json.id as string;
    await sendAndWait(host, t.users.admin.token, await createIntegration(host, t.users.admin.token, { propertyId: hotel, sourceType: 'pms' }), {
      records: [{ id: 'A-2026-03-03', date: '2026-03-03', kind: 'actual', roomsAvailable: 20, roomsSold: 10, roomRevenue: 900 }],
    });
    expect(await source.weights({ ...target('2027-03'), propertyId: hotel }, 'lastYear')).toEqual([0, 900, ...new Array(29).fill(0)]);
    expect(await source.weights({ ...target('2027-03', { departmentId: fb }), propertyId: hotel }, 'lastYear')).toEqual(new Array(31).fill(0));
  });

  it('covers: covers of the reservations held, cancellations left out (February of a leap year)', async () => {
    const w = await weights('2028-02', 'covers', { departmentId: fb });
    expect(w).toEqual(range(1, 29).map((d) => (d === 1 ? 5 : d === 14 ? 10 : d === 29 ? 5 : 0)));
    // 1,000.01 ÷ 20 covers: 250.0025 on the 1st and the 29th (.25 of a cent), 500.005 on the 14th (.5): the cent left goes to the 14th.
    const days = spreadMonth(1000.01, '2028-02', w);
    expect(days).toHaveLength(29);
    expect(days.at(-1)?.date).toBe('2028-02-29');
    const share = byDay(days);
    expect([share[1], share[14], share[29]]).toEqual([250, 500.01, 250]);
    expect(total(days)).toBe(1000.01);
    // A property-level figure takes the covers of every F&B department.
    expect(await weights('2028-02', 'covers')).toEqual(w);
  });

  it('covers takes a day’s forecast covers where a forecast has them, the booked covers elsewhere', async () => {
    await sendAndWait(host, t.users.admin.token, await createIntegration(host, t.users.admin.token, { propertyId: p0, sourceType: 'trs' }), {
      records: [
        { id: 'R-0303', date: '2028-03-03', outlet: 'FB', covers: 8, status: 'confirmed' },
        { id: 'R-0305', date: '2028-03-05', outlet: 'FB', covers: 6, status: 'confirmed' },
      ],
    });
    // An approved forecast version's covers line, as the pipeline writes its department aggregates.
    const aggregates = host.app.store.collection<Item & Record<string, unknown>>('aggregates', t.tenantId);
    const booked = await aggregates.scoped(p0).read(`agg:${p0}:2028-03-03:${fb}:onTheBooks`);
    expect(booked).toMatchObject({ reservedCovers: 8 });
    const { _etag: _e, _ts: _t, ...base } = booked as Item & Record<string, unknown>;
    const forecast = (date: string, covers: number) => ({ ...base, id: `agg:${p0}:${date}:${fb}:forecast`, date, scenario: 'forecast', covers, reservations: 0, reservedCovers: 0, sources: { planning: 1 } });
    await aggregates.upsert(forecast('2028-03-03', 30));
    await aggregates.upsert(forecast('2028-03-04', 12));
    expect(await weights('2028-03', 'covers', { departmentId: fb })).toEqual([0, 0, 30, 12, 6, ...new Array(26).fill(0)]);
  });

  it('a method without data for the month answers zeros, and the month is spread evenly (leap February: 29 days)', async () => {
    const w = await weights('2028-02', 'covers', { departmentId: rooms });
    expect(w).toEqual(new Array(29).fill(0));
    // 1,000.01 ÷ 29 = 34.4831: 34.48 a day and 9 cents left, one each on the first 9 days.
    const days = spreadMonth(1000.01, '2028-02', w);
    expect(days.map((d) => d.amount)).toEqual([...new Array(9).fill(34.49), ...new Array(20).fill(34.48)]);
    expect(total(days)).toBe(1000.01);
    expect(await weights('2027-06', 'roomNights')).toEqual(new Array(30).fill(0));
    expect(await weights('2027-06', 'lastYear', { departmentId: fb })).toEqual(new Array(30).fill(0));
    // A ratio (a KPI target) has no daily actuals to lend a pattern.
    expect(await weights('2027-03', 'lastYear', { departmentId: fb, measure: 'productivity' })).toEqual(new Array(31).fill(0));
  });

  it('weighs many figures at once (one read per property-month), each as weights() weighs it alone', async () => {
    const requests: Array<{ target: SpreadTarget; method: SpreadMethod }> = [
      { target: target('2027-03', { departmentId: fb }), method: 'lastYear' },
      { target: target('2027-03', { departmentId: rooms }), method: 'lastYear' },
      { target: target('2027-04'), method: 'roomNights' },
      { target: target('2027-03', { departmentId: fb }), method: 'covers' },
      { target: target('2026-11'), method: 'roomsAvailable' },
      { target: target('2027-09'), method: 'even' },
    ];
    const many = await source.weightsOfMany(requests);
    expect(many).toEqual(await Promise.all(requests.map(({ target: x, method }) => source.weights(x, method))));
    expect(many[2]).toEqual([...new Array(20).fill(50), ...new Array(10).fill(25)]);
    await expect(source.weightsOfMany([{ target: target('2027-00'), method: 'even' }])).rejects.toThrow(RangeError);
  });

  it('reads only the tenant’s own aggregates', async () => {
    const foreign = { tenantId: other.tenantId, propertyId: p0, period: '2027-04', measure: 'revenue' };
    expect(await source.weights(foreign, 'roomNights')).toEqual(new Array(30).fill(0));
    expect(await source.weights({ ...foreign, period: '2026-11' }, 'roomsAvailable')).toEqual(new Array(30).fill(0));
  });

  it('roomsAvailable leaves out-of-order rooms out when the property takes them out of rooms available', async () => {
    const got = await host.request('GET', `/api/v1/properties/${p0}`, { token: t.users.admin.token });
    const patched = await host.request('PATCH', `/api/v1/properties/${p0}`, {
      token: t.users.admin.token,
      headers: { 'if-match': got.headers.get('etag') as string },
      body: { settings: { excludeOutOfOrderFromAvailable: true } },
    });
    expect(patched.status).toBe(200);
    expect(await weights('2026-11', 'roomsAvailable')).toEqual([...new Array(10).fill(75), ...new Array(5).fill(90), ...new Array(15).fill(100)]);
  });

  it('an approved budget version spread by last year reaches the daily R&P budget as hand-computed', async () => {
    const admin = t.users.admin.token;
    const owner = t.users.owner.token;
    const template = await host.request('GET', `/api/v1/planning/templates/budget?propertyId=${p0}&year=2027&format=csv`, { token: admin });
    expect(template.status).toBe(200);
    // The FB revenue row, March (the template's fourth month column is index 3 + 2).
    const csv = template.text
      .trim()
      .split('\r\n')
      .map((line) => {
        const cells = line.split(',');
        if (cells[0] !== 'FB' || cells[2] !== 'revenue') return line;
        cells[5] = '10000';
        return cells.join(',');
      })
      .join('\r\n');
    const uploaded = await host.request('POST', `/api/v1/planning/versions?propertyId=${p0}&year=2027&kind=budget&spread=lastYear&filename=budget.csv`, {
      token: admin,
      rawBody: `${csv}\r\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.json).toMatchObject({ status: 'draft', spread: 'lastYear', issues: [] });
    const step = async (token: string, action: string) => {
      const current = await host.request('GET', `/api/v1/planning/versions/${uploaded.json.id}`, { token });
      return host.request('POST', `/api/v1/planning/versions/${uploaded.json.id}/${action}`, { token, headers: { 'if-match': current.headers.get('etag') ?? '' } });
    };
    expect((await step(admin, 'submit')).status).toBe(200);
    expect((await step(owner, 'approve')).status).toBe(200);
    const rp = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${p0}&from=2027-03-01&to=2027-03-31&granularity=day&compare=budget`, { token: owner });
    expect(rp.status).toBe(200);
    const budget: number[] = rp.json.properties[0].periods.map((period: { departments: Array<{ departmentId: string; budget?: { revenue: number } }> }) => period.departments.find((d) => d.departmentId === fb)?.budget?.revenue);
    const weekend = [5, 6, 12, 13, 19, 20, 26, 27];
    expect(budget).toEqual(range(1, 31).map((d) => (d === 5 ? 512.83 : weekend.includes(d) ? 512.82 : 256.41)));
  });

  it('rejects a period that is not YYYY-MM', async () => {
    await expect(weights('2027-13', 'even')).rejects.toThrow(RangeError);
    await expect(weights('2027-3', 'roomNights')).rejects.toThrow(RangeError);
  });
});
