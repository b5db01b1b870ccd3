/**
 * The one source of truth for the store's containers and the bus's queues. The code creates them
 * from this list at start-up, and the infrastructure test checks infra/ declares the same ones.
 */
/**
 * How a container spreads a tenant. `tenant`: the whole tenant is one logical partition (`/tenantId`),
 * for containers that stay far below Cosmos DB's 20 GB per logical partition (docs/capacity.md).
 * The others are keyed `/tenantId, /_scope[, /_shard]` — hierarchical keys in Azure, one synthetic
 * `/_pk` locally — where the scope is the property (or, for the audit chain, a fixed range of
 * sequence numbers) and the shard a hash of the item id. TenantCollection derives every level from
 * the item (cosmos/partition.ts), so a tenant-level query names the prefix `[tenantId]` and a
 * property-level one `[tenantId, propertyId]`.
 */
export type Partitioning =
  | { kind: 'tenant' }
  /** Scope = the item's `propertyId`, or `_tenant` for the item types listed (they are read by id alone); `shards` hash buckets under it. */
  | { kind: 'property'; tenantWide: readonly string[]; shards?: number }
  /** Scope = `e<floor(seq / AUDIT_EPOCH_SIZE)>`: a contiguous segment of the tenant's chain. */
  | { kind: 'epoch' };

export interface ContainerDef {
  id: string;
  partitioning: Partitioning;
  uniqueKeys: readonly string[];
  /** The container this one replaces (same items, keyed by `/tenantId` alone): copied by cosmos/migrate-keys.ts. */
  legacyId?: string;
}

/** Entries of the audit chain per logical partition: 2^20 entries of about 1.3 KB are 1.3 GB. */
export const AUDIT_EPOCH_SIZE = 2 ** 20;

/** Scope of the items that belong to the tenant rather than to one of its properties. */
export const TENANT_SCOPE = '_tenant';

export const containers = {
  /** Tenants, properties, departments, tenant settings; platform records under tenantId "_platform". */
  tenants: { id: 'tenants', partitioning: { kind: 'tenant' }, uniqueKeys: [] },
  /** Users, e-mail blind-index entries, roles, sessions, refresh tokens, MFA, one-time tokens, grants. */
  identity: { id: 'identity', partitioning: { kind: 'tenant' }, uniqueKeys: [] },
  /** Wrapped data keys: one per data subject, plus each tenant's blind-index key. */
  keys: { id: 'keys', partitioning: { kind: 'tenant' }, uniqueKeys: [] },
  /** Outbox records for events that belong to no other item (e.g. a failed login). */
  outbox: { id: 'outbox', partitioning: { kind: 'tenant' }, uniqueKeys: [] },
  /**
   * Audit chain entries, checkpoints, verification notes, one logical partition per epoch of the
   * chain. Append-only: the writer identity may create and read only. Unique key /eventId: an event
   * id can be stored once per partition, which is what makes the append idempotent with one create
   * (docs/audit.md, "Idempotency"; across an epoch boundary the appender checks the previous epoch).
   * Unique keys can only be set when a container is created; Store.open refuses to start on a
   * container without it.
   */
  audit: { id: 'audit2', partitioning: { kind: 'epoch' }, uniqueKeys: ['/eventId'], legacyId: 'audit' },
  /** Integrations (tenant-wide), import records, encrypted raw bodies (claim checks), connector state. */
  imports: { id: 'imports2', partitioning: { kind: 'property', tenantWide: ['integration', 'integrationIndex', 'connectorState'] }, uniqueKeys: [], legacyId: 'imports' },
  /** Normalised facts from source systems, one per (tenant, property, source record), 16 shards per property. */
  facts: { id: 'facts2', partitioning: { kind: 'property', tenantWide: [], shards: 16 }, uniqueKeys: [], legacyId: 'facts' },
  /** Daily aggregates, monthly rollups and daily digests per property: what reports read. */
  aggregates: { id: 'aggregates2', partitioning: { kind: 'property', tenantWide: [] }, uniqueKeys: [], legacyId: 'aggregates' },
  /**
   * Planning (PMI Plus): budget/forecast/target versions (monthly figures; days are spread when a
   * version is approved), period locks, pending adjustments, scenarios. Monthly items stay far below
   * 10 GB per tenant in 10 years, so the tenant is one partition.
   */
  planning: { id: 'planning', partitioning: { kind: 'tenant' }, uniqueKeys: [] },
  /** GoGreen: daily consumption readings per resource grow like facts, so they are spread by property; emission factors are tenant-wide. */
  sustainability: { id: 'sustainability', partitioning: { kind: 'property', tenantWide: ['emissionFactor'] }, uniqueKeys: [] },
  /** Redaction jobs and other privacy operations. */
  privacy: { id: 'privacy', partitioning: { kind: 'tenant' }, uniqueKeys: [] },
} as const satisfies Record<string, ContainerDef>;

/**
 * The partition key paths of a container in Azure (hierarchical keys, `MultiHash`, when more than
 * one). The embedded server knows single-path keys only: there the same levels are joined into `/_pk`.
 */
export function partitionKeyPaths(def: ContainerDef): string[] {
  switch (def.partitioning.kind) {
    case 'tenant':
      return ['/tenantId'];
    case 'epoch':
      return ['/tenantId', '/_scope'];
    case 'property':
      return def.partitioning.shards ? ['/tenantId', '/_scope', '/_shard'] : ['/tenantId', '/_scope'];
  }
}

export type ContainerName = keyof typeof containers;

export const queues = {
  imports: { name: 'imports', sessions: false },
  audit: { name: 'audit', sessions: true },
  redaction: { name: 'redaction', sessions: false },
  /** One message per run of a connector integration (a change-feed or backfill window); the message id is the run id and when it was queued. */
  'connector-runs': { name: 'connector-runs', sessions: false },
  /**
   * Blob-created events of the file integrations' containers: in Azure from Event Grid (the event is
   * the message body), locally from the poll timer in the same shape.
   */
  'file-drops': { name: 'file-drops', sessions: false },
} as const;

export type QueueName = keyof typeof queues;

/** Partition key value for platform-level records that belong to no customer tenant. */
export const PLATFORM_TENANT = '_platform';
