import type { Principal } from '../access/principal.js';
import { propertiesCovered } from '../access/authorize.js';
import { forbidden, notFound } from '../http/problem.js';
import { payrollVisibleFor, type Scoped } from './access.js';
import type { AggregatesReader, ReadCounter } from './aggregates-reader.js';
import { mergeSums, type Folded } from './fold.js';
import type { BucketSums, Comparison, DepartmentInfo, PropertyInfo, Series } from './model.js';
import { daysBetween, type Granularity, type LastYearAlignment } from './periods.js';
import { addTotalInputs, emptyTotalInputs, figuresOfTotal, totalInputs } from './kpis.js';
import { revenueProductivity, revenueProductivityCsv, rowOf, type RpPeriod, type RpProperty } from './revenue-productivity.js';

/**
 * Portfolio R&P: the property rows of the single-property report, side by side for a property group
 * (or every property), and one total per currency. The rows and the totals come out of the same KPI
 * functions as the single-property report: a total is the property total of a "property" whose
 * departments are all the departments of the covered properties of that currency, so every ratio is
 * recomputed from summed numerators and denominators, never averaged, and no money is added across
 * currencies.
 */

export interface PortfolioQuery {
  /** A property group's id, or `all` for every property of the tenant. */
  groupId: string;
  from: string;
  to: string;
  granularity: 'day' | 'week' | 'month';
  compare: Comparison[];
  lastYearAlignment: LastYearAlignment;
}

/** What reports read of identity's property groups. */
export interface PropertyGroupPort {
  members(tenantId: string, groupId: string): Promise<{ id: string; kind: string; name: string; propertyIds: string[] } | undefined>;
}

/** A period of a portfolio row: the property (or currency) total only, no department rows. */
export type PortfolioPeriod = Omit<RpPeriod, 'departments'>;

export interface PortfolioRow {
  propertyId: string;
  name: string;
  currency: string;
  timezone: string;
  periods: PortfolioPeriod[];
  total: PortfolioPeriod;
}

export interface PortfolioTotal {
  currency: string;
  /** The properties this total sums: the covered properties of the currency. */
  propertyIds: string[];
  propertyCount: number;
  periods: PortfolioPeriod[];
  total: PortfolioPeriod;
}

export interface PortfolioCoverage {
  /** Properties of the group (or tenant) the caller's report permission covers: the rows and totals. */
  propertyIds: string[];
  propertyCount: number;
  /** Properties of the group outside the caller's scope: in no row and no total. */
  excludedForScope: { propertyIds: string[]; propertyCount: number };
}

export interface PortfolioReport<M> {
  report: 'revenue-productivity-portfolio';
  /** The group reported on; null for `groupId=all`. */
  group: { id: string; kind: string; name: string } | null;
  from: string;
  to: string;
  granularity: PortfolioQuery['granularity'];
  compare: Comparison[];
  lastYearAlignment: LastYearAlignment;
  lastYearRange: { from: string; to: string } | null;
  payrollVisible: boolean;
  coverage: PortfolioCoverage;
  properties: PortfolioRow[];
  /** One per currency, by currency code. */
  totals: PortfolioTotal[];
  meta: M;
}

export interface Section {
  property: PropertyInfo;
  departments: DepartmentInfo[];
  folded: Folded;
}

/**
 * The reporting read path (reporting/index.ts `gather`): reads and folds the aggregates of the
 * properties `choose` picks, as the single-property reports do, so both read the same way.
 */
export type Gather<M> = (
  principal: Principal,
  permission: PortfolioPermission,
  q: { propertyId: string; from: string; to: string; compare: Comparison[] },
  granularity: Granularity,
  alignment: LastYearAlignment,
  departmentId: undefined,
  choose: (counter: ReadCounter) => Promise<Scoped>,
) => Promise<{ sections: Section[]; meta: M; ly: { from: string; to: string } | undefined }>;

