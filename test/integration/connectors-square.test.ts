import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { connectorHotel, departmentMonth, expectSignedPushImportsOnce } from './connectors-helpers.js';
import { localDateHour } from '../../shared/integrations/properties.js';
import { addDays, localToUtc, returnOrder } from '../fakes/vendors/square/dataset.js';
import { expectedDay, orderDate } from '../fakes/vendors/square/expected.js';
import { startSquareFake, type SquareFake } from '../fakes/vendors/square/server.js';

/**
 * Square end to end through HTTP on the local host: a pull integration of the `square` connector
 * against the fake Square, a backfill through the API, then R&P shows the F&B revenue and covers the
 * fake's orders imply (test/fakes/vendors/square/expected.ts, from the orders' own totals, not the
 * connector's mapping). Then a vendor-push integration: Square's signed order.updated webhook
 * changes a day, the same event delivered again imports nothing new, a forged one is refused; a refund's
 * return order (order.created) lowers the month's revenue on the refund's day.
 */

const host = useTestHost();
const LA = '18YC4JDH91E1H';
const NY = '3Z4V4WHQK64X9';
const TOKEN = 'EAAA-fake-square-access-token';
const SIGNATURE_KEY = 'square-e2e-signature-key';
let fake: SquareFake;
let owner: string;
let propertyId: string;
let fb: string;
let pullId: string;
let pushId: string;
let notificationUrl: string;
/** The previous calendar month of the property: closed business days. */
let month: { from: string; to: string };

beforeAll(async () => {
  const today = localDateHour(new Date(), 'Europe/Vienna').date;
  const to = addDays(`${today.slice(0, 7)}-01`, -1);
  month = { from: `${to.slice(0, 7)}-01`, to };
  fake = await startSquareFake({ from: addDays(month.from, -2), to: addDays(month.to, 2), accessToken: TOKEN });
  const hotel = await connectorHotel(host);
  owner = hotel.owner;
  propertyId = hotel.propertyId;
  fb = hotel.departments.FB;
  const common = {
    connector: 'square',
    propertyId,
    // Grant Park is the restaurant, Midtown the bar; both are the hotel's F&B department.
    settings: { baseUrl: fake.url, locationIds: [LA, NY], outlets: { byLocation: { [LA]: 'REST', [NY]: 'BAR' } }, covers: { coverItemNames: ['Cover'] } },
    mappings: { departments: { REST: fb, BAR: fb } },
  };
  const pull = await host.request('POST', '/api/v1/integrations', { token: owner, body: { ...common, kind: 'pull', name: 'Square', credentials: { accessToken: TOKEN } } });
  expect(pull.status).toBe(201);
  pullId = pull.json.id;
  expect(JSON.stringify(pull.json)).not.toContain(TOKEN);

  // The push URL exists once the integration does; the hotel then creates Square's subscription for it and adds its signature key.
  const push = await host.request('POST', '/api/v1/integrations', { token: owner, body: { ...common, kind: 'vendor-push', name: 'Square webhooks', credentials: { accessToken: TOKEN } } });
  expect(push.status).toBe(201);
  pushId = push.json.id;
  notificationUrl = `https://pmi.example${String(push.json.pushPath)}`;
  const rotated = await host.request('PUT', `/api/v1/integrations/${pushId}/credentials`, {
    token: owner,
    body: { credentials: { accessToken: TOKEN, webhookSignatureKey: SIGNATURE_KEY, notificationUrl } },
    headers: { 'if-match': push.headers.get('etag') as string },
  });
  expect(rotated.status).toBe(200);

  const asked = await host.request('POST', `/api/v1/integrations/${pullId}/backfill`, { token: owner, body: month });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.close());

function expectedMonth() {
  const e = { revenue: 0, covers: 0 };
  for (let d = month.from; d <= month.to; d = addDays(d, 1)) {
    for (const location of [LA, NY]) {
      const day = expectedDay(fake.data, location, d);
      e.revenue += day.netRevenue;
      e.covers += day.covers;
    }
  }
  return e;
}

async function expectReportToShowTheFake() {
  const e = expectedMonth();
  expect(e.revenue).toBeGreaterThan(0);
  const actual = await departmentMonth(host, owner, propertyId, fb, month);
  expect(actual.revenue).toBeCloseTo(e.revenue, 2);
  expect(actual.covers).toBe(e.covers);
}

describe('Square through HTTP', () => {
  it('lists Square in the connector catalogue', async () => {
    const res = await host.request('GET', '/api/v1/connectors', { token: owner });
    expect(res.status).toBe(200);
    const entry = res.json.items.find((c: { id: string }) => c.id === 'square');
    expect(entry).toMatchObject({ auth: 'bearer-token', sourceTypes: ['pos'], capabilities: { pull: true, push: true } });
  });

  it('backfilled with valid requests only; R&P F&B revenue and covers equal the fake’s orders', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${pullId}/status`, { token: owner });
    expect(status.status).toBe(200);
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    await expectReportToShowTheFake();
  });

  it('a signed order.updated webhook updates its day; the same event again imports nothing new; a forged one is refused', async () => {
    const order = fake.data.orders.find((o) => o.location_id === NY && o.state === 'COMPLETED' && orderDate(fake.data, o) > addDays(month.from, 3) && orderDate(fake.data, o) < month.to)!;
    const before = expectedMonth();
    fake.update(String(order.id), (o) => (o.state = 'CANCELED'));
    expect(expectedMonth().revenue).toBeLessThan(before.revenue);
    const event = fake.event(String(order.id), { notificationUrl, signatureKey: SIGNATURE_KEY });
    const send = (signature: string) =>
      host.request('POST', `/api/v1/connectors/square/push/${pushId}`, { rawBody: event.body, headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature } });

    await expectSignedPushImportsOnce(host, {
      token: owner,
      pushId,
      signature: event.signature,
      send,
      check: async () => {
        expect(fake.violations).toEqual([]);
        await expectReportToShowTheFake();
      },
    });
  });

  it('a refund (Square’s return order, signed order.created) lowers F&B revenue by the returned line net of tax on the refund’s day', async () => {
    const sale = fake.data.orders.find((o) => o.location_id === LA && o.state === 'COMPLETED' && !o.returns && orderDate(fake.data, o) > addDays(month.from, 3) && orderDate(fake.data, o) < addDays(month.to, -5))!;
    const line = (sale.line_items as Array<Record<string, unknown>>).find((l) => l.name !== 'Cover')!;
    const cents = (m: unknown) => (m as { amount: number }).amount;
    const before = await departmentMonth(host, owner, propertyId, fb, month);
    // Returned at 12:00 Los Angeles time on the month's second-to-last day: inside the month, days after the sale.
    fake.data.orders.push(returnOrder(sale, { id: 'SQ-E2E-REFUND', closedAt: localToUtc(addDays(month.to, -1), 12, 0, 'America/Los_Angeles') }));
    const event = fake.event('SQ-E2E-REFUND', { notificationUrl, signatureKey: SIGNATURE_KEY, type: 'order.created' });
    const res = await host.request('POST', `/api/v1/connectors/square/push/${pushId}`, { rawBody: event.body, headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': event.signature } });
    expect(res.status).toBe(202);
    await host.app.broker?.idle();
    expect(fake.violations).toEqual([]);
    const after = await departmentMonth(host, owner, propertyId, fb, month);
    expect(after.revenue).toBeCloseTo(before.revenue - (cents(line.total_money) - cents(line.total_tax_money)) / 100, 2);
    expect(after.covers).toBe(before.covers);
    await expectReportToShowTheFake();
  });
});
