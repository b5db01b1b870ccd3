import { ProblemError } from '../../../http/problem.js';
import type { CanonicalBatch, ConnectorContext, PullResult, PullWindow } from '../../connector.js';
import { addDays } from '../../../reporting/periods.js';
import { datesBetween } from '../../local-days.js';
import { SquareClient } from './client.js';
import { businessDateOf, businessDayStart, closingInstant, mapDays, startHourOf } from './mapping.js';
import type { SquareOrder } from './schemas.js';
import type { SquareCredentials, SquareSettings } from './settings.js';

type Ctx = ConnectorContext<SquareSettings, SquareCredentials>;

/** Business dates per SearchOrders query (the manifest's window): a month of a busy outlet is a few pages. */
export const WINDOW_DAYS = 31;
/** Touched dates closer than this are recomputed as one range: one query instead of several. */
const MERGE_GAP_DAYS = 7;

interface Seller {
  merchantId: string;
  currency: string | undefined;
  /** Each configured location's business day: Square's `timezone` (else the property's) and its start hour. */
  days: Map<string, { zone: string; startHour: number }>;
}

/** Sorted dates grouped into ranges of at most WINDOW_DAYS, gaps of up to MERGE_GAP_DAYS bridged. */
export function dateRanges(dates: Iterable<string>): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  for (const d of [...new Set(dates)].sort()) {
    const last = out.at(-1);
    if (last && d <= addDays(last.to, MERGE_GAP_DAYS) && d < addDays(last.from, WINDOW_DAYS)) last.to = d;
    else out.push({ from: d, to: d });
  }
  return out;
}

/** Backfill, pull and push of one Square integration: each names business dates, and those days are recomputed whole. */
export class SquareSync {
  private readonly client: SquareClient;

  constructor(private readonly ctx: Ctx) {
    this.client = new SquareClient(ctx.http, ctx.settings, ctx.credentials.accessToken);
  }

  private async seller(): Promise<Seller> {
    const wanted = new Set(this.ctx.settings.locationIds);
    const found = (await this.client.locations()).filter((l) => wanted.has(l.id));
    // A location the token cannot see is a setting to fix, not data to guess: the run fails naming it (shown in the status).
    const missing = [...wanted].filter((id) => !found.some((l) => l.id === id));
    if (missing.length) throw new ProblemError({ status: 409, title: 'Square location not found', detail: `Square: location(s) ${missing.join(', ')} not visible to this access token; check settings.locationIds.` });
    return {
      merchantId: found.find((l) => l.merchant_id)?.merchant_id ?? found[0]!.id,
      currency: found.find((l) => l.currency)?.currency,
      days: new Map(found.map((l) => [l.id, { zone: l.timezone || this.ctx.timeZone, startHour: startHourOf(l, this.ctx.settings) }])),
    };
  }

  async backfill(range: { from: string; to: string }): Promise<PullResult> {
    const seller = await this.seller();
    return this.recompute(seller, dateRanges(datesBetween(range.from, range.to)));
  }

  /** Every order Square updated in the window (completions, cancellations, edits) names its business date; those days are recomputed. */
  async pull(window: PullWindow): Promise<PullResult> {
    const seller = await this.seller();
    const changed = await this.client.searchOrders({ locationIds: this.ctx.settings.locationIds, field: 'updated_at', startAt: window.from, endAt: window.to });
    return this.recompute(seller, dateRanges(this.datesOf(changed, seller)));
  }

  /** A webhook's order read back and its day recomputed; an order not closed yet or unknown to Square changes nothing here. */
  async orderChanged(locationId: string, orderId: string): Promise<PullResult> {
    const orders = await this.client.orders(locationId, [orderId]);
    if (orders.every((o) => !closingInstant(o))) return { batches: [], objectsRead: this.client.objectsRead };
    const seller = await this.seller();
    return this.recompute(seller, dateRanges(this.datesOf(orders, seller)));
  }

  private datesOf(orders: readonly SquareOrder[], seller: Seller): string[] {
    const out: string[] = [];
    for (const o of orders) {
      const closed = closingInstant(o);
      const day = seller.days.get(o.location_id);
      if (closed && day) out.push(businessDateOf(closed, day.zone, day.startHour));
    }
    return out;
  }

  private async recompute(seller: Seller, ranges: Array<{ from: string; to: string }>): Promise<PullResult> {
    const { settings, today } = this.ctx;
    // Locations sharing a zone and a start hour share their business days: one query for them.
    const groups = new Map<string, { zone: string; startHour: number; locationIds: string[] }>();
    for (const [id, day] of seller.days) {
      const key = `${day.zone} ${day.startHour}`;
      const g = groups.get(key) ?? { ...day, locationIds: [] };
      g.locationIds.push(id);
      groups.set(key, g);
    }
    const records: Array<Record<string, unknown>> = [];
    for (const range of ranges) {
      // A day still ahead has no sales: dates after the property's today are not written.
      const dates = datesBetween(range.from, range.to).filter((d) => d <= today);
      if (dates.length === 0) continue;
      const orders: Array<{ order: SquareOrder; timeZone: string; startHour: number }> = [];
      for (const { zone, startHour, locationIds } of groups.values()) {
        const startAt = businessDayStart(dates[0]!, zone, startHour);
        // Square's time ranges include their end: the last millisecond before the next business day.
        const endAt = new Date(Date.parse(businessDayStart(addDays(dates.at(-1)!, 1), zone, startHour)) - 1).toISOString();
        const found = await this.client.searchOrders({ locationIds, field: 'closed_at', startAt, endAt, states: ['COMPLETED'] });
        orders.push(...found.map((order) => ({ order, timeZone: zone, startHour })));
      }
      records.push(...mapDays({ settings, merchantId: seller.merchantId, currency: seller.currency, dates, orders }));
    }
    const batches: CanonicalBatch[] = records.length ? [{ sourceType: 'pos', records }] : [];
    return { batches, objectsRead: this.client.objectsRead };
  }
}
