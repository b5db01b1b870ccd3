import { PartitionKeyDefinitionVersion, PartitionKeyKind, type PartitionKey, type PartitionKeyDefinition } from '@azure/cosmos';
import { AUDIT_EPOCH_SIZE, TENANT_SCOPE, partitionKeyPaths, type ContainerDef } from '../topology.js';
import { StoreError } from './errors.js';

/**
 * How keys are spelled on the store at hand. `hierarchical`: Azure Cosmos DB, containers keyed by
 * up to three paths (`MultiHash`), values are arrays and a query may name a prefix. `synthetic`: the
 * embedded server, which knows one path only: the same levels joined with `|` in `/_pk`, and queries
 * filtered by the same fields in their text (it scans anyway). Same levels, same items, same code.
 */
export type KeyMode = 'hierarchical' | 'synthetic';

/** The storage fields a write adds; reads strip them (they are the store's business, like `_rid`). */
export const KEY_FIELDS = ['_scope', '_shard', '_pk'] as const;

/** FNV-1a, 32 bit: a stable, cheap hash of the id for the shard level (not a security property). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The fields an item's scope derives from. */
export interface ScopeFields {
  type?: unknown;
  propertyId?: unknown;
  seq?: unknown;
}

export function epochScope(seq: number, epochSize = AUDIT_EPOCH_SIZE): string {
  return `e${Math.floor(seq / epochSize)}`;
}

/**
 * Derives a container's partition key levels from its items, for writes, point operations and
 * queries. The only code that knows how a tenant is spread over logical partitions.
 */
export class Partitioner {
  readonly paths: string[];

  constructor(
    readonly def: ContainerDef,
    readonly mode: KeyMode,
    readonly epochSize = AUDIT_EPOCH_SIZE,
  ) {
    this.paths = partitionKeyPaths(def);
  }

  /** True when the tenant is spread over several logical partitions (point operations need a scope). */
  get scoped(): boolean {
    return this.def.partitioning.kind !== 'tenant';
  }

  /** The container's key as created on this store. */
  containerKey(): PartitionKeyDefinition {
    if (!this.scoped) return { paths: ['/tenantId'] };
    return this.mode === 'hierarchical' ? { paths: this.paths, kind: PartitionKeyKind.MultiHash, version: PartitionKeyDefinitionVersion.V2 } : { paths: ['/_pk'] };
  }

  /** The scope an item belongs to, from its own fields. */
  scopeOf(item: ScopeFields): string {
    const p = this.def.partitioning;
    if (p.kind === 'epoch') {
      if (typeof item.seq !== 'number' || !Number.isInteger(item.seq) || item.seq < 0) throw new StoreError('conflict', `an item of ${this.def.id} needs an integer seq`);
      return epochScope(item.seq, this.epochSize);
    }
    if (p.kind === 'property') {
      if (typeof item.type === 'string' && p.tenantWide.includes(item.type)) return TENANT_SCOPE;
      if (typeof item.propertyId !== 'string' || item.propertyId.length === 0) throw new StoreError('conflict', `an item of ${this.def.id} (${item.type ?? 'untyped'}) needs a propertyId`);
      return item.propertyId;
    }
    throw new Error(`${this.def.id} is not spread over scopes`);
  }

  private shardOf(id: string): string | undefined {
    const p = this.def.partitioning;
    return p.kind === 'property' && p.shards ? (fnv1a(id) % p.shards).toString(16) : undefined;
  }

  /** The full key of one item: what point reads and writes send. */
  key(tenantId: string, scope: string | undefined, id: string): PartitionKey {
    if (!this.scoped) return tenantId;
    if (scope === undefined) throw new Error(`point operations on ${this.def.id} need the item's scope (TenantCollection.scoped or .for)`);
    const shard = this.shardOf(id);
    const levels = shard === undefined ? [tenantId, scope] : [tenantId, scope, shard];
    return this.mode === 'hierarchical' ? levels : levels.join('|');
  }

  /**
   * What a query names: the tenant (and scope) prefix in Azure, routed to the physical partitions
   * holding it. The embedded server ignores it; the text filters by the same fields (scopeQuery).
   */
  prefix(tenantId: string, scope: string | undefined): PartitionKey {
    if (!this.scoped || this.mode === 'synthetic') return tenantId;
    return scope === undefined ? [tenantId] : [tenantId, scope];
  }

  /** A copy of the item with the key fields set, ready to be written. */
  stamp<U extends { id: string; tenantId: string }>(item: U, scope: string): U {
    if (!this.scoped) return item;
    const shard = this.shardOf(item.id);
    const stamped: Record<string, unknown> = { ...item, _scope: scope };
    if (shard !== undefined) stamped._shard = shard;
    if (this.mode === 'synthetic') stamped._pk = this.key(item.tenantId, scope, item.id) as string;
    return stamped as U;
  }
}
