import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { CanonicalBatch, ConnectorContext, PushRequest, VendorHttp } from '../../../shared/connectors/connector.js';
import { PAGE_LIMIT } from '../../../shared/connectors/vendors/square/client.js';
import { square } from '../../../shared/connectors/vendors/square/index.js';
import { squareSettings, type SquareCredentials, type SquareSettings } from '../../../shared/connectors/vendors/square/settings.js';
import { returnOrder, type Json } from '../../fakes/vendors/square/dataset.js';
import { businessDateAt, expectedDay, orderDate } from '../../fakes/vendors/square/expected.js';
import { startSquareFake, type SquareFake } from '../../fakes/vendors/square/server.js';
import { eventErrors, eventExample } from '../../fakes/vendors/square/spec.js';

/**
 * The Square connector against the fake Square, which checks every request against Square's
 * published specification: a backfill, a pull and a push send only valid requests (the fake's
 * violation list stays empty), a deliberately invalid request is caught, and the records equal the
 * figures the fake's orders imply (test/fakes/vendors/square/expected.ts, from the orders' own totals).
 */

const TODAY = '2026-03-15';
const LOCATIONS = { '18YC4JDH91E1H': 'REST', '3Z4V4WHQK64X9': 'BAR' } as const;
const credentials: SquareCredentials = { accessToken: 'EAAA-fake-square-access-token', webhookSignatureKey: 'square-signature-key', notificationUrl: 'https://pmi.example/api/v1/connectors/square/push/I-1' };
let fake: SquareFake;
let ctx: ConnectorContext<SquareSettings, SquareCredentials>;
let http: VendorHttp;

beforeAll(async () => {
  fake = await startSquareFake({ from: '2025-11-15', to: '2026-03-16' });
  const settings = squareSettings.parse({ baseUrl: fake.url, locationIds: Object.keys(LOCATIONS), outlets: { byLocation: LOCATIONS }, covers: { coverItemNames: ['cover'] } });
  http = createVendorHttp({ vendor: 'Square', circuitKey: 'square-contract', circuits: new Circuits() });
  ctx = { settings, credentials, http, timeZone: 'Europe/Vienna', today: TODAY };
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.violations.length = 0;
  fake.requests.length = 0;
});

const records = (batches: CanonicalBatch[]) => batches.filter((b) => b.sourceType === 'pos').flatMap((b) => b.records);

function expectFiguresOfTheFake(batches: CanonicalBatch[]) {
  const rs = records(batches);
  expect(rs.length).toBeGreaterThan(0);
  for (const r of rs) {
    const location = Object.entries(LOCATIONS).find(([, outlet]) => outlet === r.outlet)![0];
    const date = String(r.businessDate);
    expect(r).toEqual({ id: `square:3MYCJG5GVYQ8Q:${String(r.outlet)}:${date}`, businessDate: date, outlet: r.outlet, ...expectedDay(fake.data, location, date) });
  }
}

