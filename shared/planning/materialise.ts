import { createHash } from 'node:crypto';
import { factId, type FactDraft } from '../integrations/normalise.js';
import type { Contribution, Scenario } from '../integrations/measures.js';
import { PLANNING_SOURCE } from '../integrations/model.js';
import { daysOfMonth } from '../reporting/spread.js';
import { DEPARTMENTAL_LINES, PROPERTY_LINES } from '../integrations/measures.js';
import { MONTHS, periodOf, WHOLE_UNITS, type PlanKind, type PlanRow, type PlanVersionItem } from './model.js';
import { spreadMonth, type SpreadMethod, type SpreadTarget, type SpreadWeightSource } from './spreading.js';

/** A weight source that may answer many figures at once (SpreadWeights reads each property-month once for them). */
export type VersionWeights = SpreadWeightSource & { weightsOfMany?(requests: ReadonlyArray<{ target: SpreadTarget; method: SpreadMethod }>): Promise<number[][]> };

/**
 * An approved version as facts (docs/planning.md, "What reports use"): each monthly figure spread
 * over its month's days by the version's method, one fact per (kind, property, department or
 * property level, date) carrying all of that day's lines, so the import pipeline's aggregates,
 * rollups and reports read a planned day exactly like an AMS budget line. The property-level fact
 * exists on every day of every month the version has figures for, even without property lines: it
 * marks the month as planned, which is what gives the version precedence over AMS lines of the same
 * scenario for that property-month (integrations/aggregate.ts).
 */

const USALI: ReadonlySet<string> = new Set<string>([...DEPARTMENTAL_LINES, ...PROPERTY_LINES]);

/** The fact scenario a kind becomes; targets are not facts (they are compared, not summed). */
export function scenarioOf(kind: PlanKind): Scenario | undefined {
  switch (kind) {
    case 'budget':
      return 'budget';
    case 'forecast':
      return 'forecast';
    case 'actuals':
      return 'actual';
    default:
      return undefined;
  }
}

type VersionFigures = Pick<PlanVersionItem, 'tenantId' | 'propertyId' | 'year' | 'kind' | 'rows'>;

/** The months (0-based) the version has at least one figure for. */
export function coveredMonths(rows: readonly PlanRow[]): number[] {
  return Array.from({ length: MONTHS }, (_, m) => m).filter((m) => rows.some((r) => r.months[m] !== null && r.months[m] !== undefined));
}

const levelKey = (departmentId: string | null) => departmentId ?? '_property';

export function planFactId(v: Pick<VersionFigures, 'tenantId' | 'propertyId' | 'kind'>, departmentId: string | null, date: string): string {
  return factId(v.tenantId, v.propertyId, PLANNING_SOURCE, `${v.kind}:${levelKey(departmentId)}:${date}`);
}

/**
 * The fact ids a version occupies (without spreading anything), per month (`YYYY-MM`): what a
 * superseding version must take out when it does not occupy them, and which months that touches.
 */
export function planFactIdsByMonth(v: VersionFigures): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!scenarioOf(v.kind)) return out;
  for (const m of coveredMonths(v.rows)) {
    const ids = new Set<string>();
    const levels = new Set<string | null>([null, ...v.rows.filter((r) => r.months[m] !== null && r.months[m] !== undefined).map((r) => r.departmentId)]);
    for (const date of daysOfMonth(periodOf(v.year, m))) for (const level of levels) ids.add(planFactId(v, level, date));
    out.set(periodOf(v.year, m), ids);
  }
  return out;
}

/** The measures a line adds to a fact: the USALI line, a statistic, and for actuals the operational measures reports read actuals from. */
function measuresOf(kind: PlanKind, line: string, value: number): Record<string, number> {
  if (!USALI.has(line)) return { [line]: value };
  const out: Record<string, number> = { [`usali.${line}`]: value };
  // Reports take actual revenue and labour cost from the operational measures (fold.ts), not from AMS lines.
  if (kind === 'actuals' && line === 'revenue') out.revenue = value;
  if (kind === 'actuals' && line === 'payrollAndRelated') out.labourCost = value;
  return out;
}

