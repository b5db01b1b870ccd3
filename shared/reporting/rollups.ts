/**
 * The monthly rollups as reports read them (integrations writes them: docs/data-model.md §Rollups).
 * A rollup carries each day's figures of one (property, department or property level, scenario,
 * month) and the month's monthly postings whole, so it unpacks into exactly the daily aggregates a
 * day-by-day read returns for that month.
 */
import type { AggregateRecord } from './model.js';
import { daysOfMonth } from './spread.js';

/** A monthly rollup as stored (the fields reports use). */
export interface RollupRecord {
  id: string;
  type: 'monthlyRollup';
  level: 'department' | 'property';
  propertyId: string;
  departmentId: string | null;
  scenario: string;
  month: string;
  days: Record<string, Record<string, unknown>>;
  period?: Record<string, unknown>;
}

const PROPERTY_KEY = '_property';

/** The daily aggregates (and the monthly-postings aggregate) a rollup stands for, ids as stored. */
export function unpackRollup(r: RollupRecord): AggregateRecord[] {
  const base = { level: r.level, propertyId: r.propertyId, departmentId: r.departmentId, scenario: r.scenario };
  const key = `${r.propertyId}:%DATE%:${r.departmentId ?? PROPERTY_KEY}:${r.scenario}`;
  const out: AggregateRecord[] = Object.entries(r.days).map(([date, figures]) => ({ ...figures, ...base, id: `agg:${key.replace('%DATE%', date)}`, date }));
  if (r.period) {
    // Monthly postings are filed under their month's last day (integrations/aggregate.ts).
    const date = daysOfMonth(r.month).at(-1) as string;
    out.push({ ...r.period, ...base, id: `agg:${key.replace('%DATE%', date)}:month`, date, period: r.month });
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
  return { query: `SELECT * FROM c WHERE c.type = 'monthlyRollup' AND ${which} AND ${where}`, params };
}
