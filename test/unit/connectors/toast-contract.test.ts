import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { CanonicalBatch, ConnectorContext, PushRequest } from '../../../shared/connectors/connector.js';
import { PAGE_SIZE } from '../../../shared/connectors/vendors/toast/client.js';
import { toast } from '../../../shared/connectors/vendors/toast/index.js';
import { toastSettings, type ToastCredentials, type ToastSettings } from '../../../shared/connectors/vendors/toast/settings.js';
import { BRASSERIE, DINING_IN_ROOM, RC_BAR, RC_RESTAURANT, refund, ROOFTOP, type Json } from '../../fakes/vendors/toast/dataset.js';
import { expectedDay, expectedRefund, refundDates } from '../../fakes/vendors/toast/expected.js';
import { startToastFake, type ToastFake } from '../../fakes/vendors/toast/server.js';
import { toastSpec } from '../../fakes/vendors/toast/spec.js';

/**
 * The Toast connector against the fake Toast, which checks every request against Toast's published
 * documents: a backfill, a pull and a push send only valid requests (the fake's violation list
 * stays empty), a deliberately invalid request is caught, and the records equal the figures the
 * fake's orders imply (test/fakes/vendors/toast/expected.ts, from the selections, not the check
 * amounts the connector reads).
 */

const TODAY = '2026-03-15';
const CLIENT = { clientId: 'toast-contract-client', clientSecret: 'toast-contract-secret' };
const credentials: ToastCredentials = { ...CLIENT, webhookSecret: 'toast-webhook-secret' };
let fake: ToastFake;
let ctx: ConnectorContext<ToastSettings, ToastCredentials>;

const OUTLETS: Record<string, string> = { [RC_RESTAURANT]: 'REST', [RC_BAR]: 'BAR', [DINING_IN_ROOM]: 'IRD' };
/** The test's reading of its settings: revenue center, else dining option, else the restaurant. */
const outletOf = (o: Json) =>
  o.restaurantGuid === ROOFTOP ? 'ROOF' : (OUTLETS[String((o.revenueCenter as Json | undefined)?.guid)] ?? OUTLETS[String((o.diningOption as Json).guid)] ?? 'BRASSERIE');
const restaurantOf = (outlet: string) => (outlet === 'ROOF' ? ROOFTOP : BRASSERIE);

beforeAll(async () => {
  fake = await startToastFake({ from: '2026-02-01', to: '2026-03-16', ...CLIENT });
  const settings = toastSettings.parse({
    baseUrl: fake.url,
    restaurants: [
      { guid: BRASSERIE, outlet: 'BRASSERIE', byRevenueCenter: { [RC_RESTAURANT]: 'REST', [RC_BAR]: 'BAR' }, byDiningOption: { [DINING_IN_ROOM]: 'IRD' } },
      { guid: ROOFTOP, outlet: 'ROOF' },
    ],
  });
  const http = createVendorHttp({ vendor: 'Toast', circuitKey: 'toast-contract', circuits: new Circuits() });
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
    const outlet = String(r.outlet);
    const date = String(r.businessDate);
    const restaurant = restaurantOf(outlet);
    const refunded = /^toast:[^:]+:refund:([^:]+):/.exec(String(r.id));
    if (refunded) {
      const order = fake.data.orders.find((o) => o.guid === refunded[1])!;
      expect(outletOf(order)).toBe(outlet);
      expect(r).toEqual({ id: `toast:${restaurant}:refund:${String(order.guid)}:${date}`, businessDate: date, outlet, ...expectedRefund(order, date), discounts: 0, covers: 0, checks: 0 });
      continue;
    }
    expect(r).toEqual({ id: `toast:${restaurant}:${outlet}:${date}`, businessDate: date, outlet, ...expectedDay(fake.data, restaurant, outletOf, outlet, date) });
  }
}

