import type { Consumption } from './resources.js';
import type { FactorFlag, FactorTable } from './factors.js';
import { worstFlag } from './factors.js';
import { footprint, type Footprint } from './footprint.js';
import { combineMetrics, metrics, type SustainabilityMetrics } from './metrics.js';
import { progressToDate, yearTargets, type ReductionTarget, type TargetResource } from './targets.js';
import { METHODOLOGY_VERSION, ratio } from './methodology.js';
import { targetQuantity } from './targets-store.js';
import type { PropertySettings } from './property-facts.js';

/**
 * The sustainability report (docs/gogreen.md, "Reports"), pure: per property and month the core's
 * footprint and metrics from the month's recorded consumption, its PMS occupancy and the property's
 * settings; months combined into years and properties into a total by the core's combineMetrics
 * (ratios recomputed from sums); each period against last year and against the property's targets.
 */

export interface MonthInput {
  /** YYYY-MM */
  month: string;
  /** Days of the month inside the reported range. */
  days: number;
  /** null: nothing recorded for the month. */
  consumption: Consumption | null;
  occupiedRooms: number;
  guestNights: number;
}

/** A footprint line whose factor is missing (red) or outdated (amber). */
export interface FlaggedLine {
  activity: string;
  flag: Exclude<FactorFlag, 'green'>;
  /** The data year of the factor used; null when none was found. */
  factorYear: number | null;
  months: string[];
}

export interface MonthResult {
  month: string;
  metrics: SustainabilityMetrics;
  footprint: Footprint;
}

/** One month's footprint and metrics; null without recorded consumption. */
export function monthResult(settings: PropertySettings, rooms: number, table: FactorTable, m: MonthInput): MonthResult | null {
  if (!m.consumption) return null;
  const consumption: Consumption = settings.supplierContractId && m.consumption.electricity && !m.consumption.electricity.supplierContractId
    ? { ...m.consumption, electricity: { ...m.consumption.electricity, supplierContractId: settings.supplierContractId } }
    : m.consumption;
  const fp = footprint(consumption, { country: settings.country, periodYear: Number(m.month.slice(0, 4)), basis: settings.scope2Basis, gwpAssessment: settings.gwpAssessment }, table);
  const mx = metrics(consumption, fp, { areas: settings.areas, rooms, occupiedRooms: Math.round(m.occupiedRooms), guestNights: Math.round(m.guestNights), days: m.days });
  return { month: m.month, metrics: mx, footprint: fp };
}

export function flaggedLines(results: readonly MonthResult[]): FlaggedLine[] {
  const out = new Map<string, FlaggedLine>();
  for (const r of results) {
    for (const l of r.footprint.lines) {
      if (l.flag === 'green') continue;
      const key = `${l.activity}|${l.flag}|${l.factor?.year ?? ''}`;
      const line = out.get(key) ?? { activity: l.activity, flag: l.flag, factorYear: l.factor?.year ?? null, months: [] };
      line.months.push(r.month);
      out.set(key, line);
    }
  }
  return [...out.values()].sort((a, b) => a.activity.localeCompare(b.activity) || a.flag.localeCompare(b.flag));
}

export interface TargetComparison {
  resource: TargetResource;
  reductionPct: number;
  baselineYear: number;
  deadlineYear: number;
  /** The months of the period with recorded consumption, against their targets at the guest nights hosted. */
  actual: number;
  target: number;
  variance: number;
  variancePct: number | null;
  aboveTarget: boolean;
  /** null: the baseline year has no recorded month, so there is nothing to reduce from. */
  missingBaseline?: true;
}

/** Twelve months of a year (`YYYY-01` … `YYYY-12`). */
export const monthsOfYear = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

/**
 * A period's months against a property's targets: for each target, the year's monthly targets
 * from the baseline year (yearTargets) and progressToDate over the period's months with data.
 */
