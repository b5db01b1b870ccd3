/**
 * The monthly rollups as reports read them (integrations writes them: docs/data-model.md §Rollups).
 * A rollup carries each day's figures of one (property, department or property level, scenario,
 * month) and the month's monthly postings whole, so it unpacks into exactly the daily aggregates a
 * day-by-day read returns for that month.
 */
import type { AggregateRecord } from './model.js';
import { daysOfMonth } from './spread.js';

/** A monthly rollup as reports read it (the fields of the rollups query). */
export interface RollupRecord {
  level: 'department' | 'property';
  propertyId: string;
  departmentId: string | null;
  scenario: string;
  month: string;
  days: Record<string, Record<string, unknown>>;
  period?: Record<string, unknown>;
}

const PROPERTY_KEY = '_property';

/** The fields of a rollup reports read (RollupRecord). */
const ROLLUP_FIELDS = ['level', 'propertyId', 'departmentId', 'scenario', 'month', 'days', 'period'] as const;

/**
 * The daily aggregates (and the monthly-postings aggregate) a rollup stands for, ids as stored.
 * The rollup's day objects become the records (a rollup read from the store is the caller's own):
 * a year of 50 hotels is a quarter of a million of them, and copying each cost more than folding it.
 */
export function unpackRollup(r: RollupRecord): AggregateRecord[] {
  const tail = `:${r.departmentId ?? PROPERTY_KEY}:${r.scenario}`;
  const head = `agg:${r.propertyId}:`;
  const out: AggregateRecord[] = [];
  for (const date of Object.keys(r.days)) {
    const record = r.days[date] as AggregateRecord;
    record.level = r.level;
    record.propertyId = r.propertyId;
    record.departmentId = r.departmentId;
    record.scenario = r.scenario;
    record.id = head + date + tail;
    record.date = date;
    out.push(record);
  }
  if (r.period) {
    // Monthly postings are filed under their month's last day (integrations/aggregate.ts).
    const date = daysOfMonth(r.month).at(-1) as string;
    const record = r.period as AggregateRecord;
    record.level = r.level;
    record.propertyId = r.propertyId;
    record.departmentId = r.departmentId;
    record.scenario = r.scenario;
    record.id = `${head}${date}${tail}:month`;
    record.date = date;
    record.period = r.month;
    out.push(record);
  }
  return out;
}

/**
 * The rollups query of a report: the months its range touches (and last year's), of its series.
 * Flat on purpose, like aggregatesQuery: the embedded store's SQL parser backtracks exponentially on
 * nested parentheses.
 */
export function rollupsQuery(
  propertyId: string | readonly string[],
  range: { from: string; to: string; scenarios: readonly string[] },
  lastYear: { from: string; to: string; scenarios: readonly string[] } | undefined,
): { query: string; params: Record<string, string | string[]> } {
  // Several properties (a portfolio) are one query: the embedded store scans the partition once per query.
  const which = typeof propertyId === 'string' ? 'c.propertyId = @propertyId' : 'ARRAY_CONTAINS(@propertyIds, c.propertyId)';
  const params: Record<string, string | string[]> = { ...(typeof propertyId === 'string' ? { propertyId } : { propertyIds: [...propertyId] }), fromMonth: range.from.slice(0, 7), toMonth: range.to.slice(0, 7), scenarios: [...range.scenarios] };
  let where = '(c.month >= @fromMonth AND c.month <= @toMonth AND ARRAY_CONTAINS(@scenarios, c.scenario))';
  if (lastYear) {
    where = `(${where} OR (c.month >= @lyFromMonth AND c.month <= @lyToMonth AND ARRAY_CONTAINS(@lyScenarios, c.scenario)))`;
    params.lyFromMonth = lastYear.from.slice(0, 7);
    params.lyToMonth = lastYear.to.slice(0, 7);
    params.lyScenarios = [...lastYear.scenarios];
  }
  // Only what unpackRollup reads: not the rollup's sums, ids or bookkeeping.
  return { query: `SELECT ${ROLLUP_FIELDS.map((f) => `c.${f}`).join(', ')} FROM c WHERE c.type = 'monthlyRollup' AND ${which} AND ${where}`, params };
}
