import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration, sendAndWait } from './integrations-helpers.js';

/*
 * Issue 14 items 11-15, recomputed by hand the way a hotel group's finance controller does, with data
 * sent through the signed webhooks of property "Controller Hotel" (UTC, 150 rooms):
 *   PMS actual   2026-03-01: 150 sold, €18,250.20 · 03-02: 140, €17,100.40 · 03-03: 160, €19,500.00
 *                → 450 rooms, €54,850.60
 *   AMS actual   03-02: ROOMS revenue −€500 (a rebate)
 *   RMS forecast 2026-04-01: 150 rooms, €18,000 · 04-02: 145, €17,400 · 04-03: 150, €18,275 → 445, €53,675
 *   AMS forecast 04-02: ROOMS revenue €20,000, FB revenue €13,000
 *   AMS budget   period 2026-05: FB revenue €31,000, A&G other expenses €3,100
 *   POS          03-02: FB €1,500, 50 covers
 *   TRS          03-02: confirmed 4 covers, completed 2, cancelled 2, no-show 3; 2027-01-10: confirmed 6
 */

const host = useTestHost();
let t: SeededTenant;
let owner: string;
let admin: string;
let hotel: string;
const dept: Record<string, string> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

beforeAll(async () => {
  t = await seedTenant(host);
  owner = t.users.owner.token;
  admin = t.users.admin.token;
  const created = await host.request('POST', '/api/v1/properties', { token: owner, body: { name: 'Controller Hotel', timezone: 'UTC', currency: 'EUR', roomsAvailable: 150 } });
  if (created.status !== 201) throw new Error(`property: ${created.status} ${created.text}`);
  hotel = created.json.id;
  for (const d of [
    { code: 'ROOMS', name: 'Rooms', usaliDepartment: 'rooms', driver: 'roomsSold', standardHoursPerUnit: 0.5 },
    { code: 'FB', name: 'Restaurant', usaliDepartment: 'fnb', driver: 'covers', standardHoursPerUnit: 0.3 },
    { code: 'AG', name: 'Administrative & General', usaliDepartment: 'admin_general', driver: 'none', standardHoursPerUnit: null },
  ]) {
    const res = await host.request('POST', `/api/v1/properties/${hotel}/departments`, { token: owner, body: d });
    if (res.status !== 201) throw new Error(`department: ${res.status} ${res.text}`);
    dept[d.code] = res.json.id;
  }
  const integration = (sourceType: string, extra: Record<string, unknown> = {}) => createIntegration(host, admin, { propertyId: hotel, sourceType, ...extra });
  const imports = [
    [
      await integration('pms'),
      {
        records: [
          { id: 'D-0301', date: '2026-03-01', roomsAvailable: 150, roomsSold: 150, roomRevenue: 18250.2, guests: 240 },
          { id: 'D-0302', date: '2026-03-02', roomsAvailable: 150, roomsSold: 140, roomRevenue: 17100.4, guests: 220 },
          { id: 'D-0303', date: '2026-03-03', roomsAvailable: 150, roomsSold: 160, roomRevenue: 19500, guests: 250 },
        ],
      },
    ],
    [
      await integration('rms'),
      {
        records: [
          { id: 'F-0401', date: '2026-04-01', rooms: 150, roomRevenue: 18000 },
          { id: 'F-0402', date: '2026-04-02', rooms: 145, roomRevenue: 17400 },
          { id: 'F-0403', date: '2026-04-03', rooms: 150, roomRevenue: 18275 },
        ],
      },
    ],
    [
      await integration('ams', { mappings: { departments: {}, accounts: { '4000': 'revenue', '7000': 'otherExpenses' } } }),
      {
        records: [
          { id: 'GL-0302-REBATE', date: '2026-03-02', account: '4000', department: 'ROOMS', amount: -500, kind: 'actual' },
          { id: 'FC-0402-ROOMS', date: '2026-04-02', account: '4000', department: 'ROOMS', amount: 20000, kind: 'forecast' },
          { id: 'FC-0402-FB', date: '2026-04-02', account: '4000', department: 'FB', amount: 13000, kind: 'forecast' },
          { id: 'BU-2026-05-FB', period: '2026-05', account: '4000', department: 'FB', amount: 31000, kind: 'budget' },
          { id: 'BU-2026-05-AG', period: '2026-05', account: '7000', department: 'AG', amount: 3100, kind: 'budget' },
        ],
      },
    ],
    [await integration('pos'), { records: [{ id: 'P-0302', businessDate: '2026-03-02', outlet: 'FB', netRevenue: 1500, covers: 50 }] }],
    [
      await integration('trs'),
      {
        records: [
          { id: 'R-1', date: '2026-03-02', outlet: 'FB', covers: 4, status: 'confirmed' },
          { id: 'R-2', date: '2026-03-02', outlet: 'FB', covers: 2, status: 'completed' },
          { id: 'R-3', date: '2026-03-02', outlet: 'FB', covers: 2, status: 'cancelled' },
          { id: 'R-4', date: '2026-03-02', outlet: 'FB', covers: 3, status: 'noShow' },
          { id: 'R-5', date: '2027-01-10', outlet: 'FB', covers: 6, status: 'confirmed' },
        ],
      },
    ],
  ] as const;
  for (const [integ, body] of imports) {
    const imp = await sendAndWait(host, admin, integ, body);
    if (imp.status !== 'accepted') throw new Error(`import: ${JSON.stringify(imp)}`);
  }
});

