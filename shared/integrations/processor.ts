import type { Platform } from '../platform/platform.js';
import { auditEvent } from '../audit/emit.js';
import { isStoreError, StoreError } from '../platform/cosmos/errors.js';
import type { TenantCollection } from '../platform/cosmos/store.js';
import { DecryptionError } from '../platform/crypto/errors.js';
import type { Log } from '../platform/log.js';
import { FactStore } from './facts.js';
import type { PeriodGate } from './period-gate.js';
import { FORMATS } from './formats/index.js';
import type { ImportCounts, ImportItem, ImportStatus, IntegrationItem } from './model.js';
import type { IntegrationMappings } from './measures.js';
import { normalise, type FactDraft } from './normalise.js';
import { failedRecordCount, parseBatch, type RecordError } from './parse.js';
import { localDateHour, type PropertyDirectory } from './properties.js';
import { RawBodyMissing, type RawStore } from './raw-store.js';
import type { ImportMessage } from './receiver.js';
import { integrationCollection } from './service.js';

/** Import records keep the first errors; the count says how many there were. */
const MAX_STORED_ERRORS = 1000;

export interface Outcome {
  status: ImportStatus;
  counts?: ImportCounts;
  errors?: RecordError[];
  errorCount?: number;
  failure?: { reason: string; detail: string };
  touchedDates?: string[];
}

const ACTIONS: Record<Exclude<ImportStatus, 'queued'>, string> = {
  accepted: 'import.completed',
  partial: 'import.completed',
  rejected: 'import.rejected',
  failed: 'import.failed',
};

/**
 * Processes one import: parse and validate the stored body, normalise to facts, write them, then
 * recompute the aggregates of every touched day. Idempotent: a redelivered message finds unchanged
 * facts (nothing written) or a finished run (nothing done). Store outages throw (the message is
 * redelivered); problems no retry can fix end the import as `failed` here.
 */
/**
 * The partition of the import a message names: the property it carries, or — for messages queued
 * before messages named it — its integration's (undefined when that is gone).
 */
export async function importsOf(platform: Pick<Platform, 'store'>, message: Pick<ImportMessage, 'tenantId' | 'integrationId' | 'propertyId'>): Promise<TenantCollection<ImportItem> | undefined> {
  const imports = platform.store.collection<ImportItem>('imports', message.tenantId);
  if (message.propertyId) return imports.scoped(message.propertyId);
  const integration = await integrationCollection(platform, message.tenantId).read(message.integrationId);
  return integration?.type === 'integration' ? imports.scoped(integration.propertyId) : undefined;
}

export class ImportProcessor {
  readonly facts: FactStore;

  constructor(
    private readonly platform: Platform,
    private readonly raw: RawStore,
    private readonly properties: PropertyDirectory,
    /** Holds changes to locked months for approval (planning); without one everything is written. */
    private readonly gate?: PeriodGate,
  ) {
    this.facts = new FactStore(platform.store, platform.cipher, platform.config.IMPORT_WRITE_CONCURRENCY);
  }

  async process(message: ImportMessage, log: Log): Promise<ImportStatus | 'skipped'> {
    const imports = await importsOf(this.platform, message);
    const item = await imports?.read(message.importId);
    if (!item || item.type !== 'import' || item.integrationId !== message.integrationId) {
      log.warn('import message names no import; dropped', { importId: message.importId });
      return 'skipped';
    }
    if ((item.processedRun ?? 0) >= message.run) return 'skipped';
    const startedAt = new Date();
    const integration = await integrationCollection(this.platform, message.tenantId).read(message.integrationId);
    if (!integration || integration.type !== 'integration') {
      return this.finish(item, message.run, startedAt, { status: 'failed', failure: { reason: 'integrationDeleted', detail: 'the integration was deleted before the import ran' } });
    }
    let body: Buffer;
    try {
      body = await this.raw.get(item);
    } catch (err) {
      if (err instanceof RawBodyMissing || err instanceof DecryptionError) {
        return this.finish(item, message.run, startedAt, { status: 'failed', failure: { reason: 'rawBodyUnavailable', detail: err.message } });
      }
      throw err;
    }
    const outcome = await this.run(item, integration, body, message.run);
    return this.finish(item, message.run, startedAt, outcome);
  }

  /** The mapping in force: explicit codes first, then the property's own department codes. */
  private async mappings(integration: IntegrationItem): Promise<IntegrationMappings> {
    const departments: Record<string, string> = {};
    for (const d of await this.properties.departments(integration.tenantId, integration.propertyId)) departments[d.code] = d.id;
    return { departments: { ...departments, ...integration.mappings.departments }, accounts: integration.mappings.accounts };
  }

