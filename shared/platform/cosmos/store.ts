import type { Container, CosmosClient, Database, JSONObject, OperationInput, OperationResponse, PartitionKey, PatchOperation, SqlParameter } from '@azure/cosmos';
import { containers, type ContainerDef, type ContainerName } from '../topology.js';
import { KEY_FIELDS, Partitioner, type KeyMode, type ScopeFields } from './partition.js';
import { containerIds, migrateLegacyContainer, type MigrationReport } from './migrate-keys.js';
import { StoreError, translateCosmosError } from './errors.js';
import { isStorableId } from './item-id.js';
import { CreateGroup } from './create-group.js';
import { BULK_MAX_OPERATIONS, TRANSIENT_STATUSES, bulkRequest, type BulkRequestFault } from './bulk-request.js';

/** Every stored item belongs to a tenant: the first level of every container's partition key is /tenantId. */
export interface Item {
  id: string;
  tenantId: string;
  type: string;
  _etag?: string;
  _ts?: number;
}

export interface Page<T> {
  items: T[];
  continuation?: string;
}

export interface QueryOptions {
  pageSize?: number;
  continuation?: string;
}

export type Params = Record<string, string | number | boolean | null | string[] | number[]>;

function toParameters(params: Params): SqlParameter[] {
  return Object.entries(params).map(([name, value]) => ({ name: name.startsWith('@') ? name : `@${name}`, value }));
}

/**
 * Adds `c.tenantId = @__tenantId` (and, in a scoped collection, `c._scope = @__scope`) to a query.
 * The partition key option already confines a query to the tenant's partitions in Cosmos DB, but
 * the embedded server ignores it, and a filter in the text keeps isolation from resting on one
 * mechanism. Queries must name their item alias `c`.
 */
export function scopeQuery(query: string, scoped = false): string {
  if (!/\bFROM\s+c\b/i.test(query)) throw new Error('tenant-scoped queries must read FROM c');
  const orderAt = query.search(/\bORDER\s+BY\b/i);
  const head = orderAt >= 0 ? query.slice(0, orderAt) : query;
  const tail = orderAt >= 0 ? ' ' + query.slice(orderAt) : '';
  const whereAt = head.search(/\bWHERE\b/i);
  const scope = scoped ? ' AND c._scope = @__scope' : '';
  if (whereAt < 0) return `${head.trimEnd()} WHERE c.tenantId = @__tenantId${scope}${tail}`;
  const before = head.slice(0, whereAt);
  const condition = head.slice(whereAt + 5).trim();
  return `${before}WHERE c.tenantId = @__tenantId${scope} AND (${condition})${tail}`;
}

/**
 * One operation of a bulk call; every one is pinned to the collection's tenant. Reads and deletes in
 * a spread container name their item's scope unless the collection is scoped (writes derive it).
 */
export type BulkOperation<U extends Item = Item> =
  | { kind: 'read'; id: string; scope?: string }
  | { kind: 'create'; item: U }
  | { kind: 'upsert'; item: U }
  /** With `ifMatch`, only if nobody changed the item since (else `precondition_failed`). */
  | { kind: 'replace'; item: U; ifMatch?: string }
  /** Deleting what is already gone succeeds, as `delete` does. */
  | { kind: 'delete'; id: string; scope?: string };

/**
 * The outcome of one bulk operation. A read of a missing item is `ok` with no item (as `read`
 * answers undefined); a write the store refused for a reason the caller can act on is not `ok`.
 */
export type BulkResult<U extends Item = Item> =
  | { ok: true; status: number; item?: U; etag?: string }
  | { ok: false; status: number; code: 'not_found' | 'conflict' | 'precondition_failed' };

/** A tenant collection call as the fault seam sees it. */
export type StoreCall =
  | { tenantId: string; method: 'bulk'; operations: readonly BulkOperation[] }
  | { tenantId: string; method: 'create' | 'upsert' | 'replace'; item: Item };

/**
 * Test seam (as RedactionRunner.fault): a test sets `Store.faults` to fail, hold or watch what the
 * store does without patching a class. Production code never sets it.
 */