/**
 * A monthly figure as one share per day in proportion to `w`: money and hours to the cent
 * (spreadMonth), whole-unit statistics in whole units (the same split over hundredths, scaled back:
 * their sum is exact too).
 */
function daily(period: string, line: string, value: number, w: readonly number[]): Array<{ date: string; amount: number }> {
  if (!WHOLE_UNITS.has(line)) return spreadMonth(value, period, w);
  return spreadMonth(Math.round(value) / 100, period, w).map((d) => ({ date: d.date, amount: Math.round(d.amount * 100) }));
}

/** The day weights of every figure of the version, in `jobs` order: one batch when the source can (a property-month read once). */
async function weightsOf(v: VersionFigures, method: SpreadMethod, jobs: ReadonlyArray<{ row: PlanRow; period: string }>, weights: VersionWeights): Promise<number[][]> {
  if (method === 'even') return jobs.map((j) => daysOfMonth(j.period).map(() => 1));
  const requests = jobs.map((j) => ({ target: { tenantId: v.tenantId, propertyId: v.propertyId, period: j.period, ...(j.row.departmentId ? { departmentId: j.row.departmentId } : {}), measure: j.row.line }, method }));
  if (weights.weightsOfMany) return weights.weightsOfMany(requests);
  const out: number[][] = [];
  for (const r of requests) out.push(await weights.weights(r.target, r.method));
  return out;
}

/** The facts of an approved version (none for targets). */
export async function planFacts(v: VersionFigures & Pick<PlanVersionItem, 'id' | 'spread'>, weights: VersionWeights, now: string): Promise<FactDraft[]> {
  const scenario = scenarioOf(v.kind);
  if (!scenario) return [];
  /** level|date → measures */
  const days = new Map<string, { departmentId: string | null; date: string; measures: Record<string, number> }>();
  const at = (departmentId: string | null, date: string) => {
    const key = `${levelKey(departmentId)}|${date}`;
    let d = days.get(key);
    if (!d) days.set(key, (d = { departmentId, date, measures: {} }));
    return d;
  };
  const jobs: Array<{ row: PlanRow; period: string; value: number }> = [];
  for (const m of coveredMonths(v.rows)) {
    const period = periodOf(v.year, m);
    for (const date of daysOfMonth(period)) at(null, date);
    for (const row of v.rows) {
      const value = row.months[m];
      if (value !== null && value !== undefined) jobs.push({ row, period, value });
    }
  }
  const w = await weightsOf(v, v.spread, jobs, weights);
  jobs.forEach((j, i) => {
    for (const share of daily(j.period, j.row.line, j.value, w[i] as number[])) {
      const d = at(j.row.departmentId, share.date);
      for (const [k, x] of Object.entries(measuresOf(v.kind, j.row.line, share.amount))) d.measures[k] = Math.round(((d.measures[k] ?? 0) + x) * 100) / 100;
    }
  });
  return [...days.values()]
    .sort((a, b) => a.date.localeCompare(b.date) || levelKey(a.departmentId).localeCompare(levelKey(b.departmentId)))
    .map(({ departmentId, date, measures }) => {
      const contributions: Contribution[] = [{ departmentId, measures }];
      const content = JSON.stringify({ version: v.id, date, scenario, contributions });
      return {
        id: planFactId(v, departmentId, date),
        tenantId: v.tenantId,
        type: 'fact',
        sourceType: PLANNING_SOURCE,
        propertyId: v.propertyId,
        integrationId: v.id,
        date,
        scenario,
        sourceRecordId: `${v.id}:${levelKey(departmentId)}:${date}`,
        contributions,
        digest: createHash('sha256').update(content).digest('base64url'),
        importId: v.id,
        updatedAt: now,
      };
    });
}
