import type { Principal } from '../access/principal.js';
import type { AggregatesReader, ReadCounter } from './aggregates-reader.js';
import { payrollVisibleFor } from './access.js';
import { ratio, round } from './kpis.js';
import type { Comparison } from './model.js';
import { PNL_LINES, lineVariance, type LineDef } from './pnl.js';
import { chooseProperties, type Gather, type PortfolioCoverage, type PortfolioReport, type PropertyGroupPort } from './portfolio.js';
import { profitLoss, profitLossCsv, type PnlLine, type PnlPeriod, type PnlProperty } from './profit-loss.js';

/**
 * Portfolio P&L: the USALI statement of each covered property of a group (or of every property),
 * exactly as the single-property P&L gives it, and one total statement per currency. A total adds
 * the properties' lines and recomputes the ratio lines (occupancy, ADR, RevPAR, TRevPAR, GOPPAR,
 * GOP margin) from the summed lines, never averaging them; money is never added across currencies.
 */

export interface PnlPortfolioQuery {
  /** A property group's id, or `all` for every property of the tenant. */
  groupId: string;
  from: string;
  to: string;
  granularity: 'month' | 'quarter' | 'year';
  compare: Comparison[];
}

export interface PnlPortfolioTotal {
  currency: string;
  /** The properties this total sums: the covered properties of the currency. */
  propertyIds: string[];
  propertyCount: number;
  periods: PnlPeriod[];
  total: PnlPeriod;
}

export interface PnlPortfolioReport<M> {
  report: 'profit-loss-portfolio';
  /** The group reported on; null for `groupId=all`. */
  group: PortfolioReport<M>['group'];
  from: string;
  to: string;
  granularity: PnlPortfolioQuery['granularity'];
  compare: Comparison[];
  lastYearRange: { from: string; to: string } | null;
  payrollVisible: boolean;
  coverage: PortfolioCoverage;
  properties: PnlProperty[];
  /** One per currency, by currency code. */
  totals: PnlPortfolioTotal[];
  meta: M;
}

/**
 * The ratio lines of the statement (pnl.ts `statement`) as numerator line ÷ denominator line × scale:
 * a total takes them from its summed lines.
 */
export const PNL_RATIO_LINES: ReadonlyMap<string, { numerator: string; denominator: string; scale: number }> = new Map([
  ['stats.occupancy', { numerator: 'stats.roomsSold', denominator: 'stats.roomsAvailable', scale: 100 }],
  ['stats.adr', { numerator: 'revenue.rooms', denominator: 'stats.roomsSold', scale: 1 }],
  ['stats.revpar', { numerator: 'revenue.rooms', denominator: 'stats.roomsAvailable', scale: 1 }],
  ['stats.trevpar', { numerator: 'revenue.total', denominator: 'stats.roomsAvailable', scale: 1 }],
  ['stats.goppar', { numerator: 'gop', denominator: 'stats.roomsAvailable', scale: 1 }],
  ['gopMargin', { numerator: 'gop', denominator: 'revenue.total', scale: 100 }],
]);

const DEFS = new Map<string, LineDef>(PNL_LINES.map((d) => [d.key, d]));
type SeriesKey = 'actual' | Comparison;

/**
 * One series of a total statement from the same period of each property: a line is the sum of the
 * properties that have it (null when none does: a plan without room statistics); a ratio line is
 * the ratio of its summed numerator and denominator over the properties that have both.
 */
function totalSeries(parts: ReadonlyArray<ReadonlyMap<string, PnlLine>>, keys: readonly string[], series: SeriesKey): Map<string, number | null> {
  const value = (line: PnlLine | undefined): number | null => (line ? (series === 'actual' ? line.actual : (line[series] ?? null)) : null);
  const out = new Map<string, number | null>();
  for (const key of keys) {
    const r = PNL_RATIO_LINES.get(key);
    if (r) {
      let num = 0;
      let den = 0;
      let any = false;
      for (const lines of parts) {
        const n = value(lines.get(r.numerator));
        const d = value(lines.get(r.denominator));
        if (n === null || d === null) continue;
        num += n;
        den += d;
        any = true;
      }
      const q = any ? ratio(num, den) : null;
      out.set(key, q === null ? null : round(q * r.scale, 2));
      continue;
    }
    let sum = 0;
    let any = false;
    for (const lines of parts) {
      const v = value(lines.get(key));
      if (v === null) continue;
      sum += v;
      any = true;
    }
    out.set(key, any ? round(sum, DEFS.get(key)?.unit === 'rooms' ? 0 : 2) : null);
  }
  return out;
}

