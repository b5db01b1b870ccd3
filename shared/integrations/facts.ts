import type { Store, TenantCollection } from '../platform/cosmos/store.js';
import { isStoreError, StoreError } from '../platform/cosmos/errors.js';
import type { FieldCipher } from '../privacy/field-cipher.js';
import { computeDay, emptied, sameFigures, type AggregateDraft } from './aggregate.js';
import { mapLimit } from './concurrency.js';
import type { AggregateItem, FactDayItem, FactItem } from './model.js';
import type { FactDraft } from './normalise.js';

/** Per (property, date): fact ids to make sure are listed in the day, and ones to take out. */
export type DayChanges = Map<string, { add: Set<string>; remove: Set<string> }>;

export interface ApplyResult {
  upserted: number;
  unchanged: number;
  deleted: number;
  /** Days (key `propertyId|date`) whose fact lists and aggregates must be brought up to date. */
  days: DayChanges;
  writes: number;
}

export interface RecomputeResult {
  /** Aggregate items written. */
  written: number;
  /** All store writes (aggregates and day lists). */
  writes: number;
}

/** The digest of a deleted fact's tombstone. */
export const TOMBSTONE = 'deleted';
const MAX_DAY_ATTEMPTS = 10;

export function dayKey(propertyId: string, date: string): string {
  return `${propertyId}|${date}`;
}

export function factDayId(propertyId: string, date: string): string {
  return `day:${propertyId}:${date}`;
}

