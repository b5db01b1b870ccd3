import { emptyDay, milli, PosDays, type OutletDay } from '../../pos-days.js';
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

/**
 * The `pos` records of one restaurant for the given business dates: every outlet of the restaurant
 * gets a record for every date, zero included (a day whose only check was voided returns to 0). An
 * order counts on its own `businessDate` (Toast's, the restaurant's day with its closeout hour); one
 * without falls on the date it was asked for.
 */
export function mapDays(restaurant: ToastRestaurantSettings, dates: readonly string[], orders: ReadonlyArray<{ order: ToastOrder; askedFor: string }>): Array<Record<string, unknown>> {
  const wanted = new Set(dates);
  const days = new PosDays();
  const seen = new Set<string>();
  for (const { order, askedFor } of orders) {
    // A page boundary moving under a concurrent change can return an order twice.
    if (seen.has(order.guid)) continue;
    seen.add(order.guid);
    const date = isoBusinessDate(order.businessDate) ?? askedFor;
    const c = orderContribution(order);
    if (c && wanted.has(date)) days.add(date, outletOf(order, restaurant), c);
  }
  return days.records(wanted, outletsOfRestaurant(restaurant), (outlet, date) => recordId(restaurant.guid, outlet, date));
}
