import { z } from 'zod';
import type { Platform } from '../platform/platform.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { Principal } from '../access/principal.js';
import type { Permission } from '../access/permissions.js';
import { authorize } from '../access/authorize.js';
import { checkIfMatch, etagOf } from '../http/etag.js';
import { badRequest, notFound, preconditionFailed } from '../http/problem.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import type { PropertyDirectory } from '../identity/property-directory.js';

/** Weekdays as ISO numbers them (Monday first): the keys of a department's fixed hours. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type WeekHours = Record<Weekday, number>;

/** Fixed hours of one department on one weekday: at most 100 people on a full day. */
const dayHours = z.number().min(0).max(2400).describe('Hours staffed whatever the volume (fixed positions: a night auditor, a chef de partie)');

export const weekHoursSchema = z
  .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours.default(0)])) as Record<Weekday, z.ZodDefault<typeof dayHours>>)
  .describe('Fixed hours per weekday (mon … sun); an absent weekday is 0');

const departmentIdKey = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/);

/** PUT body: the whole setting, replacing the stored one. */
export const labourStandardsBody = z.strictObject({
  fixedHours: z.record(departmentIdKey, weekHoursSchema).describe('Department id → fixed hours per weekday; a department left out has none'),
});
export type LabourStandardsInput = z.infer<typeof labourStandardsBody>;

/**
 * A property's labour standards for planning: the fixed hours of each department per weekday, which
 * the labour forecast adds to the hours its volumes earn. One item per property in the `planning`
 * container (tenant partition); the per-unit standards stay on the departments (identity's items).
 */
export interface LabourStandardsItem extends Item, OutboxCarrier {
  type: 'labourStandards';
  propertyId: string;
  fixedHours: Record<string, WeekHours>;
  updatedAt: string;
  updatedBy: string;
}

export interface LabourStandardsView {
  propertyId: string;
  fixedHours: Record<string, WeekHours>;
  /** null until the setting is first saved (every department then has no fixed hours). */
  updatedAt: string | null;
  updatedBy: string | null;
}

export const labourStandardsId = (propertyId: string) => `labourStandards:${propertyId}`;

export const ZERO_WEEK: Readonly<WeekHours> = Object.freeze({ mon: 0, tue: 0, wed: 0, thu: 0, fri: 0, sat: 0, sun: 0 });

/** The weekday key of a `YYYY-MM-DD` date. */
export function weekdayOf(date: string): Weekday {
  const js = new Date(`${date}T00:00:00Z`).getUTCDay();
  return WEEKDAYS[(js + 6) % 7] as Weekday;
}

export function viewOf(propertyId: string, item: LabourStandardsItem | undefined): LabourStandardsView {
  return { propertyId, fixedHours: item?.fixedHours ?? {}, updatedAt: item?.updatedAt ?? null, updatedBy: item?.updatedBy ?? null };
}

/**
 * Reads and saves labour standards. Reading needs planning.read over the property, saving
 * planning.approve over it (a standard drives every forecast of the property, so it is a
 * controller's decision); both answer 404 for a property the tenant does not have.
 */
export class LabourStandards {
  constructor(
    private readonly platform: Pick<Platform, 'store' | 'cipher' | 'outbox'>,
    private readonly directory: PropertyDirectory,
  ) {}

  private items(tenantId: string) {
    return this.platform.store.collection<LabourStandardsItem>('planning', tenantId);
  }

  private async assertProperty(principal: Principal, propertyId: string, permission: Permission): Promise<void> {
    const property = await this.directory.property(principal.tenantId, propertyId);
    if (!property) throw notFound('property');
    authorize(principal, permission, { tenantId: principal.tenantId, propertyId, kind: 'property' });
  }

  /** The stored item, without a permission check (the forecast's read, after its own check). */
  async stored(tenantId: string, propertyId: string): Promise<LabourStandardsItem | undefined> {
    const item = await this.items(tenantId).read(labourStandardsId(propertyId));
    return item?.type === 'labourStandards' ? item : undefined;
  }

  async get(principal: Principal, propertyId: string): Promise<{ view: LabourStandardsView; etag: string | undefined }> {
    await this.assertProperty(principal, propertyId, 'planning.read');
    const item = await this.stored(principal.tenantId, propertyId);
    return { view: viewOf(propertyId, item), etag: item ? etagOf(item) : undefined };
  }

  /**
   * Replaces the setting. With If-Match, only over the version read (412 otherwise; an If-Match
   * other than `*` before the first save is a 412 too: the client believed in a version that isn't).
   */
  async put(principal: Principal, propertyId: string, input: LabourStandardsInput, ifMatch: string | undefined, meta: RequestMeta): Promise<{ view: LabourStandardsView; etag: string | undefined }> {
    const tenantId = principal.tenantId;
    await this.assertProperty(principal, propertyId, 'planning.approve');
    const known = new Set((await this.directory.departments(tenantId, propertyId)).map((d) => d.id));
    const unknown = Object.keys(input.fixedHours).filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw badRequest('Fixed hours can only be set for departments of this property.', unknown.map((id) => ({ field: `body.fixedHours.${id}`, message: `no department '${id}' in this property` })));
    }
    const current = await this.stored(tenantId, propertyId);
    if (!current && ifMatch && ifMatch !== '*') throw preconditionFailed();
    const etag = current ? checkIfMatch(ifMatch, current) : undefined;
    const fixedHours = Object.fromEntries(Object.entries(input.fixedHours).sort(([a], [b]) => a.localeCompare(b)));
    const next: LabourStandardsItem = {
      ...(current ?? {}),
      id: labourStandardsId(propertyId),
      tenantId,
      type: 'labourStandards',
      propertyId,
      fixedHours,
      updatedAt: new Date().toISOString(),
      updatedBy: principal.userId,
    };
    const changes: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const id of new Set([...Object.keys(current?.fixedHours ?? {}), ...Object.keys(fixedHours)])) {
      const before = current?.fixedHours[id];
      const after = fixedHours[id];
      if (JSON.stringify(before) !== JSON.stringify(after)) changes[`fixedHours.${id}`] = { ...(before ? { before } : {}), ...(after ? { after } : {}) };
    }
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor: actorOf(principal),
      action: 'planning.labour_standards_changed',
      target: { type: 'property', id: propertyId },
      changes,
      ...meta,
    });
    try {
      const saved = await this.platform.outbox.commit('planning', current ? 'replace' : 'create', next, [event], etag);
      return { view: viewOf(propertyId, saved), etag: etagOf(saved) };
    } catch (err) {
      // Two first saves raced: the loser's belief (no setting yet) is stale, as with a changed ETag.
      if (isStoreError(err, 'conflict')) throw preconditionFailed();
      throw err;
    }
  }
}