function change(days: DayChanges, propertyId: string, date: string): { add: Set<string>; remove: Set<string> } {
  const key = dayKey(propertyId, date);
  let c = days.get(key);
  if (!c) {
    c = { add: new Set(), remove: new Set() };
    days.set(key, c);
  }
  return c;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Facts and daily aggregates of one tenant.
 *
 * Facts are written by deterministic id, so a re-send replaces. Each (property, date) has a day
 * item listing its fact ids and aggregate ids, so a recompute reads everything by id (point
 * reads: no query over the fact container, whose size is unbounded). A recompute reads the day,
 * its facts and its aggregates, writes the aggregates whose figures changed, then commits the day
 * item conditioned on the ETag it read: if anyone changed that day meanwhile, the commit fails and
 * the day is recomputed, so the last committed aggregates always reflect every listed fact.
 */
export class FactStore {
  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
    private readonly concurrency: number,
  ) {}

  private facts(tenantId: string) {
    return this.store.collection<FactItem>('facts', tenantId);
  }

  /** Writes new and changed facts, turns deleted ones into tombstones; returns the days to update. */
  async apply(tenantId: string, upserts: FactDraft[], deletions: string[], importId: string): Promise<ApplyResult> {
    const facts = this.facts(tenantId);
    const ids = [...new Set([...upserts.map((f) => f.id), ...deletions])];
    const previous = new Map<string, FactItem>();
    await mapLimit(ids, this.concurrency, async (id) => {
      const found = await facts.read(id);
      if (found) previous.set(id, found);
    });
    const result: ApplyResult = { upserted: 0, unchanged: 0, deleted: 0, days: new Map(), writes: 0 };
    const changed: FactDraft[] = [];
    for (const f of upserts) {
      const before = previous.get(f.id);
      // Unchanged facts still go through their day: an earlier attempt may have written them and
      // failed before listing them; the day update writes nothing when all is in place.
      change(result.days, f.propertyId, f.date).add.add(f.id);
      if (before && before.date !== f.date) change(result.days, before.propertyId, before.date).remove.add(f.id);
      if (before && before.digest === f.digest && before.date === f.date) result.unchanged += 1;
      else changed.push(f);
    }
    await mapLimit(changed, this.concurrency, async (f) => {
      await facts.upsert(f as FactItem);
    });
    result.upserted = changed.length;
    // A deletion leaves a tombstone that keeps the fact's day, so a retry still knows the day.
    const removed: FactItem[] = [];
    for (const id of deletions) {
      const before = previous.get(id);
      if (!before) continue;
      change(result.days, before.propertyId, before.date).remove.add(id);
      if (before.digest !== TOMBSTONE) removed.push(before);
    }
    await mapLimit(removed, this.concurrency, async (before) => {
      const tombstone: FactItem = {
        id: before.id,
        tenantId,
        type: 'fact',
        sourceType: before.sourceType,
        propertyId: before.propertyId,
        integrationId: before.integrationId,
        date: before.date,
        scenario: before.scenario,
        contributions: [],
        digest: TOMBSTONE,
        deleted: true,
        importId,
        updatedAt: new Date().toISOString(),
      };
      await facts.upsert(tombstone);
    });
    result.deleted = removed.length;
    result.writes = changed.length + removed.length;
    return result;
  }

  /** Brings the fact lists and aggregates of the given days up to date. */
  async recompute(tenantId: string, days: DayChanges): Promise<RecomputeResult> {
    const total: RecomputeResult = { written: 0, writes: 0 };
    const entries = [...days.entries()].sort(([a], [b]) => a.localeCompare(b));
    await mapLimit(entries, Math.max(1, Math.floor(this.concurrency / 4)), async ([key, c]) => {
      const [propertyId, date] = key.split('|') as [string, string];
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await this.recomputeDay(tenantId, propertyId, date, c.add, c.remove);
          total.written += r.written;
          total.writes += r.writes;
          return;
        } catch (err) {
          const raced = isStoreError(err, 'conflict') || isStoreError(err, 'precondition_failed');
          if (!raced) throw err;
          if (attempt >= MAX_DAY_ATTEMPTS) throw new StoreError('unavailable', `day ${date} kept changing under a recompute`);
        }
      }
    });
    return total;
  }

  private async recomputeDay(tenantId: string, propertyId: string, date: string, add: Set<string>, remove: Set<string>): Promise<RecomputeResult> {
    const facts = this.facts(tenantId);
    const days = this.store.collection<FactDayItem>('facts', tenantId);
    const aggregates = this.store.collection<AggregateItem>('aggregates', tenantId);
    const day = await days.read(factDayId(propertyId, date));
    const candidates = [...new Set([...(day?.factIds ?? []), ...add])].filter((id) => !remove.has(id));
    const [dayFacts, existing] = await Promise.all([
      mapLimit(candidates, this.concurrency, (id) => facts.read(id)),
      mapLimit(day?.aggregateIds ?? [], this.concurrency, (id) => aggregates.read(id)),
    ]);
    // Listed ids whose fact is gone, deleted or moved to another day drop out of the list.
    const live = dayFacts.filter((f): f is FactItem => f !== undefined && f.type === 'fact' && !f.deleted && f.date === date && f.propertyId === propertyId);
    const computedAt = new Date().toISOString();
    const drafts = await computeDay(tenantId, propertyId, date, live, (f) => this.labourCost(f), computedAt);
    const current = new Map(existing.filter((a): a is AggregateItem => a !== undefined).map((a) => [a.id, a]));
    const writes: Array<() => Promise<unknown>> = [];
    for (const draft of drafts) {
      const before = current.get(draft.id);
      current.delete(draft.id);
      if (!before || !sameFigures(before as unknown as Record<string, unknown>, draft as unknown as Record<string, unknown>)) {
        writes.push(() => this.put(aggregates, draft, before));
      }
    }
    for (const left of current.values()) {
      if (left.factCount > 0) writes.push(() => this.put(aggregates, emptied(left, computedAt), left));
    }
    await mapLimit(writes, this.concurrency, (w) => w());
    const factIds = live.map((f) => f.id).sort();
    const aggregateIds = [...new Set([...(day?.aggregateIds ?? []), ...drafts.map((d) => d.id)])].sort();
    if (day && writes.length === 0 && sameList(day.factIds, factIds) && sameList(day.aggregateIds, aggregateIds)) return { written: 0, writes: 0 };
    const next: FactDayItem = { id: factDayId(propertyId, date), tenantId, type: 'factDay', propertyId, date, factIds, aggregateIds, updatedAt: computedAt };
    // The commit: fails (and the day is redone) if anyone changed the day since it was read.
    if (day) await days.replace(next, day._etag);
    else await days.create(next);
    return { written: writes.length, writes: writes.length + 1 };
  }

  /** Creates or replaces an aggregate; one that exists unlisted (a crash before the day commit) is taken over. */
  private async put(aggregates: TenantCollection<AggregateItem>, draft: AggregateDraft, before: AggregateItem | undefined): Promise<void> {
    if (before) {
      await aggregates.replace(draft as AggregateItem, before._etag);
      return;
    }
    try {
      await aggregates.create(draft as AggregateItem);
    } catch (err) {
      if (!isStoreError(err, 'conflict')) throw err;
      const found = await aggregates.read(draft.id);
      if (!found) throw err;
      if (!sameFigures(found as unknown as Record<string, unknown>, draft as unknown as Record<string, unknown>)) await aggregates.replace(draft as AggregateItem, found._etag);
    }
  }

  private async labourCost(fact: FactItem): Promise<number | undefined> {
    const sealed = fact.enc?.labourCost;
    if (!sealed) return undefined;
    const opened = await this.cipher.open({ tenantId: fact.tenantId, subjectId: fact.subjectId, field: 'timeRecord.labourCost', recordId: fact.id }, sealed);
    return opened.redacted ? undefined : Number(opened.value);
  }
}