describe('Toast connector against Toast’s published documents', () => {
  it('backfills business dates with valid requests only and the figures the orders imply', async () => {
    const result = await toast.backfill(ctx, { from: '2026-02-01', to: '2026-03-20' });
    expect(fake.violations).toEqual([]);
    const rs = records(result.batches);
    // Dates after the property's today are not written: 2026-02-01 … 2026-03-15, four Brasserie outlets and the Rooftop; beside them a record per refunded order and refund date.
    const refundedOrders = fake.data.orders.filter((o) => Number(o.businessDate) >= 20260201 && Number(o.businessDate) <= 20260315 && refundDates(o).length > 0);
    expect(refundedOrders.length).toBeGreaterThan(5);
    expect(rs.filter((r) => !String(r.id).includes(':refund:'))).toHaveLength(43 * 5);
    // A refund dated after today (the fake's data runs ahead of the test's today) is not written yet.
    expect(rs.filter((r) => String(r.id).includes(':refund:'))).toHaveLength(refundedOrders.reduce((n, o) => n + refundDates(o).filter((d) => d <= TODAY).length, 0));
    expect(refundedOrders.some((o) => refundDates(o).some((d) => d > TODAY))).toBe(true);
    // Itemized refunds and amounts refunded with no item are both in the data.
    expect(refundedOrders.some((o) => JSON.stringify(o).includes('refundDetails'))).toBe(true);
    expect(refundedOrders.some((o) => !JSON.stringify(o).includes('refundDetails'))).toBe(true);
    expectFiguresOfTheFake(result.batches);
    expect(rs.reduce((s, r) => s + Number(r.covers), 0)).toBeGreaterThan(100);
    // The voided and deleted orders and the voided checks exist, and the figures above left them out.
    expect(fake.data.orders.some((o) => o.voided)).toBe(true);
    expect(fake.data.orders.some((o) => o.deleted)).toBe(true);
    expect(fake.data.orders.some((o) => (o.checks as Json[]).some((c) => c.voided))).toBe(true);
    const bulk = fake.requests.filter((r) => r.path === '/orders/v2/ordersBulk');
    // One query per restaurant and business date.
    expect(bulk).toHaveLength(43 * 2);
    expect(bulk.every((r) => /^\d{8}$/.test(r.query.businessDate!) && r.query.pageSize === String(PAGE_SIZE))).toBe(true);
    expect(fake.requests.filter((r) => r.path !== '/authentication/v1/authentication/login').every((r) => /^Bearer toast-token-\d+$/.test(r.authorization ?? '') && r.restaurant !== undefined)).toBe(true);
  });

  it('pulls the orders modified in a window, pages through them, and recomputes their business dates whole', async () => {
    // Every order of a month modified inside one window: more than a page of 100 for a restaurant.
    const window = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' };
    const inMarch = fake.data.orders.filter((o) => o.restaurantGuid === BRASSERIE && Number(o.businessDate) >= 20260201 && Number(o.businessDate) <= 20260310);
    expect(inMarch.length).toBeGreaterThan(PAGE_SIZE);
    for (const o of inMarch) fake.update(String(o.guid), () => undefined, new Date('2026-03-01T12:00:00Z'));
    const result = await toast.pull(ctx, window);
    expect(fake.violations).toEqual([]);
    const modified = fake.requests.filter((r) => r.path === '/orders/v2/ordersBulk' && r.query.startDate && r.restaurant === BRASSERIE);
    expect(modified.map((r) => r.query.page)).toEqual(['1', '2', ...(modified.length > 2 ? modified.slice(2).map((_, i) => String(i + 3)) : [])]);
    expect(modified[0]!.query).toMatchObject({ startDate: '2026-03-01T00:00:00.000+0000', endDate: '2026-03-02T00:00:00.000+0000' });
    const dates = new Set(records(result.batches).filter((r) => r.outlet === 'REST').map((r) => r.businessDate));
    expect(dates.size).toBe(38);
    expectFiguresOfTheFake(result.batches);
  });

  it('a signed order_updated webhook recomputes its order’s day from Toast’s current state; a forged one is refused', async () => {
    const order = fake.data.orders.find((o) => o.restaurantGuid === BRASSERIE && o.businessDate === 20260305 && !o.voided && !o.deleted && (o.revenueCenter as Json | undefined)?.guid === RC_BAR)!;
    const before = expectedDay(fake.data, BRASSERIE, outletOf, 'BAR', '2026-03-05');
    fake.update(String(order.guid), (o) => (o.voided = true));
    const after = expectedDay(fake.data, BRASSERIE, outletOf, 'BAR', '2026-03-05');
    expect(after.checks).toBeLessThan(before.checks);
    const event = fake.event(String(order.guid), credentials.webhookSecret!);
    const request: PushRequest = { headers: { 'content-type': 'application/json', 'Toast-Signature': event.signature }, query: {}, body: Buffer.from(event.body) };
    expect(toast.push!.authenticate(request, credentials)).toBe(true);
    // The body alone signed (the reading of Toast's guide that leaves the timestamp out) is accepted too; either needs the secret.
    const bodyOnly = createHmac('sha256', credentials.webhookSecret!).update(event.body).digest('base64');
    expect(toast.push!.authenticate({ ...request, headers: { 'toast-signature': bodyOnly } }, credentials)).toBe(true);
    const otherSecret = createHmac('sha256', 'another-secret').update(event.body + String((JSON.parse(event.body) as Json).timestamp)).digest('base64');
    expect(toast.push!.authenticate({ ...request, headers: { 'toast-signature': otherSecret } }, credentials)).toBe(false);
    expect(toast.push!.authenticate({ ...request, body: Buffer.from(event.body.replace('order_updated', 'order_updatex')) }, credentials)).toBe(false);
    expect(toast.push!.authenticate({ ...request, headers: {} }, credentials)).toBe(false);
    expect(toast.push!.authenticate(request, { ...credentials, webhookSecret: undefined })).toBe(false);
    const result = await toast.push!.handle(ctx, request);
    expect(fake.violations).toEqual([]);
    const bar = records(result.batches).find((r) => r.outlet === 'BAR');
    expect(bar).toMatchObject({ businessDate: '2026-03-05', ...after });
    expectFiguresOfTheFake(result.batches);
  });

  it('pulls a refund made ten days after the sale: a record on the refund’s business date takes back the item net of tax; the sale’s day keeps its figures', async () => {
    const order = fake.data.orders.find((o) => o.restaurantGuid === BRASSERIE && o.businessDate === 20260305 && !o.voided && !o.deleted && (o.revenueCenter as Json | undefined)?.guid === RC_RESTAURANT && refundDates(o).length === 0 && !(o.checks as Json[])[0]!.voided)!;
    const sale = expectedDay(fake.data, BRASSERIE, outletOf, 'REST', '2026-03-05');
    const selection = ((order.checks as Json[])[0]!.selections as Json[]).find((x) => !x.voided)!;
    fake.update(String(order.guid), (o) => refund(o, { on: TODAY, at: '2026-03-15T14:00:00.000Z' }), new Date('2026-03-15T14:00:00.000Z'));
    const result = await toast.pull(ctx, { from: '2026-03-15T13:30:00.000Z', to: '2026-03-15T14:30:00.000Z' });
    expect(fake.violations).toEqual([]);
    const rs = records(result.batches);
    expect(rs.find((r) => r.id === `toast:${BRASSERIE}:refund:${String(order.guid)}:${TODAY}`)).toEqual({
      id: `toast:${BRASSERIE}:refund:${String(order.guid)}:${TODAY}`,
      businessDate: TODAY,
      outlet: 'REST',
      netRevenue: -Number(selection.price),
      tax: -Number(selection.tax),
      discounts: 0,
      covers: 0,
      checks: 0,
    });
    expect(rs.find((r) => r.outlet === 'REST' && r.businessDate === '2026-03-05' && !String(r.id).includes(':refund:'))).toMatchObject(sale);
    expectFiguresOfTheFake(result.batches);
  });

  it('the fake catches a request off Toast’s documents', async () => {
    const http = createVendorHttp({ vendor: 'Toast', circuitKey: 'toast-contract-bad', circuits: new Circuits() });
    await expect(http.send({ method: 'GET', url: `${fake.url}/orders/v2/ordersBulk`, headers: { 'toast-restaurant-external-id': BRASSERIE }, query: { businessDate: '2026-03-01', pageSize: 500 } })).rejects.toMatchObject({ reason: 'rejected', status: 400 });
    expect(fake.violations.join('\n')).toMatch(/businessDate '2026-03-01' is not yyyymmdd/);
    expect(fake.violations.join('\n')).toMatch(/pageSize 500/);
    await expect(http.send({ method: 'POST', url: `${fake.url}/authentication/v1/authentication/login`, body: { clientId: 'x', clientSecret: 'y' } })).rejects.toMatchObject({ status: 400 });
    expect(fake.violations.join('\n')).toMatch(/userAccessType must be TOAST_MACHINE_CLIENT/);
    expect(toastSpec().operations.map((o) => o.operationId)).toEqual(expect.arrayContaining(['authenticationLoginPost', 'ordersBulkGet', 'ordersGuidGet', 'restaurantsRestaurantGuidGet']));
  });
});
