import { createHash } from 'node:crypto';
import { prng } from '../../../../shared/integrations/demo-data.js';
import { addDays, localToUtc } from '../square/dataset.js';

/**
 * The fake Toast management group's data: two restaurants (a hotel brasserie in Vienna with a
 * Restaurant and a Bar revenue center and an In-Room-Dining dining option outside both, and a
 * rooftop in New York), with a few orders per restaurant and business date, deterministically:
 * selections from a small menu at a 10 % additive tax, item and check discounts, guest counts,
 * split checks, and the cases a day's figures must survive — an order voided, an order deleted
 * (combined into another), a check voided, a selection voided. Amounts are Toast's decimals. Some
 * paid checks are refunded one to three business days later as Toast records it: the refunded
 * selection's `refundDetails` (pre-tax amount, tax, refund transaction) and the payment's `refund`
 * (amount, `refundBusinessDate`, the same transaction), or an amount refunded with no item.
 */

export type Json = Record<string, unknown>;

export interface DatasetOptions {
  /** Business dates with orders, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
  seed?: string;
}

export interface ToastData {
  restaurants: Json[];
  orders: Json[];
}

export const BRASSERIE = '4a1f4c1e-0b5f-4c34-9a4e-7f1d2b9a0c01';
export const ROOFTOP = '9e27d1b0-5a43-4f0e-8d6c-3c2b1a0f9e02';
export const RC_RESTAURANT = 'c5b2f7a4-1d3e-4f60-8a9b-0c1d2e3f4a10';
export const RC_BAR = 'd6c3a8b5-2e4f-4071-9bac-1d2e3f4a5b20';
export const DINING_IN_ROOM = 'e7d4b9c6-3f50-4182-acbd-2e3f4a5b6c30';
const DINING_DINE_IN = 'f8e5cad7-4061-4293-bdce-3f4a5b6c7d40';

const MENU = [
  { name: 'Schnitzel', price: 24.5 },
  { name: 'Salad', price: 12 },
  { name: 'Glass of wine', price: 9.5 },
  { name: 'Espresso', price: 3.8 },
  { name: 'Cocktail', price: 15 },
];

const ref = (guid: string, entityType: string) => ({ guid, entityType });
const cents = (v: number) => Math.round(v * 100) / 100;
const uuid = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** A check as Toast computes it: selection `price` after its discount, `tax` on it; `amount` the selections less the check discount; `totalAmount` with tax. */
function buildCheck(rand: () => number, id: string, opened: string, voided: boolean): Json {
  const selections: Json[] = [];
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) {
    const item = MENU[Math.floor(rand() * MENU.length)]!;
    const quantity = 1 + Math.floor(rand() * 2);
    const pre = cents(item.price * quantity);
    const discount = rand() < 0.15 ? cents(pre * 0.2) : 0;
    const price = cents(pre - discount);
    selections.push({
      guid: uuid(`${id}:s${i}`),
      entityType: 'MenuItemSelection',
      item: ref(uuid(item.name), 'MenuItem'),
      displayName: item.name,
      quantity,
      preDiscountPrice: pre,
      price,
      tax: cents(price * 0.1),
      voided: rand() < 0.05,
      appliedDiscounts: discount ? [{ guid: uuid(`${id}:s${i}:d`), entityType: 'AppliedDiscount', name: '20 % item', discountAmount: discount }] : [],
    });
  }
  const live = selections.filter((s) => !s.voided);
  const subtotal = cents(live.reduce((s, x) => s + Number(x.price), 0));
  const checkDiscount = subtotal > 40 && rand() < 0.3 ? 5 : 0;
  const amount = cents(subtotal - checkDiscount);
  const taxAmount = cents(amount * 0.1);
  return {
    guid: id,
    entityType: 'Check',
    openedDate: opened,
    closedDate: opened,
    modifiedDate: opened,
    voided,
    deleted: false,
    selections,
    appliedDiscounts: checkDiscount ? [{ guid: uuid(`${id}:d`), entityType: 'AppliedDiscount', name: 'Manager', discountAmount: checkDiscount }] : [],
    amount,
    taxAmount,
    totalAmount: cents(amount + taxAmount),
    paymentStatus: 'CLOSED',
  };
}

