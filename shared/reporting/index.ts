import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import { actorOf, auditEvent } from '../audit/emit.js';
import { badRequest, notFound } from '../http/problem.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { errorMessage } from '../platform/log.js';
import { AggregatesReader, ReadCounter, toPropertyInfo, type ReadRange } from './aggregates-reader.js';
import type { PropertyDirectory } from '../identity/property-directory.js';
import { payrollVisibleFor, scopedProperties, type Scoped } from './access.js';
import { fold, lastYearRange, type FoldPlan } from './fold.js';
import { daysOfMonth } from './spread.js';
import type { Comparison, DepartmentInfo, PropertyInfo, Series } from './model.js';
import { addDays, daysBetween, isValidTimeZone, lastYearOf, localDateTime, type Granularity, type LastYearAlignment } from './periods.js';
import { revenueProductivity, type RpProperty, type RpRow } from './revenue-productivity.js';
import { profitLoss, type PnlProperty } from './profit-loss.js';
import { bookingsOf, digestId, lateSourcesFromAggregates, overHours, type DigestItem } from './digest.js';
import { revenueProductivityPortfolio, type PortfolioQuery, type PortfolioReport, type PropertyGroupPort } from './portfolio.js';
import { profitLossPortfolio, type PnlPortfolioQuery, type PnlPortfolioReport } from './pnl-portfolio.js';
import { targetsOver, type DepartmentTargets, type PlansPort, type PlansUsed } from './plans.js';

/**
 * Where a report reads its aggregates: `auto` reads the monthly rollups at month, quarter and year
 * granularity and the daily aggregates at day and week; `days` always reads the daily aggregates
 * (the read before rollups existed: same figures, one item per day; kept for checks and benchmarks).
 */
export type ReadPath = 'auto' | 'days';

export interface ReportRange {
  propertyId: string;
  from: string;
  to: string;
  compare: Comparison[];
  read?: ReadPath;
}

export interface RpQuery extends ReportRange {
  granularity: Granularity;
  departmentId?: string | undefined;
  lastYearAlignment: LastYearAlignment;
}

export interface PnlQuery extends ReportRange {
  granularity: Extract<Granularity, 'month' | 'quarter' | 'year'>;
}

export interface ReportMeta {
  /** Store round trips behind this report (point reads and query pages). */
  storeReads: number;
  aggregateItems: number;
  /** What the items read were: daily aggregates, or monthly rollups (each standing for a month of days). */
  aggregatesFrom: 'dailyAggregates' | 'monthlyRollups';
  /** Actual time records whose labour cost is unavailable (redacted employees): labour cost is understated by them. */
  labourCostUnavailable: number;
  /** Aggregates of departments that no longer exist (left out). */
  ignoredItems: number;
  /**
   * Per property (only those with any), the months of the report's range that are locked
   * (`YYYY-MM`, docs/planning.md): their figures change only by approved adjustments.
   */
  lockedPeriods: Record<string, string[]>;
  /** Per property: the approved planning versions in force that its budget, forecast and manual actuals come from. */
  plans: Record<string, PlansUsed>;
}

/** Which months of which properties are locked (planning's period locks): a system port, no principal. */
export interface LockedPeriodsPort {
  lockedPeriods(tenantId: string, propertyIds: readonly string[], fromMonth: string, toMonth: string): Promise<Record<string, string[]>>;
}

export interface RpReport {
  report: 'revenue-productivity';
  from: string;
  to: string;
  granularity: RpQuery['granularity'];
  compare: Comparison[];
  lastYearAlignment: LastYearAlignment;
  lastYearRange: { from: string; to: string } | null;
  payrollVisible: boolean;
  properties: RpProperty[];
  meta: ReportMeta;
}

export interface PnlReport {
  report: 'profit-loss';
  from: string;
  to: string;
  granularity: PnlQuery['granularity'];
  compare: Comparison[];
  lastYearRange: { from: string; to: string } | null;
  payrollVisible: boolean;
  properties: PnlProperty[];
  meta: ReportMeta;
}

export type DigestView = Omit<DigestItem, 'tenantId' | 'type' | '_etag' | '_ts'> & { payrollVisible: boolean };

