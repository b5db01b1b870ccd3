import type { BulkResult, Item, Store, TenantCollection } from '../platform/cosmos/store.js';
import { StoreError } from '../platform/cosmos/errors.js';
import type { FieldCipher } from '../platform/crypto/field-cipher.js';
import { computeDay, emptied, sameFigures, type AggregateDraft } from './aggregate.js';
import { FactVersionCache } from './fact-cache.js';
import { refreshRollups } from './rollup.js';
import type { AggregateItem, FactDayItem, FactItem } from './model.js';
import type { FactDraft } from './normalise.js';

/**
 * Per (property, date): fact ids to make sure are listed in the day, ones to take out, and — from
 * an import — the versions of the added facts it read or wrote (with their ETags). Without `known`
 * (a recompute not driven by an import, such as the daily close) every fact is read again.
 */
export interface DayChange {
  add: Set<string>;
  remove: Set<string>;
  known?: Map<string, FactItem>;
  /** Facts whose version only a read can tell (imports merged into one pass disagreed on them). */
  reread?: Set<string>;
}
export type DayChanges = Map<string, DayChange>;

/**
 * Adds one import's day changes to those of a pass. Where imports disagree — different versions of
 * one fact, or one adds a fact to a day that another takes out — the store decides: the fact is
 * read and kept only if its current version still belongs to the day.
 */
export function mergeChanges(into: DayChanges, from: DayChanges): void {
  for (const [key, c] of from) {
    const m = into.get(key);
    if (!m) {
      into.set(key, { add: new Set(c.add), remove: new Set(c.remove), known: c.known ? new Map(c.known) : undefined, reread: new Set(c.reread) });
      continue;
    }
    m.reread ??= new Set();
    for (const id of c.add) m.add.add(id);
    for (const id of c.remove) m.remove.add(id);
    for (const id of c.reread ?? []) m.reread.add(id);
    if (!c.known || !m.known) m.known = undefined;
    else {
      for (const [id, f] of c.known) {
        const had = m.known.get(id);
        if (had && had._etag !== f._etag) {
          m.known.delete(id);
          m.reread.add(id);
        } else m.known.set(id, f);
      }
    }
    for (const id of m.add) {
      if (!m.remove.has(id)) continue;
      m.remove.delete(id);
      m.known?.delete(id);
      m.reread.add(id);
    }
  }
}

export interface ApplyResult {
  upserted: number;
  unchanged: number;
  deleted: number;
  /** Days (key `propertyId|date`) whose fact lists and aggregates must be brought up to date. */
  days: DayChanges;
  /** Items written (facts and tombstones). */
  writes: number;
  /** Items read (previous versions). */
  reads: number;
  /** Store requests (round trips) sent. */
  requests: number;
}

export interface RecomputeResult {
  /** Aggregate items written. */
  written: number;
  /** All items written (aggregates and day lists). */
  writes: number;
  /** Items read (day items, their facts and aggregates, on every attempt). */
  reads: number;
  /** Listed fact versions taken from this import's own or from the process's cache instead of read. */
  factsFromMemory: number;
  /** Store requests (round trips) sent. */
  requests: number;
}

/** The digest of a deleted fact's tombstone. */
export const TOMBSTONE = 'deleted';
const MAX_DAY_ATTEMPTS = 10;
/** Fact versions kept in memory (about 1 kB each). */
const FACT_CACHE_ENTRIES = 20_000;

export function dayKey(propertyId: string, date: string): string {
  return `${propertyId}|${date}`;
}

export function factDayId(propertyId: string, date: string): string {
  return `day:${propertyId}:${date}`;
}

function change(days: DayChanges, propertyId: string, date: string): DayChange {
  const key = dayKey(propertyId, date);
  let c = days.get(key);
  if (!c) {
    c = { add: new Set(), remove: new Set(), known: new Map() };
    days.set(key, c);
  }
  return c;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameVersions = (a: Record<string, string> | undefined, b: Record<string, string>) =>
  a !== undefined && Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([id, etag]) => a[id] === etag);
