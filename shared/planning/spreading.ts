import { daysOfMonth, spreadCents } from '../reporting/spread.js';

/**
 * How a monthly planning figure becomes days (docs/planning.md, "Spreading"). The method is recorded
 * with the version that uses it, so a report can say how its days were made.
 * - `even`: the same share every day;
 * - `roomsAvailable`: in proportion to each day's rooms available;
 * - `lastYear`: in proportion to the same measure's actual days one year earlier, aligned by weekday
 *   (364 days back), so a Saturday-heavy month stays Saturday-heavy;
 * - `roomNights`: in proportion to the forecast room nights of each day (rooms on the books where no
 *   forecast of rooms exists);
 * - `covers`: in proportion to the covers of the reservations held for each day (for F&B outlets).
 * The weights: spread-weights.ts (SpreadWeights).
 */
export const SPREAD_METHODS = ['even', 'roomsAvailable', 'lastYear', 'roomNights', 'covers'] as const;
export type SpreadMethod = (typeof SPREAD_METHODS)[number];

/** What a figure is spread for: its property, month, and (for departmental lines) the department. */
export interface SpreadTarget {
  tenantId: string;
  propertyId: string;
  /** `YYYY-MM` */
  period: string;
  /** The department of a departmental line; undefined for property-level lines. */
  departmentId?: string;
  /** The measure or USALI line spread (for `lastYear`: whose last-year days give the pattern). */
  measure: string;
}

/**
 * The port that finds one weight per day of the month for a method (implemented over the
 * aggregates in spread-weights.ts). A method without data for the month answers all zeros, and the
 * figure is then spread evenly: a plan is never lost because last year is missing.
 */
export interface SpreadWeightSource {
  weights(target: SpreadTarget, method: SpreadMethod): Promise<number[]>;
  /**
   * The weights of many figures, in order; a source that can answers them reading each
   * property-month once (SpreadWeights does), where `weights` per figure would repeat the read.
   */
  weightsOfMany?(requests: ReadonlyArray<{ target: SpreadTarget; method: SpreadMethod }>): Promise<number[][]>;
}

/**
 * A monthly amount as one share per day of `period`, in proportion to `weights` (one per day),
 * summing to the amount exactly to the cent with the remainder placed deterministically
 * (spreadCents). Without usable weights the amount is spread evenly.
 *
 * @example spreadMonth(3100, '2027-01', new Array(31).fill(1)) // 100 on each of 31 days
 */
export function spreadMonth(amount: number, period: string, weights: readonly number[]): { date: string; amount: number }[] {
  const days = daysOfMonth(period);
  if (weights.length !== days.length) throw new RangeError(`${period} has ${days.length} days; ${weights.length} weights given`);
  const shares = spreadCents(amount, weights);
  return days.map((date, i) => ({ date, amount: shares[i] as number }));
}
