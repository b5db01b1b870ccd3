import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import { authorize, propertiesCovered } from '../access/authorize.js';
import { conflict, notFound } from '../http/problem.js';
import type { DeadLetters } from '../platform/bus/dead-letters.js';
import type { PropertyDirectory } from '../identity/property-directory.js';
import type { Log } from '../platform/log.js';
import { purgeRawBodies, sweepDeadLetters } from './maintenance.js';
import { dayKey } from './facts.js';
import type { ImportItem, ImportStatus, IntegrationItem } from './model.js';
import { ImportProcessor } from './processor.js';
import { importView, integrationStatus, listImports, type ImportFilter, type ImportView, type IntegrationStatus } from './queries.js';
import { RawStore } from './raw-store.js';
import { importMessage, receiveBatches, receiveDelivery, type BatchReceipt, type Delivery, type ImportMessage } from './receiver.js';
import { receivePush, type PushCall } from '../connectors/push.js';
import { callerOf, integrationsEvent, IntegrationService, type IntegrationInput, type RotatedSecret } from './service.js';
import type { EventActor, RequestMeta } from '../audit/emit.js';
import type { FileContainers } from './files-container.js';
import type { PeriodGate } from './period-gate.js';

export type { ImportMessage } from './receiver.js';
export type { IntegrationView, IntegrationInput, IntegrationPatch } from './service.js';
export { viewOf } from './service.js';

/** The actor of system work (timers, the demo seed): it has no permissions, only a name in the audit trail. */
export type SystemActor = EventActor & { type: 'system' };

/** Source-system integrations: configuration, signed webhooks, import processing, status and upkeep. */
export class Integrations {
  readonly service: IntegrationService;
  readonly raw: RawStore;
  readonly processor: ImportProcessor;

  constructor(
    private readonly platform: Platform,
    properties: PropertyDirectory,
    private readonly deadLetters: DeadLetters | undefined,
    containers?: FileContainers,
    private readonly gate?: PeriodGate,
  ) {
    this.service = new IntegrationService(platform, properties, containers);
    this.raw = new RawStore(platform);
    this.processor = new ImportProcessor(platform, this.raw, this.service.properties, gate);
  }

  /** A signed webhook delivery: verified, stored sealed, queued. */
  receive(delivery: Delivery): Promise<{ importId: string; duplicate: boolean }> {
    return receiveDelivery(this.platform, this.service, this.raw, delivery);
  }

  /** Canonical batches from a connector (a pull run, a vendor push): each an import, ids derived from `runKey`. */
  receiveBatches(receipt: BatchReceipt): Promise<{ importIds: string[]; duplicates: number }> {
    return receiveBatches(this.platform, this.raw, receipt);
  }

  /** A vendor's own webhook call for a vendor-push integration: authenticated by its connector, fetched back, queued. */
  receivePush(call: PushCall): Promise<{ importIds: string[]; healthCheck: boolean }> {
    return receivePush(this.platform, { integrations: this.service, properties: this.service.properties, raw: this.raw }, call);
  }

  /** The `imports` queue handler. */
  process(message: ImportMessage, log: Log): Promise<ImportStatus | 'skipped'> {
    return this.processor.process(message, log);
  }

  /** An integration the principal may see, for `permission` (404 for other tenants' ids). */
  async visible(principal: Principal, integrationId: string, permission: 'imports.read' | 'integrations.manage') {
    const item = await this.service.get(principal.tenantId, integrationId);
    authorize(principal, permission, { tenantId: item.tenantId, propertyId: item.propertyId, kind: 'integration' });
    return item;
  }

  async getImport(principal: Principal, integrationId: string, importId: string): Promise<{ view: ImportView; item: ImportItem }> {
    const integration = await this.visible(principal, integrationId, 'imports.read');
    const item = await this.platform.store.collection<ImportItem>('imports', principal.tenantId).scoped(integration.propertyId).read(importId);
    if (!item || item.type !== 'import' || item.integrationId !== integrationId) throw notFound('import');
    return { view: importView(item), item };
  }

  async listImports(principal: Principal, integrationId: string, filter: ImportFilter) {
    const integration = await this.visible(principal, integrationId, 'imports.read');
    return listImports(this.platform, principal.tenantId, integration, filter);
  }

