import type { Platform } from '../platform/platform.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import type { Principal } from '../access/principal.js';
import { authorize, propertiesCovered } from '../access/authorize.js';
import { checkIfMatch } from '../http/etag.js';
import { conflict, notFound, preconditionFailed } from '../http/problem.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import type { PropertyDirectory } from '../identity/property-directory.js';

/**
 * The lock state of one month of one property (docs/planning.md, "Period locking and pending
 * adjustments"). One item per (property, month), kept when unlocked, so its ETag carries the
 * If-Match of the next lock or unlock and it says who last did which.
 */
export interface PeriodLockItem extends Item, OutboxCarrier {
  type: 'periodLock';
  propertyId: string;
  /** `YYYY-MM` */
  period: string;
  locked: boolean;
  lockedAt: string;
  lockedBy: string;
  unlockedAt?: string;
  unlockedBy?: string;
  updatedAt: string;
}

export type PeriodLockView = Omit<PeriodLockItem, 'tenantId' | 'type' | '_etag' | '_ts' | 'pendingMessages' | 'pendingSince'>;

export function periodLockId(propertyId: string, period: string): string {
  return `lock:${propertyId}:${period}`;
}

export function lockView(item: PeriodLockItem): PeriodLockView {
  const { tenantId: _t, type: _y, _etag, _ts, pendingMessages: _p, pendingSince: _s, ...view } = item;
  return view;
}

/**
 * Locks and unlocks months of a property (`planning.approve` over it; audited), lists them
 * (`planning.read`), and answers which months are locked to the period gate and to reports.
 * Unlocking applies nothing: adjustments held while the month was locked stay pending until someone
 * approves or discards them; imports after the unlock are written as usual.
 */
export class PeriodLocks {
  constructor(
    private readonly platform: Platform,
    private readonly directory: PropertyDirectory,
    /** How many adjustments of a property-month are pending (the unlock's audit event says so). */
    private readonly pendingIn: (tenantId: string, propertyId: string, period: string) => Promise<number>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private items(tenantId: string) {
    return this.platform.store.collection<PeriodLockItem>('planning', tenantId);
  }

  /** 404 for a property the tenant does not have (another tenant's included), 403 outside the caller's scope. */
  async authorizeProperty(principal: Principal, permission: 'planning.read' | 'planning.approve', propertyId: string): Promise<void> {
    if (!(await this.directory.property(principal.tenantId, propertyId))) throw notFound('property');
    authorize(principal, permission, { tenantId: principal.tenantId, propertyId, kind: 'property' });
  }

  lock(principal: Principal, propertyId: string, period: string, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<PeriodLockItem> {
    return this.set(principal, propertyId, period, true, ifMatch, meta);
  }

  unlock(principal: Principal, propertyId: string, period: string, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<PeriodLockItem> {
    return this.set(principal, propertyId, period, false, ifMatch, meta);
  }

  /** Creates or replaces the month's lock item; locking a locked month (or unlocking an open one) is a 409. */
  private async set(principal: Principal, propertyId: string, period: string, locked: boolean, ifMatch: string | undefined, meta: RequestMeta): Promise<PeriodLockItem> {
    const tenantId = principal.tenantId;
    await this.authorizeProperty(principal, 'planning.approve', propertyId);
    const current = await this.items(tenantId).read(periodLockId(propertyId, period));
    const existing = current?.type === 'periodLock' ? current : undefined;
    // If-Match names a version of the lock item: with none yet there is nothing it can match.
    if (!existing && ifMatch) throw preconditionFailed();
    const etag = existing ? checkIfMatch(ifMatch, existing) : undefined;
    if ((existing?.locked ?? false) === locked) throw conflict(locked ? `${period} is already locked for this property.` : `${period} is not locked for this property.`);
    const at = this.now().toISOString();
    const next: PeriodLockItem = locked
      ? { id: periodLockId(propertyId, period), tenantId, type: 'periodLock', propertyId, period, locked: true, lockedAt: at, lockedBy: principal.userId, updatedAt: at }
      : { ...(existing as PeriodLockItem), locked: false, unlockedAt: at, unlockedBy: principal.userId, updatedAt: at };
    const pending = locked ? undefined : await this.pendingIn(tenantId, propertyId, period);
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId,
      actor: actorOf(principal),
      action: locked ? 'planning.period_locked' : 'planning.period_unlocked',
      target: { type: 'periodLock', id: next.id },
      details: { propertyId, period, ...(pending !== undefined ? { pendingAdjustments: pending } : {}) },
    });
    try {
      return await this.platform.outbox.commit('planning', existing ? 'replace' : 'create', next, [event], etag);
    } catch (err) {
      // Someone locked or unlocked in between: this request was based on another state.
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'conflict')) throw preconditionFailed();
      throw err;
    }
  }

  /** The lock items of a property (or of every property the caller may read), newest month first. */
  async list(principal: Principal, propertyId: string | undefined): Promise<PeriodLockItem[]> {
    if (propertyId) await this.authorizeProperty(principal, 'planning.read', propertyId);
    else authorize(principal, 'planning.read');
    const items = propertyId
      ? await this.items(principal.tenantId).all<PeriodLockItem>("SELECT * FROM c WHERE c.type = 'periodLock' AND c.propertyId = @propertyId ORDER BY c.period DESC", { propertyId })
      : await this.items(principal.tenantId).all<PeriodLockItem>("SELECT * FROM c WHERE c.type = 'periodLock' ORDER BY c.period DESC");
    const visible = new Set(propertiesCovered(principal, 'planning.read', [...new Set(items.map((i) => i.propertyId))]));
    return items.filter((i) => visible.has(i.propertyId));
  }

  /** System port (the period gate): the locked months of a property. */
  async lockedMonths(tenantId: string, propertyId: string): Promise<Set<string>> {
    const rows = await this.items(tenantId).all<{ period: string }>("SELECT c.period FROM c WHERE c.type = 'periodLock' AND c.propertyId = @propertyId AND c.locked = true", { propertyId });
    return new Set(rows.map((r) => r.period));
  }

  /** System port (reports): per property among `propertyIds`, its locked months from `from` to `to` (`YYYY-MM`), ascending. */
  async lockedPeriods(tenantId: string, propertyIds: readonly string[], from: string, to: string): Promise<Record<string, string[]>> {
    const rows = await this.items(tenantId).all<{ propertyId: string; period: string }>(
      "SELECT c.propertyId, c.period FROM c WHERE c.type = 'periodLock' AND c.locked = true AND c.period >= @from AND c.period <= @to",
      { from, to },
    );
    const wanted = new Set(propertyIds);
    const out: Record<string, string[]> = {};
    for (const r of rows) if (wanted.has(r.propertyId)) (out[r.propertyId] ??= []).push(r.period);
    for (const periods of Object.values(out)) periods.sort();
    return out;
  }
}
