import type { Platform } from '../platform/platform.js';
import { ProblemError, unauthorized } from '../http/problem.js';
import type { PendingMessage } from '../platform/outbox/outbox.js';
import { kindOf, sourceTypesOf, type ImportItem, type IntegrationItem } from './model.js';
import type { SourceType } from './formats/index.js';
import type { CanonicalBatch } from '../connectors/connector.js';
import { mapLimit } from '../platform/concurrency.js';
import { importIdFor, type RawStore } from './raw-store.js';
import { secretsValidAt, type IntegrationService } from './service.js';
import { verifyWebhook, WebhookVerificationError } from './signature.js';

export interface ImportMessage {
  tenantId: string;
  integrationId: string;
  importId: string;
  /** The import's property (its partition); messages queued before it was recorded lack it. */
  propertyId?: string;
  /** Which processing run this message asks for: 1 at receipt, then one more per replay. */
  run: number;
}

export function importMessage(body: ImportMessage, correlationId?: string): PendingMessage {
  const m: PendingMessage = {
    queue: 'imports',
    messageId: body.run === 1 ? body.importId : `${body.importId}:run${body.run}`,
    subject: 'import',
    body: { ...body },
  };
  if (correlationId) m.correlationId = correlationId;
  return m;
}

export interface Delivery {
  integrationId: string;
  headers: { get(name: string): string | null };
  body: Buffer;
  correlationId?: string;
}

const rejected = () => unauthorized('The webhook signature is missing, invalid or stale.');

/**
 * Receives a signed delivery. The signature is checked before anything is stored; the tenant comes
 * from the integration (through the platform index), never from the body. The body is stored
 * sealed and the import record and its queue message are one outbox write (grouped with the other
 * receipts of the same turn), so a delivery is either fully accepted (and will be processed) or not
 * at all. A redelivery with the same webhook-id maps to the same import and is not queued again.
 */
export async function receiveDelivery(platform: Platform, integrations: IntegrationService, raw: RawStore, d: Delivery): Promise<{ importId: string; duplicate: boolean }> {
  const found = await integrations.forWebhook(d.integrationId);
  // Connector integrations have no signing secret: their vendors call the push endpoint.
  if (!found || kindOf(found.item) !== 'webhook') throw rejected();
  const integration = found.item;
  let webhookId: string;
  try {
    webhookId = verifyWebhook({ secrets: secretsValidAt(found), headers: d.headers, body: d.body }).id;
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      platform.log.info('webhook rejected', { integrationId: d.integrationId, reason: err.name });
      throw rejected();
    }
    throw err;
  }
  if (!integration.enabled) throw new ProblemError({ status: 409, title: 'Integration disabled', detail: 'This integration is disabled; enable it to accept deliveries.' });
  return storeImport(platform, raw, integration, { webhookId, sourceType: integration.sourceType, format: integration.format, body: d.body, ...(d.correlationId ? { correlationId: d.correlationId } : {}) });
}

interface Receipt {
  /** The sender's idempotency key: the same key maps to the same import. */
  webhookId: string;
  sourceType: SourceType;
  format: 'json' | 'csv';
  body: Buffer;
  correlationId?: string;
  file?: { id: string; name: string };
}

/**
 * Stores one received body: sealed raw body, import record and queue message in one outbox write
 * (grouped with the other receipts of the same turn). No read first: the create is the duplicate
 * check (a redelivery's create conflicts), and two racing copies end in 'exists' for the later one.
 */
async function storeImport(platform: Platform, raw: RawStore, integration: IntegrationItem, r: Receipt): Promise<{ importId: string; duplicate: boolean }> {
  const tenantId = integration.tenantId;
  const importId = importIdFor(integration.id, r.webhookId);
  const receivedAt = new Date().toISOString();
  const stored = await raw.put(tenantId, importId, r.body);
  const item: ImportItem = {
    id: importId,
    tenantId,
    type: 'import',
    integrationId: integration.id,
    propertyId: integration.propertyId,
    sourceType: r.sourceType,
    format: r.format,
    webhookId: r.webhookId,
    status: 'queued',
    receivedAt,
    bytes: r.body.length,
    run: 1,
    raw: { chunks: stored.chunks, encoding: stored.encoding },
  };
  if (stored.blob) item.raw.blob = stored.blob;
  if (r.file) item.file = r.file;
  if (stored.inline) item.enc = { raw: stored.inline };
  const written = await platform.outbox.createGrouped('imports', item, [importMessage({ tenantId, integrationId: integration.id, propertyId: integration.propertyId, importId, run: 1 }, r.correlationId)]);
  return { importId, duplicate: written === 'exists' };
}

/** Batches of one receipt stored at once: enough to fill a grouped write, few enough to bound memory. */
const BATCH_CONCURRENCY = 8;

export interface BatchReceipt {
  integration: IntegrationItem;
  /**
   * What the batches answer: a run id (integration and window) or a pushed event's key. With the
   * source type and the batch's position it derives each import id, so receiving the same batches
   * again (a redelivered run message, a repeated push) creates no second import.
   */
  runKey: string;
  batches: CanonicalBatch[];
  correlationId?: string;
  /** The received file the batches were read from (file integrations): named on each import. */
  file?: { id: string; name: string };
}

/**
 * Hands a connector's canonical batches to the import pipeline: each non-empty batch becomes an
 * import exactly as a signed canonical webhook of its source type would (sealed body, import record,
 * queue message), so the processor, facts, aggregates and audit are the same whatever the origin.
 * A batch of a source type the integration does not feed is a connector bug: nothing is stored.
 */
export async function receiveBatches(platform: Platform, raw: RawStore, r: BatchReceipt): Promise<{ importIds: string[]; duplicates: number }> {
  const fed = new Set(sourceTypesOf(r.integration));
  const stray = r.batches.find((b) => !fed.has(b.sourceType));
  if (stray) throw new Error(`connector batch of source type '${stray.sourceType}' for an integration that feeds ${[...fed].join(', ')}`);
  const receipts = r.batches.flatMap((b, index) => (b.records.length === 0 ? [] : [{ b, index }]));
  const stored = await mapLimit(receipts, BATCH_CONCURRENCY, ({ b, index }) =>
    storeImport(platform, raw, r.integration, {
      webhookId: `connector:${r.runKey}:${b.sourceType}:${index}`,
      sourceType: b.sourceType,
      format: 'json',
      body: Buffer.from(JSON.stringify({ records: b.records })),
      ...(r.correlationId ? { correlationId: r.correlationId } : {}),
      ...(r.file ? { file: r.file } : {}),
    }),
  );
  return { importIds: stored.map((s) => s.importId), duplicates: stored.filter((s) => s.duplicate).length };
}
