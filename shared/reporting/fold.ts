import { DEFAULT_ROOMS_REVENUE_SOURCE, type MonthlySpread, type RoomsRevenueSource } from '../identity/property-settings.js';
import {
  DEPARTMENTAL_LINES,
  PROPERTY_LINES,
  addBookings,
  emptyDeptSums,
  emptyPropertySums,
  type AggregateRecord,
  type Bookings,
  type BucketSums,
  type DepartmentInfo,
  type Series,
} from './model.js';
import { bucketOf, bucketsOf, fromLastYear, lastYearOf, type Bucket, type Granularity, type LastYearAlignment } from './periods.js';
import { roomsRevenueOfDay, type RoomsRevenueDay } from './rooms-revenue.js';
import { daysOfMonth, spreadCents } from './spread.js';

export interface FoldPlan {
  from: string;
  to: string;
  granularity: Granularity;
  alignment: LastYearAlignment;
  series: ReadonlySet<Series>;
  /** The property's source of record for rooms revenue (default `pms`). */
  roomsRevenueSource?: RoomsRevenueSource;
  /** How monthly figures are spread over their month (default `even`). */
  monthlySpread?: MonthlySpread;
  /** The property's capacity: the weight of a day without PMS statistics when spreading by rooms available. */
  capacity?: number;
  /** Out-of-order rooms leave rooms available (the spreading weights too). */
  excludeOutOfOrder?: boolean;
}

export interface Folded {
  buckets: Bucket[];
  /** series → bucket key → sums. Every requested series and bucket is present, empty when without data. */
  sums: Map<Series, Map<string, BucketSums>>;
  /** Actual time records in range whose labour cost could not be read (redacted employees). */
  labourCostUnavailable: number;
  /** Aggregates of departments the property no longer has. */
  ignoredItems: number;
}

/** The date range of the last-year series for a report range. */
export function lastYearRange(from: string, to: string, alignment: LastYearAlignment): { from: string; to: string } {
  return { from: lastYearOf(from, alignment), to: lastYearOf(to, alignment) };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** An item's FRS/TRS reservation counts. */
const bookingsOf = (item: AggregateRecord): Bookings => ({ reservations: num(item.reservations), coversBooked: num(item.reservedCovers), cancellations: num(item.cancellations), noShows: num(item.noShows) });

/**
 * The day weights for spreading monthly figures over `days`: 1 each; each day's rooms available
 * from the actual PMS statistics (the capacity on days without them); or the actual revenue of the
 * same calendar day last year. `daily` holds the per-date figure the setting weighs by.
 */
function spreadWeights(days: readonly string[], plan: FoldPlan, daily: ReadonlyMap<string, number>): number[] {
  switch (plan.monthlySpread) {
    case 'roomsAvailable':
      return days.map((d) => daily.get(d) ?? plan.capacity ?? 0);
    case 'lastYear':
      return days.map((d) => daily.get(lastYearOf(d, 'calendar')) ?? 0);
    default:
      return days.map(() => 1);
  }
}

/** Per date, what the property's `monthlySpread` weighs days by, from the actual daily items. */
function dailyWeights(items: readonly AggregateRecord[], plan: FoldPlan): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of items) {
    if (i.scenario !== 'actual' || i.period) continue;
    if (plan.monthlySpread === 'roomsAvailable' && i.level === 'property' && num(i.roomsAvailable) > 0) {
      out.set(i.date, num(i.roomsAvailable) - (plan.excludeOutOfOrder ? num(i.outOfOrder) : 0));
    } else if (plan.monthlySpread === 'lastYear') {
      out.set(i.date, (out.get(i.date) ?? 0) + (i.level === 'property' ? num(i.roomRevenue) : num(i.revenue)));
    }
  }
  return out;
}

/**
 * Each day's share of a monthly aggregate's USALI lines (exact to the cent over the month,
 * spreadCents): day i of `days` gets `usali[i]`.
 */
function monthlyShares(item: AggregateRecord, plan: FoldPlan, daily: ReadonlyMap<string, number>): { days: string[]; usali: Array<Record<string, number>> } {
  const days = daysOfMonth(item.period as string);
  const weights = spreadWeights(days, plan, daily);
  const usali: Array<Record<string, number>> = days.map(() => ({}));
  for (const [line, v] of Object.entries(item.usali ?? {})) {
    spreadCents(num(v), weights).forEach((share, i) => ((usali[i] as Record<string, number>)[line] = share));
  }
  return { days, usali };
}

