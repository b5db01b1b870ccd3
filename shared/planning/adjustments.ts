import { createHash } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import type { Principal } from '../access/principal.js';
import { authorize, holds, propertiesCovered } from '../access/authorize.js';
import { checkIfMatch } from '../http/etag.js';
import { conflict, notFound, preconditionFailed } from '../http/problem.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import { computeDay, type AggregateDraft, type LabourCostReader } from '../integrations/aggregate.js';
import { factDayId, TOMBSTONE, type FactStore } from '../integrations/facts.js';
import type { SourceType } from '../integrations/formats/index.js';
import { DEPARTMENT_MEASURES, PROPERTY_MEASURES, USALI_LINES, UTILITY_PREFIX, type Scenario } from '../integrations/measures.js';
import type { FactDayItem, FactItem } from '../integrations/model.js';
import type { FactDraft } from '../integrations/normalise.js';
import type { GateOutcome, GatedBatch, PeriodGate } from '../integrations/period-gate.js';
import type { PeriodLocks } from './locks.js';

export const ADJUSTMENT_STATUSES = ['pending', 'approved', 'discarded'] as const;
export type AdjustmentStatus = (typeof ADJUSTMENT_STATUSES)[number];

/** One figure a held change would move: an aggregate's measure on one day, before and after. */
export interface Difference {
  date: string;
  /** null: the property level. */
  departmentId: string | null;
  scenario: Scenario;
  /** Set for monthly figures (AMS lines), which reports spread over this month. */
  period?: string;
  /** A department or property measure, or `usali.<line>`. */
  measure: string;
  before: number;
  after: number;
}

/** Differences kept on the adjustment; a larger one says how many it had (`differenceCount`). */
const MAX_DIFFERENCES = 5000;
/** JSON characters of drafts per part item: far below Cosmos DB's 2 MB per item. */
const PART_CHARS = 1_000_000;
/** Measures only payroll.read may see, as reports hide them. */
const PAYROLL_MEASURES: ReadonlySet<string> = new Set(['labourCost', 'usali.payrollAndRelated']);

/**
 * Changes of one import run held back because they would change facts of a locked month
 * (docs/planning.md, "Period locking and pending adjustments"). The drafts themselves, as
 * normalised (personal fields sealed), are in `parts` part items, so a large run stays within the
 * store's item size; the item carries the before/after figures a controller decides on.
 */
export interface AdjustmentItem extends Item, OutboxCarrier {
  type: 'pendingAdjustment';
  status: AdjustmentStatus;
  propertyId: string;
  integrationId: string;
  importId: string;
  run: number;
  sourceType: SourceType;
  /** The locked months the changes fall into. */
  periods: string[];
  upserts: number;
  deletions: number;
  parts: number;
  differences: Difference[];
  differenceCount: number;
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
  /** What approval wrote; `superseded`: held drafts left out because a newer version of their fact had arrived since. */
  applied?: { upserted: number; unchanged: number; deleted: number; superseded: number };
}

export interface AdjustmentPartItem extends Item {
  type: 'pendingAdjustmentPart';
  adjustmentId: string;
  index: number;
  upserts: FactDraft[];
  deletions: string[];
}

export type AdjustmentView = Omit<AdjustmentItem, 'tenantId' | 'type' | '_etag' | '_ts' | 'pendingMessages' | 'pendingSince' | 'parts'>;

/** Deterministic: a redelivered run of an import makes (finds) the same adjustment. */
export function adjustmentId(importId: string, run: number): string {
  return `adj_${createHash('sha256').update(`${importId}|${run}`).digest('base64url').slice(0, 22)}`;
}

const monthOf = (date: string) => date.slice(0, 7);

/** Whether a fact (its date, or a monthly figure's period) lies in one of the locked months. */
function inLocked(locked: ReadonlySet<string>, fact: Pick<FactItem, 'date' | 'contributions'>): boolean {
  return locked.has(monthOf(fact.date)) || fact.contributions.some((c) => c.period !== undefined && locked.has(c.period));
}

/**
 * Splits upserts and deletions into what may be written and what must be held: a change is held
 * when its new or its current version lies in a locked month and it would change the stored fact,
 * judged as FactStore.apply judges it (same digest and date: unchanged; deleting what is absent or
 * already a tombstone: nothing). `previous` holds the current versions of the ids concerned.
 */
