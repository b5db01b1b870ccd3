import { z } from 'zod';
import { METHODOLOGY_VERSION, ratio } from './methodology.js';

/**
 * Expected daily consumption (docs/gogreen.md, "Expected consumption"): a least-squares fit of
 * daily kWh (or m³) = a + b·occupied rooms + c·HDD + d·CDD on last year's days, a weather- and
 * occupancy-normalised comparison with last year, and anomalies (consumption above expected by a
 * margin for N consecutive days).
 */

export const modelDaySchema = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  consumption: z.number().finite().nonnegative(),
  occupiedRooms: z.number().finite().nonnegative(),
  hdd: z.number().finite().nonnegative(),
  cdd: z.number().finite().nonnegative(),
});
export type ModelDay = z.infer<typeof modelDaySchema>;
export type Drivers = Omit<ModelDay, 'consumption'>;

export interface ConsumptionModel {
  /** Base load per day. */
  a: number;
  /** Per occupied room. */
  b: number;
  /** Per heating degree day. */
  c: number;
  /** Per cooling degree day. */
  d: number;
  /** Coefficient of determination on the fitted days; null when consumption did not vary. */
  r2: number | null;
  /** Days fitted. */
  n: number;
  /**
   * Drivers that did not vary over the fitted days (a summer without heating, a hotel always full):
   * their coefficient is 0, since the data cannot tell it apart from the base load.
   */
  constantDrivers: Array<'occupiedRooms' | 'hdd' | 'cdd'>;
  methodologyVersion: string;
}

const DRIVERS = ['occupiedRooms', 'hdd', 'cdd'] as const;

/** Below this many days a fit says more about noise than about the building. */
export const MIN_MODEL_DAYS = 14;

/**
 * Ordinary least squares by the normal equations (XᵀX)β = Xᵀy, solved by Gaussian elimination with
 * partial pivoting. A driver with no variance is left out of the fit (coefficient 0).
 *
 * @example fitConsumptionModel(lastYearDays) // { a, b, c, d, r2, n, ... }
 */
export function fitConsumptionModel(days: readonly ModelDay[]): ConsumptionModel {
  if (days.length < MIN_MODEL_DAYS) throw new RangeError(`a model needs at least ${MIN_MODEL_DAYS} days; ${days.length} given`);
  const varies = (k: (typeof DRIVERS)[number]) => days.some((d) => d[k] !== days[0]?.[k]);
  const used = DRIVERS.filter(varies);
  const rows = days.map((d) => [1, ...used.map((k) => d[k])]);
  const y = days.map((d) => d.consumption);
  const p = used.length + 1;
  const xtx = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + (r[i] as number) * (r[j] as number), 0)));
  const xty = Array.from({ length: p }, (_, i) => rows.reduce((s, r, n) => s + (r[i] as number) * (y[n] as number), 0));
  const beta = solve(xtx, xty);
  const coef = { occupiedRooms: 0, hdd: 0, cdd: 0 };
  used.forEach((k, i) => (coef[k] = beta[i + 1] as number));
  const model = { a: beta[0] as number, b: coef.occupiedRooms, c: coef.hdd, d: coef.cdd };
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const ssTot = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  const ssRes = days.reduce((s, d) => s + (d.consumption - predict(model, d)) ** 2, 0);
  const r2 = ratio(ssRes, ssTot);
  return {
    ...model,
    r2: r2 === null ? null : 1 - r2,
    n: days.length,
    constantDrivers: DRIVERS.filter((k) => !used.includes(k)),
    methodologyVersion: METHODOLOGY_VERSION,
  };
}

/** Expected consumption of a day: a + b·occupied rooms + c·HDD + d·CDD. */
export function predict(model: Pick<ConsumptionModel, 'a' | 'b' | 'c' | 'd'>, day: Drivers): number {
  return model.a + model.b * day.occupiedRooms + model.c * day.hdd + model.d * day.cdd;
}

/** Solves A x = b (A square); throws when A is singular (collinear drivers). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs((m[r] as number[])[col] as number) > Math.abs((m[pivot] as number[])[col] as number)) pivot = r;
    const scale = Math.max(1, ...m.map((r) => Math.abs(r[col] as number)));
    if (Math.abs((m[pivot] as number[])[col] as number) < 1e-12 * scale) throw new RangeError('the drivers are collinear: the model cannot tell them apart');
    [m[col], m[pivot]] = [m[pivot] as number[], m[col] as number[]];
    const pr = m[col] as number[];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = m[r] as number[];
      const f = (row[col] as number) / (pr[col] as number);
      for (let c = col; c <= n; c++) row[c] = (row[c] as number) - f * (pr[c] as number);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}

export interface NormalisedComparison {
  actual: number;
  /** What last year's building would have used under this period's occupancy and weather. */
  expected: number;
  /** actual − expected; negative = better than last year. */
  difference: number;
  /** (actual ÷ expected − 1) × 100. */
  changePct: number | null;
  methodologyVersion: string;
}

/**
 * Weather- and occupancy-normalised comparison with last year: this period's consumption against
 * the consumption the model fitted on last year predicts for this period's drivers.
 */
export function normalisedComparison(model: ConsumptionModel, days: readonly ModelDay[]): NormalisedComparison {
  const actual = days.reduce((s, d) => s + d.consumption, 0);
  const expected = days.reduce((s, d) => s + predict(model, d), 0);
  const r = ratio(actual, expected);
  return { actual, expected, difference: actual - expected, changePct: r === null ? null : (r - 1) * 100, methodologyVersion: METHODOLOGY_VERSION };
}

export const anomalyRuleSchema = z.strictObject({
  /** Percent above expected that counts as excess on a day. */
  marginPct: z.number().finite().min(0).max(1000).default(15),
  /** Consecutive days of excess that make an anomaly. */
  minDays: z.number().int().min(1).max(60).default(3),
});
export type AnomalyRule = z.infer<typeof anomalyRuleSchema>;

export interface DayCheck {
  date: string;
  actual: number;
  expected: number;
}

export interface Anomaly {
  from: string;
  to: string;
  days: number;
  /** Σ (actual − expected) over the run. */
  excess: number;
  methodologyVersion: string;
}

const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * Runs of at least `minDays` consecutive calendar days on which actual > expected × (1 + margin).
 * A missing day breaks a run. Days need not be sorted.
 */
export function detectAnomalies(checks: readonly DayCheck[], rule: z.input<typeof anomalyRuleSchema> = {}): Anomaly[] {
  const { marginPct, minDays } = anomalyRuleSchema.parse(rule);
  const sorted = [...checks].sort((x, y) => x.date.localeCompare(y.date));
  const found: Anomaly[] = [];
  let run: DayCheck[] = [];
  const close = () => {
    if (run.length >= minDays) {
      found.push({
        from: (run[0] as DayCheck).date,
        to: (run[run.length - 1] as DayCheck).date,
        days: run.length,
        excess: run.reduce((s, d) => s + d.actual - d.expected, 0),
        methodologyVersion: METHODOLOGY_VERSION,
      });
    }
    run = [];
  };
  for (const d of sorted) {
    const over = d.actual > d.expected * (1 + marginPct / 100);
    const last = run[run.length - 1];
    if (last && (!over || nextDate(last.date) !== d.date)) close();
    if (over) run.push(d);
  }
  close();
  return found;
}
