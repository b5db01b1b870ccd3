import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { monthEndProjection, type ReductionTarget, type TargetResource } from './targets.js';
import { MIN_MODEL_DAYS, detectAnomalies, fitConsumptionModel, normalisedComparison, predict, type AnomalyRule, type ModelDay } from './expected.js';
import type { DegreeDay } from './degree-days.js';
import { targetQuantity } from './targets-store.js';
import { yearTargetsOf, type MonthResult } from './report.js';
import { ratio } from './methodology.js';

/**
 * GoGreen's alerts (docs/gogreen.md, "Alerts"): the month-end projection of each target resource
 * against the month's target, and runs of days above expected consumption. Pure: the service reads
 * the inputs, the digest shows the result, and the daily timer records an above-target projection
 * once per property, month and resource as an audit event.
 */

export interface ProjectionAlert {
  resource: TargetResource;
  month: string;
  daysElapsed: number;
  daysInMonth: number;
  consumptionToDate: number;
  projectedConsumption: number;
  /** The month's target at the projected guest nights; null when the month has no target per guest night. */
  targetConsumption: number | null;
  projectedPerGuestNight: number | null;
  targetPerGuestNight: number | null;
  aboveTarget: boolean | null;
}

export interface MonthToDateInput {
  /** YYYY-MM */
  month: string;
  daysInMonth: number;
  /** Days of the month up to and including the alert's date. */
  daysElapsed: number;
  /** One result per day with recorded consumption, from the 1st to the alert's date (days = 1 each). */
  days: readonly MonthResult[];
  /** Guest nights forecast for the remaining days (R&P forecast, else on the books). */
  forecastGuestNights: number;
}

/** The month-end projection of each target (monthEndProjection) against the month's target per guest night. */
export function projections(targets: readonly ReductionTarget[], baselineOf: (year: number) => ReadonlyMap<string, MonthResult>, mtd: MonthToDateInput): ProjectionAlert[] {
  const year = Number(mtd.month.slice(0, 4));
  const { daysElapsed } = mtd;
  return targets.flatMap((t): ProjectionAlert[] => {
    const baseline = baselineOf(t.baselineYear);
    if (baseline.size === 0 || mtd.days.length === 0) return [];
    const monthTarget = yearTargetsOf(t, baseline, year).months.find((m) => m.month === mtd.month);
    const consumptionToDate = mtd.days.reduce((s, d) => s + targetQuantity(d.metrics, t.resource), 0);
    const guestNightsToDate = mtd.days.reduce((s, d) => s + d.metrics.denominators.guestNights, 0);
    const p = monthEndProjection({ daysInMonth: mtd.daysInMonth, daysElapsed, consumptionToDate, guestNightsToDate, forecastGuestNights: mtd.forecastGuestNights }, monthTarget?.targetPerGuestNight ?? null);
    return [
      {
        resource: t.resource,
        month: mtd.month,
        daysElapsed,
        daysInMonth: mtd.daysInMonth,
        consumptionToDate,
        projectedConsumption: p.projectedConsumption,
        targetConsumption: p.targetConsumption,
        projectedPerGuestNight: p.projectedPerGuestNight,
        targetPerGuestNight: p.targetPerGuestNight,
        aboveTarget: p.aboveTarget,
      },
    ];
  });
}

/** The resources expected consumption is modelled for. */
export const MODELLED = ['energyKwh', 'waterM3'] as const;
export type Modelled = (typeof MODELLED)[number];

export interface DayFigures {
  date: string;
  energyKwh: number;
  waterM3: number;
  occupiedRooms: number;
}

export interface AnomalyAlert {
  resource: Modelled;
  from: string;
  to: string;
  days: number;
  /** Σ (actual − expected) over the run. */
  excess: number;
  marginPct: number;
}

export interface ExpectedConsumption {
  resource: Modelled;
  /** Days the model was fitted on (the year before the checked window). */
  fittedDays: number;
  r2: number | null;
  /** This window against what last year's model expects for its occupancy and weather; null without a model. */
  comparison: { actual: number; expected: number; changePct: number | null } | null;
  anomalies: AnomalyAlert[];
}