/**
 * What the daily close uses of the integrations service. System ports: they take a tenant, not a
 * principal, because no user is behind the close and no user's grants should limit it.
 */
export interface DailyClosePorts {
  /** Recomputes a property's days from the facts they already list, so the digest reads settled aggregates. */
  recompute(tenantId: string, propertyId: string, dates: string[]): Promise<unknown>;
  /** The source types of a property's integrations that are late at `now`. */
  lateSources(tenantId: string, propertyId: string, now: Date): Promise<string[]>;
  /** The connector integrations of a property that are "Not updated" at `now`. */
  lateConnectors?(tenantId: string, propertyId: string, now: Date): Promise<NonNullable<DigestItem['lateConnectors']>>;
}

export interface DailyCloseResult {
  closed: Array<{ tenantId: string; propertyId: string; date: string }>;
  alreadyClosed: number;
  notYet: number;
  failed: number;
}

export interface Reporting {
  reader: AggregatesReader;
  revenueProductivity(principal: Principal, query: RpQuery): Promise<RpReport>;
  profitLoss(principal: Principal, query: PnlQuery): Promise<PnlReport>;
  /** R&P over a property group (or all properties): a row per covered property, a total per currency. */
  revenueProductivityPortfolio(principal: Principal, query: PortfolioQuery): Promise<PortfolioReport<ReportMeta>>;
  /** The P&L over a property group (or all properties): a row per covered property, a total per currency. */
  profitLossPortfolio(principal: Principal, query: PnlPortfolioQuery): Promise<PnlPortfolioReport<ReportMeta>>;
  digest(principal: Principal, propertyId: string, date: string): Promise<DigestView>;
  /**
   * System work (the daily close timer), so no principal: closes the previous business day of
   * every property whose local close hour has passed.
   */
  dailyClose(now: Date): Promise<DailyCloseResult>;
  /** Records that a principal viewed a report (activity audit). */
  viewed(principal: Principal, report: string, details: Record<string, string | number | boolean | null>, correlationId: string): Promise<void>;
}

const PAYROLL_KEYS = ['labourCost', 'labourCostPct'] as const;

function stripPayroll(row: RpRow): RpRow {
  const copy = JSON.parse(JSON.stringify(row)) as RpRow;
  for (const f of [copy.actual, copy.budget, copy.forecast, copy.lastYear, ...Object.values(copy.variance)]) {
    if (!f) continue;
    for (const k of PAYROLL_KEYS) delete (f as Record<string, unknown>)[k];
  }
  return copy;
}

/** What folding needs to know of a property's settings. */
function settingsOf(property: PropertyInfo): Pick<FoldPlan, 'roomsRevenueSource' | 'monthlySpread' | 'capacity' | 'excludeOutOfOrder'> {
  return {
    roomsRevenueSource: property.roomsRevenueSource,
    monthlySpread: property.monthlySpread,
    capacity: property.roomsAvailable,
    excludeOutOfOrder: property.excludeOutOfOrderFromAvailable,
  };
}

/**
 * What a report over `from`–`to` reads: its range and last year's (`ly`), widened to whole months
 * when the property spreads monthly figures by rooms available (every day of a touched month
 * weighs) or by last year (the calendar year before of the touched months joins the last-year read).
 */
function readRanges(property: PropertyInfo, from: string, to: string, ly: { from: string; to: string } | undefined) {
  switch (property.monthlySpread) {
    case 'roomsAvailable':
      return { read: wholeMonths(from, to), lastYear: ly ? wholeMonths(ly.from, ly.to) : undefined };
    case 'lastYear': {
      const before = wholeMonths(lastYearOf(from, 'calendar'), lastYearOf(to, 'calendar'));
      const lastYear = ly ? { from: ly.from < before.from ? ly.from : before.from, to: ly.to > before.to ? ly.to : before.to } : before;
      return { read: { from, to }, lastYear };
    }
    default:
      return { read: { from, to }, lastYear: ly };
  }
}

/** The range widened to the first day of its first month and the last day of its last month. */
function wholeMonths(from: string, to: string): { from: string; to: string } {
  const last = daysOfMonth(to.slice(0, 7));
  return { from: `${from.slice(0, 7)}-01`, to: last[last.length - 1] as string };
}

