import type { Container, CosmosClient, Database, PatchOperation, SqlParameter } from '@azure/cosmos';
import { containers, type ContainerName } from '../topology.js';
import { StoreError, translateCosmosError } from './errors.js';
import { CreateGroup } from './create-group.js';

/** Every stored item belongs to a tenant: the partition key of every container is /tenantId. */
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
 * Adds `c.tenantId = @__tenantId` to a query. The partition key option already confines a query to
 * the tenant's partition in Cosmos DB, but the embedded server ignores it, and a filter in the text
 * keeps isolation from resting on one mechanism. Queries must name their item alias `c`.
 */
export function scopeQuery(query: string): string {
  if (!/\bFROM\s+c\b/i.test(query)) throw new Error('tenant-scoped queries must read FROM c');
  const orderAt = query.search(/\bORDER\s+BY\b/i);
  const head = orderAt >= 0 ? query.slice(0, orderAt) : query;
  const tail = orderAt >= 0 ? ' ' + query.slice(orderAt) : '';
  const whereAt = head.search(/\bWHERE\b/i);
  if (whereAt < 0) return `${head.trimEnd()} WHERE c.tenantId = @__tenantId${tail}`;
  const before = head.slice(0, whereAt);
  const condition = head.slice(whereAt + 5).trim();
  return `${before}WHERE c.tenantId = @__tenantId AND (${condition})${tail}`;
}

function strip<T>(resource: T): T {
  const r = resource as Record<string, unknown>;
  delete r._rid;
  delete r._self;
  delete r._attachments;
  return resource;
}

/**
 * One container seen from inside one tenant's partition. Every read, query and write goes to that
 * partition only, and a write of an item that names another tenant is refused before it leaves the
 * process: this class is the single place where tenant scoping is enforced for stored data.
 */
export class TenantCollection<T extends Item = Item> {
  constructor(
    private readonly container: Container,
    readonly tenantId: string,
    private readonly group?: CreateGroup,
  ) {}

  private check(item: { tenantId: string }): void {
    if (item.tenantId !== this.tenantId) {
      throw new StoreError('conflict', 'item tenant does not match the collection scope');
    }
  }

  async read<U extends T = T>(id: string): Promise<U | undefined> {
    try {
      const res = await this.container.item(id, this.tenantId).read<U>();
      return res.resource ? strip(res.resource) : undefined;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      return translateCosmosError(err);
    }
  }

  async create<U extends T>(item: U): Promise<U> {
    this.check(item);
    try {
      const res = await this.container.items.create<U>(item);
      return strip(res.resource as U);
    } catch (err) {
      return translateCosmosError(err);
    }
  }

  /**
   * Creates the item in the container's group commit (CreateGroup): one bulk request for every
   * create asked for in the same turn, by any tenant. 'exists' is the 409 (id taken or a unique key).
   */
  async createGrouped<U extends T>(item: U): Promise<'created' | 'exists'> {
    this.check(item);
    if (!this.group) throw new Error('this collection has no create group');
    return this.group.create(this.tenantId, item as unknown as Record<string, unknown>);
  }

  async upsert<U extends T>(item: U): Promise<U> {
    this.check(item);
    try {
      const res = await this.container.items.upsert<U>(item);
      return strip(res.resource as unknown as U);
    } catch (err) {
      return translateCosmosError(err);
    }
  }

  /** Replaces the item; with `ifMatch`, only if nobody changed it since (else StoreError precondition_failed). */
  async replace<U extends T>(item: U, ifMatch?: string): Promise<U> {
    this.check(item);
    try {
      const res = await this.container
        .item(item.id, this.tenantId)
        .replace<U>(item, ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch } } : undefined);
      return strip(res.resource as U);
    } catch (err) {
      return translateCosmosError(err);
    }
  }

  async patch<U extends T = T>(id: string, operations: PatchOperation[], ifMatch?: string): Promise<U> {
    try {
      const res = await this.container
        .item(id, this.tenantId)
        .patch<U>(operations, ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch } } : undefined);
      return strip(res.resource as U);
    } catch (err) {
      return translateCosmosError(err);
    }
  }

  /** Deletes the item; deleting what is already gone is not an error (idempotent handlers rely on it). */
  async delete(id: string): Promise<void> {
    try {
      await this.container.item(id, this.tenantId).delete();
    } catch (err) {
      if ((err as { code?: number }).code === 404) return;
      translateCosmosError(err);
    }
  }

  /** One page of a query inside the tenant's partition, with the store's own continuation token. */
  async page<U = T>(query: string, params: Params = {}, options: QueryOptions = {}): Promise<Page<U>> {
    try {
      const iterator = this.container.items.query<U>(
        { query: scopeQuery(query), parameters: toParameters({ ...params, __tenantId: this.tenantId }) },
        { partitionKey: this.tenantId, maxItemCount: options.pageSize ?? 100, continuationToken: options.continuation },
      );
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
      const res = await this.container.items
        .query<U>(
          { query: scopeQuery(query), parameters: toParameters({ ...params, __tenantId: this.tenantId }) },
          { partitionKey: this.tenantId, maxItemCount: 1000 },
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
export class Store {
  private readonly handles = new Map<ContainerName, Container>();
  private readonly groups = new Map<ContainerName, CreateGroup>();

  constructor(
    private readonly client: CosmosClient,
    private readonly database: Database,
  ) {
    for (const name of Object.keys(containers) as ContainerName[]) {
      this.handles.set(name, database.container(containers[name].id));
    }
  }

  /** Creates the database and every container if missing. Safe to run at every start. */
  static async open(client: CosmosClient, databaseId: string): Promise<Store> {
    try {
      const { database } = await client.databases.createIfNotExists({ id: databaseId });
      for (const def of Object.values(containers)) {
        const uniqueKeyPolicy = { uniqueKeys: def.uniqueKeys.map((path) => ({ paths: [path] })) };
        const { resource } = await database.containers.createIfNotExists({ id: def.id, partitionKey: { paths: [def.partitionKey] }, uniqueKeyPolicy });
        assertUniqueKeys(def.id, def.uniqueKeys, resource?.uniqueKeyPolicy?.uniqueKeys ?? []);
      }
      return new Store(client, database);
    } catch (err) {
      if (err instanceof UniqueKeyMismatch) throw err;
      return translateCosmosError(err);
    }
  }

  /** Bulk requests and creates of a container's group commit so far (benchmarks report the mean group size). */
  createGroupStats(name: ContainerName): { requests: number; creates: number } {
    return this.groups.get(name)?.stats ?? { requests: 0, creates: 0 };
  }

  collection<T extends Item = Item>(name: ContainerName, tenantId: string): TenantCollection<T> {
    if (!tenantId) throw new StoreError('conflict', 'a tenant id is required');
    let group = this.groups.get(name);
    if (!group) {
      group = new CreateGroup(this.container(name));
      this.groups.set(name, group);
    }
    return new TenantCollection<T>(this.container(name), tenantId, group);
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
