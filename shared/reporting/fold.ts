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

/** Which (series, current-range date) pairs an aggregate counts for. On-the-books items count with the actuals (their bookings only). */
function placements(item: AggregateRecord, plan: FoldPlan, ly: { from: string; to: string }): Array<[Series, string]> {
  const out: Array<[Series, string]> = [];
  const inRange = item.date >= plan.from && item.date <= plan.to;
  const scenario = item.scenario === 'onTheBooks' ? 'actual' : item.scenario;
  if (inRange && (scenario === 'actual' || scenario === 'budget' || scenario === 'forecast') && plan.series.has(scenario)) {
    out.push([scenario, item.date]);
  }
  if (scenario === 'actual' && plan.series.has('lastYear') && item.date >= ly.from && item.date <= ly.to) {
    const date = fromLastYear(item.date, plan.alignment);
    if (date >= plan.from && date <= plan.to) out.push(['lastYear', date]);
  }
  return out;
}

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
 * Monthly aggregates become one item per day of their month, each carrying the day's share of
 * every USALI line (exact to the cent over the month, spreadCents); other items pass through.
 */
function expandMonthly(items: readonly AggregateRecord[], plan: FoldPlan): AggregateRecord[] {
  if (!items.some((i) => i.period)) return items as AggregateRecord[];
  const daily = dailyWeights(items, plan);
  const out: AggregateRecord[] = [];
  for (const item of items) {
    if (!item.period) {
      out.push(item);
      continue;
    }
    const days = daysOfMonth(item.period);
    const weights = spreadWeights(days, plan, daily);
    const shares = Object.entries(item.usali ?? {}).map(([line, v]) => [line, spreadCents(num(v), weights)] as const);
    days.forEach((date, i) => {
      const usali: Record<string, number> = {};
      for (const [line, parts] of shares) usali[line] = parts[i] as number;
      out.push({ ...item, id: `${item.id}:${date}`, date, usali });
    });
  }
  return out;
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

  for (const item of expandMonthly(items, plan)) {
    const places = placements(item, plan, ly);
    if (places.length === 0) continue;
    const usali = item.usali ?? {};
    const booked: Bookings = { reservations: num(item.reservations), coversBooked: num(item.reservedCovers), cancellations: num(item.cancellations), noShows: num(item.noShows) };
    if (item.scenario === 'onTheBooks') {
      // Reservations received before their day stay on the books: they count with the day's actuals.
      const dept = item.level === 'department' && item.departmentId ? departments.get(item.departmentId) : undefined;
      if (!dept) continue;
      for (const [series, date] of places) addBookings(deptSums(series, date, dept.id).bookings, booked);
      continue;
    }
    if (item.level === 'department') {
      const dept = item.departmentId ? departments.get(item.departmentId) : undefined;
      if (!dept) {
        result.ignoredItems += 1;
        continue;
      }
      // Budgets and forecasts only exist as AMS lines. Actual AMS postings (often month-end totals)
      // would double the daily POS and TMS figures, so actuals use the operational sources only.
      const planned = item.scenario !== 'actual';
      const revenue = planned ? num(usali.revenue) : num(item.revenue);
      const labourCost = planned ? num(usali.payrollAndRelated) : num(item.labourCost);
      const amsRevenue = usali.revenue !== undefined;
      for (const [series, date] of places) {
        const d = deptSums(series, date, dept.id);
        d.revenue += revenue;
        d.covers += num(item.covers);
        d.productiveHours += num(item.productiveHours);
        d.nonProductiveHours += num(item.nonProductiveHours);
        d.labourCost += labourCost;
        for (const line of DEPARTMENTAL_LINES) d.usali[line] += num(usali[line]);
        if (amsRevenue) d.amsRevenuePosted = true;
        if (!planned) addBookings(d.bookings, booked);
        d.dates.add(date);
        if (dept.usaliDepartment === 'rooms') {
          const day = roomDay(series, date);
          if (!planned) day.operational += num(item.revenue);
          day.ams += num(usali.revenue);
          if (amsRevenue) day.amsPosted = true;
        }
        if (series === 'actual') result.labourCostUnavailable += num(item.labourCostUnavailable);
      }
    } else {
      for (const [series, date] of places) {
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
      }
    }
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
