import {
  DEPARTMENTAL_LINES,
  PROPERTY_LINES,
  emptyDeptSums,
  emptyPropertySums,
  type AggregateRecord,
  type BucketSums,
  type DepartmentInfo,
  type Series,
} from './model.js';
import { bucketOf, bucketsOf, fromLastYear, lastYearOf, type Bucket, type Granularity, type LastYearAlignment } from './periods.js';

export interface FoldPlan {
  from: string;
  to: string;
  granularity: Granularity;
  alignment: LastYearAlignment;
  series: ReadonlySet<Series>;
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
const has = (sources: AggregateRecord['sources'], ...types: string[]) => types.some((t) => num(sources?.[t]) > 0);

/** Which (series, current-range date) pairs an aggregate counts for. */
function placements(item: AggregateRecord, plan: FoldPlan, ly: { from: string; to: string }): Array<[Series, string]> {
  const out: Array<[Series, string]> = [];
  const inRange = item.date >= plan.from && item.date <= plan.to;
  if (inRange && (item.scenario === 'actual' || item.scenario === 'budget' || item.scenario === 'forecast') && plan.series.has(item.scenario)) {
    out.push([item.scenario, item.date]);
  }
  if (item.scenario === 'actual' && plan.series.has('lastYear') && item.date >= ly.from && item.date <= ly.to) {
    const date = fromLastYear(item.date, plan.alignment);
    if (date >= plan.from && date <= plan.to) out.push(['lastYear', date]);
  }
  return out;
}

/**
 * Folds daily aggregates into per-bucket sums for each series. Pure: the reader fetches the items,
 * this decides what each of them means.
 *
 * Actual revenue and labour cost come from the operational sources (POS/S&C revenue, TMS labour
 * cost); budget and forecast ones from the AMS lines (revenue, payroll & related) they arrive as.
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

  // Dates whose property-level aggregate carries PMS/RMS room revenue: AMS rooms revenue on those is the same money.
  const roomRevenueDates = new Set<string>();
  for (const item of items) {
    if (item.level !== 'property' || !has(item.sources, 'pms', 'rms')) continue;
    for (const [series, date] of placements(item, plan, ly)) roomRevenueDates.add(`${series}|${date}`);
  }

  for (const item of items) {
    const places = placements(item, plan, ly);
    if (places.length === 0) continue;
    const usali = item.usali ?? {};
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
      for (const [series, date] of places) {
        const bucket = sums.get(series)?.get(keyOf(date)) as BucketSums;
        let d = bucket.departments.get(dept.id);
        if (!d) {
          d = emptyDeptSums();
          bucket.departments.set(dept.id, d);
        }
        d.revenue += revenue;
        d.covers += num(item.covers);
        d.productiveHours += num(item.productiveHours);
        d.nonProductiveHours += num(item.nonProductiveHours);
        d.labourCost += labourCost;
        for (const line of DEPARTMENTAL_LINES) d.usali[line] += num(usali[line]);
        d.dates.add(date);
        if (planned && dept.usaliDepartment === 'rooms' && roomRevenueDates.has(`${series}|${date}`)) {
          bucket.property.roomsRevenueOverlap += revenue;
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
      }
    }
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
    p.roomsRevenueOverlap += q.roomsRevenueOverlap;
    for (const line of PROPERTY_LINES) p.usali[line] += q.usali[line];
    for (const date of q.statsDates) p.statsDates.add(date);
    for (const date of q.dates) p.dates.add(date);
  }
  return out;
}