const figures = (a: AggregateDraft | AggregateItem) => a as unknown as Record<string, unknown>;

/** Throws what a bulk write the caller did not expect to be refused was refused with. */
function expectOk<U extends Item>(results: BulkResult<U>[]): void {
  const refused = results.find((r) => !r.ok);
  if (refused && !refused.ok) throw new StoreError(refused.code, `bulk write refused (${refused.status})`);
}

/** One day being recomputed: what was read, what it computed, and whether its writes held. */
interface DayWork {
  key: string;
  propertyId: string;
  date: string;
  change: DayChange;
  day?: FactDayItem;
  drafts: AggregateDraft[];
  live: FactItem[];
  writes: number;
  raced: boolean;
  /** Writes of this day over all attempts of the pass. */
  tally: Tally;
}

interface Tally {
  written: number;
  writes: number;
}

/** The recompute passes of one tenant: the one running, and the one callers join meanwhile. */
interface Lane {
  running: boolean;
  next?: { days: DayChanges; callers: Array<{ keys: string[]; resolve: (r: RecomputeResult) => void; reject: (err: unknown) => void }> };
}

/**
 * Facts and daily aggregates of one tenant.
 *
 * Facts are written by deterministic id, so a re-send replaces. Each (property, date) has a day
 * item listing its fact ids, the version (ETag) of each that its aggregates were computed from, and
 * its aggregate ids, so a recompute works by id (no query over the fact container, whose size is
 * unbounded). A recompute reads the day item, then — after it — the day's facts and aggregates,
 * writes the aggregates whose figures changed, then commits the day item conditioned on the ETag it
 * read: if anyone changed that day meanwhile, the commit fails and the day is recomputed, so the
 * last committed aggregates always reflect every listed fact.
 *
 * Which version of a fact a recompute uses: a fact the importing run wrote or read is used as it
 * knows it, unless the day lists a different version (older or newer, only the store can tell:
 * read it); any other fact is used in the version the day lists, from memory when this process
 * holds exactly that version, else read. Both are safe because every writer of a fact recomputes
 * its day after the write, reading the day after the write: a newer version that is not listed yet
 * belongs to a writer whose own commit is still to come (and fails on the ETag, and is redone, if
 * this one commits first). The cost: a version written by an import that died before its day
 * commit and was never redelivered stays unlisted until that import is replayed or a recompute
 * without an import (the daily close) reads every fact of the day again.
 *
 * All of this goes through the store's bulk calls: the days of a recompute pass are handled
 * together, each step one bulk call for all of them (day items, then facts, then aggregates, then
 * aggregate writes, then the monthly rollups of the days to commit (rollup.ts), then day commits),
 * so an import costs a handful of round trips per hundred items instead of one per item. Days whose
 * writes or commit lost a race are redone, alone.
 */
