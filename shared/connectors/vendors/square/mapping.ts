import { addDays } from '../../../reporting/periods.js';
import { businessDate, dayStartUtc } from '../../local-days.js';
import { emptyDay, type OutletDay } from '../../pos-days.js';
import type { SquareLineItem, SquareLocation, SquareOrder } from './schemas.js';
import type { SquareSettings } from './settings.js';

/**
 * Square orders → canonical `pos` records: one record per outlet and business date, recomputed whole
 * from the day's completed orders, so an order cancelled or changed later changes its day's figures
 * and nothing else. Amounts are summed in the currency's smallest unit (Square's integers) and
 * converted once per record, so no rounding accumulates.
 */

const HOUR_MS = 3_600_000;

/** The instant a business date starts at a location: `businessDayStartHour` hours after its local midnight. */
export function businessDayStart(date: string, timeZone: string, startHour: number): string {
  return new Date(Date.parse(dayStartUtc(date, timeZone)) + startHour * HOUR_MS).toISOString();
}

/** The business date an instant belongs to at a location: before the day's start hour it is the previous date. */
export function businessDateOf(instant: string, timeZone: string, startHour: number): string {
  const local = businessDate(instant, timeZone);
  return Date.parse(instant) < Date.parse(businessDayStart(local, timeZone, startHour)) ? addDays(local, -1) : local;
}

/** A business day's start when neither the settings nor the location's business hours say otherwise. */
export const DEFAULT_START_HOUR = 4;

/** Minutes after midnight of Square's partial-time (`2:30:00`, `21:00:00`), undefined when unreadable. */
function minutesOf(time: string | undefined): number | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(time ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * The hour a location's business day starts: the setting when given; else, when the location's
 * business hours have a period running past midnight (it ends before it starts), the hour after its
 * latest closing time, rounded up (a bar open 18:00–02:30 starts its day at 04:00, so checks settled
 * just after closing stay on the night they belong to); never earlier than DEFAULT_START_HOUR nor
 * later than noon.
 */
export function startHourOf(location: SquareLocation, settings: SquareSettings): number {
  if (settings.businessDayStartHour !== undefined) return settings.businessDayStartHour;
  let latest: number | undefined;
  for (const p of location.business_hours?.periods ?? []) {
    const start = minutesOf(p.start_local_time);
    const end = minutesOf(p.end_local_time);
    if (start !== undefined && end !== undefined && end < start) latest = Math.max(latest ?? 0, end);
  }
  if (latest === undefined) return DEFAULT_START_HOUR;
  return Math.min(12, Math.max(DEFAULT_START_HOUR, Math.ceil(latest / 60) + 1));
}

/** The instant that fixes an order's business date: when it reached its terminal state (Square sets `closed_at` for completed and cancelled orders). */
export function closingInstant(o: SquareOrder): string | undefined {
  return o.closed_at;
}

export function locationOutlet(settings: SquareSettings, locationId: string): string {
  return settings.outlets.byLocation[locationId] ?? locationId;
}

/** Every outlet the integration posts to: a day's record is written for each, zero included, so a cancelled day returns to 0. */
export function outletsOf(settings: SquareSettings): string[] {
  return [...new Set([...settings.locationIds.map((l) => locationOutlet(settings, l)), ...Object.values(settings.outlets.byCatalogObject)])].sort();
}

const cents = (m: { amount: number } | undefined) => m?.amount ?? 0;

function quantity(l: SquareLineItem): number {
  const q = Number(l.quantity);
  return Number.isFinite(q) ? q : 0;
}

/** Covers of an order: its metadata value under the configured key, else the quantity of its cover line items, else 0. */
export function coversOf(o: SquareOrder, settings: SquareSettings): number {
  const c = settings.covers;
  const meta = o.metadata?.[c.metadataKey];
  if (meta !== undefined && /^\d{1,6}$/.test(meta.trim())) return Number(meta.trim());
  const names = new Set(c.coverItemNames.map((n) => n.toLowerCase()));
  const ids = new Set(c.coverCatalogObjectIds);
  const fromLines = (o.line_items ?? []).filter((l) => (l.name !== undefined && names.has(l.name.toLowerCase())) || (l.catalog_object_id !== undefined && ids.has(l.catalog_object_id))).reduce((s, l) => s + quantity(l), 0);
  return Math.max(0, Math.round(fromLines));
}

/** Refund statuses under which no money went back: a return order whose every refund ended so returns nothing. */
const FAILED_REFUND = new Set(['REJECTED', 'FAILED']);

/**
 * Whether a return order's returns count: Square records every refund (itemized, or a custom amount
 * as a CUSTOM_AMOUNT return line item) as a return order whose `refunds` are the tender side of the
 * same money, so they are never subtracted again; a return order whose refunds were all rejected or
 * failed gave nothing back. An exchange without money movement has no refund and counts.
 */
export function returnsCount(o: SquareOrder): boolean {
  const refunds = o.refunds ?? [];
  return refunds.length === 0 || refunds.some((r) => !FAILED_REFUND.has(r.status ?? ''));
}

/**
 * What one completed order adds to each outlet. A line item's net revenue is its `total_money`
 * minus its tax and the service charges apportioned to it (those are counted once, with the order's
 * service charges); its discounts are `total_discount_money`. The order's own service charges, its
 * covers and its check go to its location's outlet; a line item mapped by catalog object to another
 * outlet also counts a check there. Tips are not revenue.
 *
 * A return order (`returns`) subtracts what it gives back, the same way and to the same outlets, on
 * its own business date: net revenue and tax go down; discounts stay those of the sales (a return
 * does not undo a discount given), and a return without a sale counts no check.
 */
export function orderContribution(o: SquareOrder, settings: SquareSettings): Map<string, OutletDay> {
  const out = new Map<string, OutletDay>();
  const home = locationOutlet(settings, o.location_id);
  const at = (outlet: string) => {
    let d = out.get(outlet);
    if (!d) out.set(outlet, (d = emptyDay()));
    return d;
  };
  const outletOf = (catalogObjectId: string | undefined) => (catalogObjectId && settings.outlets.byCatalogObject[catalogObjectId]) || home;
  const sold = new Set<string>();
  const lines = o.line_items ?? [];
  if (lines.length > 0 || (o.service_charges ?? []).length > 0) sold.add(home);
  for (const l of lines) {
    const outlet = outletOf(l.catalog_object_id);
    sold.add(outlet);
    const d = at(outlet);
    d.net += cents(l.total_money) - cents(l.total_tax_money) - cents(l.total_service_charge_money);
    d.tax += cents(l.total_tax_money);
    d.discounts += cents(l.total_discount_money);
  }
  const charges = settings.serviceChargesAsRevenue ? (o.service_charges ?? []) : [];
  for (const s of charges) {
    const d = at(home);
    d.net += cents(s.total_money) - cents(s.total_tax_money);
    d.tax += cents(s.total_tax_money);
  }
  if (returnsCount(o)) {
    for (const r of o.returns ?? []) {
      for (const l of r.return_line_items ?? []) {
        const d = at(outletOf(l.catalog_object_id));
        d.net -= cents(l.total_money) - cents(l.total_tax_money) - cents(l.total_service_charge_money);
        d.tax -= cents(l.total_tax_money);
      }
      if (!settings.serviceChargesAsRevenue) continue;
      for (const s of r.return_service_charges ?? []) {
        const d = at(home);
        d.net -= cents(s.total_money) - cents(s.total_tax_money);
        d.tax -= cents(s.total_tax_money);
      }
    }
  }
  const covers = coversOf(o, settings);
  if (covers > 0 || sold.has(home)) at(home).covers += covers;
  for (const outlet of sold) at(outlet).checks += 1;
  return out;
}

/** Fraction digits of a currency (USD 2, JPY 0, BHD 3); unknown codes as 2. */
export function currencyDigits(currency: string | undefined): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency ?? 'USD' }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export interface DaysInput {
  settings: SquareSettings;
  /** Square's merchant id: part of every record id, so two sellers' outlets never collide. */
  merchantId: string;
  currency: string | undefined;
  /** The business dates recomputed: each gets a record per outlet. */
  dates: readonly string[];
  /** Completed and cancelled orders closed in those days, each with its location's time zone and day start hour. */
  orders: ReadonlyArray<{ order: SquareOrder; timeZone: string; startHour: number }>;
}