export interface StoreFaults {
  /** Around each point write and bulk call of a tenant collection: `proceed` runs it, a throw fails it, a pending promise holds it. */
  call?<R>(call: StoreCall, proceed: () => Promise<R>): Promise<R>;
  /** Around each bulk request the SDK is asked to send (TenantCollection.bulk and the group commit). */
  bulkRequest?: BulkRequestFault;
}

/** Operations the store throttled or could not serve are sent again this many times before the call fails. */
const BULK_RETRY_ROUNDS = 4;
const BULK_RETRY_BASE_MS = 25;
const BULK_PARALLEL_REQUESTS = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function strip<T>(resource: T): T {
  const r = resource as Record<string, unknown>;
  delete r._rid;
  delete r._self;
  delete r._attachments;
  for (const f of KEY_FIELDS) delete r[f];
  return resource;
}

/**
 * One container seen from inside one tenant's partitions. Every read, query and write goes to that
 * tenant's partitions only, and a write of an item that names another tenant is refused before it
 * leaves the process: this class is the single place where tenant scoping is enforced for stored data.
 *
 * Containers that spread a tenant over many logical partitions (topology.ts, `partitioning`) key
 * each item by its scope (the property, or the audit chain's epoch) as well: writes derive it from
 * the item; point reads, patches and deletes need it, so they go through `scoped(scope)` or
 * `for(item)`; queries cover the whole tenant, or one scope in a scoped handle.
 */
export class TenantCollection<T extends Item = Item> {
  constructor(
    private readonly container: Container,
    readonly tenantId: string,
    private readonly partitioner: Partitioner,
    private readonly group?: CreateGroup,
    /** The store's test seam, read at each call. */
    private readonly faults: () => StoreFaults | undefined = () => undefined,
    /** Set on a handle confined to one scope of a spread container. */
    readonly scope?: string,
  ) {}

  /** This tenant's items of one scope (a property; an epoch of the audit chain): point operations and scope-local queries. */
  scoped(scope: string): TenantCollection<T> {
    if (!this.partitioner.scoped) return this;
    if (!scope) throw new StoreError('conflict', 'a scope is required');
    return new TenantCollection<T>(this.container, this.tenantId, this.partitioner, this.group, this.faults, scope);
  }

  /** The handle for the scope this item belongs to (derived from its own fields). */
  for(item: ScopeFields): TenantCollection<T> {
    return this.partitioner.scoped ? this.scoped(this.partitioner.scopeOf(item)) : this;
  }

  private keyFor(id: string, scope?: string): PartitionKey {
    if (scope !== undefined && this.scope !== undefined && scope !== this.scope) throw new StoreError('conflict', 'operation scope does not match the collection scope');
    return this.partitioner.key(this.tenantId, scope ?? this.scope, id);
  }

  /** Checks the item's tenant (and scope) and answers it with its key fields and key. */
  private place<U extends Item>(item: U): { body: U; key: PartitionKey } {
    this.check(item);
    if (!this.partitioner.scoped) return { body: item, key: this.tenantId };
    const scope = this.partitioner.scopeOf(item as ScopeFields);
    if (this.scope !== undefined && scope !== this.scope) throw new StoreError('conflict', 'item scope does not match the collection scope');
    return { body: this.partitioner.stamp(item, scope), key: this.partitioner.key(this.tenantId, scope, item.id) };
  }

  private queryOptions(): { partitionKey: PartitionKey } {
    return { partitionKey: this.partitioner.prefix(this.tenantId, this.scope) };
  }

  private queryParams(params: Params): SqlParameter[] {
    return toParameters(this.scope === undefined ? { ...params, __tenantId: this.tenantId } : { ...params, __tenantId: this.tenantId, __scope: this.scope });
  }

  private through<R>(call: StoreCall, proceed: () => Promise<R>): Promise<R> {
    const around = this.faults()?.call;
    return around ? around(call, proceed) : proceed();
  }

  private sent = 0;

  /** Requests this handle has sent to the store: one per point call or query, one per chunk (and retry) of a bulk call. */
  get requests(): number {
    return this.sent;
  }

  private check(item: { id: string; tenantId: string }): void {
    if (item.tenantId !== this.tenantId) {
      throw new StoreError('conflict', 'item tenant does not match the collection scope');
    }
    this.checkId(item.id);
  }