/** The total statement of one period (the same bucket of each property). */
function totalPeriod(periods: readonly PnlPeriod[], comparisons: readonly Comparison[]): PnlPeriod {
  const first = periods[0] as PnlPeriod;
  const parts = periods.map((p) => new Map(p.lines.map((l) => [l.key, l])));
  const keys = first.lines.map((l) => l.key);
  const actual = totalSeries(parts, keys, 'actual');
  const comps = comparisons.map((c) => [c, totalSeries(parts, keys, c)] as const);
  const lines = first.lines.map(({ key, label, section, unit }): PnlLine => {
    const a = actual.get(key) ?? null;
    const line: PnlLine = { key, label, section, unit, actual: a, variance: {} };
    const def = DEFS.get(key) as LineDef;
    for (const [c, values] of comps) {
      const v = values.get(key) ?? null;
      line[c] = v;
      line.variance[c] = lineVariance(def, a, v);
    }
    return line;
  });
  return { key: first.key, from: first.from, to: first.to, days: first.days, lines };
}

/** The per-currency totals of property statements of one report (same periods, same lines). Pure. */
export function pnlPortfolioTotals(rows: readonly PnlProperty[], comparisons: readonly Comparison[]): PnlPortfolioTotal[] {
  const byCurrency = new Map<string, PnlProperty[]>();
  for (const r of rows) byCurrency.set(r.currency, [...(byCurrency.get(r.currency) ?? []), r]);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, group]) => {
      const first = group[0] as PnlProperty;
      return {
        currency,
        propertyIds: group.map((r) => r.propertyId),
        propertyCount: group.length,
        periods: first.periods.map((_, i) => totalPeriod(group.map((r) => r.periods[i] as PnlPeriod), comparisons)),
        total: totalPeriod(group.map((r) => r.total), comparisons),
      };
    });
}

/** Runs the portfolio P&L: chooses the covered properties (reports.pnl.read), reads them through `gather`, and sums per currency. */
export async function profitLossPortfolio<M>(principal: Principal, q: PnlPortfolioQuery, deps: { reader: AggregatesReader; groups: PropertyGroupPort | undefined; gather: Gather<M> }): Promise<PnlPortfolioReport<M>> {
  let chosen: Awaited<ReturnType<typeof chooseProperties>> | undefined;
  const choose = async (counter: ReadCounter) => {
    chosen = await chooseProperties(deps.reader, deps.groups, principal, q.groupId, 'reports.pnl.read', counter);
    return chosen.scoped;
  };
  const { sections, meta, ly } = await deps.gather(principal, 'reports.pnl.read', { propertyId: q.groupId, from: q.from, to: q.to, compare: q.compare }, q.granularity, 'calendar', undefined, choose);
  if (!chosen) throw new Error('portfolio: properties were not chosen');
  // One rule for every row and total: payroll lines only when the caller reads payroll of every covered property.
  const payrollVisible = payrollVisibleFor(principal, sections.map((s) => s.property.id));
  const properties = sections.map((s) => profitLoss(s.property, s.departments, s.folded, { comparisons: q.compare, payroll: payrollVisible }));
  return {
    report: 'profit-loss-portfolio',
    group: chosen.group,
    from: q.from,
    to: q.to,
    granularity: q.granularity,
    compare: q.compare,
    lastYearRange: ly ?? null,
    payrollVisible,
    coverage: chosen.coverage,
    properties,
    totals: pnlPortfolioTotals(properties, q.compare),
    meta,
  };
}

/** The CSV of a portfolio P&L: the single-property P&L CSV over the rows, then the totals as properties named "Portfolio total (<currency>)". */
export function pnlPortfolioCsv(report: Pick<PnlPortfolioReport<unknown>, 'properties' | 'totals' | 'compare'>): string {
  const totals = report.totals.map((t): PnlProperty => ({ propertyId: `total:${t.currency}`, name: `Portfolio total (${t.currency})`, currency: t.currency, periods: t.periods, total: t.total }));
  return profitLossCsv([...report.properties, ...totals], report.compare);
}