const rp = async (query: string): Promise<Json> => {
  const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${hotel}&${query}`, { token: owner });
  expect(res.status).toBe(200);
  return res.json.properties[0];
};
const pnl = async (query: string): Promise<Map<string, Json>> => {
  const res = await host.request('GET', `/api/v1/reports/profit-loss?propertyId=${hotel}&${query}`, { token: owner });
  expect(res.status).toBe(200);
  return new Map(res.json.properties[0].total.lines.map((l: { key: string }) => [l.key, l]));
};
const row = (period: Json, code: string) => period.departments.find((d: { code: string }) => d.code === code);

async function setRoomsRevenueSource(source: 'pms' | 'ams'): Promise<void> {
  const current = await host.request('GET', `/api/v1/properties/${hotel}`, { token: owner });
  const res = await host.request('PATCH', `/api/v1/properties/${hotel}`, { token: owner, headers: { 'if-match': current.headers.get('etag') as string }, body: { settings: { roomsRevenueSource: source } } });
  expect(res.status).toBe(200);
  expect(res.json.settings.roomsRevenueSource).toBe(source);
}

describe('rooms revenue: one rule, day by day, in R&P and the P&L (items 11, 12)', () => {
  it('an AMS adjustment of −500 adds to the PMS €54,850.60 instead of replacing it (source of record: PMS, the default)', async () => {
    const lines = await pnl('from=2026-03-01&to=2026-03-03&compare=');
    expect(lines.get('stats.roomsSold').actual).toBe(450);
    expect(lines.get('revenue.rooms').actual).toBe(54350.6);
    // 54,350.60 ÷ 450 = 120.7791 (before: −500 ÷ 450 = −1.11)
    expect(lines.get('stats.adr').actual).toBe(120.78);
    const r = await rp('from=2026-03-01&to=2026-03-03&granularity=month&compare=');
    // R&P counts the same rooms revenue (plus the restaurant's €1,500).
    expect(r.total.total.actual.revenue).toBe(54350.6 + 1500);
    expect(lines.get('revenue.total').actual).toBe(54350.6 + 1500);
  });

  it('a forecast: RMS €53,675 for three days plus the AMS rooms forecast as an adjustment; R&P and P&L agree', async () => {
    const lines = await pnl('from=2026-04-01&to=2026-04-03&compare=forecast');
    expect(lines.get('stats.roomsSold').forecast).toBe(445);
    // 53,675 + 20,000 = 73,675; ADR 73,675 ÷ 445 = 165.5618 (before: 20,000 ÷ 445 = 44.94)
    expect(lines.get('revenue.rooms').forecast).toBe(73675);
    expect(lines.get('stats.adr').forecast).toBe(165.56);
    expect(lines.get('revenue.total').forecast).toBe(86675);
    const r = await rp('from=2026-04-01&to=2026-04-03&granularity=month&compare=forecast');
    expect(r.total.total.forecast.revenue).toBe(86675);
  });

  it('with the AMS as source of record, a day with AMS postings takes them and the other days keep the PMS/RMS figure', async () => {
    await setRoomsRevenueSource('ams');
    try {
      const actual = await pnl('from=2026-03-01&to=2026-03-03&compare=');
      // 18,250.20 + (−500 on 2 March) + 19,500.00 = 37,250.20; ADR ÷ 450 = 82.7782
      expect(actual.get('revenue.rooms').actual).toBe(37250.2);
      expect(actual.get('stats.adr').actual).toBe(82.78);
      const forecast = await pnl('from=2026-04-01&to=2026-04-03&compare=forecast');
      // 18,000 + 20,000 (AMS on 2 April) + 18,275 = 56,275; ADR ÷ 445 = 126.4607
      expect(forecast.get('revenue.rooms').forecast).toBe(56275);
      expect(forecast.get('stats.adr').forecast).toBe(126.46);
      const r = await rp('from=2026-04-01&to=2026-04-03&granularity=month&compare=forecast');
      expect(r.total.total.forecast.revenue).toBe(56275 + 13000);
      expect(forecast.get('revenue.total').forecast).toBe(56275 + 13000);
    } finally {
      await setRoomsRevenueSource('pms');
    }
  });

  it('refuses an unknown source of record with a 400 naming the field', async () => {
    const current = await host.request('GET', `/api/v1/properties/${hotel}`, { token: owner });
    const res = await host.request('PATCH', `/api/v1/properties/${hotel}`, { token: owner, headers: { 'if-match': current.headers.get('etag') as string }, body: { settings: { roomsRevenueSource: 'excel' } } });
    expect(res.status).toBe(400);
    expect(res.text).toContain('roomsRevenueSource');
  });
});

describe('monthly figures are spread over their month (item 13)', () => {
  it('a budget sent for May shows its share in a range without the month-end', async () => {
    const r = await rp('from=2026-05-01&to=2026-05-10&granularity=month&compare=budget');
    // €31,000 ÷ 31 days = €1,000 a day.
    expect(row(r.total, 'FB').budget.revenue).toBe(10000);
    const lines = await pnl('from=2026-05-01&to=2026-05-10&compare=budget');
    expect(lines.get('revenue.foodAndBeverage').budget).toBe(10000);
    expect(lines.get('undistributed.administrativeAndGeneral').budget).toBe(1000);
    const whole = await pnl('from=2026-05-01&to=2026-05-31&compare=budget');
    expect(whole.get('revenue.foodAndBeverage').budget).toBe(31000);
  });
});

describe('reservations next to covers (item 14) and departments with only their own volumes (item 15)', () => {
  it('shows covers booked, cancellations and no-shows beside actual covers on the F&B row', async () => {
    const r = await rp('from=2026-03-02&to=2026-03-02&granularity=day&compare=');
    const day = r.periods[0];
    expect(row(day, 'FB').actual).toMatchObject({ covers: 50, reservations: 2, coversBooked: 6, cancellations: 1, noShows: 1 });
    expect(day.total.actual).toMatchObject({ reservations: 2, coversBooked: 6, cancellations: 1, noShows: 1, roomsSold: 140, guests: 220 });
    expect(row(day, 'ROOMS').actual).toMatchObject({ roomsSold: 140, guests: null, reservations: null });
    // An admin & general row no longer repeats the property's rooms sold and guests.
    expect(row(day, 'AG').actual).toMatchObject({ roomsSold: null, guests: null, reservations: null });
    expect(row(day, 'FB').actual).toMatchObject({ roomsSold: null, guests: null });
  });

  it('counts reservations still on the books for a future day', async () => {
    const r = await rp('from=2027-01-10&to=2027-01-10&granularity=day&compare=');
    expect(row(r.periods[0], 'FB').actual).toMatchObject({ covers: 0, reservations: 1, coversBooked: 6 });
  });

  it('puts the reservations of today and tomorrow in the daily digest', async () => {
    // 07:00 UTC on 9 January 2027 closes the 8th; the morning reader's today is the 9th, tomorrow the 10th.
    const now = new Date('2027-01-09T07:00:00Z');
    await host.app.reporting.dailyClose(now);
    const res = await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${hotel}&date=2027-01-08`, { token: owner });
    expect(res.status).toBe(200);
    expect(res.json.bookings.map((b: { date: string }) => b.date)).toEqual(['2027-01-09', '2027-01-10']);
    expect(res.json.bookings[0].total).toEqual({ reservations: 0, coversBooked: 0, cancellations: 0, noShows: 0 });
    expect(res.json.bookings[1].departments).toEqual([{ departmentId: dept.FB, code: 'FB', name: 'Restaurant', reservations: 1, coversBooked: 6, cancellations: 0, noShows: 0 }]);
    expect(res.json.bookings[1].total.coversBooked).toBe(6);
  });
});