export function againstTargets(targets: readonly ReductionTarget[], months: readonly MonthResult[], baselineOf: (year: number) => ReadonlyMap<string, MonthResult>): TargetComparison[] {
  return targets.map((t): TargetComparison => {
    const head = { resource: t.resource, reductionPct: t.reductionPct, baselineYear: t.baselineYear, deadlineYear: t.deadlineYear };
    const baseline = baselineOf(t.baselineYear);
    if (baseline.size === 0) return { ...head, actual: 0, target: 0, variance: 0, variancePct: null, aboveTarget: false, missingBaseline: true };
    let actual = 0;
    let target = 0;
    const byYear = new Map<number, MonthResult[]>();
    for (const m of months) byYear.set(Number(m.month.slice(0, 4)), [...(byYear.get(Number(m.month.slice(0, 4))) ?? []), m]);
    for (const [year, ms] of byYear) {
      const p = progressToDate(yearTargetsOf(t, baseline, year), ms.map((m) => ({ month: m.month, consumption: targetQuantity(m.metrics, t.resource), guestNights: m.metrics.denominators.guestNights })));
      actual += p.actualConsumption;
      target += p.targetConsumption;
    }
    const variance = actual - target;
    return { ...head, actual, target, variance, variancePct: ratio(variance * 100, target), aboveTarget: variance > 0 };
  });
}

/** The core's yearTargets from the recorded baseline months (a month without data counts as none). */
export function yearTargetsOf(t: ReductionTarget, baseline: ReadonlyMap<string, MonthResult>, year: number) {
  const months = monthsOfYear(t.baselineYear).map((m) => baseline.get(m));
  return yearTargets(
    t,
    { consumption: months.map((m) => (m ? targetQuantity(m.metrics, t.resource) : 0)), guestNights: months.map((m) => m?.metrics.denominators.guestNights ?? 0) },
    year,
  );
}

export interface ReportPeriod {
  key: string;
  from: string;
  to: string;
  /** null: no consumption recorded in the period. */
  metrics: SustainabilityMetrics | null;
  flag: FactorFlag | null;
  flaggedLines: FlaggedLine[];
  lastYear: SustainabilityMetrics | null;
  /** Change against last year in percent of the headline figures; null where either side is missing. */
  changeVsLastYearPct: { carbonPerOccupiedRoomKg: number | null; energyPerOccupiedRoomKwh: number | null; waterPerOccupiedRoomM3: number | null; carbonTotalKg: number | null } | null;
  targets: TargetComparison[];
}

export interface Bucket {
  key: string;
  from: string;
  to: string;
  months: string[];
}

/** Month or year buckets of [from, to] (YYYY-MM-DD). */
export function buckets(from: string, to: string, granularity: 'month' | 'year'): Bucket[] {
  const out: Bucket[] = [];
  let month = from.slice(0, 7);
  const last = to.slice(0, 7);
  while (month <= last) {
    const key = granularity === 'month' ? month : month.slice(0, 4);
    const start = month === from.slice(0, 7) ? from : `${month}-01`;
    const end = month === last ? to : monthEnd(month);
    const b = out[out.length - 1];
    if (b && b.key === key) {
      b.to = end;
      b.months.push(month);
    } else out.push({ key, from: start, to: end, months: [month] });
    month = nextMonth(month);
  }
  return out;
}

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export const shiftYear = (monthOrDate: string, years: number) => `${Number(monthOrDate.slice(0, 4)) + years}${monthOrDate.slice(4)}`;

function pct(now: number | null, before: number | null): number | null {
  const r = now === null || before === null ? null : ratio(now, before);
  return r === null ? null : (r - 1) * 100;
}

function change(now: SustainabilityMetrics | null, before: SustainabilityMetrics | null): ReportPeriod['changeVsLastYearPct'] {
  if (!now || !before) return null;
  return {
    carbonPerOccupiedRoomKg: pct(now.carbon.perOccupiedRoomKg, before.carbon.perOccupiedRoomKg),
    energyPerOccupiedRoomKwh: pct(now.energy.perOccupiedRoomKwh, before.energy.perOccupiedRoomKwh),
    waterPerOccupiedRoomM3: pct(now.water.perOccupiedRoomM3, before.water.perOccupiedRoomM3),
    carbonTotalKg: pct(now.carbon.totalKg, before.carbon.totalKg),
  };
}

