import type { Platform } from '../platform/platform.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { Principal } from '../access/principal.js';
import { authorize } from '../access/authorize.js';
import { badRequest, notFound, ProblemError } from '../http/problem.js';
import { checkIfMatch } from '../http/etag.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import type { PropertyDirectory } from '../identity/property-directory.js';
import type { Integrations } from '../integrations/index.js';
import type { IntegrationItem } from '../integrations/model.js';
import { callerOf } from '../integrations/service.js';
import type { UtilityEntry } from '../integrations/formats/utility/record.js';
import { daysOfMonth } from '../reporting/spread.js';
import { pathOf } from './consumption-measures.js';
import type { ConsumptionDay, ConsumptionMonth, ConsumptionSource } from './consumption-source.js';

/**
 * Manual entry of consumption (docs/gogreen.md, "Inputs"): readings typed in by a manager become an
 * import of the `utility` source through the same pipeline as a meter's webhook, into a built-in
 * integration per property, so corrections replace by id and a locked month holds them for approval
 * exactly as it holds a webhook's. Who entered what is the audit event of each entry.
 */

/** The property's manual-entry record: which integration entries go to, and the ETag entries are conditioned on. */
export interface ConsumptionEntryItem extends Item, OutboxCarrier {
  type: 'consumptionEntry';
  propertyId: string;
  integrationId: string;
  /** Entries made: the last one's number names its import (`manual-<n>`). */
  entries: number;
  updatedAt: string;
  updatedBy: string;
}

export const consumptionEntryId = (propertyId: string) => `consumption-entry:${propertyId}`;
export const MANUAL_INTEGRATION_NAME = 'GoGreen manual entry';

export interface EntryReceipt {
  item: ConsumptionEntryItem;
  importId: string;
  integrationId: string;
  entry: number;
  readings: number;
}

export type Granularity = 'day' | 'month';

export interface ConsumptionQuery {
  propertyId: string;
  /** YYYY-MM-DD or YYYY-MM. */
  from: string;
  to: string;
  granularity: Granularity;
}

export type ConsumptionRead = { propertyId: string; granularity: 'day'; from: string; to: string; items: ConsumptionDay[] } | { propertyId: string; granularity: 'month'; from: string; to: string; items: ConsumptionMonth[] };

/** Longest ranges one read may ask for. */
export const MAX_DAYS = 400;
export const MAX_MONTHS = 120;

/** The id a manual reading is stored under: its own, or one per day-or-month, meter and kind of resource, so re-entering the same thing corrects it. */
export function entryRecordId(r: UtilityEntry): string {
  return r.id ?? ['manual', r.date ?? r.period, ...(r.meter ? [r.meter] : []), pathOf(r)].join(':');
}

export class ConsumptionInputs {
  constructor(
    private readonly platform: Platform,
    private readonly directory: PropertyDirectory,
    private readonly integrations: Pick<Integrations, 'service' | 'receiveBatches'>,
    readonly source: ConsumptionSource,
  ) {}

  private entries(tenantId: string, propertyId: string) {
    return this.platform.store.collection<ConsumptionEntryItem>('sustainability', tenantId).scoped(propertyId);
  }

  /** A property of the caller's tenant that `permission` covers: 404 for another tenant's or an unknown id, 403 outside the scope. */
  private async property(principal: Principal, permission: 'sustainability.read' | 'sustainability.manage', propertyId: string): Promise<void> {
    if (!(await this.directory.property(principal.tenantId, propertyId))) throw notFound('property');
    authorize(principal, permission, { tenantId: principal.tenantId, propertyId, kind: 'property' });
  }

  /**
   * The property's manual-entry integration, created (audited as the caller's) on first use or after
   * it was deleted. Created disabled: it takes no deliveries of its own (a signed webhook to it is
   * refused) and is never reported late, since nobody promised a daily entry; entries reach the
   * pipeline through receiveBatches, which a disabled integration does not stop.
   */
  private async integration(principal: Principal, propertyId: string, entry: ConsumptionEntryItem | undefined, meta: RequestMeta): Promise<IntegrationItem> {
    if (entry) {
      try {
        return await this.integrations.service.get(principal.tenantId, entry.integrationId);
      } catch (err) {
        if (!(err instanceof ProblemError) || err.status !== 404) throw err;
      }
    }
    const created = await this.integrations.service.createAs(
      callerOf(principal),
      { propertyId, sourceType: 'utility', name: MANUAL_INTEGRATION_NAME, format: 'json', mappings: { departments: {}, accounts: {} }, enabled: false, acceptance: 'all-or-nothing' },
      meta,
    );
    return created.item;
  }