  private async run(item: ImportItem, integration: IntegrationItem, body: Buffer, run: number): Promise<Outcome> {
    // The import's own source type and format: a connector integration feeds several source types.
    const format = FORMATS[item.sourceType];
    const parsed = parseBatch(format, item.format, body);
    const counts: ImportCounts = { records: parsed.total, accepted: 0, rejected: 0, upserted: 0, unchanged: 0, deleted: 0, aggregatesWritten: 0, storeWrites: 0 };
    if (parsed.fatal) {
      return { status: 'rejected', counts: { ...counts, rejected: parsed.total }, errors: [parsed.fatal], errorCount: 1 };
    }
    const property = await this.properties.property(item.tenantId, integration.propertyId);
    const receivedDate = localDateHour(new Date(item.receivedAt), property?.timezone ?? 'UTC').date;
    const normalised = await normalise(
      format,
      {
        tenantId: item.tenantId,
        propertyId: integration.propertyId,
        integrationId: integration.id,
        importId: item.id,
        mappings: await this.mappings(integration),
        receivedDate,
        timeZone: property?.timezone ?? 'UTC',
        now: item.receivedAt,
      },
      parsed.records,
      this.platform,
    );
    const errors = [...parsed.errors, ...normalised.errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (a.path ?? '').localeCompare(b.path ?? '', 'en', { numeric: true }));
    const failed = failedRecordCount(errors);
    counts.rejected = failed;
    const errorFields = { errors: errors.slice(0, MAX_STORED_ERRORS), errorCount: errors.length };
    if (failed > 0 && (integration.acceptance === 'all-or-nothing' || normalised.accepted === 0)) {
      return { status: 'rejected', counts, ...errorFields };
    }
    counts.accepted = normalised.accepted;
    let upserts: FactDraft[] = normalised.upserts;
    let deletions = normalised.deletions;
    if (this.gate) {
      const gated = await this.gate.split({
        tenantId: item.tenantId,
        propertyId: item.propertyId,
        integrationId: integration.id,
        importId: item.id,
        run,
        sourceType: item.sourceType,
        upserts,
        deletions,
        labourCost: (f) => this.facts.labourCost(f),
      });
      ({ upserts, deletions } = gated);
      if (gated.held > 0) {
        counts.held = gated.held;
        if (gated.adjustmentId) counts.adjustmentId = gated.adjustmentId;
      }
    }
    const applied = await this.facts.apply(item.tenantId, item.propertyId, upserts, deletions, item.id);
    counts.upserted = applied.upserted;
    counts.unchanged = applied.unchanged;
    counts.deleted = applied.deleted;
    counts.storeWrites = applied.writes;
    const recomputed = await this.facts.recompute(item.tenantId, applied.days);
    counts.aggregatesWritten = recomputed.written;
    counts.storeWrites += recomputed.writes;
    const touchedDates = [...new Set([...applied.days.keys()].map((k) => k.split('|')[1] as string))];
    return { status: failed > 0 ? 'partial' : 'accepted', counts, ...errorFields, touchedDates: touchedDates.sort() };
  }

  /** Records the outcome and its audit event in one outbox commit. */
  async finish(item: ImportItem, run: number, startedAt: Date, outcome: Outcome): Promise<ImportStatus> {
    const completedAt = new Date();
    const details: Record<string, string | number | boolean | null> = { status: outcome.status, run, integrationId: item.integrationId, sourceType: item.sourceType };
    if (outcome.counts) {
      details.records = outcome.counts.records;
      details.accepted = outcome.counts.accepted;
      details.rejected = outcome.counts.rejected;
      details.upserted = outcome.counts.upserted;
      details.deleted = outcome.counts.deleted;
    }
    if (outcome.failure) details.reason = outcome.failure.reason;
    const event = await auditEvent(this.platform.cipher, {
      id: `${item.id}:run${run}:outcome`,
      tenantId: item.tenantId,
      actor: { type: 'integration', id: item.integrationId },
      action: ACTIONS[outcome.status as Exclude<ImportStatus, 'queued'>],
      target: { type: 'import', id: item.id },
      outcome: outcome.status === 'accepted' || outcome.status === 'partial' ? 'success' : 'failure',
      details,
    });
    const imports = this.platform.store.collection<ImportItem>('imports', item.tenantId).for(item);
    let current: ImportItem | undefined = item;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      // A replay requested while this run worked leaves the record to the newer run.
      if (current.run > run || (current.processedRun ?? 0) >= run) return outcome.status;
      const next: ImportItem = { ...current, status: outcome.status, processedRun: run, startedAt: startedAt.toISOString(), completedAt: completedAt.toISOString(), processingMs: completedAt.getTime() - startedAt.getTime() };
      delete next.counts;
      delete next.errors;
      delete next.errorCount;
      delete next.failure;
      delete next.touchedDates;
      if (outcome.counts) next.counts = outcome.counts;
      if (outcome.errors) next.errors = outcome.errors;
      if (outcome.errorCount !== undefined) next.errorCount = outcome.errorCount;
      if (outcome.failure) next.failure = outcome.failure;
      if (outcome.touchedDates) next.touchedDates = outcome.touchedDates;
      try {
        await this.platform.outbox.commit('imports', 'replace', next, [event], current._etag);
        return outcome.status;
      } catch (err) {
        // The receipt's outbox clean-up (or a replay) changed the record since it was read: re-read.
        if (!isStoreError(err, 'precondition_failed')) throw err;
        current = await imports.read(item.id);
      }
    }
    throw new StoreError('unavailable', 'the import record kept changing while its outcome was recorded');
  }
}
