import type { Item } from '../platform/cosmos/store.js';
import type { RpRow } from './revenue-productivity.js';
import { addBookings, emptyBookings, type AggregateRecord, type Bookings, type DepartmentInfo } from './model.js';
import type { Folded } from './fold.js';

/** The daily digest of one property and business date, written by the daily close. */
export interface DigestItem extends Item {
  type: 'dailyDigest';
  propertyId: string;
  date: string;
  currency: string;
  closedAt: string;
  /** Whether the day's aggregates were recomputed from facts first; null when no recompute is available. */
  recomputed: boolean | null;
  /** Yesterday's KPIs: property total and departments, actual vs budget and forecast (with payroll; stripped on read). */
  total: RpRow;
  departments: RpRow[];
  /** Departments whose productive hours exceeded their earned hours. */
  overHours: Array<{ departmentId: string; code: string; name: string; productiveHours: number; earnedHours: number; overBy: number }>;
  /** Source systems that delivered in the week before but nothing for the day, and integrations reported late at close. */
  lateSources: string[];
  /** Connector integrations of the property that were "Not updated" at close (past their expected arrival time without the data). */
  lateConnectors?: Array<{ integrationId: string; name: string; connector: string }>;
  /**
   * F&B and table reservations as known at close for the two days after the closed one — today and
   * tomorrow for the reader of the morning digest. Digests closed before this field existed lack it.
   */
  bookings?: DigestBookings[];
}

/** Reservations of one date per F&B department, and their sum. */
export interface DigestBookings {
  date: string;
  departments: Array<{ departmentId: string; code: string; name: string } & Bookings>;
  total: Bookings;
}

/** The reservations (held, covers, cancellations, no-shows) of the F&B departments on `date`, from a fold of that day's actuals. */
export function bookingsOf(date: string, departments: readonly DepartmentInfo[], folded: Folded): DigestBookings {
  const sums = folded.sums.get('actual')?.get(folded.buckets[0]?.key ?? '');
  const total = emptyBookings();
  const rows = departments
    .filter((d) => d.usaliDepartment === 'fnb')
    .map((d) => {
      const b = { ...(sums?.departments.get(d.id)?.bookings ?? emptyBookings()) };
      addBookings(total, b);
      return { departmentId: d.id, code: d.code, name: d.name, ...b };
    });
  return { date, departments: rows, total };
}

/** Deterministic: a second close of the same day finds the first one's digest. */
export function digestId(propertyId: string, date: string): string {
  return `digest:${propertyId}:${date}`;
}

/** Source types seen in actual aggregates before `date` (inside the window read) but not on it. */
export function lateSourcesFromAggregates(items: readonly AggregateRecord[], date: string): string[] {
  const before = new Set<string>();
  const on = new Set<string>();
  for (const item of items) {
    if (item.scenario !== 'actual') continue;
    const target = item.date === date ? on : item.date < date ? before : undefined;
    if (!target) continue;
    for (const [source, n] of Object.entries(item.sources ?? {})) if (typeof n === 'number' && n > 0) target.add(source);
  }
  return [...before].filter((s) => !on.has(s)).sort();
}

/** Departments over their earned hours, worst first. */
export function overHours(rows: readonly RpRow[]): DigestItem['overHours'] {
  return rows
    .filter((r) => r.departmentId !== null && typeof r.actual.hoursVariance === 'number' && r.actual.hoursVariance > 0 && r.actual.earnedHours !== null)
    .map((r) => ({
      departmentId: r.departmentId as string,
      code: r.code ?? '',
      name: r.name,
      productiveHours: r.actual.productiveHours,
      earnedHours: r.actual.earnedHours as number,
      overBy: r.actual.hoursVariance as number,
    }))
    .sort((a, b) => b.overBy - a.overBy);
}
