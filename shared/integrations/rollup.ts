import type { BulkResult, Item, Store, TenantCollection } from '../platform/cosmos/store.js';
import { StoreError } from '../platform/cosmos/errors.js';
import { PROPERTY_KEY } from './aggregate.js';
import type { Scenario, UsaliLine } from './measures.js';
import type { AggregateItem } from './model.js';

/** A daily aggregate's figures: its measures, `usali`, `factCount`, `sources`, `labourCostUnavailable`. */
export type DayFigures = Record<string, unknown>;

/**
 * The month of one (property, department or property level, scenario): docs/data-model.md §Rollups.
 * `days` holds each dated daily aggregate's figures as stored, `period` the month's monthly postings
 * whole; `totals` and `usaliTotals` are their additive sums. Reports fold `days` and `period`, so a
 * month read from its rollups gives exactly the figures of the same month read day by day.
 */
export interface RollupItem extends Item {
  type: 'monthlyRollup';
  level: 'department' | 'property';
  propertyId: string;
  departmentId: string | null;
  scenario: Scenario;
  /** `YYYY-MM`. */
  month: string;
  days: Record<string, DayFigures>;
  period?: DayFigures;
  /** Σ of each numeric measure over the dated days (monthly postings carry only USALI lines). */
  totals: Record<string, number>;
  /** Σ of each USALI line over the dated days and the monthly postings. */
  usaliTotals: Partial<Record<UsaliLine, number>>;
  /** Σ of each utility quantity over the dated days and the monthly readings (absent without any). */
  utilityTotals?: Record<string, number>;
  /** Σ factCount over the days and the monthly postings. */
  factCount: number;
  computedAt: string;
}

/** `roll:<propertyId>:<YYYY-MM>:<departmentId|_property>:<scenario>`. */
export function rollupId(propertyId: string, month: string, departmentId: string | null, scenario: string): string {
  return `roll:${propertyId}:${month}:${departmentId ?? PROPERTY_KEY}:${scenario}`;
}

/** The daily aggregates of one committed day, as the recompute pass knows them (by id, department, scenario). */
export interface RollupDay {
  propertyId: string;
  date: string;
  aggregates: ReadonlyArray<Pick<AggregateItem, 'id' | 'departmentId' | 'scenario'>>;
}

export interface RollupCounts {
  reads: number;
  writes: number;
}

const MAX_ROLLUP_ATTEMPTS = 10;
const NOT_FIGURES = new Set(['id', 'tenantId', 'type', 'level', 'propertyId', 'date', 'departmentId', 'scenario', 'period', 'computedAt', '_etag', '_ts', '_rid', '_self', '_attachments']);

function figuresOf(a: AggregateItem): DayFigures {
  const out: DayFigures = {};
  for (const [k, v] of Object.entries(a)) if (!NOT_FIGURES.has(k)) out[k] = v;
  return out;
}

/** Sums in hundredths (every stored figure is rounded to cents or hundredths), so the order of days does not change them. */
function addCents(into: Record<string, number>, key: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) return;
  into[key] = (into[key] ?? 0) + Math.round(v * 100);
}

const fromCents = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => [k, c / 100]));

/** The sums of a rollup's days and monthly postings. */
export function rollupTotals(days: Record<string, DayFigures>, period: DayFigures | undefined): Pick<RollupItem, 'totals' | 'usaliTotals' | 'utilityTotals' | 'factCount'> {
  const totals: Record<string, number> = {};
  const usali: Record<string, number> = {};
  const utility: Record<string, number> = {};
  let factCount = 0;
  for (const f of [...Object.values(days), ...(period ? [period] : [])]) {
    for (const [k, v] of Object.entries(f)) {
      if (k === 'factCount') factCount += typeof v === 'number' ? v : 0;
      else if (k === 'usali' && v && typeof v === 'object') for (const [line, x] of Object.entries(v)) addCents(usali, line, x);
      else if (k === 'utility' && v && typeof v === 'object') for (const [path, x] of Object.entries(v)) addCents(utility, path, x);
      else if (f !== period) addCents(totals, k, v);
    }
  }
  return { totals: fromCents(totals), usaliTotals: fromCents(usali), ...(Object.keys(utility).length > 0 ? { utilityTotals: fromCents(utility) } : {}), factCount };
}

const sortedDays = (days: Record<string, DayFigures>) => Object.fromEntries(Object.entries(days).sort(([a], [b]) => a.localeCompare(b)));
const sameRollup = (a: RollupItem, b: Omit<RollupItem, '_etag'>) =>
  JSON.stringify([sortedDays(a.days), a.period ?? null, a.totals, a.usaliTotals, a.factCount]) === JSON.stringify([sortedDays(b.days), b.period ?? null, b.totals, b.usaliTotals, b.factCount]);

interface Target {
  id: string;
  propertyId: string;
  month: string;
  departmentId: string | null;
  scenario: Scenario;
  /** The daily (and monthly-posting) aggregates of the month this pass brings into the rollup. */
  members: Set<string>;
}

/**
 * Brings the monthly rollups of the given days up to date with their daily aggregates, on the
 * discipline of the day items: each rollup is read first, then the day's aggregates (so what is
 * read is at least as new as the rollup), and written only on the ETag read (or created when
 * absent); a rollup someone changed meanwhile is done again. Every writer of daily aggregates calls
 * this after its aggregate writes, so the last rollup write of a month reflects the last aggregates.
 * Entries are replaced, never added to: a redelivery, a correction or a deletion (an emptied
 * aggregate) lands the same way.
 */
