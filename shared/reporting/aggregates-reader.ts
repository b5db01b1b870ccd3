import type { Store } from '../platform/cosmos/store.js';
import type { PropertyDirectory } from '../identity/property-directory.js';
import type { DepartmentItem, PropertyItem } from '../identity/property-items.js';
import { DEFAULT_MONTHLY_SPREAD, DEFAULT_ROOMS_REVENUE_SOURCE, MONTHLY_SPREADS, ROOMS_REVENUE_SOURCES, type MonthlySpread, type RoomsRevenueSource } from '../identity/property-settings.js';
import type { AggregateRecord, DepartmentInfo, PropertyInfo, Series } from './model.js';
import { rollupsQuery, unpackRollup, type RollupRecord } from './rollups.js';

/** Store round trips made for one report: every query page and point read counts as one. */
export class ReadCounter {
  reads = 0;
  items = 0;

  /** One round trip that returned `items` items. */
  count(items: number): void {
    this.reads += 1;
    this.items += items;
  }
}

/**
 * Pages as large as the store will serve (-1: Cosmos DB fills each page up to its 4 MB response
 * limit). A year of one property is ~12,000 items: two or three pages instead of a dozen, and the
 * embedded server re-evaluates the whole query for every page, so small pages cost quadratically.
 */
export const PAGE_SIZE = -1;

/** Identity's items as stored: ones written before a field existed lack it, so reports fall back. */
type PropertyDoc = Pick<PropertyItem, 'id'> & Partial<Omit<PropertyItem, 'settings'>> & { settings?: Partial<PropertyItem['settings']> };
type DepartmentDoc = Pick<DepartmentItem, 'id' | 'propertyId'> & Partial<DepartmentItem> & { housekeeping?: boolean };

const HOUSEKEEPING = /^(hk|hsk)$|housekeep/i;

export function toPropertyInfo(doc: PropertyDoc): PropertyInfo {
  const info: PropertyInfo = {
    id: doc.id,
    name: doc.name ?? doc.id,
    timezone: doc.timezone ?? 'UTC',
    currency: doc.currency ?? 'EUR',
    roomsAvailable: typeof doc.roomsAvailable === 'number' ? doc.roomsAvailable : 0,
    excludeOutOfOrderFromAvailable: doc.settings?.excludeOutOfOrderFromAvailable === true,
    roomsRevenueSource: (ROOMS_REVENUE_SOURCES as readonly unknown[]).includes(doc.settings?.roomsRevenueSource) ? (doc.settings?.roomsRevenueSource as RoomsRevenueSource) : DEFAULT_ROOMS_REVENUE_SOURCE,
    monthlySpread: (MONTHLY_SPREADS as readonly unknown[]).includes(doc.settings?.monthlySpread) ? (doc.settings?.monthlySpread as MonthlySpread) : DEFAULT_MONTHLY_SPREAD,
  };
  const closeHour = doc.settings?.dailyCloseHour;
  if (typeof closeHour === 'number' && Number.isInteger(closeHour) && closeHour >= 0 && closeHour <= 23) info.dailyCloseHour = closeHour;
  return info;
}

/** Departments have no housekeeping flag in identity (yet): a rooms department coded or named "HK"/"Housekeeping" is one. */
export function toDepartmentInfo(doc: DepartmentDoc): DepartmentInfo {
  const usali = doc.usaliDepartment ?? 'other';
  const std = doc.standardHoursPerUnit;
  return {
    id: doc.id,
    propertyId: doc.propertyId,
    code: doc.code ?? doc.id,
    name: doc.name ?? doc.code ?? doc.id,
    usaliDepartment: usali,
    driver: doc.driver ?? 'none',
    standardHoursPerUnit: typeof std === 'number' && Number.isFinite(std) ? std : null,
    housekeeping: doc.housekeeping ?? (usali === 'rooms' && (HOUSEKEEPING.test(doc.code ?? '') || HOUSEKEEPING.test(doc.name ?? ''))),
  };
}

export interface ReadRange {
  from: string;
  to: string;
  /** `onTheBooks`: reservations received before their day (reports count them with the actuals). */
  scenarios: Array<Extract<Series, 'actual' | 'budget' | 'forecast'> | 'onTheBooks'>;
}

/**
 * Reads what reports need, scoped to one tenant's partition: properties and their departments
 * through identity's directory (one query), daily aggregates — or the monthly rollups standing for
 * whole months of them — from `aggregates` (one query per property covering the report range and
 * its last-year range, paged).
 */
export class AggregatesReader {
  constructor(
    private readonly store: Store,
    private readonly directory: PropertyDirectory,
  ) {}

  /** One property (or every property, with `propertyId` undefined) and its departments, in one query. */
  async properties(tenantId: string, propertyId: string | undefined, counter: ReadCounter): Promise<{ properties: PropertyInfo[]; departments: DepartmentInfo[] }> {
    const docs = await this.directory.withDepartments(tenantId, propertyId, { pageSize: PAGE_SIZE, onPage: (items) => counter.count(items) });
    const properties = docs.properties.map(toPropertyInfo).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const departments = docs.departments.map(toDepartmentInfo).sort((a, b) => a.code.localeCompare(b.code) || a.id.localeCompare(b.id));
    return { properties, departments };
  }

  /**
   * The daily aggregates of one property for `range` (its scenarios) and, optionally, the actuals
   * of `lastYear`: one single-partition query.
   */
  async aggregates(tenantId: string, propertyId: string, range: ReadRange, lastYear: { from: string; to: string } | undefined, counter: ReadCounter): Promise<AggregateRecord[]> {
    const { query, params } = aggregatesQuery(propertyId, range, lastYear);
    const read = await this.drain<AggregateRecord>(this.store.collection('aggregates', tenantId).scoped(propertyId), query, params, counter);
    return read.filter((record) => withinRequest(record, range, lastYear));
  }