/**
 * Builds reporting on identity's property directory (properties and departments are identity's)
 * and, for the daily close, the integrations service's system ports (without them a close neither
 * recomputes nor asks for late integrations).
 */
export function createReporting(platform: Platform, deps: { properties: PropertyDirectory; groups?: PropertyGroupPort; sources?: DailyClosePorts; locks?: LockedPeriodsPort; plans?: PlansPort }): Reporting {
  const { store, config, log, outbox } = platform;
  const reader = new AggregatesReader(store, deps.properties);

  function checkRange(from: string, to: string): void {
    if (from > to) throw badRequest('`from` must not be after `to`.', [{ field: 'query.from', message: 'after to' }]);
    const days = daysBetween(from, to);
    if (days > config.REPORT_MAX_DAYS) {
      throw badRequest(`A report covers at most ${config.REPORT_MAX_DAYS} days.`, [{ field: 'query.to', message: `range of ${days} days is too long` }]);
    }
  }

  /** Reads and folds the aggregates of each property in scope. */
  async function gather(
    principal: Principal,
    permission: 'reports.rp.read' | 'reports.pnl.read',
    q: ReportRange,
    granularity: Granularity,
    alignment: LastYearAlignment,
    departmentId?: string,
    // Portfolio reports choose their properties from a group; the read and fold stay this one path.
    choose: (counter: ReadCounter) => Promise<Scoped> = (counter) => scopedProperties(reader, principal, permission, q.propertyId, counter),
  ) {
    const bookings = permission === 'reports.rp.read';
    checkRange(q.from, q.to);
    const counter = new ReadCounter();
    const scoped = await choose(counter);
    if (departmentId) {
      // Only properties that have the department are read at all.
      scoped.properties = scoped.properties.filter((p) => scoped.departments.get(p.id)?.some((d) => d.id === departmentId));
      if (scoped.properties.length === 0) throw notFound('department');
    }
    const series = new Set<Series>(['actual', ...q.compare]);
    // R&P also reads reservations still on the books for their day (they count with the actuals).
    const scenarios: ReadRange['scenarios'] = [...(['actual', 'budget', 'forecast'] as const).filter((s) => series.has(s)), ...(bookings ? (['onTheBooks'] as const) : [])];
    const ly = series.has('lastYear') ? lastYearRange(q.from, q.to, alignment) : undefined;
    // Whole-month buckets read whole months of days, which the rollups carry in one item per (level, scenario).
    const fromRollups = (q.read ?? 'auto') === 'auto' && (granularity === 'month' || granularity === 'quarter' || granularity === 'year');
    const meta: ReportMeta = { storeReads: 0, aggregateItems: 0, aggregatesFrom: fromRollups ? 'monthlyRollups' : 'dailyAggregates', labourCostUnavailable: 0, ignoredItems: 0, lockedPeriods: {}, plans: {} };
    const sections: Array<{ property: PropertyInfo; departments: DepartmentInfo[]; folded: ReturnType<typeof fold> }> = [];
    // Several properties reading rollups (a portfolio) read them in one query; a single property in its own.
    const many =
      fromRollups && scoped.properties.length > 1
        ? await reader.fromRollupsOfMany(
            principal.tenantId,
            scoped.properties.map((p) => {
              const { read, lastYear } = readRanges(p, q.from, q.to, ly);
              return { propertyId: p.id, range: { ...read, scenarios }, lastYear };
            }),
            counter,
          )
        : undefined;
    // Sequential on purpose: each property is one partition query; parallel pages would only compete for the same RU budget.
    for (const property of scoped.properties) {
      const departments = scoped.departments.get(property.id) ?? [];
      const { read, lastYear } = readRanges(property, q.from, q.to, ly);
      const items = many?.get(property.id) ?? await (fromRollups ? reader.fromRollups.bind(reader) : reader.aggregates.bind(reader))(principal.tenantId, property.id, { ...read, scenarios }, lastYear, counter);
      const folded = fold(items, { from: q.from, to: q.to, granularity, alignment, series, ...settingsOf(property) }, new Map(departments.map((d) => [d.id, d])));
      meta.labourCostUnavailable += folded.labourCostUnavailable;
      meta.ignoredItems += folded.ignoredItems;
      sections.push({ property, departments, folded });
    }
    if (deps.locks && sections.length > 0) {
      meta.lockedPeriods = await deps.locks.lockedPeriods(principal.tenantId, sections.map((s) => s.property.id), q.from.slice(0, 7), q.to.slice(0, 7));
      counter.reads += 1;
    }
    let targets: Record<string, DepartmentTargets> = {};
    if (deps.plans && sections.length > 0) {
      const inForce = await deps.plans.versionsInForce(principal.tenantId, sections.map((s) => s.property.id), Number(q.from.slice(0, 4)), Number(q.to.slice(0, 4)));
      meta.plans = inForce.plans;
      targets = inForce.targets;
      counter.reads += inForce.reads;
    }
    meta.storeReads = counter.reads;
    meta.aggregateItems = counter.items;
    return { sections, meta, ly, targets };
  }

  return {
    reader,

    async revenueProductivity(principal, q) {
      const { sections, meta, ly, targets } = await gather(principal, 'reports.rp.read', q, q.granularity, q.lastYearAlignment, q.departmentId);
      const payrollVisible = payrollVisibleFor(principal, sections.map((s) => s.property.id));
      const properties = sections.map((s) => revenueProductivity(s.property, s.departments, s.folded, { comparisons: q.compare, payroll: payrollVisible, departmentId: q.departmentId }));
      // Approved KPI targets (planning) sit beside the department rows they are set for.
      for (const p of properties) {
        const byDepartment = targets[p.propertyId] ?? {};
        for (const period of [...p.periods, p.total]) {
          for (const row of period.departments) {
            const kpis = row.departmentId ? byDepartment[row.departmentId] : undefined;
            const target = kpis ? targetsOver(kpis, period.from, period.to) : {};
            if (Object.keys(target).length > 0) row.target = target;
          }
        }
      }
      return {
        report: 'revenue-productivity',
        from: q.from,
        to: q.to,
        granularity: q.granularity,
        compare: q.compare,
        lastYearAlignment: q.lastYearAlignment,
        lastYearRange: ly ?? null,
        payrollVisible,
        properties,
        meta,
      };
    },

    async profitLoss(principal, q) {
      const { sections, meta, ly } = await gather(principal, 'reports.pnl.read', q, q.granularity, 'calendar');
      const payrollVisible = payrollVisibleFor(principal, sections.map((s) => s.property.id));
      return {
        report: 'profit-loss',
        from: q.from,
        to: q.to,
        granularity: q.granularity,
        compare: q.compare,
        lastYearRange: ly ?? null,
        payrollVisible,
        properties: sections.map((s) => profitLoss(s.property, s.departments, s.folded, { comparisons: q.compare, payroll: payrollVisible })),
        meta,
      };
    },

    revenueProductivityPortfolio: (principal, q) => revenueProductivityPortfolio(principal, q, { reader, groups: deps.groups, gather }),

    profitLossPortfolio: (principal, q) => profitLossPortfolio(principal, q, { reader, groups: deps.groups, gather }),

    async digest(principal, propertyId, date) {
      const counter = new ReadCounter();
      await scopedProperties(reader, principal, 'reports.rp.read', propertyId, counter);
      const item = await store.collection<DigestItem>('aggregates', principal.tenantId).scoped(propertyId).read(digestId(propertyId, date));
      if (!item || item.type !== 'dailyDigest') throw notFound('daily digest');
      const payrollVisible = payrollVisibleFor(principal, [propertyId]);
      const { tenantId: _t, type: _y, _etag, _ts, ...view } = item;
      void _t;
      void _y;
      void _etag;
      void _ts;
      return {
        ...view,
        total: payrollVisible ? view.total : stripPayroll(view.total),
        departments: payrollVisible ? view.departments : view.departments.map(stripPayroll),
        payrollVisible,
      };
    },

    async dailyClose(now) {
      const result: DailyCloseResult = { closed: [], alreadyClosed: 0, notYet: 0, failed: 0 };
      // A platform job: the one cross-partition read, listing every tenant's properties.
      const docs = await deps.properties.everyProperty();
      for (const doc of docs) {
        const property = toPropertyInfo(doc);
        try {
          const tz = isValidTimeZone(property.timezone) ? property.timezone : 'UTC';
          const local = localDateTime(now, tz);
          if (local.hour < (property.dailyCloseHour ?? config.DAILY_CLOSE_HOUR)) {
            result.notYet += 1;
            continue;
          }
          const date = addDays(local.date, -1);
          const digests = store.collection<DigestItem>('aggregates', doc.tenantId);
          if (await digests.scoped(property.id).read(digestId(property.id, date))) {
            result.alreadyClosed += 1;
            continue;
          }
          let recomputed: boolean | null = null;
          if (deps.sources) {
            await deps.sources.recompute(doc.tenantId, property.id, [date]);
            recomputed = true;
          }
          const digest = await buildDigest(doc.tenantId, property, date, recomputed, now);
          try {
            await digests.create(digest);
          } catch (err) {
            // Another instance closed the same day first: the deterministic id makes this a no-op.
            if (!isStoreError(err, 'conflict')) throw err;
          }
          result.closed.push({ tenantId: doc.tenantId, propertyId: property.id, date });
        } catch (err) {
          result.failed += 1;
          log.error('daily close failed for a property', { tenantId: doc.tenantId, propertyId: property.id, error: errorMessage(err) });
        }
      }
      return result;
    },

    async viewed(principal, report, details, correlationId) {
      const event = await auditEvent(platform.cipher, { tenantId: principal.tenantId, actor: actorOf(principal), action: 'report.viewed', target: { type: 'report', id: report }, correlationId, details });
      await outbox.emit(principal.tenantId, [event]);
    },
  };

  async function buildDigest(tenantId: string, property: PropertyInfo, date: string, recomputed: boolean | null, now: Date): Promise<DigestItem> {
    const counter = new ReadCounter();
    const { departments } = await reader.properties(tenantId, property.id, counter);
    const windowFrom = addDays(date, -7);
    // The digest is read the morning after the closed day: its "today" and "tomorrow" are the two days after it.
    const ahead = [addDays(date, 1), addDays(date, 2)];
    const lastAhead = ahead[ahead.length - 1] as string;
    // The week before (late sources), the day, and the reservations of the days ahead, in one query.
    const { read, lastYear } = readRanges(property, windowFrom, lastAhead, undefined);
    const items = await reader.aggregates(tenantId, property.id, { ...read, scenarios: ['actual', 'budget', 'forecast', 'onTheBooks'] }, lastYear, counter);
    const byId = new Map(departments.map((d) => [d.id, d]));
    const folded = fold(items, { from: date, to: date, granularity: 'day', alignment: 'calendar', series: new Set<Series>(['actual', 'budget', 'forecast']), ...settingsOf(property) }, byId);
    const section = revenueProductivity(property, departments, folded, { comparisons: ['budget', 'forecast'], payroll: true });
    const day = section.periods[0] ?? section.total;
    const bookings = ahead.map((d) => bookingsOf(d, departments, fold(items, { from: d, to: d, granularity: 'day', alignment: 'calendar', series: new Set<Series>(['actual']) }, byId)));
    // Sources silent on the day (judged from the aggregates) and integrations the integrations service reports late.
    // Only daily deliveries of the week before count: whole months or last year read for spreading,
    // and monthly ledger lines (not a daily feed), would report sources as late that are not.
    const late = new Set(lateSourcesFromAggregates(items.filter((i) => i.date >= windowFrom && !i.period), date));
    if (deps.sources) for (const s of await deps.sources.lateSources(tenantId, property.id, now)) late.add(s);
    const lateConnectors = (await deps.sources?.lateConnectors?.(tenantId, property.id, now)) ?? [];
    return {
      id: digestId(property.id, date),
      tenantId,
      type: 'dailyDigest',
      propertyId: property.id,
      date,
      currency: property.currency,
      closedAt: now.toISOString(),
      recomputed,
      total: day.total,
      departments: day.departments,
      overHours: overHours(day.departments),
      lateSources: [...late].sort(),
      lateConnectors,
      bookings,
    };
  }
}
