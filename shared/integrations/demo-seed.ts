import { createHash } from 'node:crypto';
import { demoAccounts, demoBatches, type DemoBatch } from './demo-data.js';
import { SOURCE_TYPES, type SourceType } from './formats/index.js';
import { signWebhook } from './signature.js';
import { mapLimit } from '../platform/concurrency.js';

/**
 * Sends the demo year through the public API exactly as source systems would: integrations are
 * created (or their secret rotated) with an admin token, then every batch is POSTed to the
 * integration's webhook, signed. Re-running on the same day sends the same webhook-ids, which map
 * to the same imports: nothing is imported twice.
 */

/** Lists the tenant's properties and departments and provides one integration (id + known secret) per source type. */
export interface SeedDirectory {
  properties(): Promise<Property[]>;
  departments(propertyId: string): Promise<Department[]>;
  integrations(property: Property, departments: Department[]): Promise<Map<SourceType, { id: string; secret: string }>>;
}

export interface SeedOptions {
  /** Where the webhooks are sent: the real endpoint, signed. */
  baseUrl: string;
  directory: SeedDirectory;
  today?: string;
  historyDays?: number;
  aheadDays?: number;
  concurrency?: number;
  log?: (line: string) => void;
  /** Called after each delivery with how many of all planned deliveries were sent (a progress line). */
  progress?: (sent: number, planned: number) => void;
  /** The status of an import (the seed waits until none is queued). */
  outcome: (integrationId: string, importId: string) => Promise<string>;
}

/** Import status through the API. */
export function apiOutcome(baseUrl: string, token: string): SeedOptions['outcome'] {
  return async (integrationId, importId) => (await api<{ status: string }>({ baseUrl, token }, 'GET', `/api/v1/integrations/${integrationId}/imports/${importId}`)).status;
}

export interface SeedSummary {
  batches: number;
  records: number;
  imports: Record<string, number>;
}

export interface Property {
  id: string;
  name: string;
  roomsAvailable: number;
}

export interface Department {
  id: string;
  code: string;
  usaliDepartment: string;
}

interface ApiTarget {
  baseUrl: string;
  token: string;
}

async function api<T>(o: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${o.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${o.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const demoName = (type: SourceType) => `Demo ${type.toUpperCase()} feed`;

/** How the demo seed's deliveries identify themselves (the local host logs them only at debug level). */
export const DEMO_SEED_USER_AGENT = 'pmi-demo-seed/1';

/** An integration per source type for the property, with a secret we know (created, or rotated if it exists). */
async function integrationsFor(o: ApiTarget, property: Property, departments: Department[]): Promise<Map<SourceType, { id: string; secret: string }>> {
  const existing = (await api<{ items: Array<{ id: string; propertyId: string; sourceType: SourceType; name: string }> }>(o, 'GET', '/api/v1/integrations')).items;
  const out = new Map<SourceType, { id: string; secret: string }>();
  for (const type of SOURCE_TYPES) {
    const found = existing.find((i) => i.propertyId === property.id && i.sourceType === type && i.name === demoName(type));
    if (found) {
      const rotated = await api<{ secret: string }>(o, 'POST', `/api/v1/integrations/${found.id}/rotate-secret`);
      out.set(type, { id: found.id, secret: rotated.secret });
      continue;
    }
    const created = await api<{ id: string; secret: string }>(o, 'POST', '/api/v1/integrations', {
      propertyId: property.id,
      sourceType: type,
      name: demoName(type),
      format: 'json',
      // Department codes of the demo data are the property's own codes (matched without a mapping).
      mappings: { departments: {}, accounts: type === 'ams' ? demoAccounts(departments) : {} },
    });
    out.set(type, { id: created.id, secret: created.secret });
  }
  return out;
}

/** The directory through the API, as an admin (the token comes from a normal login). */
export function apiDirectory(baseUrl: string, token: string): SeedDirectory {
  const o = { baseUrl, token };
  return {
    properties: async () => (await api<{ items: Property[] }>(o, 'GET', '/api/v1/properties')).items,
    departments: async (propertyId) => (await api<{ items: Department[] }>(o, 'GET', `/api/v1/properties/${propertyId}/departments`)).items,
    integrations: (property, departments) => integrationsFor(o, property, departments),
  };
}

/** Bodies stay well under the webhook limit: big monthly batches go in parts. */
function parts(batch: DemoBatch, size = 2000): DemoBatch[] {
  const out: DemoBatch[] = [];
  for (let i = 0; i < batch.records.length; i += size) out.push({ ...batch, records: batch.records.slice(i, i + size) });
  return out;
}

export async function seedDemoData(o: SeedOptions): Promise<SeedSummary> {
  const log = o.log ?? (() => undefined);
  const today = o.today ?? new Date().toISOString().slice(0, 10);
  const properties = await o.directory.properties();
  if (properties.length === 0) throw new Error('the tenant has no properties to seed');
  const summary: SeedSummary = { batches: 0, records: 0, imports: {} };
  const sent: Array<{ integrationId: string; importId: string }> = [];
  const outcome = o.outcome;
  // Every property's batches are planned first, so progress can count against the whole import.
  const plans = [];
  for (const property of properties) {
    const departments = await o.directory.departments(property.id);
    const integrations = await o.directory.integrations(property, departments);
    const batches = demoBatches(
      { key: property.id, roomsAvailable: property.roomsAvailable, departments },
      { today, ...(o.historyDays ? { historyDays: o.historyDays } : {}), ...(o.aheadDays ? { aheadDays: o.aheadDays } : {}) },
    ).flatMap((b) => parts(b));
    log(`${property.name}: ${batches.length} batches, ${batches.reduce((n, b) => n + b.records.length, 0)} records`);
    plans.push({ property, integrations, batches });
  }
  const planned = plans.reduce((n, p) => n + p.batches.length, 0);
  for (const { property, integrations, batches } of plans) {
    await mapLimit(batches, o.concurrency ?? 4, async (batch, i) => {
      const integration = integrations.get(batch.sourceType) as { id: string; secret: string };
      const body = JSON.stringify({ records: batch.records });
      const webhookId = 'seed_' + createHash('sha256').update(`${today}|${property.id}|${batch.label}|${i}`).digest('base64url').slice(0, 24);
      const res = await fetch(`${o.baseUrl}/api/v1/integrations/${integration.id}/webhook`, {
        method: 'POST',
        headers: { ...signWebhook(integration.secret, webhookId, new Date(), body), 'content-type': 'application/json', 'user-agent': DEMO_SEED_USER_AGENT },
        body,
      });
      if (res.status !== 202) throw new Error(`webhook ${batch.label}: HTTP ${res.status} ${await res.text()}`);
      sent.push({ integrationId: integration.id, importId: ((await res.json()) as { importId: string }).importId });
      summary.batches += 1;
      summary.records += batch.records.length;
      o.progress?.(summary.batches, planned);
    });
  }
  // Wait until every import has an outcome.
  const deadline = Date.now() + 30 * 60_000;
  for (const s of sent) {
    for (;;) {
      const status = await outcome(s.integrationId, s.importId);
      if (status !== 'queued') {
        summary.imports[status] = (summary.imports[status] ?? 0) + 1;
        break;
      }
      if (Date.now() > deadline) throw new Error('imports are still queued after 30 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return summary;
}
