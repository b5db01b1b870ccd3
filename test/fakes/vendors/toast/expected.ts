import type { Json, ToastData } from './dataset.js';

/**
 * What a restaurant's outlet should show for a business date, from the fake's orders themselves:
 * the selections' prices rather than the check amounts the connector reads, so a mapping that read
 * the wrong field, kept a voided check or a deleted order, or lost a discount disagrees.
 */

export interface Day {
  netRevenue: number;
  tax: number;
  discounts: number;
  covers: number;
  checks: number;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const discountSum = (xs: unknown) => ((xs as Json[] | undefined) ?? []).reduce((s, d) => s + Number(d.discountAmount), 0);

/** The outlet the tests' settings give an order: revenue center, else dining option, else the restaurant's outlet. */
export type OutletOf = (order: Json) => string;

export function expectedDay(data: ToastData, restaurantGuid: string, outletOf: OutletOf, outlet: string, date: string): Day {
  const day = { netRevenue: 0, tax: 0, discounts: 0, covers: 0, checks: 0 };
  const businessDate = Number(date.replaceAll('-', ''));
  for (const o of data.orders) {
    if (o.restaurantGuid !== restaurantGuid || o.businessDate !== businessDate || o.voided || o.deleted || outletOf(o) !== outlet) continue;
    const checks = (o.checks as Json[]).filter((c) => !c.voided && !c.deleted);
    if (checks.length === 0) continue;
    for (const c of checks) {
      const live = (c.selections as Json[]).filter((s) => !s.voided);
      day.netRevenue += live.reduce((s, x) => s + Number(x.price), 0) - discountSum(c.appliedDiscounts);
      day.tax += Number(c.taxAmount);
      day.discounts += discountSum(c.appliedDiscounts) + live.reduce((s, x) => s + discountSum(x.appliedDiscounts), 0);
      day.checks += 1;
    }
    day.covers += Number(o.numberOfGuests);
  }
  return { netRevenue: round(day.netRevenue), tax: round(day.tax), discounts: round(day.discounts), covers: day.covers, checks: day.checks };
}

/**
 * What the refunds of one order take back on business date `date` (the payment refund's
 * `refundBusinessDate`), read from the fake's own shapes: an itemized refund is its selections'
 * `refundDetails`; an amount refunded with no item is split into net and tax in the check's
 * proportion (docs/connectors.md#toast). Zero when the order or check does not count.
 */
export function expectedRefund(order: Json, date: string): { netRevenue: number; tax: number } {
  const out = { netRevenue: 0, tax: 0 };
  const on = Number(date.replaceAll('-', ''));
  if (order.voided || order.deleted) return out;
  for (const c of (order.checks as Json[]).filter((x) => !x.voided && !x.deleted)) {
    for (const p of (c.payments as Json[] | undefined) ?? []) {
      const r = p.refund as Json | undefined;
      if (!r || r.refundBusinessDate !== on) continue;
      const txn = (r.refundTransaction as Json | undefined)?.guid;
      const items = (c.selections as Json[]).filter((s) => !s.voided && (s.refundDetails as Json | undefined)?.refundTransaction && ((s.refundDetails as Json).refundTransaction as Json).guid === txn);
      if (items.length) {
        for (const s of items) {
          out.netRevenue -= Number((s.refundDetails as Json).refundAmount);
          out.tax -= Number((s.refundDetails as Json).taxRefundAmount);
        }
      } else {
        const tax = round((Number(r.refundAmount) * Number(c.taxAmount)) / (Number(c.amount) + Number(c.taxAmount)));
        out.netRevenue -= Number(r.refundAmount) - tax;
        out.tax -= tax;
      }
    }
  }
  return { netRevenue: round(out.netRevenue), tax: round(out.tax) };
}

/** The refund business dates (ISO) of an order's payments. */
export function refundDates(order: Json): string[] {
  const out = new Set<string>();
  for (const c of order.checks as Json[]) {
    for (const p of (c.payments as Json[] | undefined) ?? []) {
      const d = String((p.refund as Json | undefined)?.refundBusinessDate ?? '');
      if (/^\d{8}$/.test(d)) out.add(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`);
    }
  }
  return [...out];
}
