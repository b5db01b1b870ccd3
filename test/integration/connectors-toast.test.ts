import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { connectorHotel, departmentMonth, expectSignedPushImportsOnce } from './connectors-helpers.js';
import { localDateHour } from '../../shared/integrations/properties.js';
import { addDays } from '../fakes/vendors/square/dataset.js';
import { refund, ROOFTOP, type Json } from '../fakes/vendors/toast/dataset.js';
import { refundDates } from '../fakes/vendors/toast/expected.js';
import { expectedMonth as expectedOf, toastIntegration } from '../fakes/vendors/toast/hotel.js';
import { startToastFake, type ToastFake } from '../fakes/vendors/toast/server.js';

/**
 * Toast end to end through HTTP on the local host: a pull integration of the `toast` connector
 * against the fake Toast, a backfill through the API, then R&P shows the F&B revenue and covers the
 * fake's orders imply (test/fakes/vendors/toast/expected.ts, from the selections, not the
 * connector's mapping). Then a vendor-push integration: Toast's signed order_updated webhook for a
 * voided order changes its day, the same notification again imports nothing new, a forged one is
 * refused; a refund made days after the sale, notified the same way, lowers the month's revenue by the
 * refunded item net of tax.
 */

const host = useTestHost();
const CLIENT = { clientId: 'toast-e2e-client', clientSecret: 'toast-e2e-secret' };
const WEBHOOK_SECRET = 'toast-e2e-webhook-secret';
let fake: ToastFake;
let owner: string;
let propertyId: string;
let fb: string;
let pullId: string;
let pushId: string;
/** The previous calendar month of the property: closed business days. */
let month: { from: string; to: string };

beforeAll(async () => {
  const today = localDateHour(new Date(), 'Europe/Vienna').date;
  const to = addDays(`${today.slice(0, 7)}-01`, -1);
  month = { from: `${to.slice(0, 7)}-01`, to };
  fake = await startToastFake({ from: addDays(month.from, -2), to: addDays(month.to, 2), ...CLIENT });
  const hotel = await connectorHotel(host);
  owner = hotel.owner;
  propertyId = hotel.propertyId;
  fb = hotel.departments.FB;
  // Every outlet is the hotel's F&B department.
  const common = toastIntegration(propertyId, fake.url, fb);
  const pull = await host.request('POST', '/api/v1/integrations', { token: owner, body: { ...common, kind: 'pull', name: 'Toast', credentials: CLIENT } });
  expect(pull.status).toBe(201);
  pullId = pull.json.id;
  expect(JSON.stringify(pull.json)).not.toContain(CLIENT.clientSecret);

  const push = await host.request('POST', '/api/v1/integrations', { token: owner, body: { ...common, kind: 'vendor-push', name: 'Toast webhooks', credentials: { ...CLIENT, webhookSecret: WEBHOOK_SECRET } } });
  expect(push.status).toBe(201);
  pushId = push.json.id;

  const asked = await host.request('POST', `/api/v1/integrations/${pullId}/backfill`, { token: owner, body: month });
  expect(asked.status).toBe(202);
  await host.app.broker?.idle();
});

afterAll(() => fake.close());

const expectedMonth = () => expectedOf(fake.data, month, addDays);

async function expectReportToShowTheFake() {
  const e = expectedMonth();
  expect(e.revenue).toBeGreaterThan(0);
  const actual = await departmentMonth(host, owner, propertyId, fb, month);
  expect(actual.revenue).toBeCloseTo(e.revenue, 2);
  expect(actual.covers).toBe(e.covers);
}

describe('Toast through HTTP', () => {
  it('lists Toast in the connector catalogue', async () => {
    const res = await host.request('GET', '/api/v1/connectors', { token: owner });
    expect(res.status).toBe(200);
    const entry = res.json.items.find((c: { id: string }) => c.id === 'toast');
    expect(entry).toMatchObject({ sourceTypes: ['pos'], capabilities: { pull: true, push: true } });
  });

  it('backfilled with valid requests only; R&P F&B revenue and covers equal the fake’s orders', async () => {
    expect(fake.violations).toEqual([]);
    const status = await host.request('GET', `/api/v1/integrations/${pullId}/status`, { token: owner });
    expect(status.status).toBe(200);
    expect(status.json.lastError).toBeNull();
    expect(status.json.backfill.pendingWindows).toBe(0);
    await expectReportToShowTheFake();
  });

  it('a signed order_updated webhook for a voided order updates its day; the same notification again imports nothing new; a forged one is refused', async () => {
    const order = fake.data.orders.find((o) => o.restaurantGuid === ROOFTOP && !o.voided && !o.deleted && o.businessDate === Number(addDays(month.from, 5).replaceAll('-', '')))!;
    const before = expectedMonth();
    fake.update(String(order.guid), (o) => (o.voided = true));
    expect(expectedMonth().revenue).toBeLessThan(before.revenue);
    const event = fake.event(String(order.guid), WEBHOOK_SECRET);
    const send = (signature: string) => host.request('POST', `/api/v1/connectors/toast/push/${pushId}`, { rawBody: event.body, headers: { 'content-type': 'application/json', 'toast-signature': signature } });

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

  it('a refund days after the sale (order_updated) lowers F&B revenue by the refunded item net of tax; covers stay', async () => {
    const order = fake.data.orders.find((o) => o.restaurantGuid === ROOFTOP && !o.voided && !o.deleted && refundDates(o).length === 0 && !(o.checks as Json[])[0]!.voided && o.businessDate === Number(addDays(month.from, 8).replaceAll('-', '')))!;
    const selection = ((order.checks as Json[])[0]!.selections as Json[]).find((x) => !x.voided)!;
    const before = await departmentMonth(host, owner, propertyId, fb, month);
    const on = addDays(month.to, -1);
    fake.update(String(order.guid), (o) => refund(o, { on, at: `${on}T15:00:00.000Z` }));
    const event = fake.event(String(order.guid), WEBHOOK_SECRET);
    const res = await host.request('POST', `/api/v1/connectors/toast/push/${pushId}`, { rawBody: event.body, headers: { 'content-type': 'application/json', 'toast-signature': event.signature } });
    expect(res.status).toBe(202);
    await host.app.broker?.idle();
    expect(fake.violations).toEqual([]);
    const after = await departmentMonth(host, owner, propertyId, fb, month);
    expect(after.revenue).toBeCloseTo(before.revenue - Number(selection.price), 2);
    expect(after.covers).toBe(before.covers);
    await expectReportToShowTheFake();
  });
});
