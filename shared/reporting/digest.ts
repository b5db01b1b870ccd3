import type { Item } from '../platform/cosmos/store.js';
import type { RpRow } from './revenue-productivity.js';
import type { AggregateRecord } from './model.js';

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
