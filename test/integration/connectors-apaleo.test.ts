import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { connectorHotel, profitLossLines } from './connectors-helpers.js';
import { localDateHour } from '../../shared/integrations/properties.js';
import { addDays, type Json } from '../fakes/vendors/apaleo/dataset.js';
import { expectedDay } from '../fakes/vendors/apaleo/expected.js';
import { startApaleoFake, type ApaleoFake } from '../fakes/vendors/apaleo/server.js';

/**
 * apaleo end to end through HTTP on the local host: a pull integration of the `apaleo` connector
 * against the fake apaleo, a backfill through the API, then R&P and P&L show what the fake's data
 * implies — computed from apaleo's objects by test/fakes/vendors/apaleo/expected.ts, not by the
 * connector's mapping. Then apaleo's thin webhook through the vendor-push endpoint: the health check,
 * a wrong token, and a cancellation that recomputes the month.
 */

const host = useTestHost();
const CLIENT = { clientId: 'PMI-APALEO', clientSecret: 'fake-apaleo-client-secret' };
const WEBHOOK_TOKEN = 'apaleo-e2e-url-token-0123456789';
let fake: ApaleoFake;
let owner: string;
let propertyId: string;
let pullId: string;
let pushId: string;
let today: string;
/** The previous calendar month of the property: past, so actuals with revenue postings. */
let month: { from: string; to: string };

beforeAll(async () => {
  // The first seeded property is in Vienna, the fake apaleo property in Berlin: the same calendar.
  today = localDateHour(new Date(), 'Europe/Vienna').date;
  const to = addDays(`${today.slice(0, 7)}-01`, -1);
  month = { from: `${to.slice(0, 7)}-01`, to };
  fake = await startApaleoFake({ from: addDays(month.from, -5), to: addDays(today, 30), today });
  const hotel = await connectorHotel(host);
  owner = hotel.owner;
  propertyId = hotel.propertyId;
  const common = {
    connector: 'apaleo',
    propertyId,
    settings: { propertyId: 'MUC', apiBaseUrl: fake.url, identityBaseUrl: fake.url, excludedUnitGroupIds: ['MUC-MEET'], complimentaryRatePlanCodes: ['COMP'] },
    // apaleo's other services go to the hotel's spa, an other-operated department.
    mappings: { departments: { FB: hotel.departments.FB, OTHER: hotel.departments.SPA }, accounts: { FB: 'revenue', OTHER: 'revenue' } },
  };
  const pull = await host.request('POST', '/api/v1/integrations', { token: owner, body: { ...common, kind: 'pull', name: 'apaleo', credentials: CLIENT } });
  expect(pull.status).toBe(201);
  pullId = pull.json.id;
  expect(JSON.stringify(pull.json)).not.toContain(CLIENT.clientSecret);
  const push = await host.request('POST', '/api/v1/integrations', { token: owner, body: { ...common, kind: 'vendor-push', name: 'apaleo webhooks', credentials: { ...CLIENT, webhookToken: WEBHOOK_TOKEN } } });
  expect(push.status).toBe(201);
  pushId = push.json.id;

  const asked = await host.request('POST', `/api/v1/integrations/${pullId}/backfill`, { token: owner, body: { from: month.from, to: addDays(today, 20) } });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.close());

function expectedMonth() {
  const e = { roomsSold: 0, roomsAvailable: 0, rooms: 0, fb: 0, other: 0 };
  // Rooms revenue is the PMS room revenue (the default source of record); services are AMS postings.
  for (let d = month.from; d <= month.to; d = addDays(d, 1)) {
    const day = expectedDay(fake.data, d);
    e.roomsSold += day.roomsSold;
    e.roomsAvailable += day.roomsAvailable;
    e.rooms += day.roomRevenue;
    e.fb += day.revenue.FB;
    e.other += day.revenue.OTHER;
  }
  return e;
}

async function report() {
  const rp = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${propertyId}&from=${month.from}&to=${month.to}&granularity=month&compare=`, { token: owner });
  expect(rp.status).toBe(200);
  return { roomsSold: rp.json.properties[0].total.total.actual.roomsSold as number, lines: await profitLossLines(host, owner, propertyId, month.from, month.to) };
}

function expectReportsToShow(r: Awaited<ReturnType<typeof report>>) {
  const e = expectedMonth();
  expect(e.roomsSold).toBeGreaterThan(0);
  expect(r.roomsSold).toBe(e.roomsSold);
  expect(r.lines.get('stats.roomsSold')?.actual).toBe(e.roomsSold);
  expect(r.lines.get('stats.roomsAvailable')?.actual).toBe(e.roomsAvailable);
  expect(r.lines.get('revenue.rooms')?.actual).toBeCloseTo(e.rooms, 2);
  expect(r.lines.get('revenue.foodAndBeverage')?.actual).toBeCloseTo(e.fb, 2);
  expect(r.lines.get('revenue.otherOperated')?.actual).toBeCloseTo(e.other, 2);
}

describe('apaleo through HTTP', () => {
  it('lists apaleo in the connector catalogue', async () => {
    const res = await host.request('GET', '/api/v1/connectors', { token: owner });
    expect(res.status).toBe(200);
    const entry = res.json.items.find((c: { id: string }) => c.id === 'apaleo');
    expect(entry).toMatchObject({ auth: 'oauth-client-credentials', sourceTypes: ['pms', 'ams'], capabilities: { pull: true, push: true } });
  });

  it('backfilled with valid requests only', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${pullId}/status`, { token: owner });
    expect(status.status).toBe(200);
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    expect(status.json.recordsRead).toBeGreaterThan(0);
  });

  it('R&P and P&L show the month the fake apaleo’s reservations and units imply', async () => {
    expectReportsToShow(await report());
  });

  it('answers apaleo’s health check, refuses a wrong URL token, and recomputes the month after a cancellation webhook', async () => {
    const push = (body: unknown, token: string) => host.request('POST', `/api/v1/connectors/apaleo/push/${pushId}?token=${token}`, { body });
    const health = await push({ id: 'h1', topic: 'System', type: 'healthcheck', accountId: 'DEMO', timestamp: 1 }, WEBHOOK_TOKEN);
    expect(health.status).toBe(202);
    expect(health.json).toEqual({ importIds: [], healthCheck: true });
    expect((await push({ id: 'h2', topic: 'System', type: 'healthcheck' }, 'not-the-token-0123456789abcdef')).status).toBe(401);

    const before = expectedMonth().roomsSold;
    const r = fake.data.reservations.find((x) => x.status === 'CheckedOut' && String(x.arrival).slice(0, 10) > month.from && String(x.departure).slice(0, 10) < month.to && (x.ratePlan as Json).code !== 'COMP')!;
    fake.cancel(String(r.id), new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(expectedMonth().roomsSold).toBe(before - (r.timeSlices as Json[]).length);
    const event = await push({ id: 'e1', topic: 'Reservation', type: 'canceled', accountId: 'DEMO', propertyId: 'MUC', data: { entityId: r.id }, timestamp: 2 }, WEBHOOK_TOKEN);
    expect(event.status).toBe(202);
    expect(event.json.importIds.length).toBeGreaterThan(0);
    await host.app.broker?.idle();
    expect(fake.violations).toEqual([]);
    expectReportsToShow(await report());
  });
});
