import type { CanonicalBatch, ConnectorContext, PullResult, PullWindow } from '../../connector.js';
import { ApaleoClient } from './client.js';
import { addDays } from '../../../reporting/periods.js';
import { datesBetween, dayStartUtc } from '../../local-days.js';
import { apaleoInstant } from './dates.js';
import { datesOf, mapDays } from './mapping.js';
import type { Unit } from './schemas.js';
import type { ApaleoCredentials, ApaleoSettings } from './settings.js';

type Ctx = ConnectorContext<ApaleoSettings, ApaleoCredentials>;

/** Business dates per reservations request: a month of a busy hotel is a few pages. */
export const CHUNK_DAYS = 31;
/** Changed dates closer than this are recomputed as one range (one request instead of several). */
const MERGE_GAP_DAYS = 7;

/** Statuses that hold a room, asked of apaleo so cancelled reservations are not transferred for nothing. */
const STAYING_STATUSES = ['Confirmed', 'InHouse', 'CheckedOut'] as const;

function mergeBatches(batches: CanonicalBatch[]): CanonicalBatch[] {
  const byType = new Map<CanonicalBatch['sourceType'], CanonicalBatch>();
  for (const b of batches) {
    const into = byType.get(b.sourceType);
    if (into) into.records.push(...b.records);
    else byType.set(b.sourceType, { sourceType: b.sourceType, records: [...b.records] });
  }
  return [...byType.values()];
}

/** Sorted dates grouped into ranges, gaps of up to MERGE_GAP_DAYS bridged. */
function ranges(dates: Iterable<string>): Array<{ from: string; to: string }> {
  const sorted = [...new Set(dates)].sort();
  const out: Array<{ from: string; to: string }> = [];
  for (const d of sorted) {
    const last = out.at(-1);
    if (last && d <= addDays(last.to, MERGE_GAP_DAYS)) last.to = d;
    else out.push({ from: d, to: d });
  }
  return out;
}

/** How each entry point (backfill, pull, push) turns business dates into recomputed days. */
export class DayRunner {
  /** The canonical records of the business dates `from`..`to`, recomputed whole from apaleo's current state. */
  async backfill(ctx: Ctx, range: { from: string; to: string }): Promise<PullResult> {
    return this.recompute(ctx, [range]);
  }

  /**
   * What changed in `window`: every reservation apaleo modified in it (cancellations included) names
   * the business dates it touches, and those days are recomputed whole. Yesterday and today are always
   * recomputed too: unit maintenance and the night audit change them without modifying a reservation.
   */
  async pull(ctx: Ctx, window: PullWindow): Promise<PullResult> {
    const client = new ApaleoClient(ctx.http, ctx.settings);
    const tz = (await client.property()).timeZone;
    const changed = await client.reservations({ dateFilter: 'Modification', from: apaleoInstant(new Date(window.from)), to: apaleoInstant(new Date(window.to)) });
    const dates = [addDays(ctx.today, -1), ctx.today, ...changed.flatMap((r) => datesOf(r, tz))];
    const result = await this.recompute(ctx, ranges(dates), client, tz);
    return { batches: result.batches, objectsRead: client.objectsRead };
  }

  /** A reservation event: the reservation read back, its days recomputed; a reservation apaleo no longer has changes nothing here (the pull reconciles). */
  async reservationChanged(ctx: Ctx, reservationId: string): Promise<PullResult> {
    const client = new ApaleoClient(ctx.http, ctx.settings);
    const r = await client.reservation(reservationId);
    if (!r || r.property.id !== ctx.settings.propertyId) return { batches: [], objectsRead: client.objectsRead };
    const tz = (await client.property()).timeZone;
    const result = await this.recompute(ctx, ranges(datesOf(r, tz)), client, tz);
    return { batches: result.batches, objectsRead: client.objectsRead };
  }

  private async recompute(ctx: Ctx, spans: Array<{ from: string; to: string }>, client = new ApaleoClient(ctx.http, ctx.settings), timeZone?: string): Promise<PullResult> {
    const tz = timeZone ?? (await client.property()).timeZone;
    let units: Unit[] | undefined;
    const batches: CanonicalBatch[] = [];
    for (const span of spans) {
      const dates = datesBetween(span.from, span.to);
      for (let i = 0; i < dates.length; i += CHUNK_DAYS) {
        const from = dates[i]!;
        const to = dates[Math.min(i + CHUNK_DAYS, dates.length) - 1]!;
        units ??= await client.units();
        const reservations = await client.reservations({ dateFilter: 'Stay', from: dayStartUtc(from, tz), to: dayStartUtc(addDays(to, 1), tz), status: STAYING_STATUSES });
        batches.push(...mapDays({ settings: ctx.settings, from, to, reservations, units, timeZone: tz, today: ctx.today }));
      }
    }
    return { batches: mergeBatches(batches), objectsRead: client.objectsRead };
  }
}