/**
 * Folds daily aggregates into per-bucket sums for each series. Pure: the reader fetches the items,
 * this decides what each of them means.
 *
 * Actual revenue and labour cost come from the operational sources (POS/S&C revenue, TMS labour
 * cost); budget and forecast ones from the AMS lines (revenue, payroll & related) they arrive as.
 * Rooms revenue combines the PMS/RMS and AMS figures day by day (roomsRevenueOfDay). Monthly AMS
 * figures are spread over their month's days first, so any range gets its share.
 */
export function fold(items: readonly AggregateRecord[], plan: FoldPlan, departments: ReadonlyMap<string, DepartmentInfo>): Folded {
  const buckets = bucketsOf(plan.from, plan.to, plan.granularity);
  const sums = new Map<Series, Map<string, BucketSums>>();
  for (const s of plan.series) {
    sums.set(s, new Map(buckets.map((b) => [b.key, { departments: new Map(), property: emptyPropertySums() }])));
  }
  const keyCache = new Map<string, string>();
  const keyOf = (date: string): string => {
    let k = keyCache.get(date);
    if (k === undefined) {
      k = bucketOf(date, plan.granularity).key;
      keyCache.set(date, k);
    }
    return k;
  };
  const ly = lastYearRange(plan.from, plan.to, plan.alignment);
  const result: Folded = { buckets, sums, labourCostUnavailable: 0, ignoredItems: 0 };
  // series|date → what that day knows about rooms revenue, combined once all items are in.
  const roomDays = new Map<string, RoomsRevenueDay & { series: Series; date: string }>();
  const roomDay = (series: Series, date: string) => {
    const key = `${series}|${date}`;
    let d = roomDays.get(key);
    if (!d) {
      d = { series, date, operational: 0, ams: 0, amsPosted: false };
      roomDays.set(key, d);
    }
    return d;
  };

  const deptSums = (series: Series, date: string, departmentId: string) => {
    const bucket = sums.get(series)?.get(keyOf(date)) as BucketSums;
    let d = bucket.departments.get(departmentId);
    if (!d) {
      d = emptyDeptSums();
      bucket.departments.set(departmentId, d);
    }
    return d;
  };

  const lyDates = new Map<string, string>();
  const lyDateOf = (date: string): string => {
    let d = lyDates.get(date);
    if (d === undefined) {
      d = fromLastYear(date, plan.alignment);
      lyDates.set(date, d);
    }
    return d;
  };
  const withLastYear = plan.series.has('lastYear');

  /** Adds one dated item (or one day's share of a monthly one: `usali`) to the series it counts for at `date`. */
  const foldItem = (item: AggregateRecord, date: string, usali: Partial<Record<string, number>>) => {
    // Which (series, current-range date) pairs the item counts for: its own series in range, and
    // actuals of last year's range as last year. On-the-books items count with the actuals (their bookings only).
    const scenario = item.scenario === 'onTheBooks' ? 'actual' : item.scenario;
    const current = date >= plan.from && date <= plan.to && (scenario === 'actual' || scenario === 'budget' || scenario === 'forecast') && plan.series.has(scenario) ? scenario : undefined;
    let lyDate: string | undefined;
    if (withLastYear && scenario === 'actual' && date >= ly.from && date <= ly.to) {
      const d = lyDateOf(date);
      if (d >= plan.from && d <= plan.to) lyDate = d;
    }
    if (current === undefined && lyDate === undefined) return;
    if (item.scenario === 'onTheBooks') {
      // Reservations received before their day stay on the books: they count with the day's actuals.
      const dept = item.level === 'department' && item.departmentId ? departments.get(item.departmentId) : undefined;
      if (!dept) return;
      const booked = bookingsOf(item);
      if (current !== undefined) addBookings(deptSums(current, date, dept.id).bookings, booked);
      if (lyDate !== undefined) addBookings(deptSums('lastYear', lyDate, dept.id).bookings, booked);
      return;
    }
    if (item.level === 'department') {
      const dept = item.departmentId ? departments.get(item.departmentId) : undefined;
      if (!dept) {
        result.ignoredItems += 1;
        return;
      }
      if (current !== undefined) addDepartment(item, usali, dept, current, date);
      if (lyDate !== undefined) addDepartment(item, usali, dept, 'lastYear', lyDate);
    } else {
      if (current !== undefined) addProperty(item, usali, current, date);
      if (lyDate !== undefined) addProperty(item, usali, 'lastYear', lyDate);
    }
  };

  const addDepartment = (item: AggregateRecord, usali: Partial<Record<string, number>>, dept: DepartmentInfo, series: Series, date: string) => {
    // Budgets and forecasts only exist as AMS lines. Actual AMS postings (often month-end totals)
    // would double the daily POS and TMS figures, so actuals use the operational sources only.
    const planned = item.scenario !== 'actual';
    const amsRevenue = usali.revenue !== undefined;
    const d = deptSums(series, date, dept.id);
    d.revenue += planned ? num(usali.revenue) : num(item.revenue);
    d.covers += num(item.covers);
    d.productiveHours += num(item.productiveHours);
    d.nonProductiveHours += num(item.nonProductiveHours);
    d.labourCost += planned ? num(usali.payrollAndRelated) : num(item.labourCost);
    for (const line of DEPARTMENTAL_LINES) d.usali[line] += num(usali[line]);
    if (amsRevenue) d.amsRevenuePosted = true;
    if (!planned) addBookings(d.bookings, bookingsOf(item));
    d.dates.add(date);
    if (dept.usaliDepartment === 'rooms') {
      const day = roomDay(series, date);
      if (!planned) day.operational += num(item.revenue);
      day.ams += num(usali.revenue);
      if (amsRevenue) day.amsPosted = true;
    }
    if (series === 'actual') result.labourCostUnavailable += num(item.labourCostUnavailable);
  };

  const addProperty = (item: AggregateRecord, usali: Partial<Record<string, number>>, series: Series, date: string) => {
    const p = (sums.get(series)?.get(keyOf(date)) as BucketSums).property;
    const available = num(item.roomsAvailable);
    if (available > 0) {
      p.roomsAvailable += available;
      p.outOfOrder += num(item.outOfOrder);
      p.statsDates.add(date);
    }
    p.roomsSold += num(item.roomsSold);
    p.complimentary += num(item.complimentary);
    p.roomRevenue += num(item.roomRevenue);
    p.guests += num(item.guests);
    for (const line of PROPERTY_LINES) p.usali[line] += num(usali[line]);
    p.dates.add(date);
    roomDay(series, date).operational += num(item.roomRevenue);
  };

  // Monthly aggregates count as one item per day of their month, each with the day's share of the
  // month's USALI lines; spread in place, item by item, so every sum adds in the order of the items.
  const daily = items.some((i) => i.period) ? dailyWeights(items, plan) : undefined;
  for (const item of items) {
    if (!item.period || !daily) {
      foldItem(item, item.date, item.usali ?? {});
      continue;
    }
    const shares = monthlyShares(item, plan, daily);
    shares.days.forEach((date, i) => foldItem(item, date, shares.usali[i] as Record<string, number>));
  }
  const source = plan.roomsRevenueSource ?? DEFAULT_ROOMS_REVENUE_SOURCE;
  for (const day of roomDays.values()) {
    (sums.get(day.series)?.get(keyOf(day.date)) as BucketSums).property.roomsRevenue += roomsRevenueOfDay(day, source);
  }
  return result;
}