function buildOrder(rand: () => number, restaurant: string, date: string, i: number, zone: string): Json {
  const guid = uuid(`${restaurant}:${date}:${i}`);
  const hour = 11 + Math.floor(rand() * 13);
  const opened = localToUtc(date, hour, Math.floor(rand() * 60), zone).replace('Z', '+0000').replace(/\.\d{3}\+/, '.000+');
  // Toast's Swagger 2.0 document has no null: an order outside every revenue center has none.
  let revenueCenter: Json | undefined;
  let dining = DINING_DINE_IN;
  if (restaurant === BRASSERIE) {
    const r = rand();
    if (r < 0.15) dining = DINING_IN_ROOM;
    else revenueCenter = ref(r < 0.6 ? RC_RESTAURANT : RC_BAR, 'RevenueCenter');
  }
  const split = rand() < 0.2;
  const checks = [buildCheck(rand, uuid(`${guid}:c0`), opened, false)];
  if (split) checks.push(buildCheck(rand, uuid(`${guid}:c1`), opened, rand() < 0.3));
  const fate = rand();
  return {
    guid,
    entityType: 'Order',
    businessDate: Number(date.replaceAll('-', '')),
    openedDate: opened,
    createdDate: opened,
    modifiedDate: opened,
    closedDate: opened,
    paidDate: opened,
    numberOfGuests: 1 + Math.floor(rand() * 4),
    ...(revenueCenter ? { revenueCenter } : {}),
    diningOption: ref(dining, 'DiningOption'),
    voided: fate < 0.04,
    deleted: fate >= 0.04 && fate < 0.07,
    source: 'In Store',
    checks,
  };
}

export function dataset(options: DatasetOptions): ToastData {
  const rand = prng(options.seed ?? 'toast-orders-2.9.0');
  const restaurants: Json[] = [
    { guid: BRASSERIE, general: { name: 'Hotel Brasserie', locationName: 'Vienna', timeZone: 'Europe/Vienna', closeoutHour: 4, currencyCode: 'EUR', managementGroupGuid: uuid('group'), archived: false } },
    { guid: ROOFTOP, general: { name: 'Rooftop', locationName: 'New York', timeZone: 'America/New_York', closeoutHour: 4, currencyCode: 'EUR', managementGroupGuid: uuid('group'), archived: false } },
  ];
  const orders: Json[] = [];
  for (let d = options.from; d <= options.to; d = addDays(d, 1)) {
    for (const r of restaurants) {
      const zone = String((r.general as Json).timeZone);
      const n = 3 + Math.floor(rand() * 5);
      for (let i = 0; i < n; i++) orders.push({ ...buildOrder(rand, String(r.guid), d, i, zone), restaurantGuid: r.guid });
    }
  }
  // Refunds draw from their own sequence, so the sales above stay what they were before refunds existed.
  const rr = prng(`${options.seed ?? 'toast-orders-2.9.0'}:refunds`);
  for (const o of orders) {
    if (o.voided || o.deleted || rr() >= 0.1) continue;
    const zone = String(((restaurants.find((r) => r.guid === o.restaurantGuid)!.general as Json).timeZone));
    const date = `${String(o.businessDate).slice(0, 4)}-${String(o.businessDate).slice(4, 6)}-${String(o.businessDate).slice(6, 8)}`;
    const on = addDays(date, 1 + Math.floor(rr() * 3));
    refund(o, { on, at: localToUtc(on, 15, Math.floor(rr() * 60), zone), ...(rr() < 0.3 ? { amount: 5.5 } : {}) });
  }
  return { restaurants, orders };
}

/** Toast's instant format: `2026-03-01T12:00:00.000+0000`. */
const toastInstant = (iso: string) => iso.replace('Z', '+0000').replace(/\.\d{3}\+/, '.000+');

/**
 * Refunds the first check of `order` on business date `on` (at instant `at`), as Toast records it:
 * its first selection that stands, with its tax (`refundDetails` and the payment's `refund` sharing a
 * refund transaction), or `amount` refunded with no item. The check gets its payment (CREDIT, the
 * check's total) when it had none; the order's and check's `modifiedDate` move to the refund.
 */
export function refund(order: Json, options: { on: string; at: string; amount?: number }): Json {
  const check = (order.checks as Json[])[0]!;
  const txn = { guid: uuid(`${String(check.guid)}:refund:${options.on}`), entityType: 'PaymentRefundTransaction' };
  const selection = (check.selections as Json[]).find((s) => !s.voided);
  let refundAmount: number;
  if (options.amount === undefined && selection) {
    selection.refundDetails = { refundAmount: selection.price, taxRefundAmount: selection.tax, refundTransaction: txn };
    refundAmount = cents(Number(selection.price) + Number(selection.tax));
  } else {
    refundAmount = options.amount ?? 0;
  }
  const at = toastInstant(options.at);
  const payments = (check.payments as Json[] | undefined) ?? [];
  if (payments.length === 0) {
    payments.push({ guid: uuid(`${String(check.guid)}:payment`), entityType: 'OrderPayment', type: 'CREDIT', amount: check.totalAmount, tipAmount: 0, amountTendered: check.totalAmount, paidDate: check.closedDate, paidBusinessDate: order.businessDate, paymentStatus: 'CAPTURED' });
  }
  Object.assign(payments[0]!, { refundStatus: refundAmount >= Number(check.totalAmount) ? 'FULL' : 'PARTIAL', refund: { refundAmount, tipRefundAmount: 0, refundDate: at, refundBusinessDate: Number(options.on.replaceAll('-', '')), refundTransaction: txn } });
  check.payments = payments;
  check.modifiedDate = at;
  order.modifiedDate = at;
  return order;
}