export function splitBatch(locked: ReadonlySet<string>, upserts: readonly FactDraft[], deletions: readonly string[], previous: ReadonlyMap<string, FactItem>) {
  const out = { pass: { upserts: [] as FactDraft[], deletions: [] as string[] }, held: { upserts: [] as FactDraft[], deletions: [] as string[] } };
  for (const draft of upserts) {
    const before = previous.get(draft.id);
    const live = before && !before.deleted ? before : undefined;
    const locks = inLocked(locked, draft) || (live !== undefined && inLocked(locked, live));
    const unchanged = before !== undefined && before.digest === draft.digest && before.date === draft.date;
    (locks && !unchanged ? out.held : out.pass).upserts.push(draft);
  }
  for (const id of deletions) {
    const before = previous.get(id);
    const removes = before !== undefined && before.digest !== TOMBSTONE && !before.deleted;
    (removes && inLocked(locked, before) ? out.held : out.pass).deletions.push(id);
  }
  return out;
}

const MEASURES_BY_LEVEL = {
  department: [...DEPARTMENT_MEASURES, ...USALI_LINES.map((l) => `usali.${l}`)],
  property: [...PROPERTY_MEASURES, ...USALI_LINES.map((l) => `usali.${l}`)],
};

function valueOf(draft: AggregateDraft | undefined, measure: string): number {
  if (!draft) return 0;
  const v = measure.startsWith('usali.')
    ? draft.usali[measure.slice(6) as keyof AggregateDraft['usali']]
    : measure.startsWith(UTILITY_PREFIX)
      ? draft.utility?.[measure.slice(UTILITY_PREFIX.length)]
      : (draft as unknown as Record<string, unknown>)[measure];
  return typeof v === 'number' ? v : 0;
}

/** Every measure whose figure differs between two computations of the same day (computeDay's output), in id order. */
export function diffAggregates(before: readonly AggregateDraft[], after: readonly AggregateDraft[]): Difference[] {
  const byId = new Map<string, { before?: AggregateDraft; after?: AggregateDraft }>();
  for (const a of before) byId.set(a.id, { before: a });
  for (const a of after) byId.set(a.id, { ...byId.get(a.id), after: a });
  const out: Difference[] = [];
  for (const id of [...byId.keys()].sort()) {
    const pair = byId.get(id) as { before?: AggregateDraft; after?: AggregateDraft };
    const ref = (pair.after ?? pair.before) as AggregateDraft;
    // Utility quantities (GoGreen) are keyed by what was read, not a fixed list: those of either side.
    const utility = new Set([pair.before, pair.after].flatMap((d) => Object.keys(d?.utility ?? {}).map((k) => `${UTILITY_PREFIX}${k}`)));
    for (const measure of [...MEASURES_BY_LEVEL[ref.level], ...[...utility].sort()]) {
      const b = valueOf(pair.before, measure);
      const a = valueOf(pair.after, measure);
      if (Math.abs(a - b) < 1e-9) continue;
      out.push({ date: ref.date, departmentId: ref.departmentId, scenario: ref.scenario, ...(ref.period ? { period: ref.period } : {}), measure, before: b, after: a });
    }
  }
  return out;
}

/**
 * The before/after figures of held changes, per day: the day's current live facts, and the same
 * with the held upserts in place and the held deletions gone, both computed by computeDay (the
 * one aggregation), compared measure by measure.
 */
export async function heldDifferences(
  tenantId: string,
  propertyId: string,
  current: (date: string) => Promise<FactItem[]>,
  held: { upserts: readonly FactDraft[]; deletions: readonly string[] },
  previous: ReadonlyMap<string, FactItem>,
  labourCost: LabourCostReader,
): Promise<Difference[]> {
  const heldIds = new Set([...held.upserts.map((f) => f.id), ...held.deletions]);
  const dates = new Set(held.upserts.map((f) => f.date));
  for (const id of heldIds) {
    const before = previous.get(id);
    if (before && !before.deleted) dates.add(before.date);
  }
  const at = new Date(0).toISOString();
  const out: Difference[] = [];
  for (const date of [...dates].sort()) {
    const live = await current(date);
    const changed = [...live.filter((f) => !heldIds.has(f.id)), ...held.upserts.filter((f) => f.date === date).map((f) => f as FactItem)];
    const [before, after] = [await computeDay(tenantId, propertyId, date, live, labourCost, at), await computeDay(tenantId, propertyId, date, changed, labourCost, at)];
    out.push(...diffAggregates(before, after));
  }
  return out;
}