describe('Square connector against Square’s published specification', () => {
  it('backfills business dates with valid requests only and the figures the orders imply', async () => {
    const result = await square.backfill(ctx, { from: '2026-02-01', to: '2026-03-20' });
    expect(fake.violations).toEqual([]);
    const rs = records(result.batches);
    // Dates after the property's today are not written: 2026-02-01 … 2026-03-15, two outlets.
    expect(rs).toHaveLength(43 * 2);
    expectFiguresOfTheFake(result.batches);
    expect(rs.reduce((s, r) => s + Number(r.checks), 0)).toBeGreaterThan(100);
    // Midtown's day starts at 05:00 (its business hours run to 03:30): some of its checks closed between 04:00 and 05:00 count on the day before.
    const lateNight = fake.data.orders.filter((o) => o.location_id === '3Z4V4WHQK64X9' && o.state === 'COMPLETED' && orderDate(fake.data, o) >= '2026-02-01' && orderDate(fake.data, o) !== businessDateAt(String(o.closed_at), 'America/New_York', 4));
    expect(lateNight.length).toBeGreaterThan(0);
    const searches = fake.requests.filter((r) => r.path === '/v2/orders/search');
    // One query per time zone (Los Angeles, New York) and window of at most 31 business dates.
    expect(searches).toHaveLength(4);
    expect(fake.requests.every((r) => r.authorization === `Bearer ${credentials.accessToken}` && r.squareVersion === '2024-10-17')).toBe(true);
    expect(searches.every((r) => JSON.stringify((r.body as Json).query).includes('"states":["COMPLETED"]'))).toBe(true);
  });

  it('pages with the cursor and the original query', async () => {
    // Orders updated over four months are more than one page of 500.
    expect(fake.data.orders.length).toBeGreaterThan(PAGE_LIMIT);
    const result = await square.pull(ctx, { from: '2025-11-01T00:00:00.000Z', to: '2026-03-20T00:00:00.000Z' });
    expect(fake.violations).toEqual([]);
    const updated = fake.requests.filter((r) => r.path === '/v2/orders/search' && JSON.stringify(r.body).includes('updated_at'));
    expect(updated.length).toBeGreaterThan(1);
    expect(updated.slice(1).every((r) => typeof (r.body as Json).cursor === 'string')).toBe(true);
    expectFiguresOfTheFake(result.batches);
  });

  it('pulls an updated-since window: a cancelled order’s day is recomputed without it', async () => {
    const o = fake.data.orders.find((x) => x.state === 'COMPLETED' && x.location_id === '18YC4JDH91E1H' && String(x.closed_at) > '2026-03-02')!;
    const date = orderDate(fake.data, o);
    const before = expectedDay(fake.data, '18YC4JDH91E1H', date);
    fake.update(String(o.id), (x) => (x.state = 'CANCELED'), '2026-03-15T09:30:00.000Z');
    const after = expectedDay(fake.data, '18YC4JDH91E1H', date);
    expect(after.checks).toBe(before.checks - 1);
    const result = await square.pull(ctx, { from: '2026-03-15T09:00:00.000Z', to: '2026-03-15T10:00:00.000Z' });
    expect(fake.violations).toEqual([]);
    const rs = records(result.batches);
    const day = rs.find((r) => r.outlet === 'REST' && r.businessDate === date)!;
    expect(day).toMatchObject({ netRevenue: after.netRevenue, checks: after.checks });
    expectFiguresOfTheFake(result.batches);
  });

  it('the fake’s return orders are in the backfilled days: approved ones lowered them, failed ones did not', () => {
    const returns = fake.data.orders.filter((o) => Array.isArray(o.returns) && String(o.location_id) in LOCATIONS && orderDate(fake.data, o) >= '2026-02-01' && orderDate(fake.data, o) <= TODAY);
    const statuses = new Set(returns.map((o) => String((o.refunds as Json[])[0]!.status)));
    expect(statuses).toEqual(new Set(['APPROVED', 'FAILED']));
    expect(returns.some((o) => JSON.stringify(o.returns).includes('CUSTOM_AMOUNT'))).toBe(true);
  });

  it('pulls a refund made days after the sale: the refund’s business day goes down by the returned line net of tax, the sale’s day is not touched', async () => {
    const sale = fake.data.orders.find((x) => x.state === 'COMPLETED' && x.location_id === '18YC4JDH91E1H' && String(x.closed_at) > '2026-03-05' && String(x.closed_at) < '2026-03-09' && !x.returns)!;
    const saleDate = orderDate(fake.data, sale);
    const line = (sale.line_items as Json[]).find((l) => l.name !== 'Cover')!;
    const cents = (m: unknown) => (m as { amount: number }).amount;
    const before = expectedDay(fake.data, '18YC4JDH91E1H', TODAY);
    // 11:00 on the 15th in Los Angeles: the refund's business date is the 15th, whatever day the sale was.
    fake.data.orders.push(returnOrder(sale, { id: 'SQ-REFUND-1', closedAt: '2026-03-15T18:00:00.000Z' }));
    const result = await square.pull(ctx, { from: '2026-03-15T17:30:00.000Z', to: '2026-03-15T18:30:00.000Z' });
    expect(fake.violations).toEqual([]);
    const rs = records(result.batches);
    const day = rs.find((r) => r.outlet === 'REST' && r.businessDate === TODAY)!;
    const returnedNet = (cents(line.total_money) - cents(line.total_tax_money)) / 100;
    expect(day.netRevenue).toBeCloseTo(before.netRevenue - returnedNet, 2);
    expect(day.tax).toBeCloseTo(before.tax - cents(line.total_tax_money) / 100, 2);
    expect(day).toMatchObject({ discounts: before.discounts, checks: before.checks, covers: before.covers });
    expect(rs.some((r) => r.businessDate === saleDate)).toBe(false);
    expectFiguresOfTheFake(result.batches);
  });

  it('fails naming a configured location the token cannot see, rather than importing without it', async () => {
    const wrong = { ...ctx, settings: { ...ctx.settings, locationIds: [...ctx.settings.locationIds, 'L-GONE'] } };
    await expect(square.backfill(wrong, { from: '2026-03-01', to: '2026-03-02' })).rejects.toMatchObject({ status: 409, detail: expect.stringContaining('L-GONE') });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v2/locations']);
  });

  it('catches requests that are invalid against the specification', async () => {
    const search = (body: unknown) => http.send({ method: 'POST', url: `${fake.url}/v2/orders/search`, headers: { authorization: `Bearer ${credentials.accessToken}` }, body });
    const range = { start_at: '2026-03-01T00:00:00Z', end_at: '2026-03-02T00:00:00Z' };
    const invalid: Array<{ body: unknown; says: RegExp }> = [
      { body: { location_ids: ['18YC4JDH91E1H'], query: { filter: { date_time_filter: { closed_at: range } }, sort: { sort_field: 'UPDATED_AT' } } }, says: /needs sort.sort_field CLOSED_AT/ },
      { body: { location_ids: ['18YC4JDH91E1H'], limit: 'many' }, says: /'body'\/limit must be integer/ },
      { body: { location_ids: ['18YC4JDH91E1H'], query: { filter: { state_filter: { states: ['DONE'] } } } }, says: /'DONE' is not an OrderState/ },
      { body: { location_ids: ['18YC4JDH91E1H'], updated_since: '2026-03-01' }, says: /additional properties/ },
      { body: { location_ids: Array.from({ length: 11 }, (_, i) => `L${i}`) }, says: /at most 10 location IDs/ },
      { body: { location_ids: ['18YC4JDH91E1H'], cursor: 'made-up' }, says: /cursor must come with its original query/ },
    ];
    for (const { body, says } of invalid) {
      fake.violations.length = 0;
      await expect(search(body)).rejects.toMatchObject({ reason: 'rejected', status: 400 });
      expect(fake.violations.join('\n')).toMatch(says);
    }
    fake.violations.length = 0;
    await expect(http.send({ method: 'GET', url: `${fake.url}/v2/orders` })).rejects.toMatchObject({ status: 404 });
    expect(fake.violations.join('\n')).toMatch(/no such operation/);
    await expect(search({ location_ids: ['18YC4JDH91E1H'] }).then(() => http.send({ method: 'GET', url: `${fake.url}/v2/locations`, headers: { authorization: 'Bearer wrong' } }))).rejects.toMatchObject({ reason: 'unauthorized' });
  });
});