export async function refreshRollups(
  aggregates: TenantCollection<AggregateItem>,
  tenantId: string,
  days: readonly RollupDay[],
  options: { parallelRequests: number },
  counts: RollupCounts,
): Promise<void> {
  const targets = new Map<string, Target>();
  for (const day of days) {
    const month = day.date.slice(0, 7);
    for (const a of day.aggregates) {
      const id = rollupId(day.propertyId, month, a.departmentId, a.scenario);
      let t = targets.get(id);
      if (!t) {
        t = { id, propertyId: day.propertyId, month, departmentId: a.departmentId, scenario: a.scenario, members: new Set() };
        targets.set(id, t);
      }
      t.members.add(a.id);
    }
  }
  const rollups = aggregates as unknown as TenantCollection<RollupItem>;
  let pending = [...targets.values()].sort((a, b) => a.id.localeCompare(b.id));
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ROLLUP_ATTEMPTS) throw new StoreError('unavailable', `${pending.length} rollup(s) kept changing under a recompute`);
    const current = await rollups.bulk(pending.map((t) => ({ kind: 'read' as const, id: t.id, scope: t.propertyId })), options);
    const memberScopes = new Map(pending.flatMap((t) => [...t.members].map((id) => [id, t.propertyId] as const)));
    const memberIds = [...memberScopes.keys()];
    const read = await aggregates.bulk(memberIds.map((id) => ({ kind: 'read' as const, id, scope: memberScopes.get(id) as string })), options);
    counts.reads += pending.length + memberIds.length;
    const byId = new Map<string, AggregateItem>();
    for (const r of read) if (r.ok && r.item?.type === 'dailyAggregate') byId.set(r.item.id, r.item);
    const computedAt = new Date().toISOString();
    const writes: Array<{ t: Target; item: RollupItem; etag?: string }> = [];
    pending.forEach((t, i) => {
      const r = current[i];
      const before = r?.ok && r.item?.type === 'monthlyRollup' ? r.item : undefined;
      const days: Record<string, DayFigures> = { ...(before?.days ?? {}) };
      let period = before?.period;
      for (const id of t.members) {
        const a = byId.get(id);
        // A member id whose aggregate does not exist (a create that never landed) is no figure a day read would see.
        const date = a?.date ?? dateOfAggregateId(id, t.propertyId);
        const isPeriod = a ? a.period !== undefined : id.endsWith(':month');
        if (isPeriod) period = a ? figuresOf(a) : undefined;
        else if (date && a) days[date] = figuresOf(a);
        else if (date) delete days[date];
      }
      if (!before && Object.keys(days).length === 0 && !period) return;
      const next: RollupItem = {
        id: t.id,
        tenantId,
        type: 'monthlyRollup',
        level: t.departmentId === null ? 'property' : 'department',
        propertyId: t.propertyId,
        departmentId: t.departmentId,
        scenario: t.scenario,
        month: t.month,
        days: sortedDays(days),
        ...(period ? { period } : {}),
        ...rollupTotals(days, period),
        computedAt,
      };
      if (before && sameRollup(before, next)) return;
      writes.push({ t, item: next, ...(before?._etag ? { etag: before._etag } : {}) });
    });
    const written: BulkResult<RollupItem>[] = await rollups.bulk(
      writes.map(({ item, etag }) => (etag ? { kind: 'replace' as const, item, ifMatch: etag } : { kind: 'create' as const, item })),
      options,
    );
    const again: Target[] = [];
    writes.forEach(({ t }, i) => {
      const r = written[i] as BulkResult<RollupItem>;
      if (r.ok) counts.writes += 1;
      else if (r.code === 'conflict' || r.code === 'precondition_failed' || r.code === 'not_found') again.push(t);
      else throw new StoreError(r.code, `rollup write refused (${r.status})`);
    });
    pending = again;
  }
}

/** The date of `agg:<propertyId>:<date>:…` (the aggregate id scheme of aggregate.ts). */
function dateOfAggregateId(id: string, propertyId: string): string | undefined {
  const prefix = `agg:${propertyId}:`;
  return id.startsWith(prefix) ? id.slice(prefix.length, prefix.length + 10) : undefined;
}

/**
 * Builds (or repairs) the rollups of a property's months from its daily aggregates — for aggregates
 * written before rollups existed, or written straight to the store. One query per month for the ids,
 * then the same refresh as the write path, so it is safe beside running imports.
 */
export async function rebuildRollups(store: Store, tenantId: string, propertyId: string, months: readonly string[], options: { parallelRequests: number }): Promise<RollupCounts> {
  const aggregates = store.collection<AggregateItem>('aggregates', tenantId).scoped(propertyId);
  const counts: RollupCounts = { reads: 0, writes: 0 };
  for (const month of months) {
    const found = await aggregates.all<Pick<AggregateItem, 'id' | 'date' | 'departmentId' | 'scenario'>>(
      "SELECT c.id, c.date, c.departmentId, c.scenario FROM c WHERE c.type = 'dailyAggregate' AND c.propertyId = @propertyId AND c.date >= @from AND c.date <= @to",
      { propertyId, from: `${month}-01`, to: `${month}-31` },
    );
    counts.reads += found.length;
    const byDate = new Map<string, RollupDay>();
    for (const a of found) {
      const day = byDate.get(a.date) ?? { propertyId, date: a.date, aggregates: [] };
      (day.aggregates as Array<Pick<AggregateItem, 'id' | 'departmentId' | 'scenario'>>).push(a);
      byDate.set(a.date, day);
    }
    await refreshRollups(aggregates, tenantId, [...byDate.values()], options, counts);
  }
  return counts;
}
