import type { Store } from '../platform/cosmos/store.js';
import { rollupId, type DayFigures, type RollupItem } from '../integrations/rollup.js';
import { daysOfMonth } from '../reporting/spread.js';
import { consumptionOf } from './consumption-measures.js';
import type { ConsumptionDay, ConsumptionMonth, ConsumptionSource } from './consumption-source.js';
import { spreadReading } from './spread-reading.js';

/** Quantities by path (consumption-measures.ts), in canonical units. */
type Quantities = Record<string, number>;

const PARALLEL_READS = 8;
const cents = (v: number) => Math.round(v * 100) / 100;

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (let month = from; month <= to; month = `${y}-${String(m).padStart(2, '0')}`) {
    out.push(month);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

function quantities(figures: DayFigures | undefined): Quantities | undefined {
  const u = figures?.utility;
  return u && typeof u === 'object' && Object.keys(u).length > 0 ? (u as Quantities) : undefined;
}

/**
 * The days of one month's rollup that hold consumption: daily readings as recorded, plus each
 * monthly reading spread over every day of its month by the day's room nights (the PMS's rooms
 * sold on the same property-level actual aggregate), evenly when the month has none (spreadReading).
 */
function daysOf(rollup: RollupItem): Map<string, Quantities> {
  const out = new Map<string, Quantities>();
  for (const [date, figures] of Object.entries(rollup.days)) {
    const q = quantities(figures);
    if (q) out.set(date, { ...q });
  }
  const monthly = quantities(rollup.period);
  if (!monthly) return out;
  const drivers = daysOfMonth(rollup.month).map((date) => {
    const sold = rollup.days[date]?.roomsSold;
    return { date, occupiedRooms: typeof sold === 'number' ? sold : 0, hdd: 0, cdd: 0 };
  });
  for (const [path, amount] of Object.entries(monthly)) {
    for (const share of spreadReading(amount, drivers)) {
      const day = out.get(share.date) ?? {};
      day[path] = cents((day[path] ?? 0) + share.amount);
      out.set(share.date, day);
    }
  }
  return out;
}

/**
 * The consumption read port over the import pipeline's monthly rollups (docs/gogreen.md, "Inputs"):
 * utility facts sum into the `utility` map of the property-level actual daily aggregate, and each
 * month's rollup of that aggregate holds the days, the monthly readings and their totals. So a
 * month costs one point read, and a range of days one point read per month it touches. Figures are
 * those written: a correction held by a locked month is absent until approved.
 */
export class RollupConsumption implements ConsumptionSource {
  constructor(private readonly store: Pick<Store, 'collection'>) {}

  private async rollups(tenantId: string, propertyId: string, months: readonly string[]): Promise<RollupItem[]> {
    const read = await this.store
      .collection<RollupItem>('aggregates', tenantId)
      .bulk(months.map((m) => ({ kind: 'read' as const, id: rollupId(propertyId, m, null, 'actual'), scope: propertyId })), { parallelRequests: PARALLEL_READS });
    return read.flatMap((r) => (r.ok && r.item?.type === 'monthlyRollup' && r.item.propertyId === propertyId ? [r.item] : []));
  }

  async days(tenantId: string, propertyId: string, from: string, to: string): Promise<ConsumptionDay[]> {
    if (from > to) return [];
    const out: ConsumptionDay[] = [];
    for (const rollup of await this.rollups(tenantId, propertyId, monthsBetween(from.slice(0, 7), to.slice(0, 7)))) {
      for (const [date, q] of daysOf(rollup)) if (date >= from && date <= to) out.push({ date, consumption: consumptionOf(q) });
    }
    return out.sort((a, b) => a.date.localeCompare(b.date));
  }

  async months(tenantId: string, propertyId: string, fromMonth: string, toMonth: string): Promise<ConsumptionMonth[]> {
    if (fromMonth > toMonth) return [];
    const out: ConsumptionMonth[] = [];
    for (const rollup of await this.rollups(tenantId, propertyId, monthsBetween(fromMonth, toMonth))) {
      if (!rollup.utilityTotals || Object.keys(rollup.utilityTotals).length === 0) continue;
      const days = quantities(rollup.period) ? daysOfMonth(rollup.month).length : Object.values(rollup.days).filter((f) => quantities(f)).length;
      out.push({ month: rollup.month, consumption: consumptionOf(rollup.utilityTotals), days });
    }
    return out.sort((a, b) => a.month.localeCompare(b.month));
  }
}
