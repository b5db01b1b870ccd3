import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { connectorHotel, profitLossLines } from './connectors-helpers.js';
import { cancelReservation, createMewsDataset, type MewsDataset } from '../fakes/vendors/mews/dataset.js';
import { expectedDay, expectedRevenue, localDateOf, type ExpectationOptions } from '../fakes/vendors/mews/expected.js';
import { ACCESS_TOKEN, CLIENT_TOKEN, startFakeMews, type FakeMews } from '../fakes/vendors/mews/server.js';

/**
 * Mews end to end through HTTP on the local host: a vendor-push integration of the `mews`
 * connector against the fake Connector API, a backfill, then R&P and P&L show what the fake
 * hotel's reservations and order items imply — computed here from the fake's objects, not by the
 * connector's mapping; then a webhook naming a reservation (ids only) updates its days.
 */

const host = useTestHost();
const WEBHOOK_TOKEN = 'mews-webhook-secret-0123456789';
let data: MewsDataset;
let fake: FakeMews;
let owner: string;
let propertyId: string;
let integrationId: string;
let today: string;
/** The whole previous calendar month: past, so actuals. */
let month: { from: string; to: string };

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const datesOf = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};
const options = (): ExpectationOptions => ({
  complimentaryRateIds: [data.complimentaryRateId],
  departmentByCode: { '345': 'ROOMS', '100': 'FB', '200': 'FB', '300': 'SPA', '900': null },
});

