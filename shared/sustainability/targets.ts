import { z } from 'zod';
import { spreadCents } from '../reporting/spread.js';
import { METHODOLOGY_VERSION, ratio } from './methodology.js';

/**
 * Reduction targets (docs/gogreen.md, "Targets"): a reduction percentage per resource against a
 * baseline year by a deadline becomes, for each year, monthly targets per guest night shaped by the
 * baseline year's seasonality; progress and a month-end projection compare actuals with them.
 */

export const TARGET_RESOURCES = ['energyKwh', 'electricityKwh', 'waterM3', 'carbonKg', 'wasteKg'] as const;
export type TargetResource = (typeof TARGET_RESOURCES)[number];

const year = z.number().int().min(2000).max(2100);
const amount = z.number().finite().nonnegative();

export const reductionTargetSchema = z
  .strictObject({
    resource: z.enum(TARGET_RESOURCES),
    /** Reduction of consumption per guest night by the deadline, in percent of the baseline. */
    reductionPct: z.number().gt(0).max(100),
    baselineYear: year,
    deadlineYear: year,
  })
  .refine((t) => t.deadlineYear > t.baselineYear, { message: 'the deadline comes after the baseline year', path: ['deadlineYear'] });
export type ReductionTarget = z.infer<typeof reductionTargetSchema>;

/** The baseline year's consumption and guest nights, January to December. */
export const baselineYearSchema = z.strictObject({
  consumption: z.array(amount).length(12),
  guestNights: z.array(amount).length(12),
});
export type BaselineYear = z.infer<typeof baselineYearSchema>;

/**
 * The reduction reached by `targetYear` on a straight line from the baseline year to the deadline,
 * held at the full reduction after it: R × min(1, (y − baseline) ÷ (deadline − baseline)).
 */
export function reductionForYear(target: ReductionTarget, targetYear: number): number {
  const progress = (targetYear - target.baselineYear) / (target.deadlineYear - target.baselineYear);
  return (target.reductionPct / 100) * Math.min(1, Math.max(0, progress));
}

export interface MonthTarget {
  /** `YYYY-MM` */
  month: string;
  /** The guest nights the target consumption is stated for (planned, or the baseline month's). */
  guestNights: number;
  /** Target consumption of the month at those guest nights. */
  targetConsumption: number;
  /** Target consumption per guest night; null when the month has no guest nights. */
  targetPerGuestNight: number | null;
}

export interface YearTargets {
  resource: TargetResource;
  year: number;
  /** Reduction applied this year, as a fraction (0.1 = 10 %). */
  reduction: number;
  /** Baseline consumption per guest night over the whole baseline year. */
  baselinePerGuestNight: number | null;
  /** The sum of the monthly target consumptions, exactly (to 0.01). */
  annualTarget: number;
  months: MonthTarget[];
  methodologyVersion: string;
}

/**
 * The monthly targets of `targetYear`. Each month keeps the baseline month's consumption per guest
 * night, reduced by the year's reduction, so a high-season month keeps its higher intensity. With
 * planned guest nights the month's weight is its baseline intensity × the planned guest nights;
 * without, the baseline month's consumption. The annual target = (1 − r) × Σ weights, rounded to
 * 0.01, and is split over the months by weight with spreadCents, so the months sum to it exactly.
 *
 * @example yearTargets({ resource: 'electricityKwh', reductionPct: 20, baselineYear: 2024, deadlineYear: 2026 }, baseline, 2025)
 */
export function yearTargets(targetInput: z.input<typeof reductionTargetSchema>, baselineInput: BaselineYear, targetYear: number, plannedGuestNights?: readonly number[]): YearTargets {
  const target = reductionTargetSchema.parse(targetInput);
  const baseline = baselineYearSchema.parse(baselineInput);
  if (plannedGuestNights && plannedGuestNights.length !== 12) throw new RangeError('plannedGuestNights has one value per month');
  const reduction = reductionForYear(target, targetYear);
  const guestNights = baseline.guestNights.map((g, m) => plannedGuestNights?.[m] ?? g);
  const weights = baseline.consumption.map((c, m) => {
    const g = baseline.guestNights[m] as number;
    // A baseline month without guest nights has no intensity to scale: its consumption stands as it was.
    return plannedGuestNights && g > 0 ? (c / g) * (guestNights[m] as number) : c;
  });
  const annualTarget = Math.round((1 - reduction) * weights.reduce((s, w) => s + w, 0) * 100) / 100;
  const shares = spreadCents(annualTarget, weights);
  const totalBaseline = baseline.consumption.reduce((s, c) => s + c, 0);
  const totalNights = baseline.guestNights.reduce((s, g) => s + g, 0);
  return {
    resource: target.resource,
    year: targetYear,
    reduction,
    baselinePerGuestNight: ratio(totalBaseline, totalNights),
    annualTarget,
    months: shares.map((targetConsumption, m) => ({
      month: `${targetYear}-${String(m + 1).padStart(2, '0')}`,
      guestNights: guestNights[m] as number,
      targetConsumption,
      targetPerGuestNight: ratio(targetConsumption, guestNights[m] as number),
    })),
    methodologyVersion: METHODOLOGY_VERSION,
  };
}

