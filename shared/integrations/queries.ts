import type { Platform } from '../platform/platform.js';
import { TENANT_SCOPE } from '../platform/topology.js';
import { decodeContinuation, encodeContinuation } from '../http/pagination.js';
import type { ImportItem, ImportStatus, IntegrationItem } from './model.js';
import { localDateHour, safeTimeZone, type PropertyDirectory } from './properties.js';

/** What an import looks like to API clients (no sealed body, no outbox state). */
export type ImportView = Omit<ImportItem, 'enc' | 'pendingMessages' | '_etag' | '_ts' | 'tenantId' | 'type'>;

const SUMMARY_FIELDS = [
  'id',
  'integrationId',
  'propertyId',
  'sourceType',
  'format',
  'webhookId',
  'status',
  'receivedAt',
  'bytes',
  'run',
  'processedRun',
  'counts',
  'errorCount',
  'failure',
  'startedAt',
  'completedAt',
  'processingMs',
  'raw',
  'file',
];

export function importView(item: ImportItem): ImportView {
  const { enc: _enc, pendingMessages: _p, _etag, _ts, tenantId: _t, type: _ty, ...rest } = item;
  return rest;
}

export interface ImportFilter {
  status?: ImportStatus;
  from?: string;
  to?: string;
  limit: number;
  continuation?: string;
}

export async function listImports(platform: Platform, tenantId: string, integration: { id: string; propertyId: string }, f: ImportFilter): Promise<{ items: ImportView[]; continuation?: string }> {
  const integrationId = integration.id;
  const scope = { tenantId, integrationId, status: f.status, from: f.from, to: f.to };
  const conditions = ["c.type = 'import'", 'c.integrationId = @integrationId'];
  const params: Record<string, string> = { integrationId };
  if (f.status) {
    conditions.push('c.status = @status');
    params.status = f.status;
  }
  if (f.from) {
    conditions.push('c.receivedAt >= @from');
    params.from = f.from;
  }
  if (f.to) {
    conditions.push('c.receivedAt < @to');
    params.to = f.to;
  }
  const page = await platform.store.collection<ImportItem>('imports', tenantId).scoped(integration.propertyId).page<ImportItem>(
    `SELECT ${SUMMARY_FIELDS.map((k) => `c.${k}`).join(', ')} FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.receivedAt DESC`,
    params,
    { pageSize: f.limit, ...(f.continuation ? { continuation: decodeContinuation(f.continuation, scope) as string } : {}) },
  );
  const out: { items: ImportView[]; continuation?: string } = { items: page.items.map(importView) };
  const next = encodeContinuation(page.continuation, scope);
  if (next) out.continuation = next;
  return out;
}

export interface IntegrationStatus {
  integrationId: string;
  name: string;
  propertyId: string;
  sourceType: string;
  enabled: boolean;
  timezone: string;
  lastImport: { importId: string; status: ImportStatus; receivedAt: string } | null;
  lastSuccessfulImport: { importId: string; status: ImportStatus; receivedAt: string; completedAt?: string } | null;
  /** No successful import received today (property-local) although the local hour passed the expected one. */
  late: boolean;
  expectedByLocalHour: number;
  /** Changes of its imports held because they fall into locked months, awaiting approval (docs/planning.md). */
  pendingAdjustments: number;
}

type Stub = Pick<ImportItem, 'id' | 'status' | 'receivedAt' | 'completedAt'>;

/**
 * What a controller checks each morning: per integration the last (successful) import and whether
 * today's data is late, judged in the property's own time zone. `within` picks the properties
 * reported on from those the tenant's integrations feed.
 */
export async function integrationStatus(
  platform: Platform,
  properties: PropertyDirectory,
  tenantId: string,
  within: (propertyIds: string[]) => string[],
  now = new Date(),
): Promise<IntegrationStatus[]> {
  const imports = platform.store.collection<ImportItem>('imports', tenantId);
  const all = await imports.scoped(TENANT_SCOPE).all<IntegrationItem>("SELECT * FROM c WHERE c.type = 'integration' ORDER BY c.createdAt");
  const visible = new Set(within([...new Set(all.map((i) => i.propertyId))]));
  const lateHour = platform.config.IMPORT_LATE_HOUR_LOCAL;
  const zones = new Map<string, string>();
  const out: IntegrationStatus[] = [];
  for (const integration of all.filter((i) => visible.has(i.propertyId))) {
    if (!zones.has(integration.propertyId)) zones.set(integration.propertyId, safeTimeZone((await properties.property(tenantId, integration.propertyId))?.timezone));
    const timezone = zones.get(integration.propertyId) as string;
    const ofProperty = imports.scoped(integration.propertyId);
    const [last] = await ofProperty.all<Stub>(
      "SELECT TOP 1 c.id, c.status, c.receivedAt, c.completedAt FROM c WHERE c.type = 'import' AND c.integrationId = @id ORDER BY c.receivedAt DESC",
      { id: integration.id },
    );
    const [success] = await ofProperty.all<Stub>(
      "SELECT TOP 1 c.id, c.status, c.receivedAt, c.completedAt FROM c WHERE c.type = 'import' AND c.integrationId = @id AND (c.status = 'accepted' OR c.status = 'partial') ORDER BY c.receivedAt DESC",
      { id: integration.id },
    );
    const local = localDateHour(now, timezone);
    const receivedToday = success !== undefined && localDateHour(new Date(success.receivedAt), timezone).date === local.date;
    out.push({
      integrationId: integration.id,
      name: integration.name,
      propertyId: integration.propertyId,
      sourceType: integration.sourceType,
      enabled: integration.enabled,
      timezone,
      lastImport: last ? { importId: last.id, status: last.status, receivedAt: last.receivedAt } : null,
      lastSuccessfulImport: success
        ? { importId: success.id, status: success.status, receivedAt: success.receivedAt, ...(success.completedAt ? { completedAt: success.completedAt } : {}) }
        : null,
      late: integration.enabled && local.hour >= lateHour && !receivedToday,
      expectedByLocalHour: lateHour,
      pendingAdjustments: 0,
    });
  }
  return out;
}
