import { createHash } from 'node:crypto';
import type { Container, Database, JSONObject, OperationInput } from '@azure/cosmos';
import { BULK_MAX_OPERATIONS, TRANSIENT_STATUSES, bulkRequest } from './bulk-request.js';
import { translateCosmosError } from './errors.js';
import { KEY_FIELDS, type Partitioner, type ScopeFields } from './partition.js';

/**
 * Copies a container keyed by `/tenantId` alone into its successor keyed by scope (topology.ts
 * `legacyId`), because a partition key can't be changed in place. Idempotent: an item already
 * copied answers 409 and is left as it is, so an interrupted copy is simply run again. The copy is
 * verified per tenant — the number of items and an order-independent digest of their content
 * (system and key fields aside) must be equal on both sides — before the legacy container is
 * deleted; a difference stops with the tenants that differ and deletes nothing.
 *
 * Items of the audit chain are copied field for field: an entry's hash covers neither `id` nor
 * fields starting with `_`, so the chain verifies the same after the copy.
 */

export interface MigrationReport {
  legacy: string;
  target: string;
  read: number;
  copied: number;
  alreadyThere: number;
  tenants: number;
  deleted: boolean;
}

export class MigrationMismatch extends Error {
  override readonly name = 'MigrationMismatch';
}

const PAGE = 500;
const RETRY_ROUNDS = 6;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ids of the database's containers: one request, so looking for legacy containers adds one read to a cold start, not one per container. */
export async function containerIds(database: Database): Promise<Set<string>> {
  try {
    const { resources } = await database.containers.readAll().fetchAll();
    return new Set(resources.map((c) => c.id));
  } catch (err) {
    return translateCosmosError(err);
  }
}

/** The item as the application wrote it: store-managed and key fields removed. */
function content(item: Record<string, unknown>): Record<string, unknown> {
  const { _rid: _r, _self: _s, _attachments: _a, _etag: _e, _ts: _t, ...rest } = item;
  for (const f of KEY_FIELDS) delete rest[f];
  return rest;
}

/** Canonical JSON (sorted keys): the digest must not depend on the order the store returns fields in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

class TenantDigests {
  private readonly byTenant = new Map<string, { count: number; digest: Buffer }>();

  add(item: Record<string, unknown>): void {
    const tenantId = String(item.tenantId);
    const h = createHash('sha256').update(canonical(content(item))).digest();
    const t = this.byTenant.get(tenantId) ?? { count: 0, digest: Buffer.alloc(32) };
    t.count += 1;
    for (let i = 0; i < 32; i++) t.digest[i] = (t.digest[i] as number) ^ (h[i] as number);
    this.byTenant.set(tenantId, t);
  }

  differences(other: TenantDigests): string[] {
    const tenants = new Set([...this.byTenant.keys(), ...other.byTenant.keys()]);
    return [...tenants].filter((t) => {
      const a = this.byTenant.get(t);
      const b = other.byTenant.get(t);
      return !a || !b || a.count !== b.count || !a.digest.equals(b.digest);
    });
  }

  get size(): number {
    return this.byTenant.size;
  }
}

async function* pages(container: Container, query: string): AsyncGenerator<Array<Record<string, unknown>>> {
  let continuationToken: string | undefined;
  do {
    const res = await container.items.query<Record<string, unknown>>(query, { maxItemCount: PAGE, ...(continuationToken ? { continuationToken } : {}) }).fetchNext();
    if (res.resources.length > 0) yield res.resources;
    continuationToken = res.hasMoreResults ? res.continuationToken : undefined;
  } while (continuationToken);
}

/**
 * Items written before their property was recorded on them (raw body chunks name only their import)
 * take the property of the item they belong to.
 */
async function propertyOfImports(legacy: Container): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for await (const page of pages(legacy, "SELECT c.id, c.tenantId, c.propertyId FROM c WHERE c.type = 'import'")) {
    for (const r of page) if (typeof r.propertyId === 'string') map.set(`${String(r.tenantId)}|${String(r.id)}`, r.propertyId);
  }
  return map;
}

async function createAll(target: Container, operations: OperationInput[]): Promise<{ created: number; existed: number }> {
  let pending = operations;
  let created = 0;
  let existed = 0;
  for (let round = 0; pending.length > 0; round++) {
    if (round > 0) await sleep(50 * 2 ** round);
    const retry: OperationInput[] = [];
    for (let i = 0; i < pending.length; i += BULK_MAX_OPERATIONS) {
      const chunk = pending.slice(i, i + BULK_MAX_OPERATIONS);
      const { responses } = await bulkRequest(target, chunk);
      responses.forEach((r, k) => {
        if (r.statusCode === 201) created += 1;
        else if (r.statusCode === 409) existed += 1;
        else if (TRANSIENT_STATUSES.has(r.statusCode) && round < RETRY_ROUNDS) retry.push(chunk[k] as OperationInput);
        else throw new Error(`copy of an item failed with status ${r.statusCode}`);
      });
    }
    pending = retry;
  }
  return { created, existed };
}

export async function migrateLegacyContainer(
  database: Database,
  legacyId: string,
  target: Container,
  partitioner: Partitioner,
  options: { deleteLegacy: boolean; log?: (line: string) => void },
): Promise<MigrationReport> {
  const legacy = database.container(legacyId);
  const imports = partitioner.def.partitioning.kind === 'property' ? await propertyOfImports(legacy) : new Map<string, string>();
  const source = new TenantDigests();
  const report: MigrationReport = { legacy: legacyId, target: target.id, read: 0, copied: 0, alreadyThere: 0, tenants: 0, deleted: false };
  for await (const page of pages(legacy, 'SELECT * FROM c')) {
    const operations: OperationInput[] = page.map((raw) => {
      const item = content(raw) as Record<string, unknown> & { id: string; tenantId: string };
      const placed = { ...item } as Record<string, unknown> & { id: string; tenantId: string };
      if (placed.propertyId === undefined && typeof placed.importId === 'string') {
        const property = imports.get(`${placed.tenantId}|${placed.importId}`);
        if (property) placed.propertyId = property;
      }
      source.add(placed);
      const scope = partitioner.scoped ? partitioner.scopeOf(placed as ScopeFields) : undefined;
      const body = scope === undefined ? placed : partitioner.stamp(placed, scope);
      return { operationType: 'Create', resourceBody: body as JSONObject, partitionKey: partitioner.key(placed.tenantId, scope, placed.id) };
    });
    report.read += page.length;
    const { created, existed } = await createAll(target, operations);
    report.copied += created;
    report.alreadyThere += existed;
    options.log?.(`${legacyId} → ${target.id}: ${report.read} items read`);
  }
  // What the target holds against what was meant to be written (the legacy item, plus the property
  // a raw chunk lacked). The target is new: nothing but this copy writes to it before the switch.
  const copied = new TenantDigests();
  for await (const page of pages(target, 'SELECT * FROM c')) for (const raw of page) copied.add(raw);
  const differ = source.differences(copied);
  if (differ.length > 0) {
    throw new MigrationMismatch(`${legacyId} → ${target.id}: the copy differs for ${differ.length} tenant(s) (${differ.slice(0, 5).join(', ')}); the legacy container is kept`);
  }
  report.tenants = source.size;
  if (options.deleteLegacy) {
    await legacy.delete();
    report.deleted = true;
  }
  return report;
}
