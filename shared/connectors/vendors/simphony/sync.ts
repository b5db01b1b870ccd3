import type { CanonicalBatch, ConnectorContext, PullResult, PullWindow } from '../../connector.js';
import { businessDate, datesBetween } from '../../local-days.js';
import { SimphonyClient } from './client.js';
import { mapDays } from './mapping.js';
import type { SimphonyDailyTotals, SimphonyGuestCheck } from './schemas.js';
import type { SimphonyCredentials, SimphonyLocationSettings, SimphonySettings } from './settings.js';

type Ctx = ConnectorContext<SimphonySettings, SimphonyCredentials>;

/** Business dates per backfill window (the manifest's): each date is one request per location. */
export const WINDOW_DAYS = 7;

/**
 * Backfill and pull of one Simphony integration. The BI API answers by business date only, so a
 * pull recomputes the business dates its window touches, and a backfill its range; each day is
 * recomputed whole per location: a date before the property's today from its operations daily
 * totals, today (still open) from its guest checks (mapping.ts).
 */
export class SimphonySync {
  private readonly client: SimphonyClient;

  constructor(private readonly ctx: Ctx) {
    this.client = new SimphonyClient(ctx.http, ctx.settings, ctx.credentials);
  }

  backfill(range: { from: string; to: string }): Promise<PullResult> {
    return this.recomputeAll(datesBetween(range.from, range.to));
  }

  /** The window's business dates in the property's zone, with the day before its start (a check of the previous day can close after midnight). */
  pull(window: PullWindow): Promise<PullResult> {
    const first = businessDate(window.from, this.ctx.timeZone);
    const last = businessDate(window.to, this.ctx.timeZone);
    const dayBefore = new Date(Date.parse(`${first}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    return this.recomputeAll(datesBetween(dayBefore, last));
  }

  private async recomputeAll(dates: readonly string[]): Promise<PullResult> {
    // A day still ahead has no sales: dates after the property's today are not written.
    const due = [...new Set(dates)].filter((d) => d <= this.ctx.today).sort();
    const records: Array<Record<string, unknown>> = [];
    for (const l of this.ctx.settings.locations) records.push(...(await this.recompute(l, due)));
    const batches: CanonicalBatch[] = records.length ? [{ sourceType: 'pos', records }] : [];
    return { batches, objectsRead: this.client.objectsRead };
  }

  private async recompute(l: SimphonyLocationSettings, dates: readonly string[]): Promise<Array<Record<string, unknown>>> {
    if (dates.length === 0) return [];
    const checkDates = dates.filter((d) => d >= this.ctx.today);
    const totals: SimphonyDailyTotals[] = [];
    for (const date of dates.filter((d) => d < this.ctx.today)) totals.push(await this.client.dailyTotals(l.locRef, date));
    const checks: SimphonyGuestCheck[] = [];
    for (const date of checkDates) checks.push(...(await this.client.guestChecks(l.locRef, date)));
    return mapDays(l, dates, { totals, checkDates, checks });
  }
}
