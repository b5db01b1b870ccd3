import { ProblemError } from '../../../http/problem.js';
import type { CanonicalBatch, ConnectorContext, PullResult, PullWindow } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { businessDate, datesBetween } from '../../local-days.js';
import { ToastClient, toastDate, toastInstant } from './client.js';
import { isoBusinessDate, mapDays } from './mapping.js';
import type { ToastOrder } from './schemas.js';
import type { ToastCredentials, ToastRestaurantSettings, ToastSettings } from './settings.js';

type Ctx = ConnectorContext<ToastSettings, ToastCredentials>;

/** Business dates per backfill window (the manifest's): each date is one ordersBulk query per restaurant. */
export const WINDOW_DAYS = 7;

/** Backfill, pull and push of one Toast integration: each names business dates, and those days are recomputed whole per restaurant. */
export class ToastSync {
  private readonly client: ToastClient;

  constructor(private readonly ctx: Ctx) {
    this.client = new ToastClient(ctx.http, ctx.settings, ctx.credentials);
  }

  /**
   * The last business date a restaurant can have closed sales on: the property's today, or the
   * restaurant's own local date when that is earlier (a restaurant west of the property). Reading
   * the restaurant also fails the run, naming it, when the client cannot see it.
   */
  private async lastDate(r: ToastRestaurantSettings): Promise<string> {
    let info;
    try {
      info = await this.client.restaurant(r.guid);
    } catch (err) {
      if (err instanceof VendorError && (err.status === 404 || err.status === 403))
        throw new ProblemError({ status: 409, title: 'Toast restaurant not found', detail: `Toast: restaurant ${r.guid} is not visible to this API client; check settings.restaurants.` });
      throw err;
    }
    const zone = info.general?.timeZone;
    const local = zone ? businessDate(new Date().toISOString(), zone) : this.ctx.today;
    return local < this.ctx.today ? local : this.ctx.today;
  }

  async backfill(range: { from: string; to: string }): Promise<PullResult> {
    const records: Array<Record<string, unknown>> = [];
    for (const r of this.ctx.settings.restaurants) records.push(...(await this.recompute(r, datesBetween(range.from, range.to))));
    return this.result(records);
  }

  /** Every order Toast modified in the window (new checks, payments, voids, deletions) names its business date; those days are recomputed. */
  async pull(window: PullWindow): Promise<PullResult> {
    const records: Array<Record<string, unknown>> = [];
    for (const r of this.ctx.settings.restaurants) {
      const changed = await this.client.orders(r.guid, { startDate: toastInstant(window.from), endDate: toastInstant(window.to) });
      records.push(...(await this.recompute(r, datesOf(changed))));
    }
    return this.result(records);
  }

  /** A webhook's order read back and its day recomputed; an order Toast does not know changes nothing here. */
  async orderChanged(restaurantGuid: string, orderGuid: string): Promise<PullResult> {
    const r = this.ctx.settings.restaurants.find((x) => x.guid === restaurantGuid);
    if (!r) return this.result([]);
    const order = await this.client.order(r.guid, orderGuid);
    return this.result(order ? await this.recompute(r, datesOf([order])) : []);
  }

  private async recompute(r: ToastRestaurantSettings, dates: readonly string[]): Promise<Array<Record<string, unknown>>> {
    if (dates.length === 0) return [];
    const last = await this.lastDate(r);
    // A day still ahead has no sales: dates after the restaurant's today are not written.
    const due = [...new Set(dates)].filter((d) => d <= last).sort();
    const orders: Array<{ order: ToastOrder; askedFor: string }> = [];
    for (const date of due) {
      for (const order of await this.client.orders(r.guid, { businessDate: toastDate(date) })) orders.push({ order, askedFor: date });
    }
    // A refund record names its own date: one after the restaurant's today (a clock ahead of ours) waits like a day would.
    return mapDays(r, due, orders).filter((rec) => String(rec.businessDate) <= last);
  }

  private result(records: Array<Record<string, unknown>>): PullResult {
    const batches: CanonicalBatch[] = records.length ? [{ sourceType: 'pos', records }] : [];
    return { batches, objectsRead: this.client.objectsRead };
  }
}

/** The business dates orders fall on (Toast's `businessDate`); an order without one names none. */
function datesOf(orders: readonly ToastOrder[]): string[] {
  return orders.flatMap((o) => isoBusinessDate(o.businessDate) ?? []);
}
