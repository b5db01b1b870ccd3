import { emptyDay, milli, MILLI, PosDays, type OutletDay } from '../../pos-days.js';
import type { ToastCheck, ToastOrder } from './schemas.js';
import { outletsOfRestaurant, type ToastRestaurantSettings } from './settings.js';

/**
 * Toast orders → canonical `pos` records: one record per outlet and business date, recomputed whole
 * from the day's orders, so a check voided or an order deleted later changes its day's figures and
 * nothing else. Toast states amounts as decimals of the currency (sums and records: pos-days.ts).
 */

/** YYYY-MM-DD of Toast's yyyyMMdd business date integer; undefined when it is not one. */
export function isoBusinessDate(yyyymmdd: number | null | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(String(yyyymmdd ?? ''));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** The outlet of an order: its revenue center's when mapped, else its dining option's, else the restaurant's. */
export function outletOf(order: ToastOrder, restaurant: ToastRestaurantSettings): string {
  const rc = order.revenueCenter?.guid;
  const dining = order.diningOption?.guid;
  return (rc && restaurant.byRevenueCenter[rc]) || (dining && restaurant.byDiningOption[dining]) || restaurant.outlet || restaurant.guid;
}

/** A check that counts: neither voided nor deleted (a check combined into another order is deleted from its first). */
const counts = (c: ToastCheck) => !c.voided && !c.deleted;

/**
 * What one order adds to its outlet's day, undefined when it adds nothing (voided, deleted, or
 * every check voided or deleted). Per counting check: `amount` is net revenue (Toast: price after
 * discounts, with service charges, without tax and gratuity), `taxAmount` the tax, the discounts
 * applied to the check and to its selections that are not voided the discounts, and the check one
 * check. The order's `numberOfGuests` are its covers.
 */
export function orderContribution(order: ToastOrder): OutletDay | undefined {
  if (order.voided || order.deleted) return undefined;
  const checks = (order.checks ?? []).filter(counts);
  if (checks.length === 0) return undefined;
  const d = emptyDay();
  for (const c of checks) {
    d.net += milli(c.amount);
    d.tax += milli(c.taxAmount);
    for (const a of c.appliedDiscounts ?? []) d.discounts += milli(a.discountAmount);
    for (const s of c.selections ?? []) if (!s.voided) for (const a of s.appliedDiscounts ?? []) d.discounts += milli(a.discountAmount);
    d.checks += 1;
  }
  d.covers = Math.max(0, order.numberOfGuests ?? 0);
  return d;
}

export function recordId(restaurantGuid: string, outlet: string, date: string): string {
  return `toast:${restaurantGuid}:${outlet}:${date}`;
}

/** A refund record's id: one per order and refund business date (an order's outlet is one). */
export function refundRecordId(restaurantGuid: string, orderGuid: string, date: string): string {
  return `toast:${restaurantGuid}:refund:${orderGuid}:${date}`;
}

/**
 * What an order's refunds take back, per refund business date, in thousandths (negative net and
 * tax; discounts, covers and checks untouched). Toast marks refunded selections and service charges
 * with `refundDetails` (the pre-tax `refundAmount` and `taxRefundAmount`, nested modifiers included
 * in their parent's) and records the money on the payment's `refund`, whose `refundBusinessDate` is
 * the refund's day; the two share a `refundTransaction`. An itemized refund counts its details on the
 * date of the payment refund of the same transaction (else of the check's only refund, else the
 * order's business date); a payment refund with no itemized detail (an amount refunded) counts its
 * `refundAmount`, split into net and tax in the check's own proportion. A check or order that does
 * not count (voided, deleted) gives its refund dates zeros, so a refund written earlier returns to 0.
 */
export function orderRefunds(order: ToastOrder): Map<string, OutletDay> {
  const out = new Map<string, OutletDay>();
  const orderDate = isoBusinessDate(order.businessDate);
  const into = (date: string | undefined) => {
    const d = date ?? orderDate;
    if (d === undefined) return undefined;
    let day = out.get(d);
    if (!day) out.set(d, (day = emptyDay()));
    return day;
  };
  for (const c of order.checks ?? []) {
    const live = !order.voided && !order.deleted && counts(c);
    const refunds = (c.payments ?? []).flatMap((p) => (p.refund ? [p.refund] : []));
    const dateOf = new Map(refunds.map((r) => [r.refundTransaction?.guid ?? '', isoBusinessDate(r.refundBusinessDate)]));
    const only = refunds.length === 1 ? isoBusinessDate(refunds[0]!.refundBusinessDate) : undefined;
    const itemized = new Set<string>();
    const details = [...(c.selections ?? []).filter((s) => !s.voided), ...(c.appliedServiceCharges ?? [])].flatMap((x) => (x.refundDetails ? [x.refundDetails] : []));
    for (const r of details) {
      const txn = r.refundTransaction?.guid ?? '';
      itemized.add(txn);
      const day = into(dateOf.get(txn) ?? only);
      if (!day || !live) continue;
      day.net -= milli(r.refundAmount);
      day.tax -= milli(r.taxRefundAmount);
    }
    for (const r of refunds) {
      const txn = r.refundTransaction?.guid ?? '';
      if (itemized.has(txn)) continue;
      const day = into(isoBusinessDate(r.refundBusinessDate));
      if (!day || !live) continue;
      const gross = milli(r.refundAmount);
      const base = milli(c.amount) + milli(c.taxAmount);
      const tax = base > 0 ? Math.round((gross * milli(c.taxAmount)) / base) : 0;
      day.net -= gross - tax;
      day.tax -= tax;
    }
  }
  return out;
}

/**
 * The `pos` records of one restaurant for the given business dates: every outlet of the restaurant
 * gets a record for every date, zero included (a day whose only check was voided returns to 0). An
 * order counts on its own `businessDate` (Toast's, the restaurant's day with its closeout hour); one
 * without falls on the date it was asked for. Refunds are records of their own (`orderRefunds`,
 * one per order and refund date, at the order's outlet), so a refund made days later lowers its own
 * day without the sale's day being rewritten, and re-reading the order gives the same record.
 */
export function mapDays(restaurant: ToastRestaurantSettings, dates: readonly string[], orders: ReadonlyArray<{ order: ToastOrder; askedFor: string }>): Array<Record<string, unknown>> {
  const wanted = new Set(dates);
  const days = new PosDays();
  const seen = new Set<string>();
  const refunds: Array<Record<string, unknown>> = [];
  for (const { order, askedFor } of orders) {
    // A page boundary moving under a concurrent change can return an order twice.
    if (seen.has(order.guid)) continue;
    seen.add(order.guid);
    const date = isoBusinessDate(order.businessDate) ?? askedFor;
    const c = orderContribution(order);
    if (c && wanted.has(date)) days.add(date, outletOf(order, restaurant), c);
    const outlet = outletOf(order, restaurant);
    for (const [refundDate, r] of orderRefunds(order)) {
      refunds.push({ id: refundRecordId(restaurant.guid, order.guid, refundDate), businessDate: refundDate, outlet, netRevenue: r.net / MILLI, tax: r.tax / MILLI, discounts: 0, covers: 0, checks: 0 });
    }
  }
  return [...days.records(wanted, outletsOfRestaurant(restaurant), (outlet, date) => recordId(restaurant.guid, outlet, date)), ...refunds];
}
