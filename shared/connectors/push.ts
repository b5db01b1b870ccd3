import { createHash } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import { ProblemError, unauthorized } from '../http/problem.js';
import { kindOf } from '../integrations/model.js';
import { localDateHour, safeTimeZone, type PropertyDirectory } from '../integrations/properties.js';
import type { RawStore } from '../integrations/raw-store.js';
import { receiveBatches } from '../integrations/receiver.js';
import type { IntegrationService } from '../integrations/service.js';
import type { PushRequest } from './connector.js';
import { VendorError } from './http/vendor-error.js';
import type { VendorHttpOptions } from './http/vendor-http.js';
import { openConnectorItem, vendorHttpFor } from './integration-context.js';

export interface PushCall extends PushRequest {
  connectorId: string;
  integrationId: string;
  correlationId?: string;
}

export interface PushDeps {
  integrations: IntegrationService;
  properties: PropertyDirectory;
  raw: RawStore;
  /** Options of the vendor HTTP client used to fetch pushed entities back (tests inject a clock). */
  vendorHttp?: Omit<VendorHttpOptions, 'vendor' | 'circuitKey' | 'tokenRequest'>;
}

const rejected = () => unauthorized('The push is not authenticated for this integration.');

/**
 * The vendor waits on our answer while we fetch what its event names, and redelivers a webhook that
 * failed (a missed one is caught by the integration's pull anyway): a short budget, not a run's.
 */
const PUSH_HTTP: NonNullable<PushDeps['vendorHttp']> = { timeoutMs: 10_000, retry: { maxAttempts: 2, maxRetryAfterMs: 5_000 } };

/**
 * Receives a vendor's own webhook call for a vendor-push integration. The tenant comes from the
 * integration (platform index), never from the request; the connector's `push.authenticate` decides
 * (unknown integrations, other connectors' or other kinds' integrations and failed checks all answer
 * the same 401, so the endpoint tells nothing about what exists). The connector then fetches what the
 * event names and maps it; the batches go to the import pipeline under a key derived from the
 * records they carry, so a repeated event that finds the vendor unchanged creates no second import.
 */
export async function receivePush(platform: Platform, deps: PushDeps, call: PushCall): Promise<{ importIds: string[]; healthCheck: boolean }> {
  const found = await deps.integrations.forWebhook(call.integrationId);
  const integration = found?.item;
  if (!integration || kindOf(integration) !== 'vendor-push' || integration.connector !== call.connectorId) throw rejected();
  const opened = await openConnectorItem(platform, integration).catch((err: unknown) => {
    // Credentials that can no longer be read cannot authenticate anything.
    if (err instanceof ProblemError && err.status === 409) throw rejected();
    throw err;
  });
  const push = opened.connector.push;
  const request: PushRequest = { headers: call.headers, query: call.query, body: call.body };
  if (!push || !push.authenticate(request, opened.credentials)) {
    platform.log.info('vendor push rejected', { integrationId: call.integrationId, connector: call.connectorId });
    throw rejected();
  }
  if (!integration.enabled) throw new ProblemError({ status: 409, title: 'Integration disabled', detail: 'This integration is disabled; enable it to accept pushes.' });
  const timeZone = safeTimeZone((await deps.properties.property(integration.tenantId, integration.propertyId))?.timezone);
  const ctx = { settings: opened.settings, credentials: opened.credentials, http: vendorHttpFor(opened, deps.vendorHttp ?? PUSH_HTTP), timeZone, today: localDateHour(new Date(), timeZone).date };
  let result;
  try {
    result = await push.handle(ctx, request);
  } catch (err) {
    // The vendor answered badly while we fetched what the event names: its sanitised reason only.
    if (err instanceof VendorError) throw new ProblemError({ status: 502, title: 'Vendor unavailable', detail: err.message });
    throw err;
  }
  if (result.healthCheck) return { importIds: [], healthCheck: true };
  // Keyed by what the push produced, not by the event: thin events repeat (the same entity id for
  // two changes), so the same body may mean new data; the same records mean nothing new.
  const runKey = 'push:' + createHash('sha256').update(JSON.stringify(result.batches)).digest('base64url');
  const { importIds } = await receiveBatches(platform, deps.raw, { integration, runKey, batches: result.batches, ...(call.correlationId ? { correlationId: call.correlationId } : {}) });
  return { importIds, healthCheck: false };
}