beforeAll(async () => {
  // The fake enterprise is in Budapest, the first seeded property in Vienna: the same local day.
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  today = localDateOf(now, 'Europe/Budapest');
  const to = addDays(`${today.slice(0, 7)}-01`, -1);
  month = { from: `${to.slice(0, 7)}-01`, to };
  data = createMewsDataset({ from: addDays(month.from, -10), to: addDays(today, 25), nowUtc: now });
  fake = await startFakeMews(data);
  const hotel = await connectorHotel(host);
  owner = hotel.owner;
  propertyId = hotel.propertyId;
  const created = await host.request('POST', '/api/v1/integrations', {
    token: owner,
    body: {
      kind: 'vendor-push',
      connector: 'mews',
      propertyId,
      name: 'Mews',
      settings: {
        baseUrl: fake.url,
        enterpriseId: data.enterpriseId,
        serviceId: data.serviceId,
        complimentaryRateIds: [data.complimentaryRateId],
        // The reference's "Alcoholic Beverage" category has no classification: the hotel maps its code.
        departments: { byCategoryCode: { '100': 'FB' } },
      },
      credentials: { clientToken: CLIENT_TOKEN, accessToken: ACCESS_TOKEN, webhookToken: WEBHOOK_TOKEN },
      mappings: { departments: hotel.departments, accounts: { 'MEWS-REVENUE': 'revenue' } },
    },
  });
  expect(created.status).toBe(201);
  integrationId = created.json.id;
  expect(created.text).not.toContain(ACCESS_TOKEN);
  expect(created.text).not.toContain(WEBHOOK_TOKEN);

  const asked = await host.request('POST', `/api/v1/integrations/${integrationId}/backfill`, { token: owner, body: { from: month.from, to: addDays(today, 20) } });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.stop());

function monthExpected() {
  let roomsSold = 0;
  let roomsAvailable = 0;
  let roomRevenueCents = 0;
  const revenue: Record<string, number> = {};
  for (const d of datesOf(month.from, month.to)) {
    const day = expectedDay(data, d, options());
    roomsSold += day.roomsSold;
    roomsAvailable += day.roomsAvailable;
    roomRevenueCents += Math.round(day.roomRevenue * 100);
    for (const [dept, v] of Object.entries(expectedRevenue(data, d, options()))) revenue[dept] = Math.round(((revenue[dept] ?? 0) + v) * 100) / 100;
  }
  return { roomsSold, roomsAvailable, roomRevenue: roomRevenueCents / 100, revenue };
}

const profitLoss = (from: string, to: string) => profitLossLines(host, owner, propertyId, from, to);

describe('Mews through HTTP', () => {
  it('the backfill ran clean against the reference', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${integrationId}/status`, { token: owner });
    expect(status.status).toBe(200);
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    expect(status.json.recordsRead).toBeGreaterThan(0);
  });

  it('R&P shows the month’s rooms sold', async () => {
    const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${propertyId}&from=${month.from}&to=${month.to}&granularity=month&compare=`, { token: owner });
    expect(res.status).toBe(200);
    const e = monthExpected();
    expect(e.roomsSold).toBeGreaterThan(100);
    expect(res.json.properties[0].total.total.actual.roomsSold).toBe(e.roomsSold);
  });

  it('P&L shows the statistics and the revenue by department the order items imply', async () => {
    const lines = await profitLoss(month.from, month.to);
    const e = monthExpected();
    expect(lines.get('stats.roomsSold')?.actual).toBe(e.roomsSold);
    expect(lines.get('stats.roomsAvailable')?.actual).toBe(e.roomsAvailable);
    // Rooms revenue: the nights' prices (PMS), plus any other posting to the rooms department (none here).
    expect(e.revenue.ROOMS).toBeUndefined();
    expect(lines.get('revenue.rooms')?.actual).toBeCloseTo(e.roomRevenue, 2);
    expect(lines.get('revenue.foodAndBeverage')?.actual).toBeCloseTo(e.revenue.FB ?? 0, 2);
    expect(lines.get('revenue.otherOperated')?.actual).toBeCloseTo(e.revenue.SPA ?? 0, 2);
  });

  it('a webhook naming a reservation (ids only) updates the days it touches', async () => {
    const yesterday = addDays(today, -1);
    const stay = data.reservations.find(
      (r) => ['Started', 'Processed'].includes(r.State as string) && r.RateId === data.standardRateId && localDateOf(r.ScheduledStartUtc as string, data.timeZone) <= yesterday && localDateOf(r.ScheduledEndUtc as string, data.timeZone) > yesterday,
    )!;
    expect(stay).toBeDefined();
    const before = await profitLoss(yesterday, yesterday);
    expect(before.get('stats.roomsSold')?.actual).toBe(expectedDay(data, yesterday, options()).roomsSold);

    // The guest never came: the hotel cancels the stay as a no-show, and Mews tells us its id.
    data.nowUtc = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    cancelReservation(data, stay.Id as string);
    const body = JSON.stringify({ EnterpriseId: data.enterpriseId, IntegrationId: 'c8bee838-7fb1-4f4e-8fac-ac87008b2f90', Events: [{ Discriminator: 'ServiceOrderUpdated', Value: { Id: stay.Id } }] });
    const refused = await host.request('POST', `/api/v1/connectors/mews/push/${integrationId}?Token=not-the-token-at-all`, { rawBody: body, headers: { 'content-type': 'application/json' } });
    expect(refused.status).toBe(401);
    const pushed = await host.request('POST', `/api/v1/connectors/mews/push/${integrationId}?Token=${WEBHOOK_TOKEN}`, { rawBody: body, headers: { 'content-type': 'application/json' } });
    expect(pushed.status).toBe(202);
    await host.app.broker?.idle();

    const after = await profitLoss(yesterday, yesterday);
    const e = expectedDay(data, yesterday, options());
    expect(after.get('stats.roomsSold')?.actual).toBe(e.roomsSold);
    expect(after.get('stats.roomsSold')?.actual).toBe((before.get('stats.roomsSold')?.actual ?? 0) - 1);
    expect(after.get('revenue.rooms')?.actual).toBeCloseTo(e.roomRevenue, 2);
    expect(after.get('revenue.rooms')?.actual).toBeLessThan(before.get('revenue.rooms')?.actual ?? 0);
    const rp = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${propertyId}&from=${yesterday}&to=${yesterday}&granularity=day&compare=`, { token: owner });
    expect(rp.status).toBe(200);
    expect(rp.json.properties[0].total.total.actual.roomsSold).toBe(e.roomsSold);
    expect(fake.violations).toEqual([]);
  });
});