  private checkId(id: string): void {
    if (!isStorableId(id)) throw new StoreError('invalid_id', 'not a valid item id');
  }

  /** An id no item can have (item-id.ts) reads as missing: nothing is sent. */
  async read<U extends T = T>(id: string): Promise<U | undefined> {
    if (!isStorableId(id)) return undefined;
    try {
      this.sent += 1;
      const res = await this.container.item(id, this.keyFor(id)).read<U>();
      return res.resource ? strip(res.resource) : undefined;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      return translateCosmosError(err);
    }
  }

  create<U extends T>(item: U): Promise<U> {
    return this.through({ tenantId: this.tenantId, method: 'create', item }, async () => {
      const { body } = this.place(item);
      try {
        this.sent += 1;
        const res = await this.container.items.create<U>(body);
        return strip(res.resource as U);
      } catch (err) {
        return translateCosmosError(err);
      }
    });
  }

  /**
   * Creates the item in the container's group commit (CreateGroup): one bulk request for every
   * create asked for in the same turn, by any tenant. 'exists' is the 409 (id taken or a unique key).
   */
  async createGrouped<U extends T>(item: U): Promise<'created' | 'exists'> {
    const { body, key } = this.place(item);
    if (!this.group) throw new Error('this collection has no create group');
    // Not counted in `requests`: the group's request is shared.
    return this.group.create(key, body as unknown as Record<string, unknown>);
  }

  upsert<U extends T>(item: U): Promise<U> {
    return this.through({ tenantId: this.tenantId, method: 'upsert', item }, async () => {
      const { body } = this.place(item);
      try {
        this.sent += 1;
        const res = await this.container.items.upsert<U>(body);
        return strip(res.resource as unknown as U);
      } catch (err) {
        return translateCosmosError(err);
      }
    });
  }