  /**
   * The same aggregates as `aggregates` (same range, series and filter), read from the monthly
   * rollups of the months the ranges touch: one item per (department or property level, scenario,
   * month) instead of one per day.
   */
  async fromRollups(tenantId: string, propertyId: string, range: ReadRange, lastYear: { from: string; to: string } | undefined, counter: ReadCounter): Promise<AggregateRecord[]> {
    const { query, params } = rollupsQuery(propertyId, range, lastYear ? { ...lastYear, scenarios: lastYearScenarios(range) } : undefined);
    const rollups = await this.drain<RollupRecord>(this.store.collection('aggregates', tenantId).scoped(propertyId), query, params, counter);
    return rollups.flatMap(unpackRollup).filter((record) => withinRequest(record, range, lastYear));
  }

  /**
   * `fromRollups` for several properties in one query over the union of their ranges, each
   * property's records then filtered to its own range: the read of a portfolio report.
   */
  async fromRollupsOfMany(
    tenantId: string,
    reads: ReadonlyArray<{ propertyId: string; range: ReadRange; lastYear: { from: string; to: string } | undefined }>,
    counter: ReadCounter,
  ): Promise<Map<string, AggregateRecord[]>> {
    const out = new Map<string, AggregateRecord[]>(reads.map((r) => [r.propertyId, []]));
    const first = reads[0];
    if (!first) return out;
    const span = (ranges: Array<{ from: string; to: string }>) => ({ from: ranges.map((r) => r.from).sort()[0] as string, to: ranges.map((r) => r.to).sort().reverse()[0] as string });
    const range = { ...span(reads.map((r) => r.range)), scenarios: first.range.scenarios };
    const lastYears = reads.flatMap((r) => (r.lastYear ? [r.lastYear] : []));
    const lastYear = lastYears.length > 0 ? { ...span(lastYears), scenarios: lastYearScenarios(first.range) } : undefined;
    const { query, params } = rollupsQuery(reads.map((r) => r.propertyId), range, lastYear);
    const rollups = await this.drain<RollupRecord>(this.store.collection('aggregates', tenantId), query, params, counter);
    const byProperty = new Map(reads.map((r) => [r.propertyId, r]));
    for (const record of rollups.flatMap(unpackRollup)) {
      const r = byProperty.get(record.propertyId);
      if (r && withinRequest(record, r.range, r.lastYear)) out.get(r.propertyId)?.push(record);
    }
    return out;
  }

  private async drain<T>(
    collection: ReturnType<Store['collection']>,
    query: string,
    params: Record<string, string | string[]>,
    counter: ReadCounter,
  ): Promise<T[]> {
    const out: T[] = [];
    let continuation: string | undefined;
    do {
      const page = await collection.page<T>(query, params, { pageSize: PAGE_SIZE, ...(continuation ? { continuation } : {}) });
      counter.count(page.items.length);
      out.push(...page.items);
      continuation = page.continuation;
    } while (continuation);
    return out;
  }
}

/** The aggregates query of a report (exported for the benchmark's raw-read baseline). */
export function aggregatesQuery(
  propertyId: string,
  range: ReadRange,
  lastYear: { from: string; to: string } | undefined,
): { query: string; params: Record<string, string | string[]> } {
  // Monthly aggregates are dated on their month's last day, which may lie after `to`: the query reads to
  // the end of that month and `withinRequest` drops the daily items past `to`. The condition stays flat on
  // purpose: the embedded store's SQL parser backtracks exponentially on nested parentheses (one more
  // level of them cost 3 s per parse).
  const params: Record<string, string | string[]> = { propertyId, from: range.from, to: monthEnd(range.to), scenarios: range.scenarios };
  let where = '(c.date >= @from AND c.date <= @to AND ARRAY_CONTAINS(@scenarios, c.scenario))';
  if (lastYear) {
    where = `(${where} OR (c.date >= @lyFrom AND c.date <= @lyTo AND ARRAY_CONTAINS(@lyScenarios, c.scenario)))`;
    params.lyFrom = lastYear.from;
    params.lyTo = monthEnd(lastYear.to);
    params.lyScenarios = lastYearScenarios(range);
  }
  return { query: `SELECT * FROM c WHERE c.type = 'dailyAggregate' AND c.propertyId = @propertyId AND ${where}`, params };
}

/** Last year's series compared with: its actuals, and its reservations where the report shows them. */
function lastYearScenarios(range: ReadRange): string[] {
  return range.scenarios.includes('onTheBooks') ? ['actual', 'onTheBooks'] : ['actual'];
}

/** The last day (`YYYY-MM-DD`) of a date's month. */
function monthEnd(date: string): string {
  const [y, m] = date.slice(0, 7).split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * Whether an aggregate read by `aggregatesQuery` belongs to the report: a monthly aggregate of a month
 * the range touches, or a daily one inside the range (or last year's range) and of its series.
 */
export function withinRequest(record: Pick<AggregateRecord, 'date' | 'scenario' | 'period'>, range: ReadRange, lastYear: { from: string; to: string } | undefined): boolean {
  if (record.period) return true;
  if (record.date >= range.from && record.date <= range.to && (range.scenarios as readonly string[]).includes(record.scenario)) return true;
  return lastYear !== undefined && record.date >= lastYear.from && record.date <= lastYear.to && lastYearScenarios(range).includes(record.scenario);
}