export class FactStore {
  private readonly versions = new FactVersionCache(FACT_CACHE_ENTRIES);
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
    /** Bulk requests in flight at once per call. */
    private readonly concurrency: number,
  ) {}

  /**
   * Writes new and changed facts, turns deleted ones into tombstones; returns the days to update.
   *
   * A fact this process has never seen is most likely new (a first load, a new day), so it is
   * created outright — a create succeeds only if no version exists, which is all a read would have
   * said — and read only if the store answers that it exists. Facts seen before (re-sends,
   * corrections) and deletions are read first, as their previous version decides what to write.
   */
  async apply(tenantId: string, propertyId: string, upserts: FactDraft[], deletions: string[], importId: string): Promise<ApplyResult> {
    // An import feeds one property: its facts share that property's partitions.
    const facts = this.store.collection<FactItem>('facts', tenantId).scoped(propertyId);
    const options = { parallelRequests: this.concurrency };
    const result: ApplyResult = { upserted: 0, unchanged: 0, deleted: 0, days: new Map(), writes: 0, reads: 0, requests: 0 };
    const known = (f: FactItem) => {
      this.versions.put(f);
      if (!f.deleted) change(result.days, f.propertyId, f.date).known?.set(f.id, f);
    };
    const guessed = upserts.filter((f) => !this.versions.knows(tenantId, f.id));
    const guessedIds = new Set(guessed.map((f) => f.id));
    const readFirst = [...upserts.filter((f) => !guessedIds.has(f.id)).map((f) => f.id), ...deletions];
    const read = async (ids: string[]) => {
      result.reads += ids.length;
      return ids.length > 0 ? facts.bulk(ids.map((id) => ({ kind: 'read' as const, id })), options) : [];
    };
    const [created, found] = await Promise.all([
      guessed.length > 0 ? facts.bulk(guessed.map((f) => ({ kind: 'create' as const, item: f as FactItem })), options) : [],
      read(readFirst),
    ]);
    const existing: string[] = [];
    guessed.forEach((f, i) => {
      const r = created[i] as BulkResult<FactItem>;
      if (r.ok) {
        result.upserted += 1;
        result.writes += 1;
        change(result.days, f.propertyId, f.date).add.add(f.id);
        if (r.item) known(r.item);
      } else if (r.code === 'conflict') existing.push(f.id);
      else throw new StoreError(r.code, `fact create refused (${r.status})`);
    });
    const exists = new Set(existing);
    const previous = new Map<string, FactItem>();
    for (const r of [...found, ...(await read(existing))]) {
      if (!r.ok || r.item?.type !== 'fact') continue;
      previous.set(r.item.id, r.item);
      this.versions.put(r.item);
    }
    const changed: FactItem[] = [];
    for (const f of upserts) {
      if (guessedIds.has(f.id) && !exists.has(f.id)) continue;
      const before = previous.get(f.id);
      const day = change(result.days, f.propertyId, f.date);
      // Unchanged facts still go through their day: an earlier attempt may have written them and
      // failed before listing them; the day update writes nothing when all is in place.
      day.add.add(f.id);
      if (before && before.date !== f.date) change(result.days, before.propertyId, before.date).remove.add(f.id);
      if (before && before.digest === f.digest && before.date === f.date) {
        result.unchanged += 1;
        day.known?.set(f.id, before);
      } else changed.push(f as FactItem);
    }
    // A deletion leaves a tombstone that keeps the fact's day, so a retry still knows the day.
    const tombstones: FactItem[] = [];
    for (const id of deletions) {
      const before = previous.get(id);
      if (!before) continue;
      change(result.days, before.propertyId, before.date).remove.add(id);
      if (before.digest === TOMBSTONE) continue;
      tombstones.push({
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
      });
    }
    const writes = [...changed, ...tombstones];
    if (writes.length > 0) {
      const written = await facts.bulk(writes.map((item) => ({ kind: 'upsert' as const, item })), options);
      expectOk(written);
      // The versions just written (with their ETags) are what this import knows of its facts.
      for (const r of written) if (r.ok && r.item?.type === 'fact') known(r.item);
    }
    result.upserted += changed.length;
    result.deleted = tombstones.length;
    result.writes += writes.length;
    result.requests = facts.requests;
    return result;
  }

  /**
   * Brings the fact lists and aggregates of the given days up to date. Imports of one tenant that
   * ask while a pass of that tenant runs share the next pass (their days merged), so days several
   * imports touched are read, computed and committed once. Each caller's facts were written before
   * it asked, so the pass that starts after it asked sees them; each caller gets the writes of the
   * days it named (a day two callers named counts for the first), the reads and requests go to the
   * first caller of the pass.
   */
  async recompute(tenantId: string, days: DayChanges): Promise<RecomputeResult> {
    if (days.size === 0) return { written: 0, writes: 0, reads: 0, factsFromMemory: 0, requests: 0 };
    return new Promise<RecomputeResult>((resolve, reject) => {
      let lane = this.lanes.get(tenantId);
      if (!lane) {
        lane = { running: false };
        this.lanes.set(tenantId, lane);
      }
      lane.next ??= { days: new Map(), callers: [] };
      mergeChanges(lane.next.days, days);
      lane.next.callers.push({ keys: [...days.keys()], resolve, reject });
      void this.runPass(tenantId, lane);
    });
  }

  private async runPass(tenantId: string, lane: Lane): Promise<void> {
    if (lane.running || !lane.next) return;
    const pass = lane.next;
    lane.next = undefined;
    lane.running = true;
    try {
      const total: RecomputeResult = { written: 0, writes: 0, reads: 0, factsFromMemory: 0, requests: 0 };
      const tallies = new Map([...pass.days.keys()].map((key) => [key, { written: 0, writes: 0 }]));
      let pending = [...pass.days.entries()].sort(([a], [b]) => a.localeCompare(b));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const raced = await this.recomputeDays(tenantId, pending, total, tallies);
        if (raced.size === 0) break;
        if (attempt >= MAX_DAY_ATTEMPTS) throw new StoreError('unavailable', `${raced.size} day(s) kept changing under a recompute`);
        pending = pending.filter(([key]) => raced.has(key));
      }
      const claimed = new Set<string>();
      pass.callers.forEach((caller, i) => {
        const share: RecomputeResult = i === 0 ? { ...total, written: 0, writes: 0 } : { written: 0, writes: 0, reads: 0, factsFromMemory: 0, requests: 0 };
        for (const key of caller.keys) {
          const tally = tallies.get(key);
          if (!tally || claimed.has(key)) continue;
          claimed.add(key);
          share.written += tally.written;
          share.writes += tally.writes;
        }
        caller.resolve(share);
      });
    } catch (err) {
      for (const caller of pass.callers) caller.reject(err);
    } finally {
      lane.running = false;
      if (lane.next) void this.runPass(tenantId, lane);
      else this.lanes.delete(tenantId);
    }
  }

  /** One attempt over many days; returns the keys of the days that must be redone. */
  private async recomputeDays(tenantId: string, entries: Array<[string, DayChange]>, total: RecomputeResult, tallies: Map<string, Tally>): Promise<Set<string>> {
    const options = { parallelRequests: this.concurrency };
    const dayItems = this.store.collection<FactDayItem>('facts', tenantId);
    const facts = this.store.collection<FactItem>('facts', tenantId);
    const aggregates = this.store.collection<AggregateItem>('aggregates', tenantId);
    const work: DayWork[] = entries.map(([key, c]) => {
      const [propertyId, date] = key.split('|') as [string, string];
      return { key, propertyId, date, change: c, drafts: [], live: [], writes: 0, raced: false, tally: tallies.get(key) ?? { written: 0, writes: 0 } };
    });
    try {
      // 1. The day items first: the facts read below are covered by their ETags.
      const dayRead = await dayItems.bulk(work.map((w) => ({ kind: 'read' as const, id: factDayId(w.propertyId, w.date), scope: w.propertyId })), options);
      work.forEach((w, i) => {
        const r = dayRead[i];
        if (r?.ok && r.item?.type === 'factDay') w.day = r.item;
      });
      // 2. The version of every listed or added fact (see the class comment: from memory when it is
      // the right one, else read now), and every listed aggregate of those days, each id once.
      const candidates = work.map((w) => [...new Set([...(w.day?.factIds ?? []), ...w.change.add])].filter((id) => !w.change.remove.has(id)));
      const chosen = work.map(() => new Map<string, FactItem>());
      /** Fact id → its property (the partition to read it from). */
      const toRead = new Map<string, string>();
      work.forEach((w, i) => {
        for (const id of candidates[i] ?? []) {
          if (!w.change.known || w.change.reread?.has(id)) {
            toRead.set(id, w.propertyId);
            continue;
          }
          const listed = w.day?.factVersions?.[id];
          const known = w.change.known.get(id);
          const inMemory = known ? (listed === undefined || listed === known._etag ? known : undefined) : listed ? this.versions.get(tenantId, id, listed) : undefined;
          if (inMemory) {
            chosen[i]?.set(id, inMemory);
            total.factsFromMemory += 1;
          } else toRead.set(id, w.propertyId);
        }
      });
      const factIds = [...toRead.keys()];
      const aggregateScopes = new Map(work.flatMap((w) => (w.day?.aggregateIds ?? []).map((id) => [id, w.propertyId] as const)));
      const aggregateIds = [...aggregateScopes.keys()];
      const [factRead, aggregateRead] = await Promise.all([
        facts.bulk(factIds.map((id) => ({ kind: 'read' as const, id, scope: toRead.get(id) as string })), options),
        aggregates.bulk(aggregateIds.map((id) => ({ kind: 'read' as const, id, scope: aggregateScopes.get(id) as string })), options),
      ]);
      total.reads += work.length + factIds.length + aggregateIds.length;
      const factById = new Map<string, FactItem>();
      for (const r of factRead) {
        if (!r.ok || r.item?.type !== 'fact') continue;
        factById.set(r.item.id, r.item);
        this.versions.put(r.item);
      }
      const aggregateById = new Map<string, AggregateItem>();
      for (const r of aggregateRead) if (r.ok && r.item?.type === 'dailyAggregate') aggregateById.set(r.item.id, r.item);

      // 3. Aggregates from facts; only changed figures are written.
      const computedAt = new Date().toISOString();
      const writes: Array<{ w: DayWork; draft: AggregateDraft; before?: AggregateItem }> = [];
      for (const [i, w] of work.entries()) {
        // Listed ids whose fact is gone, deleted or moved to another day drop out of the list.
        w.live = (candidates[i] ?? [])
          .map((id) => chosen[i]?.get(id) ?? factById.get(id))
          .filter((f): f is FactItem => f !== undefined && !f.deleted && f.date === w.date && f.propertyId === w.propertyId);
        w.drafts = await computeDay(tenantId, w.propertyId, w.date, w.live, (f) => this.labourCost(f), computedAt);
        const current = new Map<string, AggregateItem>();
        for (const id of w.day?.aggregateIds ?? []) {
          const a = aggregateById.get(id);
          if (a) current.set(id, a);
        }
        for (const draft of w.drafts) {
          const before = current.get(draft.id);
          current.delete(draft.id);
          if (!before || !sameFigures(figures(before), figures(draft))) writes.push({ w, draft, before });
        }
        for (const left of current.values()) {
          if (left.factCount > 0) writes.push({ w, draft: emptied(left, computedAt), before: left });
        }
      }
      await this.putAll(aggregates, writes, options, total);

      // 4. The commits (sent after step 5): each fails (and its day is redone) if anyone changed the day since it was read.
      const commits: Array<{ w: DayWork; next: FactDayItem }> = [];
      for (const w of work) {
        if (w.raced) continue;
        const factList = w.live.map((f) => f.id).sort();
        const aggregateList = [...new Set([...(w.day?.aggregateIds ?? []), ...w.drafts.map((d) => d.id)])].sort();
        const factVersions: Record<string, string> = {};
        for (const f of w.live) if (f._etag) factVersions[f.id] = f._etag;
        const unchanged = w.day && w.writes === 0 && sameList(w.day.factIds, factList) && sameList(w.day.aggregateIds, aggregateList) && sameVersions(w.day.factVersions, factVersions);
        if (unchanged) continue;
        const next: FactDayItem = {
          id: factDayId(w.propertyId, w.date),
          tenantId,
          type: 'factDay',
          propertyId: w.propertyId,
          date: w.date,
          factIds: factList,
          aggregateIds: aggregateList,
          factVersions,
          updatedAt: computedAt,
        };
        commits.push({ w, next });
      }
      // 5. The monthly rollups of the days about to be committed, before their commits: a crash in
      // between leaves the day uncommitted, so its redo (which commits) refreshes them again.
      const rollupCounts = { reads: 0, writes: 0 };
      await refreshRollups(
        aggregates,
        tenantId,
        commits.map(({ w, next }) => {
          const known = new Map<string, Pick<AggregateItem, 'id' | 'departmentId' | 'scenario'>>();
          for (const a of [...(w.day?.aggregateIds ?? []).map((id) => aggregateById.get(id)), ...w.drafts]) if (a) known.set(a.id, a);
          return { propertyId: w.propertyId, date: w.date, aggregates: next.aggregateIds.flatMap((id) => known.get(id) ?? []) };
        }),
        options,
        rollupCounts,
      );
      total.reads += rollupCounts.reads;
      total.writes += rollupCounts.writes;
      const committed = await dayItems.bulk(
        commits.map(({ w, next }) => (w.day ? { kind: 'replace' as const, item: next, ifMatch: w.day._etag } : { kind: 'create' as const, item: next })),
        options,
      );
      commits.forEach(({ w }, i) => {
        if (committed[i]?.ok) {
          total.writes += 1;
          w.tally.writes += 1;
        } else w.raced = true;
      });
      return new Set(work.filter((w) => w.raced).map((w) => w.key));
    } finally {
      total.requests += dayItems.requests + facts.requests + aggregates.requests;
    }
  }

  /**
   * Creates or replaces aggregates (a replace only on the ETag read). One that exists unlisted (a
   * crash before its day's commit) is taken over: read and replaced if its figures differ. A write
   * that lost a race marks its day for a redo.
   */
  private async putAll(
    aggregates: TenantCollection<AggregateItem>,
    writes: Array<{ w: DayWork; draft: AggregateDraft; before?: AggregateItem }>,
    options: { parallelRequests: number },
    total: RecomputeResult,
  ): Promise<void> {
    const succeeded = (w: DayWork) => {
      w.writes += 1;
      w.tally.written += 1;
      w.tally.writes += 1;
      total.written += 1;
      total.writes += 1;
    };
    const results = await aggregates.bulk(
      writes.map(({ draft, before }) => (before ? { kind: 'replace' as const, item: draft as AggregateItem, ifMatch: before._etag } : { kind: 'create' as const, item: draft as AggregateItem })),
      options,
    );
    const unlisted: Array<{ w: DayWork; draft: AggregateDraft }> = [];
    writes.forEach(({ w, draft, before }, i) => {
      const r = results[i] as BulkResult<AggregateItem>;
      if (r.ok) succeeded(w);
      else if (!before && r.code === 'conflict') unlisted.push({ w, draft });
      else w.raced = true;
    });
    if (unlisted.length === 0) return;
    const found = await aggregates.bulk(unlisted.map(({ w, draft }) => ({ kind: 'read' as const, id: draft.id, scope: w.propertyId })), options);
    total.reads += unlisted.length;
    const takeovers: Array<{ w: DayWork; draft: AggregateDraft; etag?: string }> = [];
    unlisted.forEach(({ w, draft }, i) => {
      const r = found[i];
      const item = r?.ok ? r.item : undefined;
      if (!item) w.raced = true;
      else if (!sameFigures(figures(item), figures(draft))) takeovers.push({ w, draft, etag: item._etag });
    });
    if (takeovers.length === 0) return;
    const replaced = await aggregates.bulk(takeovers.map(({ draft, etag }) => ({ kind: 'replace' as const, item: draft as AggregateItem, ifMatch: etag })), options);
    takeovers.forEach(({ w }, i) => {
      if (replaced[i]?.ok) succeeded(w);
      else w.raced = true;
    });
  }

  /** The labour cost of a time record, opened from its sealed field; undefined when its employee was redacted. */
  async labourCost(fact: FactItem): Promise<number | undefined> {
    const sealed = fact.enc?.labourCost;
    if (!sealed) return undefined;
    const opened = await this.cipher.open({ tenantId: fact.tenantId, subjectId: fact.subjectId, field: 'timeRecord.labourCost', recordId: fact.id }, sealed);
    return opened.redacted ? undefined : Number(opened.value);
  }
}
