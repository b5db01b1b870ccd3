import type { Platform } from '../platform/platform.js';
import { ProblemError, unauthorized } from '../http/problem.js';
import type { PendingMessage } from '../platform/outbox/outbox.js';
import type { ImportItem } from './model.js';
import { importIdFor, type RawStore } from './raw-store.js';
import { secretsValidAt, type IntegrationService } from './service.js';
import { verifyWebhook, WebhookVerificationError } from './signature.js';

export interface ImportMessage {
  tenantId: string;
  integrationId: string;
  importId: string;
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
  if (!found) throw rejected();
  const integration = found.item;
  const tenantId = integration.tenantId;
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

  const importId = importIdFor(integration.id, webhookId);
  // No read first: the create below is the duplicate check (a redelivery's create conflicts).
  const receivedAt = new Date().toISOString();
  const stored = await raw.put(tenantId, importId, receivedAt, d.body);
  const item: ImportItem = {
    id: importId,
    tenantId,
    type: 'import',
    integrationId: integration.id,
    propertyId: integration.propertyId,
    sourceType: integration.sourceType,
    format: integration.format,
    webhookId,
    status: 'queued',
    receivedAt,
    bytes: d.body.length,
    run: 1,
    raw: { chunks: stored.chunks, encoding: stored.encoding },
  };
  if (stored.inline) item.enc = { raw: stored.inline };
  // Grouped: the receipts of one event-loop turn share one bulk request. Two copies of one delivery
  // that raced end in 'exists' for the later one: the other one's create stands.
  const written = await platform.outbox.createGrouped('imports', item, [importMessage({ tenantId, integrationId: integration.id, importId, run: 1 }, d.correlationId)]);
  if (written === 'exists') return { importId, duplicate: true };
  return { importId, duplicate: false };
}