/** Splits drafts into parts of at most PART_CHARS JSON characters (at least one draft each). */
function partsOf(upserts: readonly FactDraft[], deletions: readonly string[]): Array<{ upserts: FactDraft[]; deletions: string[] }> {
  const parts: Array<{ upserts: FactDraft[]; deletions: string[] }> = [{ upserts: [], deletions: [...deletions] }];
  let size = JSON.stringify(deletions).length;
  for (const draft of upserts) {
    const n = JSON.stringify(draft).length;
    const last = parts[parts.length - 1] as { upserts: FactDraft[]; deletions: string[] };
    if (size + n > PART_CHARS && (last.upserts.length > 0 || last.deletions.length > 0)) {
      parts.push({ upserts: [draft], deletions: [] });
      size = n;
    } else {
      last.upserts.push(draft);
      size += n;
    }
  }
  return parts;
}

export function adjustmentView(item: AdjustmentItem, payrollVisible: boolean): AdjustmentView {
  const { tenantId: _t, type: _y, _etag, _ts, pendingMessages: _p, pendingSince: _s, parts: _n, ...view } = item;
  return payrollVisible ? view : { ...view, differences: view.differences.filter((d) => !PAYROLL_MEASURES.has(d.measure)) };
}

/**
 * The period gate (the PeriodGate port of the import pipeline) and the pending adjustments it
 * records: listed with `planning.read`, approved (the held drafts written through FactStore and the
 * days recomputed) or discarded with `planning.approve` over their property, each decision audited.
 */