  /** Replaces the item; with `ifMatch`, only if nobody changed it since (else StoreError precondition_failed). */
  replace<U extends T>(item: U, ifMatch?: string): Promise<U> {
    return this.through({ tenantId: this.tenantId, method: 'replace', item }, async () => {
      const { body, key } = this.place(item);
      try {
        this.sent += 1;
        const res = await this.container
          .item(item.id, key)
          .replace<U>(body, ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch } } : undefined);
        return strip(res.resource as U);
      } catch (err) {
        return translateCosmosError(err);
      }
    });
  }

  async patch<U extends T = T>(id: string, operations: PatchOperation[], ifMatch?: string): Promise<U> {
    this.checkId(id);
    try {
      this.sent += 1;
      const res = await this.container
        .item(id, this.keyFor(id))
        .patch<U>(operations, ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch } } : undefined);
      return strip(res.resource as U);
    } catch (err) {
      return translateCosmosError(err);
    }
  }

  /**
   * Deletes the item; deleting what is already gone is not an error (idempotent handlers rely on it).
   * With `ifMatch`, only if nobody changed the item since (else StoreError precondition_failed).
   */
  async delete(id: string, ifMatch?: string): Promise<void> {
    this.checkId(id);
    try {
      this.sent += 1;
      await this.container.item(id, this.keyFor(id)).delete(ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch } } : undefined);
    } catch (err) {
      if ((err as { code?: number }).code === 404) return;
      translateCosmosError(err);
    }
  }

  /**
   * Many reads and writes in few requests. Bulk exists for round trips: a point call costs one HTTP
   * request, and a batch of up to 100 operations of one partition costs one too, so code that
   * touches hundreds of items per message (the import pipeline) spends its time in the store, not
   * on the wire. Every operation is pinned to this tenant's partition and every item written must
   * carry this tenant, as for the point writes.
   *
   * Not atomic: each operation succeeds or fails on its own, and results come back in input order.
   * Throttled or unavailable operations (408/429/449/5xx) are sent again, alone, a few times; if
   * some still fail the call throws a retryable StoreError('unavailable') (the others may have been
   * applied, so callers must be idempotent). Requests go through bulkRequest (bulk-request.ts).
   */
  bulk<U extends T = T>(operations: readonly BulkOperation<U>[], options: { parallelRequests?: number } = {}): Promise<BulkResult<U>[]> {
    return this.through({ tenantId: this.tenantId, method: 'bulk', operations }, () => this.bulkNow(operations, options));
  }

  private async bulkNow<U extends T>(operations: readonly BulkOperation<U>[], options: { parallelRequests?: number }): Promise<BulkResult<U>[]> {
    const inputs = operations.map((op) => this.toOperationInput(op));
    const results = new Array<BulkResult<U> | undefined>(operations.length);
    let pending = inputs.map((_, i) => i);
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await sleep(BULK_RETRY_BASE_MS * 2 ** (round - 1));
      const responses = await this.sendChunks(
        pending.map((i) => inputs[i] as OperationInput),
        options.parallelRequests ?? BULK_PARALLEL_REQUESTS,
      );
      const retry: number[] = [];
      pending.forEach((index, k) => {
        const response = responses[k] as OperationResponse;
        if (TRANSIENT_STATUSES.has(response.statusCode)) retry.push(index);
        else results[index] = this.toResult<U>(operations[index] as BulkOperation<U>, response);
      });
      if (retry.length > 0 && round >= BULK_RETRY_ROUNDS) {
        const status = (responses[pending.indexOf(retry[0] as number)] as OperationResponse).statusCode;
        throw new StoreError('unavailable', `store unavailable (${status}) for ${retry.length} of ${operations.length} bulk operations`);
      }
      pending = retry;
    }
    return results as BulkResult<U>[];
  }

  private toOperationInput(op: BulkOperation): OperationInput {
    this.checkId(op.kind === 'read' || op.kind === 'delete' ? op.id : op.item.id);
    switch (op.kind) {
      case 'read':
        return { operationType: 'Read', id: op.id, partitionKey: this.keyFor(op.id, op.scope) };
      case 'delete':
        return { operationType: 'Delete', id: op.id, partitionKey: this.keyFor(op.id, op.scope) };
      case 'create': {
        const { body, key } = this.place(op.item);
        return { operationType: 'Create', resourceBody: body as unknown as JSONObject, partitionKey: key };
      }
      case 'upsert': {
        const { body, key } = this.place(op.item);
        return { operationType: 'Upsert', resourceBody: body as unknown as JSONObject, partitionKey: key };
      }
      case 'replace': {
        const { body, key } = this.place(op.item);
        return { operationType: 'Replace', id: op.item.id, resourceBody: body as unknown as JSONObject, partitionKey: key, ...(op.ifMatch ? { ifMatch: op.ifMatch } : {}) };
      }
    }
  }

  private toResult<U extends Item>(op: BulkOperation<U>, response: OperationResponse): BulkResult<U> {
    const status = response.statusCode;
    if (status < 400) {
      const result: BulkResult<U> = { ok: true, status };
      if (response.resourceBody) {
        // A copy without the system fields, rather than deleting them: objects that lost properties
        // fall out of V8's fast mode, and these are read field by field many times (aggregation).
        const { _rid: _r, _self: _s, _attachments: _a, _scope: _c, _shard: _h, _pk: _p, ...item } = response.resourceBody as Record<string, unknown>;
        result.item = item as unknown as U;
      }
      if (response.eTag) result.etag = response.eTag;
      return result;
    }
    if (status === 404 && (op.kind === 'read' || op.kind === 'delete')) return { ok: true, status };
    if (status === 404) return { ok: false, status, code: 'not_found' };
    if (status === 409) return { ok: false, status, code: 'conflict' };
    if (status === 412) return { ok: false, status, code: 'precondition_failed' };
    // Anything else (400, 403, 413, ...) is a defect in the request, which no retry mends.
    throw new Error(`bulk ${op.kind} failed with status ${status}`);
  }

  /**
   * Sends the operations in chunks of at most 100, `parallel` chunks at a time; answers in input
   * order. The SDK may split a chunk whose body exceeds about 220 kB into several requests, and
   * retries a throttled request whole: the requests it actually sent are counted from its diagnostics.
   */
  private async sendChunks(inputs: OperationInput[], parallel: number): Promise<OperationResponse[]> {
    const chunks: Array<{ start: number; ops: OperationInput[] }> = [];
    for (let start = 0; start < inputs.length; start += BULK_MAX_OPERATIONS) chunks.push({ start, ops: inputs.slice(start, start + BULK_MAX_OPERATIONS) });
    const responses = new Array<OperationResponse>(inputs.length);
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] as { start: number; ops: OperationInput[] };
        let answered: OperationResponse[];
        try {
          const sent = await bulkRequest(this.container, chunk.ops, this.faults()?.bulkRequest);
          answered = sent.responses;
          this.sent += sent.requests;
        } catch (err) {
          this.sent += 1;
          throw err;
        }
        answered.forEach((r, k) => {
          responses[chunk.start + k] = r;
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, parallel), chunks.length) }, worker));
    return responses;
  }

  /** One page of a query inside the tenant's partition, with the store's own continuation token. */
  async page<U = T>(query: string, params: Params = {}, options: QueryOptions = {}): Promise<Page<U>> {
    try {
      const iterator = this.container.items.query<U>(
        { query: scopeQuery(query, this.scope !== undefined), parameters: this.queryParams(params) },
        { ...this.queryOptions(), maxItemCount: options.pageSize ?? 100, continuationToken: options.continuation },
      );
      this.sent += 1;
      const res = await iterator.fetchNext();
      const page: Page<U> = { items: res.resources.map(strip) };
      if (res.continuationToken && res.hasMoreResults) page.continuation = res.continuationToken;
      return page;
    } catch (err) {
      return translateCosmosError(err);
    }
  }

  async all<U = T>(query: string, params: Params = {}): Promise<U[]> {
    try {
      this.sent += 1;
      const res = await this.container.items
        .query<U>(
          { query: scopeQuery(query, this.scope !== undefined), parameters: this.queryParams(params) },
          { ...this.queryOptions(), maxItemCount: 1000 },
        )
        .fetchAll();
      return res.resources.map(strip);
    } catch (err) {
      return translateCosmosError(err);
    }
  }
}