export interface MonthActual {
  month: string;
  consumption: number;
  guestNights: number;
}

export interface Progress {
  actualConsumption: number;
  /** Σ target per guest night × actual guest nights over the months with actuals: the target at the occupancy the hotel had. */
  targetConsumption: number;
  /** actual − target; positive = above target. */
  variance: number;
  variancePct: number | null;
  aboveTarget: boolean;
  methodologyVersion: string;
}

/** Progress to date: the months with actuals against their targets at the guest nights actually hosted. */
export function progressToDate(targets: YearTargets, actuals: readonly MonthActual[]): Progress {
  const byMonth = new Map(targets.months.map((m) => [m.month, m]));
  let actualConsumption = 0;
  let targetConsumption = 0;
  for (const a of actuals) {
    const t = byMonth.get(a.month);
    if (!t) throw new RangeError(`${a.month} is not in the target year ${targets.year}`);
    actualConsumption += a.consumption;
    // A month planned without guest nights keeps its absolute target.
    targetConsumption += t.targetPerGuestNight === null ? t.targetConsumption : t.targetPerGuestNight * a.guestNights;
  }
  const variance = actualConsumption - targetConsumption;
  return {
    actualConsumption,
    targetConsumption,
    variance,
    variancePct: ratio(variance * 100, targetConsumption),
    aboveTarget: variance > 0,
    methodologyVersion: METHODOLOGY_VERSION,
  };
}

export const monthToDateSchema = z.strictObject({
  daysInMonth: z.number().int().min(28).max(31),
  /** Days with actuals so far (1 … daysInMonth). */
  daysElapsed: z.number().int().min(0).max(31),
  consumptionToDate: amount,
  guestNightsToDate: amount,
  /** Guest nights forecast (on the books / occupancy forecast) for the remaining days. */
  forecastGuestNights: amount,
});
export type MonthToDate = z.infer<typeof monthToDateSchema>;

export interface MonthEndProjection {
  projectedConsumption: number;
  projectedGuestNights: number;
  projectedPerGuestNight: number | null;
  targetPerGuestNight: number | null;
  /** The month's target at the projected guest nights. */
  targetConsumption: number | null;
  /** null when the month has no target per guest night. */
  aboveTarget: boolean | null;
  methodologyVersion: string;
}

/**
 * The month-end projection: consumption so far, plus the consumption per guest night so far × the
 * guest nights forecast for the rest of the month (or, with no guest nights yet, the daily average
 * × the remaining days). Above target when it exceeds the month's target per guest night × the
 * projected guest nights.
 */
export function monthEndProjection(input: MonthToDate, targetPerGuestNight: number | null): MonthEndProjection {
  const m = monthToDateSchema.parse(input);
  if (m.daysElapsed > m.daysInMonth) throw new RangeError('daysElapsed is beyond the month');
  const remainingDays = m.daysInMonth - m.daysElapsed;
  const perGuestNight = ratio(m.consumptionToDate, m.guestNightsToDate);
  const rest = perGuestNight !== null ? perGuestNight * m.forecastGuestNights : (ratio(m.consumptionToDate, m.daysElapsed) ?? 0) * remainingDays;
  const projectedConsumption = m.consumptionToDate + rest;
  const projectedGuestNights = m.guestNightsToDate + m.forecastGuestNights;
  const targetConsumption = targetPerGuestNight === null ? null : targetPerGuestNight * projectedGuestNights;
  return {
    projectedConsumption,
    projectedGuestNights,
    projectedPerGuestNight: ratio(projectedConsumption, projectedGuestNights),
    targetPerGuestNight,
    targetConsumption,
    aboveTarget: targetConsumption === null ? null : projectedConsumption > targetConsumption,
    methodologyVersion: METHODOLOGY_VERSION,
  };
}
