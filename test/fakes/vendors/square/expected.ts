import type { Json, SquareData } from './dataset.js';

/**
 * What the fake's orders imply per location's business date, computed independently of the
 * connector's mapping: from each order's own totals (`net_amounts`), not its line items, with the
 * business date from the location's wall clock: before the location's start hour, the day before. The
 * start hour is 04:00, or the hour after the latest closing past midnight in the location's business
 * hours when that is later (the rule docs/connectors.md#square states).
 */

export interface ExpectedDay {
  netRevenue: number;
  tax: number;
  discounts: number;
  covers: number;
  checks: number;
}

export const START_HOUR = 4;

/** The location's start hour from its business hours, read here on its own: "03:30:00" closing → 05. */
export function startHourAt(location: Json): number {
  let hour = START_HOUR;
  for (const p of ((location.business_hours as Json | undefined)?.periods as Json[] | undefined) ?? []) {
    const [sh, sm] = String(p.start_local_time).split(':').map(Number) as [number, number];
    const [eh, em] = String(p.end_local_time).split(':').map(Number) as [number, number];
    if (eh * 60 + em < sh * 60 + sm) hour = Math.max(hour, (em > 0 ? eh + 1 : eh) + 1);
  }
  return hour;
}

const clocks = new Map<string, Intl.DateTimeFormat>();
const dates = new Map<string, string>();

function wallClock(instant: string, timeZone: string): { date: string; hour: number } {
  let f = clocks.get(timeZone);
  if (!f) clocks.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' })));
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
}

/** Memoised: every expected day scans every order. */
export function businessDateAt(instant: string, timeZone: string, startHour = START_HOUR): string {
  const key = `${timeZone} ${startHour} ${instant}`;
  let d = dates.get(key);
  if (d === undefined) {
    const { date, hour } = wallClock(instant, timeZone);
    dates.set(key, (d = hour >= startHour ? date : new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)));
  }
  return d;
}

/** The business date an order closed on, at its location. */
export function orderDate(data: SquareData, order: Json): string {
  const location = data.locations.find((l) => l.id === order.location_id)!;
  return businessDateAt(String(order.closed_at), String(location.timezone), startHourAt(location));
}

const amount = (m: unknown) => ((m as { amount?: number } | undefined)?.amount ?? 0) / 100;

function coversOf(o: Json): number {
  const meta = (o.metadata as Record<string, string> | undefined)?.covers;
  if (meta !== undefined) return Number(meta);
  return ((o.line_items as Json[] | undefined) ?? []).filter((l) => l.name === 'Cover').reduce((s, l) => s + Number(l.quantity), 0);
}

/** A return order gave money back unless every refund on it was REJECTED or FAILED. */
function returned(o: Json): boolean {
  const refunds = (o.refunds as Json[] | undefined) ?? [];
  return refunds.length === 0 || refunds.some((r) => r.status !== 'REJECTED' && r.status !== 'FAILED');
}

/**
 * The completed orders of `locationId` on business date `date`, summed. A return order's returns
 * count on its own business date, against net revenue and tax, not against discounts (Square's
 * `net_amounts` are sales minus returns: the sales' discounts are `net_amounts` + `return_amounts`);
 * an order with no sold line counts no check.
 */
export function expectedDay(data: SquareData, locationId: string, date: string): ExpectedDay {
  const location = data.locations.find((l) => l.id === locationId)!;
  const e: ExpectedDay = { netRevenue: 0, tax: 0, discounts: 0, covers: 0, checks: 0 };
  for (const o of data.orders) {
    if (o.location_id !== locationId || o.state !== 'COMPLETED' || businessDateAt(String(o.closed_at), String(location.timezone), startHourAt(location)) !== date) continue;
    const net = o.net_amounts as Json;
    const back = (o.return_amounts ?? {}) as Json;
    const kept = returned(o) ? 0 : 1;
    e.netRevenue += amount(net.total_money) - amount(net.tax_money) + kept * (amount(back.total_money) - amount(back.tax_money));
    e.tax += amount(net.tax_money) + kept * amount(back.tax_money);
    e.discounts += amount(net.discount_money) + amount(back.discount_money);
    e.covers += coversOf(o);
    e.checks += ((o.line_items as Json[] | undefined) ?? []).length > 0 ? 1 : 0;
  }
  e.netRevenue = Math.round(e.netRevenue * 100) / 100;
  e.tax = Math.round(e.tax * 100) / 100;
  e.discounts = Math.round(e.discounts * 100) / 100;
  return e;
}