/** The report permissions a portfolio is read under, property by property. */
export type PortfolioPermission = 'reports.rp.read' | 'reports.pnl.read';

/**
 * The group's properties the caller may read the report of (`permission`). A group of another
 * tenant is not found (the read is inside the caller's partition); a group none of whose
 * properties the caller covers is a 403, as an explicit property outside the scope is in the
 * single-property report.
 */
export async function chooseProperties(reader: AggregatesReader, groups: PropertyGroupPort | undefined, principal: Principal, groupId: string, permission: PortfolioPermission | 'sustainability.read', counter: ReadCounter) {
  const tenantId = principal.tenantId;
  let group: PortfolioReport<unknown>['group'] = null;
  let memberIds: string[] | undefined;
  if (groupId !== 'all') {
    const found = groups ? await groups.members(tenantId, groupId) : undefined;
    counter.count(found ? 1 : 0);
    if (!found) throw notFound('property group');
    group = { id: found.id, kind: found.kind, name: found.name };
    memberIds = found.propertyIds;
  }
  const { properties, departments } = await reader.properties(tenantId, undefined, counter);
  const members = memberIds ? properties.filter((p) => memberIds.includes(p.id)) : properties;
  const covered = new Set(propertiesCovered(principal, permission, members.map((p) => p.id)));
  if (members.length > 0 && covered.size === 0) throw forbidden(`Your '${permission}' permission covers none of the group's properties.`);
  const chosen = members.filter((p) => covered.has(p.id));
  const byProperty = new Map<string, DepartmentInfo[]>(chosen.map((p) => [p.id, []]));
  for (const d of departments) byProperty.get(d.propertyId)?.push(d);
  const excluded = members.filter((p) => !covered.has(p.id)).map((p) => p.id);
  const scoped: Scoped = { properties: chosen, departments: byProperty };
  const coverage: PortfolioCoverage = {
    propertyIds: chosen.map((p) => p.id),
    propertyCount: chosen.length,
    excludedForScope: { propertyIds: excluded, propertyCount: excluded.length },
  };
  return { group, scoped, coverage };
}

const withoutDepartments = ({ departments: _d, ...period }: RpPeriod): PortfolioPeriod => {
  void _d;
  return period;
};

const TOTAL_HEAD = { departmentId: null, code: null, usaliDepartment: null, driver: null, standardHoursPerUnit: null } as const;

/**
 * The total of the sections of one currency: for each bucket and series, the inputs of every
 * property total added (dates keyed by property, so `dataDays` counts property-days with data),
 * then the figures of the sums. Pure.
 */
function currencyTotal(currency: string, sections: readonly Section[], opts: { comparisons: readonly Comparison[]; payroll: boolean }): PortfolioTotal {
  const name = `Portfolio total (${currency})`;
  const buckets = (sections[0] as Section).folded.buckets;
  const figures = (pick: (s: Section, series: Series) => BucketSums | undefined) => (series: Series) => {
    const planned = series === 'budget' || series === 'forecast';
    const sum = emptyTotalInputs();
    let any = false;
    for (const s of sections) {
      const sums = pick(s, series);
      if (!sums) continue;
      any = true;
      addTotalInputs(sum, totalInputs(s.departments, sums, planned), (date) => `${s.property.id}|${date}`);
    }
    return any ? figuresOfTotal(sum, opts.payroll) : undefined;
  };
  const periods = buckets.map((b) => ({
    key: b.key,
    from: b.from,
    to: b.to,
    days: daysBetween(b.from, b.to),
    total: rowOf({ ...TOTAL_HEAD, name }, figures((s, series) => s.folded.sums.get(series)?.get(b.key)), opts.comparisons),
  }));
  const from = buckets[0]?.from ?? '';
  const to = buckets[buckets.length - 1]?.to ?? '';
  const whole = (s: Section, series: Series) => {
    const byBucket = s.folded.sums.get(series);
    return byBucket ? mergeSums([...byBucket.values()]) : undefined;
  };
  const ids = sections.map((s) => s.property.id);
  return {
    currency,
    propertyIds: ids,
    propertyCount: ids.length,
    periods,
    total: { key: 'total', from, to, days: from ? daysBetween(from, to) : 0, total: rowOf({ ...TOTAL_HEAD, name }, figures(whole), opts.comparisons) },
  };
}

