import { mergeSums, type Folded } from './fold.js';
import type { BucketSums, Comparison, DepartmentInfo, PropertyInfo } from './model.js';
import { PNL_LINES, lineVariance, statement, type LineDef, type LineUnit, type LineVariance, type Section } from './pnl.js';
import { daysBetween } from './periods.js';
import { toCsv, type Cell } from './csv.js';

export interface PnlLine {
  key: string;
  label: string;
  section: Section;
  unit: LineUnit;
  actual: number | null;
  budget?: number | null;
  forecast?: number | null;
  lastYear?: number | null;
  variance: Partial<Record<Comparison, LineVariance>>;
}

export interface PnlPeriod {
  key: string;
  from: string;
  to: string;
  days: number;
  lines: PnlLine[];
}

export interface PnlProperty {
  propertyId: string;
  name: string;
  currency: string;
  periods: PnlPeriod[];
  total: PnlPeriod;
}

export interface PnlOptions {
  comparisons: readonly Comparison[];
  payroll: boolean;
}

function period(key: string, from: string, to: string, property: PropertyInfo, departments: readonly DepartmentInfo[], bySeries: Map<string, BucketSums>, opts: PnlOptions): PnlPeriod {
  const days = daysBetween(from, to);
  const ctx = (statisticsRequired: boolean) => ({
    departments,
    capacity: property.roomsAvailable,
    excludeOutOfOrder: property.excludeOutOfOrderFromAvailable,
    days,
    statisticsRequired,
  });
  const actual = statement(bySeries.get('actual') as BucketSums, ctx(true));
  const comps = new Map<Comparison, Map<string, number | null>>();
  for (const c of opts.comparisons) {
    const s = bySeries.get(c);
    if (s) comps.set(c, statement(s, ctx(c === 'lastYear')));
  }
  const defs: readonly LineDef[] = opts.payroll ? PNL_LINES : PNL_LINES.filter((d) => !d.payroll && !d.derivedFromPayroll);
  const lines = defs.map((def) => {
    const a = actual.get(def.key) ?? null;
    const line: PnlLine = { key: def.key, label: def.label, section: def.section, unit: def.unit, actual: a, variance: {} };
    for (const [c, values] of comps) {
      const v = values.get(def.key) ?? null;
      line[c] = v;
      line.variance[c] = lineVariance(def, a, v);
    }
    return line;
  });
  return { key, from, to, days, lines };
}

/** Assembles the P&L section of one property from its folded aggregates. Pure. */
export function profitLoss(property: PropertyInfo, departments: readonly DepartmentInfo[], folded: Folded, opts: PnlOptions): PnlProperty {
  const periods = folded.buckets.map((b) => {
    const bySeries = new Map<string, BucketSums>();
    for (const [s, m] of folded.sums) bySeries.set(s, m.get(b.key) as BucketSums);
    return period(b.key, b.from, b.to, property, departments, bySeries, opts);
  });
  const whole = new Map<string, BucketSums>();
  for (const [s, m] of folded.sums) whole.set(s, mergeSums([...m.values()]));
  const from = folded.buckets[0]?.from ?? '';
  const to = folded.buckets[folded.buckets.length - 1]?.to ?? '';
  return { propertyId: property.id, name: property.name, currency: property.currency, periods, total: period('total', from, to, property, departments, whole, opts) };
}

function unitLabel(unit: LineUnit, currency: string): string {
  return unit === 'money' ? currency : unit === 'percent' ? '%' : 'rooms';
}

/** One CSV row per (property, period, line), with a column per series and variance. */
export function profitLossCsv(properties: readonly PnlProperty[], comparisons: readonly Comparison[]): string {
  const header = ['property', 'currency', 'period', 'from', 'to', 'section', 'line', 'unit', 'actual'];
  for (const c of comparisons) header.push(c, `${c} variance`, `${c} variance (%)`);
  const rows: Cell[][] = [];
  for (const p of properties) {
    for (const per of [...p.periods, p.total]) {
      for (const l of per.lines) {
        const cells: Cell[] = [p.name, p.currency, per.key, per.from, per.to, l.section, l.label, unitLabel(l.unit, p.currency), l.actual];
        for (const c of comparisons) cells.push(l[c] ?? null, l.variance[c]?.amount ?? null, l.variance[c]?.pct ?? null);
        rows.push(cells);
      }
    }
  }
  return toCsv(header, rows);
}