describe('Square push (order webhooks)', () => {
  const push = (body: string, signature: string): PushRequest => ({ headers: { 'x-square-hmacsha256-signature': signature }, query: {}, body: Buffer.from(body) });

  it('reads the order of an order.updated event back and recomputes its day; a duplicate event gives the same records', async () => {
    const o = fake.data.orders.find((x) => x.state === 'COMPLETED' && x.location_id === '3Z4V4WHQK64X9' && String(x.closed_at) > '2026-03-05')!;
    fake.update(String(o.id), (x) => ((x.metadata as Record<string, string> | undefined) ? ((x.metadata as Record<string, string>).covers = '9') : (x.metadata = { covers: '9' })));
    const event = fake.event(String(o.id), { notificationUrl: credentials.notificationUrl!, signatureKey: credentials.webhookSignatureKey! });
    expect(square.push!.authenticate(push(event.body, event.signature), credentials)).toBe(true);
    const first = await square.push!.handle(ctx, push(event.body, event.signature));
    const again = await square.push!.handle(ctx, push(event.body, event.signature));
    expect(fake.violations).toEqual([]);
    expect(fake.requests.some((r) => r.path === '/v2/orders/batch-retrieve')).toBe(true);
    expect(again).toEqual(first);
    const date = orderDate(fake.data, o);
    expect(records(first.batches).map((r) => `${String(r.outlet)} ${String(r.businessDate)}`)).toEqual([`BAR ${date}`, `REST ${date}`]);
    expectFiguresOfTheFake(first.batches);
  });

  it('signs events of the documented shape: Square’s own examples pass the schema the fake checks its events against, a malformed one does not', () => {
    for (const schema of ['OrderCreatedEvent', 'OrderUpdatedEvent'] as const) expect(eventErrors(schema, eventExample(schema))).toEqual([]);
    expect(eventErrors('OrderUpdatedEvent', { ...eventExample('OrderUpdatedEvent'), event_id: 42, data: { object: { order_updated: { version: 'two' } } } }).length).toBeGreaterThanOrEqual(2);
    const o = fake.data.orders.find((x) => x.state === 'COMPLETED')!;
    const created = fake.event(String(o.id), { notificationUrl: credentials.notificationUrl!, signatureKey: credentials.webhookSignatureKey!, type: 'order.created' });
    expect(JSON.parse(created.body)).toMatchObject({ type: 'order.created', data: { type: 'order_created', object: { order_created: { order_id: o.id, location_id: o.location_id } } } });
    expect(fake.violations).toEqual([]);
  });

  it('answers Square’s test notification with no work and ignores other events and other locations', async () => {
    const body = (event: unknown) => push(JSON.stringify(event), 'unused');
    expect(await square.push!.handle(ctx, body({ merchant_id: 'M', type: 'webhooks.test_notification', event_id: 'e-1', data: { type: 'webhooks', id: 'x' } }))).toEqual({ batches: [], objectsRead: 0, healthCheck: true });
    expect((await square.push!.handle(ctx, body({ type: 'payment.updated', event_id: 'e-2', data: { id: 'p' } }))).batches).toEqual([]);
    expect((await square.push!.handle(ctx, body({ type: 'order.updated', event_id: 'e-3', data: { id: 'o', object: { order_updated: { order_id: 'o', location_id: '057P5VYJ4A5X1' } } } }))).batches).toEqual([]);
    expect(fake.requests).toEqual([]);
    await expect(square.push!.handle(ctx, body('not an event'))).rejects.toMatchObject({ status: 400 });
  });
});