/** Days checked for anomalies: the four weeks up to the alert's date. */
export const CHECK_DAYS = 28;

/**
 * For energy and water: a model fitted on the year before the checked window (the core's
 * fitConsumptionModel on occupied rooms and degree days), the window compared with it
 * (normalisedComparison), and runs of days above expected by the rule's margin (detectAnomalies).
 * A day without a temperature is left out when the property has temperatures at all; without any,
 * degree days are 0 and the model is one of occupancy alone.
 */
export function expectedConsumption(days: readonly DayFigures[], degree: readonly DegreeDay[], rule: AnomalyRule, asOf: string): ExpectedConsumption[] {
  const dd = new Map(degree.map((d) => [d.date, d]));
  const windowFrom = addDays(asOf, -(CHECK_DAYS - 1));
  const fitFrom = addDays(windowFrom, -365);
  return MODELLED.map((resource): ExpectedConsumption => {
    const modelDays = days.flatMap((d): ModelDay[] => {
      const w = dd.get(d.date);
      if (!w && dd.size > 0) return [];
      return [{ date: d.date, consumption: d[resource], occupiedRooms: d.occupiedRooms, hdd: w?.hdd ?? 0, cdd: w?.cdd ?? 0 }];
    });
    const fit = modelDays.filter((d) => d.date >= fitFrom && d.date < windowFrom);
    const window = modelDays.filter((d) => d.date >= windowFrom && d.date <= asOf);
    if (fit.length < MIN_MODEL_DAYS || window.length === 0) return { resource, fittedDays: fit.length, r2: null, comparison: null, anomalies: [] };
    let model;
    try {
      model = fitConsumptionModel(fit);
    } catch {
      // Collinear drivers: no model can be told from this year of days.
      return { resource, fittedDays: fit.length, r2: null, comparison: null, anomalies: [] };
    }
    const c = normalisedComparison(model, window);
    const anomalies = detectAnomalies(window.map((d) => ({ date: d.date, actual: d.consumption, expected: predict(model, d) })), rule).map((a) => ({
      resource,
      from: a.from,
      to: a.to,
      days: a.days,
      excess: a.excess,
      marginPct: rule.marginPct,
    }));
    return { resource, fittedDays: fit.length, r2: model.r2, comparison: { actual: c.actual, expected: c.expected, changePct: c.changePct }, anomalies };
  });
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The day's share of guests per room, to turn forecast rooms into guest nights when only rooms are forecast. */
export function guestsPerRoom(guestNights: number, occupiedRooms: number): number {
  return ratio(guestNights, occupiedRooms) ?? 1;
}

/**
 * One above-target projection recorded once (docs/gogreen.md, "Alerts"): the item's deterministic
 * id makes a second run of the timer a conflict, and its audit event id a no-op in the chain.
 */
export interface TargetAlertItem extends Item, OutboxCarrier {
  type: 'sustainabilityAlert';
  propertyId: string;
  month: string;
  resource: TargetResource;
  projectedConsumption: number;
  targetConsumption: number;
  raisedAt: string;
  /** The local date whose data raised it. */
  asOf: string;
}

export const targetAlertId = (propertyId: string, month: string, resource: TargetResource) => `alert:${propertyId}:${month}:${resource}`;

export interface SustainabilityDigest {
  propertyId: string;
  date: string;
  projections: ProjectionAlert[];
  expected: ExpectedConsumption[];
  /** Plain-language lines for the digest reader: the projections above target and the anomalies. */
  alerts: string[];
}

export function digestLines(projected: readonly ProjectionAlert[], expected: readonly ExpectedConsumption[]): string[] {
  const round = (n: number) => Math.round(n * 10) / 10;
  return [
    ...projected
      .filter((p) => p.aboveTarget)
      .map((p) => `${p.resource} projected at ${round(p.projectedConsumption)} for ${p.month}, above its target of ${round(p.targetConsumption ?? 0)}`),
    ...expected.flatMap((e) => e.anomalies.map((a) => `${a.resource} above expected by more than ${a.marginPct} % for ${a.days} days (${a.from} to ${a.to}), ${round(a.excess)} in excess`)),
  ];
}