/** The results of several months (or properties) combined; null when none has data. */
export function combined(parts: readonly SustainabilityMetrics[], over: 'time' | 'properties'): SustainabilityMetrics | null {
  return parts.length === 0 ? null : combineMetrics(parts, over);
}

/** A property's periods (and its whole-range total) from its month results. */
export function propertyPeriods(
  bucketsOfRange: readonly Bucket[],
  results: ReadonlyMap<string, MonthResult>,
  targets: readonly ReductionTarget[],
): { periods: ReportPeriod[]; total: ReportPeriod } {
  const baselineOf = (year: number) => new Map(monthsOfYear(year).flatMap((m) => (results.has(m) ? [[m, results.get(m) as MonthResult] as const] : [])));
  const periodOf = (b: Bucket): ReportPeriod => {
    const now = b.months.flatMap((m) => (results.has(m) ? [results.get(m) as MonthResult] : []));
    const before = b.months.flatMap((m) => (results.has(shiftYear(m, -1)) ? [results.get(shiftYear(m, -1)) as MonthResult] : []));
    const mx = combined(now.map((r) => r.metrics), 'time');
    const ly = combined(before.map((r) => r.metrics), 'time');
    return {
      key: b.key,
      from: b.from,
      to: b.to,
      metrics: mx,
      flag: now.length > 0 ? worstFlag(now.map((r) => r.footprint.flag)) : null,
      flaggedLines: flaggedLines(now),
      lastYear: ly,
      changeVsLastYearPct: change(mx, ly),
      targets: now.length > 0 ? againstTargets(targets, now, baselineOf) : [],
    };
  };
  const first = bucketsOfRange[0] as Bucket;
  const lastB = bucketsOfRange[bucketsOfRange.length - 1] as Bucket;
  return { periods: bucketsOfRange.map(periodOf), total: periodOf({ key: 'total', from: first.from, to: lastB.to, months: bucketsOfRange.flatMap((b) => b.months) }) };
}

/** Properties' periods of the same buckets into one total per bucket; bases that differ cannot be combined (null). */
export function totalPeriods(rows: ReadonlyArray<{ periods: ReportPeriod[]; total: ReportPeriod }>): { periods: ReportPeriod[]; total: ReportPeriod } | null {
  const first = rows[0];
  if (!first) return null;
  const one = (pick: (r: { periods: ReportPeriod[]; total: ReportPeriod }) => ReportPeriod): ReportPeriod => {
    const parts = rows.map(pick);
    const bases = new Set(parts.flatMap((p) => (p.metrics ? [p.metrics.basis] : [])));
    const mixed = bases.size > 1;
    const mx = mixed ? null : combined(parts.flatMap((p) => (p.metrics ? [p.metrics] : [])), 'properties');
    const ly = mixed ? null : combined(parts.flatMap((p) => (p.lastYear ? [p.lastYear] : [])), 'properties');
    const head = pick(first);
    const flags = parts.flatMap((p) => (p.flag ? [p.flag] : []));
    return {
      key: head.key,
      from: head.from,
      to: head.to,
      metrics: mx,
      flag: flags.length > 0 ? worstFlag(flags) : null,
      flaggedLines: parts.flatMap((p) => p.flaggedLines),
      lastYear: ly,
      changeVsLastYearPct: change(mx, ly),
      targets: [],
    };
  };
  return { periods: first.periods.map((_, i) => one((r) => r.periods[i] as ReportPeriod)), total: one((r) => r.total) };
}

export const UTILITY_COSTS_NOTE = 'Utility costs are not recorded in GoGreen: the report has no money figures, so no currency rules apply.';
export { METHODOLOGY_VERSION };