  async status(principal: Principal, now?: Date): Promise<IntegrationStatus[]> {
    const status = await integrationStatus(this.platform, this.service.properties, principal.tenantId, (ids) => propertiesCovered(principal, 'imports.read', ids), now);
    if (!this.gate || status.length === 0) return status;
    const pending = await this.gate.pendingByIntegration(principal.tenantId, [...new Set(status.map((s) => s.propertyId))]);
    return status.map((s) => ({ ...s, pendingAdjustments: pending.get(s.integrationId) ?? 0 }));
  }

  /** System port (the daily close): the source types of a property's integrations that are late at `now`. */
  async lateSources(tenantId: string, propertyId: string, now: Date): Promise<string[]> {
    const status = await integrationStatus(this.platform, this.service.properties, tenantId, (ids) => ids.filter((id) => id === propertyId), now);
    return status.filter((s) => s.late).map((s) => s.sourceType);
  }

  /** System port (the daily close): a property's days recomputed from the facts they already list. */
  async recompute(tenantId: string, propertyId: string, dates: string[]): Promise<void> {
    await this.processor.facts.recompute(tenantId, new Map(dates.map((date) => [dayKey(propertyId, date), { add: new Set<string>(), remove: new Set<string>() }])));
  }

  /** System port (the local demo seed): every integration of a tenant. */
  integrationsOf(tenantId: string): Promise<IntegrationItem[]> {
    return this.service.list(tenantId);
  }

  /** System port (the local demo seed): creates an integration in `tenantId`, audited as the system `actor`. */
  createAsSystem(tenantId: string, actor: SystemActor, input: IntegrationInput, meta: RequestMeta = {}): Promise<{ item: IntegrationItem; secret: string }> {
    return this.service.createAs({ tenantId, actor }, input, meta);
  }

  /** System port (the local demo seed): a new signing secret for an integration of `tenantId`, audited as the system `actor`. */
  rotateSecretAsSystem(tenantId: string, actor: SystemActor, integrationId: string, meta: RequestMeta = {}): Promise<RotatedSecret> {
    return this.service.rotateSecretAs({ tenantId, actor }, integrationId, meta);
  }

  /** System port (the local demo seed): the status of an import, undefined when there is none. */
  async importStatus(tenantId: string, integrationId: string, importId: string): Promise<ImportStatus | undefined> {
    const integration = await this.service.get(tenantId, integrationId);
    const item = await this.platform.store.collection<ImportItem>('imports', tenantId).scoped(integration.propertyId).read(importId);
    return item?.type === 'import' ? item.status : undefined;
  }

  /** Re-runs an import from its stored raw body (after a mapping fix, say): a new run of the same import. */
  async replay(principal: Principal, integrationId: string, importId: string, meta: RequestMeta = {}): Promise<{ importId: string; run: number }> {
    await this.visible(principal, integrationId, 'integrations.manage');
    const { item } = await this.getImport(principal, integrationId, importId);
    if (item.raw.purgedAt) throw conflict('The raw body of this import was purged by retention; it can no longer be replayed.');
    const run = item.run + 1;
    const next: ImportItem = { ...item, run, status: 'queued' };
    const event = await integrationsEvent(this.platform.cipher, callerOf(principal), meta, { action: 'import.replayed', target: { type: 'import', id: importId }, details: { integrationId, run } });
    await this.platform.outbox.commit('imports', 'replace', next, [importMessage({ tenantId: principal.tenantId, integrationId, propertyId: item.propertyId, importId, run }, meta.correlationId), event], item._etag);
    return { importId, run };
  }

  /** Timer: dead-lettered import messages become failed imports. */
  async sweepDeadLetters(): Promise<number> {
    if (!this.deadLetters) return 0;
    return sweepDeadLetters(this.platform, this.deadLetters, this.processor);
  }

  /** Timer: raw bodies past retention are deleted. */
  purgeRawBodies(): Promise<number> {
    return purgeRawBodies(this.platform, this.raw, this.platform.config.IMPORT_RAW_RETENTION_DAYS);
  }
}

/**
 * Builds the integrations area on identity's property directory; dead-lettered imports are swept
 * through the app's dead-letter port.
 */
export function createIntegrations(platform: Platform, options: { properties: PropertyDirectory; deadLetters?: DeadLetters | undefined; containers?: FileContainers; gate?: PeriodGate }): Integrations {
  return new Integrations(platform, options.properties, options.deadLetters, options.containers, options.gate);
}