/** Sums of several buckets as one (the whole-range total of a report). */
export function mergeSums(parts: readonly BucketSums[]): BucketSums {
  const out: BucketSums = { departments: new Map(), property: emptyPropertySums() };
  for (const part of parts) {
    for (const [id, d] of part.departments) {
      let t = out.departments.get(id);
      if (!t) {
        t = emptyDeptSums();
        out.departments.set(id, t);
      }
      t.revenue += d.revenue;
      t.covers += d.covers;
      t.productiveHours += d.productiveHours;
      t.nonProductiveHours += d.nonProductiveHours;
      t.labourCost += d.labourCost;
      for (const line of DEPARTMENTAL_LINES) t.usali[line] += d.usali[line];
      if (d.amsRevenuePosted) t.amsRevenuePosted = true;
      addBookings(t.bookings, d.bookings);
      for (const date of d.dates) t.dates.add(date);
    }
    const p = out.property;
    const q = part.property;
    p.roomsAvailable += q.roomsAvailable;
    p.outOfOrder += q.outOfOrder;
    p.roomsSold += q.roomsSold;
    p.complimentary += q.complimentary;
    p.roomRevenue += q.roomRevenue;
    p.guests += q.guests;
    p.roomsRevenue += q.roomsRevenue;
    for (const line of PROPERTY_LINES) p.usali[line] += q.usali[line];
    for (const date of q.statsDates) p.statsDates.add(date);
    for (const date of q.dates) p.dates.add(date);
  }
  return out;
}