/** An existing container lacks a unique key the code relies on (they can only be set at creation). */
export class UniqueKeyMismatch extends Error {
  override readonly name = 'UniqueKeyMismatch';
}

/**
 * createIfNotExists leaves an existing container as it is, and a unique key can't be added later, so
 * a container created without one would silently lose a guarantee (the audit append's idempotency
 * rests on /eventId): refuse to start instead.
 */
function assertUniqueKeys(id: string, expected: readonly string[], actual: ReadonlyArray<{ paths: string[] }>): void {
  const have = actual.map((k) => k.paths.join(',')).sort();
  const want = [...expected].sort();
  if (have.length !== want.length || have.some((p, i) => p !== want[i])) {
    throw new UniqueKeyMismatch(
      `container ${id} has unique keys [${have.join(' ')}] but the code needs [${want.join(' ')}]; recreate it from infra/ (unique keys are fixed at creation)`,
    );
  }
}

/**
 * The document store: Cosmos DB through the real SDK, whether the endpoint is Azure or the
 * embedded server. Services get tenant-scoped collections from here; only platform jobs (timers
 * that sweep all tenants) use the cross-partition scan.
 */
export interface StoreOptions {
  /** `hierarchical` in Azure; `synthetic` on the embedded server (cosmos/partition.ts). */
  keys: KeyMode;
  /**
   * What to do with a container still keyed the old way (topology `legacyId`): `migrate` copies it
   * into its successor, verifies the copy and deletes it (the local store, whose data is small);
   * `refuse` stops the start with the runbook's command (Azure: docs/operations.md, "Partition keys");
   * `leave` opens anyway (the migration script, which copies them itself).
   */
  legacy: 'migrate' | 'refuse' | 'leave';
  /** Audit chain entries per logical partition (topology AUDIT_EPOCH_SIZE); tests lower it to cross epochs. */
  auditEpochSize?: number;
}

/** A container keyed the old way still exists and this start may not migrate it. */
export class LegacyContainers extends Error {
  override readonly name = 'LegacyContainers';
}

export class Store {
  private readonly handles = new Map<ContainerName, Container>();
  private readonly groups = new Map<ContainerName, CreateGroup>();
  private readonly partitioners = new Map<ContainerName, Partitioner>();
  /** Test seam (StoreFaults): read by every collection and group commit at each call. */
  faults: StoreFaults | undefined;
  /** What the start-up migration of legacy containers did (empty when there was none). */
  readonly migrations: MigrationReport[] = [];

