import { DEPARTMENT_MEASURES, isFractional, PROPERTY_MEASURES, USALI_LINES, UTILITY_PREFIX, type Scenario, type UsaliLine } from './measures.js';
import { PLANNING_SOURCE, type AggregateItem, type FactItem, type FactSource } from './model.js';

export type AggregateDraft = Omit<AggregateItem, '_etag' | '_ts'>;

/** Opens the sealed labour cost of a time record; undefined when the employee was redacted. */
export type LabourCostReader = (fact: FactItem) => Promise<number | undefined>;

export const PROPERTY_KEY = '_property';

/** `agg:<propertyId>:<date>:<departmentId|_property>:<scenario>`, and `:month` for the monthly figures dated on that day. */
export function aggregateId(propertyId: string, date: string, departmentId: string | null, scenario: Scenario, period?: string): string {
  return `agg:${propertyId}:${date}:${departmentId ?? PROPERTY_KEY}:${scenario}${period ? ':month' : ''}`;
}

interface Accumulator {
  departmentId: string | null;
  scenario: Scenario;
  period: string | undefined;
  /** Sums in hundredths for fractional measures, units otherwise. */
  sums: Map<string, number>;
  /** Latest snapshot per source type: [updatedAt, factId, measures]. */
  snapshots: Map<FactSource, [string, string, Record<string, number>]>;
  factIds: Set<string>;
  sources: Map<FactSource, Set<string>>;
  labourCostUnavailable: number;
}

function scaled(measure: string, value: number): number {
  return isFractional(measure) ? Math.round(value * 100) : Math.round(value);
}

function unscaled(measure: string, value: number): number {
  return isFractional(measure) ? value / 100 : value;
}

/**
 * Recomputes every aggregate of one property and date from all of its facts — never by
 * incrementing — so any order, repetition or retry of imports ends in the same figures.
 * Flow measures add up; PMS/RMS statistics are snapshots where the latest fact of a date wins.
 */
export async function computeDay(
  tenantId: string,
  propertyId: string,
  date: string,
  facts: FactItem[],
  labourCost: LabourCostReader,
  computedAt: string,
): Promise<AggregateDraft[]> {
  const accs = new Map<string, Accumulator>();
  const acc = (departmentId: string | null, scenario: Scenario, period: string | undefined): Accumulator => {
    const key = aggregateId(propertyId, date, departmentId, scenario, period);
    let a = accs.get(key);
    if (!a) {
      a = { departmentId, scenario, period, sums: new Map(), snapshots: new Map(), factIds: new Set(), sources: new Map(), labourCostUnavailable: 0 };
      accs.set(key, a);
    }
    return a;
  };
  const onDay = [...facts].filter((f) => f.date === date && f.propertyId === propertyId);
  // An approved planning version stands for its property-month and scenario (it writes a fact on every
  // day of a month it plans): a budget or forecast sent by a source for the same day steps aside, so the
  // two are never added up (docs/planning.md, "What reports use"). Manual actuals add to the sources.
  const planned = new Set(onDay.filter((f) => f.sourceType === PLANNING_SOURCE && f.scenario !== 'actual').map((f) => f.scenario));
  const sorted = onDay.filter((f) => f.sourceType === PLANNING_SOURCE || !planned.has(f.scenario)).sort((x, y) => x.id.localeCompare(y.id));
  for (const fact of sorted) {
    for (const [i, c] of fact.contributions.entries()) {
      const a = acc(c.departmentId, fact.scenario, c.period);
      a.factIds.add(fact.id);
      const src = a.sources.get(fact.sourceType) ?? new Set<string>();
      src.add(fact.id);
      a.sources.set(fact.sourceType, src);
      const measures: Record<string, number> = { ...(c.measures as Record<string, number>) };
      if (fact.sourceType === 'tms' && i === 0) {
        const cost = await labourCost(fact);
        if (cost === undefined) a.labourCostUnavailable += 1;
        else measures.labourCost = cost;
      }
      if (c.snapshot) {
        const current = a.snapshots.get(fact.sourceType);
        const newer = !current || fact.updatedAt > current[0] || (fact.updatedAt === current[0] && fact.id > current[1]);
        if (newer) a.snapshots.set(fact.sourceType, [fact.updatedAt, fact.id, measures]);
        continue;
      }
      for (const [m, v] of Object.entries(measures)) a.sums.set(m, (a.sums.get(m) ?? 0) + scaled(m, v));
    }
  }
  const drafts: AggregateDraft[] = [];
  for (const a of accs.values()) {
    for (const [, , measures] of a.snapshots.values()) {
      for (const [m, v] of Object.entries(measures)) a.sums.set(m, (a.sums.get(m) ?? 0) + scaled(m, v));
    }
    const level = a.departmentId === null ? 'property' : 'department';
    const draft: AggregateDraft = {
      id: aggregateId(propertyId, date, a.departmentId, a.scenario, a.period),
      tenantId,
      type: 'dailyAggregate',
      level,
      propertyId,
      date,
      departmentId: a.departmentId,
      scenario: a.scenario,
      ...(a.period ? { period: a.period } : {}),
      usali: {},
      factCount: a.factIds.size,
      sources: Object.fromEntries([...a.sources.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([s, ids]) => [s, ids.size])),
      computedAt,
    };
    for (const m of level === 'department' ? DEPARTMENT_MEASURES : PROPERTY_MEASURES) (draft as Record<string, unknown>)[m] = unscaled(m, a.sums.get(m) ?? 0);
    for (const line of USALI_LINES) {
      const v = a.sums.get(`usali.${line}`);
      if (v !== undefined) draft.usali[line as UsaliLine] = unscaled(`usali.${line}`, v);
    }
    // Only an aggregate that has utility facts carries the map, so every other one is unchanged.
    const utility = [...a.sums.entries()].filter(([m]) => m.startsWith(UTILITY_PREFIX)).sort(([x], [y]) => x.localeCompare(y));
    if (utility.length > 0) draft.utility = Object.fromEntries(utility.map(([m, v]) => [m.slice(UTILITY_PREFIX.length), unscaled(m, v)]));
    if (a.labourCostUnavailable > 0) draft.labourCostUnavailable = a.labourCostUnavailable;
    drafts.push(draft);
  }
  return drafts.sort((x, y) => x.id.localeCompare(y.id));
}

/** The aggregate of a (department or property, scenario) whose facts are all gone: zeros, factCount 0. */
export function emptied(existing: AggregateItem, computedAt: string): AggregateDraft {
  const draft: AggregateDraft = {
    id: existing.id,
    tenantId: existing.tenantId,
    type: 'dailyAggregate',
    level: existing.level,
    propertyId: existing.propertyId,
    date: existing.date,
    departmentId: existing.departmentId,
    scenario: existing.scenario,
    ...(existing.period ? { period: existing.period } : {}),
    usali: {},
    factCount: 0,
    sources: {},
    computedAt,
  };
  for (const m of existing.level === 'department' ? DEPARTMENT_MEASURES : PROPERTY_MEASURES) (draft as Record<string, unknown>)[m] = 0;
  return draft;
}

const VOLATILE = new Set(['computedAt', '_etag', '_ts', '_rid', '_self', '_attachments', 'pendingMessages']);

/** Whether two aggregates carry the same figures (so an unchanged day is not rewritten). */
export function sameFigures(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const norm = (o: Record<string, unknown>) =>
    JSON.stringify(
      Object.keys(o)
        .filter((k) => !VOLATILE.has(k))
        .sort()
        .map((k) => [k, o[k]]),
    );
  return norm(a) === norm(b);
}
