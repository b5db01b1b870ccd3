/**
 * The one source of truth for the store's containers and the bus's queues. The code creates them
 * from this list at start-up, and the infrastructure test checks infra/ declares the same ones.
 */
export const containers = {
  /** Tenants, properties, departments, tenant settings; platform records under tenantId "_platform". */
  tenants: { id: 'tenants', partitionKey: '/tenantId', uniqueKeys: [] },
  /** Users, e-mail blind-index entries, roles, sessions, refresh tokens, MFA, one-time tokens, grants. */
  identity: { id: 'identity', partitionKey: '/tenantId', uniqueKeys: [] },
  /** Wrapped data keys: one per data subject, plus each tenant's blind-index key. */
  keys: { id: 'keys', partitionKey: '/tenantId', uniqueKeys: [] },
  /** Outbox records for events that belong to no other item (e.g. a failed login). */
  outbox: { id: 'outbox', partitionKey: '/tenantId', uniqueKeys: [] },
  /**
   * Audit chain entries, checkpoints, verification notes. Append-only: the writer identity may create
   * and read only. Unique key /eventId: an event id can be stored once per tenant, which is what makes
   * the append idempotent with one create (docs/audit.md, "Idempotency"). Unique keys can only be set
   * when a container is created; Store.open refuses to start on a container without it.
   */
  audit: { id: 'audit', partitionKey: '/tenantId', uniqueKeys: ['/eventId'] },
  /** Integrations, import records, encrypted raw bodies (claim checks). */
  imports: { id: 'imports', partitionKey: '/tenantId', uniqueKeys: [] },
  /** Normalised facts from source systems, one per (tenant, property, source record). */
  facts: { id: 'facts', partitionKey: '/tenantId', uniqueKeys: [] },
  /** Daily aggregates per property, department and date, and daily digests: what reports read. */
  aggregates: { id: 'aggregates', partitionKey: '/tenantId', uniqueKeys: [] },
  /** Redaction jobs and other privacy operations. */
  privacy: { id: 'privacy', partitionKey: '/tenantId', uniqueKeys: [] },
} as const;

export type ContainerName = keyof typeof containers;

export const queues = {
  imports: { name: 'imports', sessions: false },
  audit: { name: 'audit', sessions: true },
  redaction: { name: 'redaction', sessions: false },
  /** One message per run of a connector integration (a change-feed or backfill window); the message id is the run id. */
  'connector-runs': { name: 'connector-runs', sessions: false },
} as const;

export type QueueName = keyof typeof queues;

/** Partition key value for platform-level records that belong to no customer tenant. */
export const PLATFORM_TENANT = '_platform';