  constructor(
    private readonly client: CosmosClient,
    private readonly database: Database,
    readonly options: StoreOptions,
  ) {
    for (const name of Object.keys(containers) as ContainerName[]) {
      const def: ContainerDef = containers[name];
      this.handles.set(name, database.container(def.id));
      this.partitioners.set(name, new Partitioner(def, options.keys, options.auditEpochSize));
    }
  }

  /** Creates the database and every container if missing, then deals with legacy containers. Safe to run at every start. */
  static async open(client: CosmosClient, databaseId: string, options: StoreOptions): Promise<Store> {
    try {
      const { database } = await client.databases.createIfNotExists({ id: databaseId });
      const store = new Store(client, database, options);
      for (const name of Object.keys(containers) as ContainerName[]) {
        const def: ContainerDef = containers[name];
        const uniqueKeyPolicy = { uniqueKeys: def.uniqueKeys.map((path) => ({ paths: [path] })) };
        const partitionKey = store.partitioner(name).containerKey();
        const { resource } = await database.containers.createIfNotExists({ id: def.id, partitionKey, uniqueKeyPolicy });
        assertUniqueKeys(def.id, def.uniqueKeys, resource?.uniqueKeyPolicy?.uniqueKeys ?? []);
      }
      const existing = options.legacy === 'leave' ? new Set<string>() : await containerIds(database);
      for (const name of Object.keys(containers) as ContainerName[]) {
        const def: ContainerDef = containers[name];
        if (!def.legacyId || !existing.has(def.legacyId)) continue;
        if (options.legacy === 'refuse') {
          throw new LegacyContainers(
            `container ${def.legacyId} is keyed by /tenantId alone and has been replaced by ${def.id}: run \`npm run migrate:keys\` (docs/operations.md, "Partition keys") before starting this version`,
          );
        }
        store.migrations.push(await migrateLegacyContainer(database, def.legacyId, store.handle(name), store.partitioner(name), { deleteLegacy: true }));
      }
      return store;
    } catch (err) {
      if (err instanceof UniqueKeyMismatch || err instanceof LegacyContainers) throw err;
      return translateCosmosError(err);
    }
  }

  /** How a container's items are keyed (migration and tests). */
  partitioner(name: ContainerName): Partitioner {
    const p = this.partitioners.get(name);
    if (!p) throw new Error(`unknown container ${name}`);
    return p;
  }

  /** The SDK handle of a container, for the key migration (migrate-keys.ts) only. */
  handle(name: ContainerName): Container {
    return this.container(name);
  }

  /** The database, for the key migration script only. */
  get db(): Database {
    return this.database;
  }

  /** Bulk requests and creates of a container's group commit so far (benchmarks report the mean group size). */
  createGroupStats(name: ContainerName): { requests: number; creates: number } {
    return this.groups.get(name)?.stats ?? { requests: 0, creates: 0 };
  }

  collection<T extends Item = Item>(name: ContainerName, tenantId: string): TenantCollection<T> {
    if (!tenantId) throw new StoreError('conflict', 'a tenant id is required');
    let group = this.groups.get(name);
    if (!group) {
      group = new CreateGroup(this.container(name), () => this.faults?.bulkRequest);
      this.groups.set(name, group);
    }
    return new TenantCollection<T>(this.container(name), tenantId, this.partitioner(name), group, () => this.faults);
  }

  /** Cross-partition query, for platform jobs only (relays, retention, nightly verification). */
  async scan<U>(name: ContainerName, query: string, params: Params = {}, maxItems = 1000): Promise<U[]> {
    try {
      const res = await this.container(name)
        .items.query<U>({ query, parameters: toParameters(params) }, { maxItemCount: maxItems })
        .fetchNext();
      return res.resources.map(strip);
    } catch (err) {
      return translateCosmosError(err);
    }
  }

  /** Readiness probe: one cheap metadata read. */
  async ping(): Promise<boolean> {
    try {
      await this.database.read();
      return true;
    } catch {
      return false;
    }
  }

  private container(name: ContainerName): Container {
    const c = this.handles.get(name);
    if (!c) throw new Error(`unknown container ${name}`);
    return c;
  }

  dispose(): void {
    this.client.dispose();
  }
}