export function recordId(merchantId: string, outlet: string, date: string): string {
  return `square:${merchantId}:${outlet}:${date}`;
}

/** The `pos` records of the given business dates: per outlet, the sums of the orders COMPLETED on that business date. */
export function mapDays(input: DaysInput): Array<Record<string, unknown>> {
  const { settings } = input;
  const wanted = new Set(input.dates);
  const days = new Map<string, Map<string, OutletDay>>();
  for (const { order, timeZone, startHour } of input.orders) {
    const closed = closingInstant(order);
    if (order.state !== 'COMPLETED' || !closed || !settings.locationIds.includes(order.location_id)) continue;
    const date = businessDateOf(closed, timeZone, startHour);
    if (!wanted.has(date)) continue;
    let day = days.get(date);
    if (!day) days.set(date, (day = new Map()));
    for (const [outlet, c] of orderContribution(order, settings)) {
      const into = day.get(outlet) ?? emptyDay();
      day.set(outlet, { net: into.net + c.net, tax: into.tax + c.tax, discounts: into.discounts + c.discounts, covers: into.covers + c.covers, checks: into.checks + c.checks });
    }
  }
  const scale = 10 ** currencyDigits(input.currency);
  const outlets = outletsOf(settings);
  const records: Array<Record<string, unknown>> = [];
  for (const date of [...wanted].sort()) {
    for (const outlet of outlets) {
      const d = days.get(date)?.get(outlet) ?? emptyDay();
      records.push({ id: recordId(input.merchantId, outlet, date), businessDate: date, outlet, netRevenue: d.net / scale, tax: d.tax / scale, discounts: d.discounts / scale, covers: d.covers, checks: d.checks });
    }
  }
  return records;
}
