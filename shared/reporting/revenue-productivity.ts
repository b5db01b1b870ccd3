import { mergeSums, type Folded } from './fold.js';
import { departmentFigures, figuresVariance, totalFigures, RP_FIGURE_KEYS, type RpFigureKey, type RpFigures } from './kpis.js';
import type { BucketSums, Comparison, DepartmentInfo, PropertyInfo, Series } from './model.js';
import { daysBetween } from './periods.js';
import { toCsv, type Cell } from './csv.js';

export interface RpRow {
  /** null: the property total. */
  departmentId: string | null;
  code: string | null;
  name: string;
  usaliDepartment: string | null;
  driver: string | null;
  standardHoursPerUnit: number | null;
  actual: RpFigures;
  budget?: RpFigures;
  forecast?: RpFigures;
  lastYear?: RpFigures;
  variance: Partial<Record<Comparison, Partial<Record<RpFigureKey, number | null>>>>;
  /** The approved KPI targets of the department over the period (planning), when a targets version is in force. */
  target?: Record<string, number>;
}

export interface RpPeriod {
  key: string;
  from: string;
  to: string;
  days: number;
  departments: RpRow[];
  total: RpRow;
}

export interface RpProperty {
  propertyId: string;
  name: string;
  currency: string;
  timezone: string;
  periods: RpPeriod[];
  /** The whole requested range as one period. */
  total: RpPeriod;
}

export interface RpOptions {
  comparisons: readonly Comparison[];
  payroll: boolean;
  /** Only this department's row (the property total stays). */
  departmentId?: string | undefined;
  /** No department rows, only the property total (portfolio reports). */
  totalsOnly?: boolean;
}

function row(dept: DepartmentInfo | null, departments: readonly DepartmentInfo[], bySeries: Map<Series, BucketSums>, opts: RpOptions): RpRow {
  const figures = (series: Series): RpFigures | undefined => {
    const s = bySeries.get(series);
    if (!s) return undefined;
    const planned = series === 'budget' || series === 'forecast';
    return dept ? departmentFigures(dept, s, opts.payroll, planned) : totalFigures(departments, s, opts.payroll, planned);
  };
  return rowOf(
    {
      departmentId: dept?.id ?? null,
      code: dept?.code ?? null,
      name: dept?.name ?? 'Property total',
      usaliDepartment: dept?.usaliDepartment ?? null,
      driver: dept?.driver ?? null,
      standardHoursPerUnit: dept?.standardHoursPerUnit ?? null,
    },
    figures,
    opts.comparisons,
  );
}

/** A row from its figures per series: the actuals, each comparison that has figures, and actual − comparison. */
export function rowOf(head: Omit<RpRow, 'actual' | 'variance' | Comparison>, figures: (series: Series) => RpFigures | undefined, comparisons: readonly Comparison[]): RpRow {
  const actual = figures('actual') as RpFigures;
  const r: RpRow = { ...head, actual, variance: {} };
  for (const c of comparisons) {
    const f = figures(c);
    if (!f) continue;
    r[c] = f;
    r.variance[c] = figuresVariance(actual, f);
  }
  return r;
}

function period(key: string, from: string, to: string, departments: readonly DepartmentInfo[], bySeries: Map<Series, BucketSums>, opts: RpOptions): RpPeriod {
  const shown = opts.totalsOnly ? [] : opts.departmentId ? departments.filter((d) => d.id === opts.departmentId) : departments;
  return {
    key,
    from,
    to,
    days: daysBetween(from, to),
    departments: shown.map((d) => row(d, departments, bySeries, opts)),
    total: row(null, departments, bySeries, opts),
  };
}

/** Assembles the R&P section of one property from its folded aggregates. Pure. */
export function revenueProductivity(property: PropertyInfo, departments: readonly DepartmentInfo[], folded: Folded, opts: RpOptions): RpProperty {
  const periods = folded.buckets.map((b) => {
    const bySeries = new Map<Series, BucketSums>();
    for (const [s, m] of folded.sums) bySeries.set(s, m.get(b.key) as BucketSums);
    return period(b.key, b.from, b.to, departments, bySeries, opts);
  });
  const whole = new Map<Series, BucketSums>();
  for (const [s, m] of folded.sums) whole.set(s, mergeSums([...m.values()]));
  const first = folded.buckets[0];
  const last = folded.buckets[folded.buckets.length - 1];
  const from = first?.from ?? '';
  const to = last?.to ?? '';
  return {
    propertyId: property.id,
    name: property.name,
    currency: property.currency,
    timezone: property.timezone,
    periods,
    total: period('total', from, to, departments, whole, opts),
  };
}

const UNITS: Record<RpFigureKey, (currency: string) => string> = {
  revenue: (c) => `revenue (${c})`,
  roomsSold: () => 'rooms sold (rooms)',
  covers: () => 'covers (covers)',
  guests: () => 'guests (guests)',
  reservations: () => 'reservations held (reservations)',
  coversBooked: () => 'covers booked (covers)',
  cancellations: () => 'cancellations (reservations)',
  noShows: () => 'no-shows (reservations)',
  productiveHours: () => 'productive hours (h)',
  nonProductiveHours: () => 'non-productive hours (h)',
  paidHours: () => 'paid hours (h)',
  labourCost: (c) => `labour cost (${c})`,
  output: () => 'output (driver units)',
  productivityTotal: () => 'productivity total (units/h)',
  productivityOperational: () => 'productivity operational (units/h)',
  revPOLU: (c) => `RevPOLU (${c}/h)`,
  revenuePerLabourHour: (c) => `revenue per labour hour (${c}/h)`,
  labourCostPct: () => 'labour cost (%)',
  hpor: () => 'HPOR (h/room)',
  mpor: () => 'MPOR (min/room)',
  coversPerLabourHour: () => 'covers per labour hour (covers/h)',
  earnedHours: () => 'earned hours (h)',
  productivityIndex: () => 'productivity index (ratio)',
  hoursVariance: () => 'hours variance (h)',
  dataDays: () => 'days with data (days)',
};

/**
 * One CSV row per (property, period, department or total, series); series are actual, budget,
 * forecast, lastYear and `variance vs <comparison>`. Money headers name the currency when all
 * properties share one, else the `currency` column says it.
 */
export function revenueProductivityCsv(properties: readonly RpProperty[], payroll: boolean): string {
  const currencies = new Set(properties.map((p) => p.currency));
  const unit = currencies.size === 1 ? ([...currencies][0] as string) : 'currency';
  const keys = RP_FIGURE_KEYS.filter((k) => payroll || (k !== 'labourCost' && k !== 'labourCostPct'));
  const header = ['property', 'currency', 'period', 'from', 'to', 'department code', 'department', 'series', ...keys.map((k) => UNITS[k](unit))];
  const rows: Cell[][] = [];
  for (const p of properties) {
    for (const per of [...p.periods, p.total]) {
      for (const r of [...per.departments, per.total]) {
        const lead: Cell[] = [p.name, p.currency, per.key, per.from, per.to, r.code, r.name];
        const series: Array<[string, Partial<Record<RpFigureKey, number | null>> | undefined]> = [
          ['actual', r.actual],
          ['budget', r.budget],
          ['forecast', r.forecast],
          ['lastYear', r.lastYear],
          ['variance vs budget', r.variance.budget],
          ['variance vs forecast', r.variance.forecast],
          ['variance vs lastYear', r.variance.lastYear],
        ];
        for (const [name, f] of series) {
          if (!f) continue;
          rows.push([...lead, name, ...keys.map((k) => f[k] ?? null)]);
        }
      }
    }
  }
  return toCsv(header, rows);
}