export class PendingAdjustments implements PeriodGate {
  constructor(
    private readonly platform: Platform,
    private readonly locks: Pick<PeriodLocks, 'lockedMonths' | 'authorizeProperty'>,
    /** The import pipeline's fact store (built after this gate, which it is given to). */
    private readonly facts: () => FactStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private items(tenantId: string) {
    return this.platform.store.collection<AdjustmentItem | AdjustmentPartItem>('planning', tenantId);
  }

  private async currentFacts(tenantId: string, propertyId: string, ids: readonly string[]): Promise<Map<string, FactItem>> {
    const out = new Map<string, FactItem>();
    if (ids.length === 0) return out;
    const read = await this.platform.store.collection<FactItem>('facts', tenantId).scoped(propertyId).bulk(ids.map((id) => ({ kind: 'read' as const, id })), { parallelRequests: this.platform.config.IMPORT_WRITE_CONCURRENCY });
    for (const r of read) if (r.ok && r.item?.type === 'fact') out.set(r.item.id, r.item);
    return out;
  }

  /** The live facts a day's aggregates are computed from (its fact list, read by id). */
  private async dayFacts(tenantId: string, propertyId: string, date: string): Promise<FactItem[]> {
    const day = await this.platform.store.collection<FactDayItem>('facts', tenantId).scoped(propertyId).read(factDayId(propertyId, date));
    if (day?.type !== 'factDay') return [];
    const facts = await this.currentFacts(tenantId, propertyId, day.factIds);
    return [...facts.values()].filter((f) => !f.deleted && f.date === date && f.propertyId === propertyId);
  }

  async split(batch: GatedBatch): Promise<GateOutcome> {
    const pass: GateOutcome = { upserts: batch.upserts, deletions: batch.deletions, held: 0 };
    if (batch.upserts.length === 0 && batch.deletions.length === 0) return pass;
    const locked = await this.locks.lockedMonths(batch.tenantId, batch.propertyId);
    if (locked.size === 0) return pass;
    const previous = await this.currentFacts(batch.tenantId, batch.propertyId, [...new Set([...batch.upserts.map((f) => f.id), ...batch.deletions])]);
    const { pass: flow, held } = splitBatch(locked, batch.upserts, batch.deletions, previous);
    const count = held.upserts.length + held.deletions.length;
    if (count === 0) return pass;
    const id = adjustmentId(batch.importId, batch.run);
    const items = this.items(batch.tenantId);
    const existing = await items.read(id);
    if (existing?.type !== 'pendingAdjustment') {
      const differences = await heldDifferences(batch.tenantId, batch.propertyId, (date) => this.dayFacts(batch.tenantId, batch.propertyId, date), held, previous, batch.labourCost);
      const periods = new Set<string>();
      for (const f of [...held.upserts, ...held.deletions.map((d) => previous.get(d) as FactItem)]) {
        for (const m of [monthOf(f.date), ...f.contributions.flatMap((c) => (c.period ? [c.period] : []))]) if (locked.has(m)) periods.add(m);
        const before = previous.get(f.id);
        if (before && !before.deleted && locked.has(monthOf(before.date))) periods.add(monthOf(before.date));
      }
      // The parts first: an adjustment is never visible without the drafts it would apply.
      const parts = partsOf(held.upserts, held.deletions);
      await items.bulk(
        parts.map((p, index) => ({ kind: 'upsert' as const, item: { id: `${id}:p${index}`, tenantId: batch.tenantId, type: 'pendingAdjustmentPart', adjustmentId: id, index, ...p } as AdjustmentPartItem })),
      );
      const item: AdjustmentItem = {
        id,
        tenantId: batch.tenantId,
        type: 'pendingAdjustment',
        status: 'pending',
        propertyId: batch.propertyId,
        integrationId: batch.integrationId,
        importId: batch.importId,
        run: batch.run,
        sourceType: batch.sourceType,
        periods: [...periods].sort(),
        upserts: held.upserts.length,
        deletions: held.deletions.length,
        parts: parts.length,
        differences: differences.slice(0, MAX_DIFFERENCES),
        differenceCount: differences.length,
        createdAt: this.now().toISOString(),
      };
      const event = await auditEvent(this.platform.cipher, {
        id: `${id}:held`,
        tenantId: batch.tenantId,
        actor: { type: 'integration', id: batch.integrationId },
        action: 'planning.adjustment_held',
        target: { type: 'pendingAdjustment', id },
        details: { propertyId: batch.propertyId, importId: batch.importId, run: batch.run, periods: item.periods.join(','), upserts: item.upserts, deletions: item.deletions },
      });
      try {
        await this.platform.outbox.commit('planning', 'create', item, [event]);
      } catch (err) {
        // A redelivery of the same run raced this one: its adjustment is this one.
        if (!isStoreError(err, 'conflict')) throw err;
      }
    }
    return { upserts: flow.upserts, deletions: flow.deletions, held: count, adjustmentId: id };
  }

  async pendingByIntegration(tenantId: string, propertyIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.items(tenantId).all<{ integrationId: string; propertyId: string }>("SELECT c.integrationId, c.propertyId FROM c WHERE c.type = 'pendingAdjustment' AND c.status = 'pending'");
    const wanted = new Set(propertyIds);
    const out = new Map<string, number>();
    for (const r of rows) if (wanted.has(r.propertyId)) out.set(r.integrationId, (out.get(r.integrationId) ?? 0) + 1);
    return out;
  }

  /** System port (unlock's audit event): pending adjustments of a property touching a month. */
  async pendingIn(tenantId: string, propertyId: string, period: string): Promise<number> {
    const rows = await this.items(tenantId).all<{ id: string }>(
      "SELECT c.id FROM c WHERE c.type = 'pendingAdjustment' AND c.status = 'pending' AND c.propertyId = @propertyId AND ARRAY_CONTAINS(c.periods, @period)",
      { propertyId, period },
    );
    return rows.length;
  }

  async list(principal: Principal, filter: { propertyId?: string | undefined; status?: AdjustmentStatus | undefined }): Promise<AdjustmentView[]> {
    if (filter.propertyId) await this.locks.authorizeProperty(principal, 'planning.read', filter.propertyId);
    else authorize(principal, 'planning.read');
    const conditions = ["c.type = 'pendingAdjustment'"];
    const params: Record<string, string> = {};
    if (filter.propertyId) {
      conditions.push('c.propertyId = @propertyId');
      params.propertyId = filter.propertyId;
    }
    if (filter.status) {
      conditions.push('c.status = @status');
      params.status = filter.status;
    }
    const items = await this.items(principal.tenantId).all<AdjustmentItem>(`SELECT * FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.createdAt DESC`, params);
    const visible = new Set(propertiesCovered(principal, 'planning.read', [...new Set(items.map((i) => i.propertyId))]));
    return items.filter((i) => visible.has(i.propertyId)).map((i) => adjustmentView(i, holds(principal, 'payroll.read', i.propertyId)));
  }

  /** One adjustment the principal may see with `permission` (404 for another tenant's id). */
  async get(principal: Principal, id: string, permission: 'planning.read' | 'planning.approve' = 'planning.read'): Promise<AdjustmentItem> {
    const item = await this.items(principal.tenantId).read(id);
    if (item?.type !== 'pendingAdjustment') throw notFound('adjustment');
    authorize(principal, permission, { tenantId: item.tenantId, propertyId: item.propertyId, kind: 'property' });
    return item;
  }

  /**
   * Records the approval (conditioned on the ETag read, so it and a discard can't both win), then
   * writes the held drafts through FactStore.apply and recomputes their days, then records what was
   * written. Applying again writes nothing new (same ids, same digests): an approval interrupted
   * before its counts were recorded is completed by approving again; a finished one answers 409. A
   * held draft whose fact has a newer version since (a later import) is left out: approving an old
   * correction must not undo a newer one.
   */
  async approve(principal: Principal, id: string, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<AdjustmentItem> {
    let item = await this.get(principal, id, 'planning.approve');
    if (item.status === 'discarded' || item.applied) throw conflict(`The adjustment is already ${item.status}.`);
    checkIfMatch(ifMatch, item);
    if (item.status === 'pending') item = await this.decide(principal, item, 'approved', meta);
    const parts = await this.items(item.tenantId).all<AdjustmentPartItem>("SELECT * FROM c WHERE c.type = 'pendingAdjustmentPart' AND c.adjustmentId = @id ORDER BY c.index", { id });
    const upserts = parts.flatMap((p) => p.upserts);
    const deletions = parts.flatMap((p) => p.deletions);
    const current = await this.currentFacts(item.tenantId, item.propertyId, upserts.map((f) => f.id));
    const fresh = upserts.filter((f) => {
      const now = current.get(f.id);
      return !now || now.importId === f.importId || now.updatedAt <= f.updatedAt;
    });
    const facts = this.facts();
    const applied = await facts.apply(item.tenantId, item.propertyId, fresh, deletions, item.importId);
    await facts.recompute(item.tenantId, applied.days);
    const done: AdjustmentItem = { ...item, applied: { upserted: applied.upserted, unchanged: applied.unchanged, deleted: applied.deleted, superseded: upserts.length - fresh.length } };
    let written: AdjustmentItem;
    try {
      written = await this.items(item.tenantId).replace(done, item._etag);
    } catch (err) {
      // A concurrent completion of the same approval recorded its counts first.
      if (isStoreError(err, 'precondition_failed')) throw conflict('The adjustment is already approved.');
      throw err;
    }
    await this.dropParts(item);
    return written;
  }

  /** Drops the held drafts: the locked month keeps its figures. */
  async discard(principal: Principal, id: string, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<AdjustmentItem> {
    const item = await this.get(principal, id, 'planning.approve');
    if (item.status !== 'pending') throw conflict(`The adjustment is already ${item.status}.`);
    checkIfMatch(ifMatch, item);
    const written = await this.decide(principal, item, 'discarded', meta);
    await this.dropParts(item);
    return written;
  }

  /** The decision and its audit event, in one write conditioned on the version the decision was based on. */
  private async decide(principal: Principal, item: AdjustmentItem, status: 'approved' | 'discarded', meta: RequestMeta): Promise<AdjustmentItem> {
    const at = this.now().toISOString();
    const next: AdjustmentItem = { ...item, status, decidedAt: at, decidedBy: principal.userId };
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId: item.tenantId,
      actor: actorOf(principal),
      action: status === 'approved' ? 'planning.adjustment_approved' : 'planning.adjustment_discarded',
      target: { type: 'pendingAdjustment', id: item.id },
      details: { propertyId: item.propertyId, importId: item.importId, periods: item.periods.join(','), upserts: item.upserts, deletions: item.deletions },
    });
    try {
      return await this.platform.outbox.commit('planning', 'replace', next, [event], item._etag);
    } catch (err) {
      if (!isStoreError(err, 'precondition_failed')) throw err;
      const now = await this.items(item.tenantId).read(item.id);
      if (now?.type === 'pendingAdjustment' && now.status !== 'pending') throw conflict(`The adjustment is already ${now.status}.`);
      throw preconditionFailed();
    }
  }

  /** The drafts (sealed personal fields among them) are no longer needed once decided and applied. */
  private async dropParts(item: AdjustmentItem): Promise<void> {
    await this.items(item.tenantId).bulk(Array.from({ length: item.parts }, (_, i) => ({ kind: 'delete' as const, id: `${item.id}:p${i}` })));
  }
}