/** The rows and per-currency totals of folded sections. Pure. */
export function portfolioFigures(sections: readonly Section[], opts: { comparisons: readonly Comparison[]; payroll: boolean }): { properties: PortfolioRow[]; totals: PortfolioTotal[] } {
  const properties = sections.map((s): PortfolioRow => {
    const p = revenueProductivity(s.property, s.departments, s.folded, { ...opts, totalsOnly: true });
    return { propertyId: p.propertyId, name: p.name, currency: p.currency, timezone: p.timezone, periods: p.periods.map(withoutDepartments), total: withoutDepartments(p.total) };
  });
  const byCurrency = new Map<string, Section[]>();
  for (const s of sections) byCurrency.set(s.property.currency, [...(byCurrency.get(s.property.currency) ?? []), s]);
  const totals = [...byCurrency.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, group]) => currencyTotal(currency, group, opts));
  return { properties, totals };
}

/** Runs the portfolio report: chooses the covered properties, reads them through `gather`, and sums per currency. */
export async function revenueProductivityPortfolio<M>(principal: Principal, q: PortfolioQuery, deps: { reader: AggregatesReader; groups: PropertyGroupPort | undefined; gather: Gather<M> }): Promise<PortfolioReport<M>> {
  let chosen: Awaited<ReturnType<typeof chooseProperties>> | undefined;
  const choose = async (counter: ReadCounter) => {
    chosen = await chooseProperties(deps.reader, deps.groups, principal, q.groupId, 'reports.rp.read', counter);
    return chosen.scoped;
  };
  const { sections, meta, ly } = await deps.gather(principal, 'reports.rp.read', { propertyId: q.groupId, from: q.from, to: q.to, compare: q.compare }, q.granularity, q.lastYearAlignment, undefined, choose);
  if (!chosen) throw new Error('portfolio: properties were not chosen');
  const payrollVisible = payrollVisibleFor(principal, sections.map((s) => s.property.id));
  const { properties, totals } = portfolioFigures(sections, { comparisons: q.compare, payroll: payrollVisible });
  return {
    report: 'revenue-productivity-portfolio',
    group: chosen.group,
    from: q.from,
    to: q.to,
    granularity: q.granularity,
    compare: q.compare,
    lastYearAlignment: q.lastYearAlignment,
    lastYearRange: ly ?? null,
    payrollVisible,
    coverage: chosen.coverage,
    properties,
    totals,
    meta,
  };
}

/** The CSV of a portfolio report: the single-property R&P CSV over the rows, then the totals as rows named "Portfolio total (<currency>)". */
export function portfolioCsv(report: Pick<PortfolioReport<unknown>, 'properties' | 'totals' | 'payrollVisible'>): string {
  const asProperty = (name: string, currency: string, periods: PortfolioPeriod[], total: PortfolioPeriod, id: string, timezone: string): RpProperty => ({
    propertyId: id,
    name,
    currency,
    timezone,
    periods: periods.map((p) => ({ ...p, departments: [] })),
    total: { ...total, departments: [] },
  });
  return revenueProductivityCsv(
    [
      ...report.properties.map((p) => asProperty(p.name, p.currency, p.periods, p.total, p.propertyId, p.timezone)),
      ...report.totals.map((t) => asProperty(`Portfolio total (${t.currency})`, t.currency, t.periods, t.total, `total:${t.currency}`, '')),
    ],
    report.payrollVisible,
  );
}