  /**
   * Enters readings for a property: the entry is recorded and audited first (conditioned on
   * If-Match, so two managers entering at once do not both pass a stale precondition), then its
   * readings are handed to the import pipeline as one `utility` batch named after the entry.
   */
  async enter(principal: Principal, propertyId: string, readings: readonly UtilityEntry[], ifMatch: string | undefined, meta: RequestMeta): Promise<EntryReceipt> {
    await this.property(principal, 'sustainability.manage', propertyId);
    return this.record(principal, propertyId, readings, ifMatch, meta);
  }

  /**
   * The readings of an approved consumption version of the planning upload centre (its port
   * ConsumptionImport), entered as the approver: the approval was the permission check
   * (planning.approve on the property), so it is not checked again here. `withdrawn`: the superseded
   * version's readings; those this version does not give again are deleted (a blank cell of the
   * version in force is "no reading").
   */
  async importReadings(principal: Principal, propertyId: string, readings: readonly UtilityEntry[], meta: RequestMeta & { versionId: string }, withdrawn: readonly UtilityEntry[] = []): Promise<EntryReceipt> {
    return this.record(principal, propertyId, readings, undefined, meta, withdrawn);
  }

  private async record(principal: Principal, propertyId: string, readings: readonly UtilityEntry[], ifMatch: string | undefined, meta: RequestMeta & { versionId?: string }, withdrawn: readonly UtilityEntry[] = []): Promise<EntryReceipt> {
    const { versionId, ...request } = meta;
    const current = await this.entries(principal.tenantId, propertyId).read(consumptionEntryId(propertyId));
    const before = current?.type === 'consumptionEntry' ? current : undefined;
    const etag = checkIfMatch(ifMatch, before ?? {});
    const integration = await this.integration(principal, propertyId, before, request);
    const entry = (before?.entries ?? 0) + 1;
    const records = readings.map((r) => ({ ...r, id: entryRecordId(r) }));
    const kept = new Set(records.map((r) => r.id));
    const deletions = [...new Set(withdrawn.map(entryRecordId))].filter((id) => !kept.has(id)).map((id) => ({ id, deleted: true as const }));
    const now = new Date().toISOString();
    const next: ConsumptionEntryItem = {
      id: consumptionEntryId(propertyId),
      tenantId: principal.tenantId,
      type: 'consumptionEntry',
      propertyId,
      integrationId: integration.id,
      entries: entry,
      updatedAt: now,
      updatedBy: principal.userId,
    };
    const event = await auditEvent(this.platform.cipher, {
      tenantId: principal.tenantId,
      actor: actorOf(principal),
      action: 'sustainability.consumption_entered',
      target: { type: 'property', id: propertyId },
      details: { integrationId: integration.id, entry, readings: records.length, periods: [...new Set(records.map((r) => (r.date ?? r.period) as string))].sort().join(','), ...(versionId ? { planningVersion: versionId } : {}), ...(deletions.length > 0 ? { withdrawn: deletions.length } : {}) },
      ...request,
    });
    const written = await this.platform.outbox.commit('sustainability', before ? 'replace' : 'create', before ? { ...before, ...next } : next, [event], before ? etag : undefined);
    const { importIds } = await this.integrations.receiveBatches({
      integration,
      runKey: `manual-${entry}`,
      batches: [{ sourceType: 'utility', records: [...records, ...deletions] }],
      ...(meta.correlationId ? { correlationId: meta.correlationId } : {}),
    });
    return { item: written, importId: importIds[0] as string, integrationId: integration.id, entry, readings: records.length };
  }

  /** Recorded consumption of a property per day or month (sustainability.read over the property). */
  async read(principal: Principal, q: ConsumptionQuery): Promise<ConsumptionRead> {
    await this.property(principal, 'sustainability.read', q.propertyId);
    if (q.granularity === 'month') {
      const [from, to] = [q.from.slice(0, 7), q.to.slice(0, 7)];
      if (from > to) throw badRequest('The range is empty.', [{ field: 'query.to', message: 'must not be before from' }]);
      const count = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5)) + 1;
      if (count > MAX_MONTHS) throw badRequest('The range is too long.', [{ field: 'query.to', message: `at most ${MAX_MONTHS} months` }]);
      return { propertyId: q.propertyId, granularity: 'month', from, to, items: await this.source.months(principal.tenantId, q.propertyId, from, to) };
    }
    const from = q.from.length === 7 ? `${q.from}-01` : q.from;
    const to = q.to.length === 7 ? (daysOfMonth(q.to).at(-1) as string) : q.to;
    if (from > to) throw badRequest('The range is empty.', [{ field: 'query.to', message: 'must not be before from' }]);
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_DAYS) throw badRequest('The range is too long.', [{ field: 'query.to', message: `at most ${MAX_DAYS} days` }]);
    return { propertyId: q.propertyId, granularity: 'day', from, to, items: await this.source.days(principal.tenantId, q.propertyId, from, to) };
  }
}
