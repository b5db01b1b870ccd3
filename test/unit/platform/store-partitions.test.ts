/**
 * Containers that spread a tenant over many logical partitions (shared/platform/topology.ts,
 * cosmos/partition.ts): the keys each store is sent, scoped point operations, scope-local and
 * tenant-wide queries, audit epochs (unique key per epoch, redelivery across an epoch boundary),
 * and the migration of containers keyed by /tenantId alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { createCosmosClient } from '../../../shared/platform/cosmos/client.js';
import { LegacyContainers, Store, type Item } from '../../../shared/platform/cosmos/store.js';
import { Partitioner } from '../../../shared/platform/cosmos/partition.js';
import { isStoreError } from '../../../shared/platform/cosmos/errors.js';
import { loadConfig } from '../../../shared/platform/config.js';
import { containers, TENANT_SCOPE } from '../../../shared/platform/topology.js';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../../shared/platform/local/embedded-cosmos.js';
import { AuditRepository } from '../../../shared/audit/repository.js';
import { AuditAppender } from '../../../shared/audit/appender.js';
import { entryHash, entryId, GENESIS_HASH, type ChainEntry } from '../../../shared/audit/chain.js';
import type { AuditEvent } from '../../../shared/audit/event.js';
import { processLog } from '../../../shared/platform/log.js';

let server: EmbeddedCosmos;
const config = loadConfig({ LOCAL_KEK: randomBytes(32).toString('base64') });
const client = () =>
  createCosmosClient(server.endpoint, config, () => {
    throw new Error('no credential in tests');
  }, true);

beforeAll(async () => {
  server = await startEmbeddedCosmos();
});
afterAll(async () => {
  await server.close();
});

interface Doc extends Item {
  propertyId?: string;
  date?: string;
  seq?: number;
  n?: number;
}

describe('Partitioner: the keys each store is sent', () => {
  const facts = new Partitioner(containers.facts, 'hierarchical');
  const factsLocal = new Partitioner(containers.facts, 'synthetic');
  const imports = new Partitioner(containers.imports, 'hierarchical');
  const audit = new Partitioner(containers.audit, 'hierarchical', 4);

  it('Azure: hierarchical keys (MultiHash) with the tenant first; queries name a prefix', () => {
    expect(facts.containerKey()).toEqual({ paths: ['/tenantId', '/_scope', '/_shard'], kind: 'MultiHash', version: 2 });
    expect(imports.containerKey()).toMatchObject({ paths: ['/tenantId', '/_scope'], kind: 'MultiHash' });
    expect(new Partitioner(containers.identity, 'hierarchical').containerKey()).toEqual({ paths: ['/tenantId'] });
    const key = facts.key('t1', 'p1', 'f:pos:abc') as string[];
    expect(key.slice(0, 2)).toEqual(['t1', 'p1']);
    expect(key[2]).toMatch(/^[0-9a-f]$/);
    expect(facts.prefix('t1', undefined)).toEqual(['t1']);
    expect(facts.prefix('t1', 'p1')).toEqual(['t1', 'p1']);
  });

  it('the embedded server: the same levels joined in /_pk; queries are filtered in their text', () => {
    expect(factsLocal.containerKey()).toEqual({ paths: ['/_pk'] });
    const hierarchical = facts.key('t1', 'p1', 'f:pos:abc') as string[];
    expect(factsLocal.key('t1', 'p1', 'f:pos:abc')).toBe(hierarchical.join('|'));
    expect(factsLocal.prefix('t1', 'p1')).toBe('t1');
    const stamped = factsLocal.stamp({ id: 'f:pos:abc', tenantId: 't1', type: 'fact', propertyId: 'p1' }, 'p1') as unknown as Record<string, unknown>;
    expect(stamped).toMatchObject({ _scope: 'p1', _shard: hierarchical[2], _pk: hierarchical.join('|') });
  });

  it('spreads a property over its shards evenly enough, by id alone', () => {
    const counts = new Map<unknown, number>();
    for (let i = 0; i < 16_000; i++) {
      const shard = (facts.key('t', 'p', `f:tms:${i}`) as string[])[2];
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect(counts.size).toBe(16);
    for (const n of counts.values()) expect(n).toBeGreaterThan(800);
  });

  it('derives the scope from the item: property, tenant-wide types, audit epochs', () => {
    expect(imports.scopeOf({ type: 'import', propertyId: 'p9' })).toBe('p9');
    expect(imports.scopeOf({ type: 'integration', propertyId: 'p9' })).toBe(TENANT_SCOPE);
    expect(audit.scopeOf({ seq: 3 })).toBe('e0');
    expect(audit.scopeOf({ seq: 4 })).toBe('e1');
    expect(() => imports.scopeOf({ type: 'import' })).toThrow(/needs a propertyId/);
    expect(() => audit.scopeOf({ type: 'auditEntry' })).toThrow(/needs an integer seq/);
    expect(() => facts.key('t1', undefined, 'x')).toThrow(/need the item's scope/);
  });
});

describe('TenantCollection on a spread container (embedded server)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open(client(), `parts-${randomUUID()}`, { keys: 'synthetic', legacy: 'migrate' });
  });
  afterAll(() => store.dispose());

  it('writes derive the scope; point operations need it; the key fields never leave the store', async () => {
    const facts = store.collection<Doc>('facts', 't-a');
    await facts.create({ id: 'f1', tenantId: 't-a', type: 'fact', propertyId: 'p1', n: 1 });
    await facts.create({ id: 'f1', tenantId: 't-a', type: 'fact', propertyId: 'p2', n: 2 }); // same id, another property: another partition
    await expect(facts.read('f1')).rejects.toThrow(/need the item's scope/);
    const one = await facts.scoped('p1').read('f1');
    expect(one).toMatchObject({ n: 1, propertyId: 'p1' });
    expect(Object.keys(one as object).filter((k) => ['_scope', '_shard', '_pk'].includes(k))).toEqual([]);
    expect(await facts.scoped('p2').read('f1')).toMatchObject({ n: 2 });
    expect(await facts.scoped('p3').read('f1')).toBeUndefined();
    // A scoped handle refuses an item of another scope before it leaves the process.
    const refused = await facts.scoped('p1').create({ id: 'f9', tenantId: 't-a', type: 'fact', propertyId: 'p2' }).catch((e: unknown) => e);
    expect(isStoreError(refused, 'conflict')).toBe(true);
    // Replace and patch and delete land on the item's own partition.
    const p1 = facts.scoped('p1');
    await p1.replace({ ...(one as Doc), n: 10 });
    await p1.patch('f1', [{ op: 'set', path: '/n', value: 11 }]);
    expect(await p1.read('f1')).toMatchObject({ n: 11 });
    expect(await facts.scoped('p2').read('f1')).toMatchObject({ n: 2 });
    await p1.delete('f1');
    expect(await p1.read('f1')).toBeUndefined();
    expect(await facts.for({ propertyId: 'p2' }).read('f1')).toMatchObject({ n: 2 });
  });

  it('queries cover the tenant, or one scope in a scoped handle, never another tenant', async () => {
    const aggs = store.collection<Doc>('aggregates', 't-q');
    for (let i = 0; i < 6; i++) await aggs.create({ id: `a${i}`, tenantId: 't-q', type: 'dailyAggregate', propertyId: `p${i % 3}`, n: i });
    await store.collection<Doc>('aggregates', 't-other').create({ id: 'a0', tenantId: 't-other', type: 'dailyAggregate', propertyId: 'p0', n: 99 });
    expect((await aggs.all<Doc>('SELECT * FROM c ORDER BY c.n')).map((d) => d.n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await aggs.scoped('p1').all<Doc>('SELECT * FROM c WHERE c.n >= @min ORDER BY c.n', { min: 0 })).map((d) => d.n)).toEqual([1, 4]);
    const paged: number[] = [];
    let continuation: string | undefined;
    do {
      const page = await aggs.scoped('p0').page<Doc>('SELECT * FROM c ORDER BY c.n', {}, { pageSize: 1, ...(continuation ? { continuation } : {}) });
      paged.push(...page.items.map((d) => d.n as number));
      continuation = page.continuation;
    } while (continuation);
    expect(paged).toEqual([0, 3]);
  });

  it('bulk reads and deletes name their scope unless the handle has one', async () => {
    const facts = store.collection<Doc>('facts', 't-b');
    const results = await facts.bulk([
      { kind: 'create', item: { id: 'b1', tenantId: 't-b', type: 'fact', propertyId: 'p1' } },
      { kind: 'create', item: { id: 'b2', tenantId: 't-b', type: 'fact', propertyId: 'p2' } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const read = await facts.bulk([
      { kind: 'read', id: 'b1', scope: 'p1' },
      { kind: 'read', id: 'b2', scope: 'p2' },
      { kind: 'read', id: 'b2', scope: 'p1' },
    ]);
    expect(read.map((r) => (r.ok ? r.item?.id : r.code))).toEqual(['b1', 'b2', undefined]);
    await expect(facts.bulk([{ kind: 'read', id: 'b1' }])).rejects.toThrow(/need the item's scope/);
    await expect(facts.scoped('p1').bulk([{ kind: 'read', id: 'b2', scope: 'p2' }])).rejects.toThrow(/scope does not match/);
  });

  it('tenant-wide items of a spread container are read by id alone through the tenant scope', async () => {
    const imports = store.collection<Doc>('imports', 't-i');
    await imports.create({ id: 'int-1', tenantId: 't-i', type: 'integration', propertyId: 'p7' });
    expect(await imports.scoped(TENANT_SCOPE).read('int-1')).toMatchObject({ propertyId: 'p7' });
    expect(await imports.scoped('p7').read('int-1')).toBeUndefined();
  });
});

function event(tenantId: string, id: string): AuditEvent {
  return {
    id,
    tenantId,
    occurredAt: new Date().toISOString(),
    actor: { type: 'system', id: 'test' },
    action: 'test.happened',
    target: { type: 'test', id },
    outcome: 'success',
  } as unknown as AuditEvent;
}

describe('audit chain over epochs (4 entries per logical partition)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open(client(), `epochs-${randomUUID()}`, { keys: 'synthetic', legacy: 'migrate', auditEpochSize: 4 });
  });
  afterAll(() => store.dispose());

  it('appends across epochs, finds the head, and refuses a redelivery whose first append is in the previous epoch', async () => {
    const repo = new AuditRepository(store);
    const appender = new AuditAppender(repo, processLog());
    for (let i = 1; i <= 10; i++) expect(await appender.append(event('t-e', `ev-${i}`))).toBe('appended');
    // ev-7 sits at seq 7, the last entry of epoch 1; the chain is now in epoch 2 (seq 8-10). A fresh
    // appender (another instance, no cached head) gets the redelivery: the next seq is in epoch 2,
    // whose unique key has never seen ev-7, so the previous epoch is asked (EPOCH_OVERLAP).
    const other = new AuditAppender(repo, processLog());
    expect(await other.append(event('t-e', 'ev-7'))).toBe('duplicate');
    // ev-9 is in the current epoch: its partition's unique key refuses it.
    expect(await other.append(event('t-e', 'ev-9'))).toBe('duplicate');
    expect((await repo.head('t-e')).seq).toBe(10);
    const scopes = await store.collection<Doc & { _scope?: string }>('audit', 't-e').all<{ seq: number }>("SELECT c.seq FROM c WHERE c.type = 'auditEntry' ORDER BY c.seq");
    expect(scopes.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The entries of each epoch are in their own partition, and the chain links across them.
    const e4 = await repo.entry('t-e', 4);
    const e3 = await repo.entry('t-e', 3);
    expect(e4?.prevHash).toBe(e3?.hash);
    expect(await store.collection('audit', 't-e').scoped('e0').read(entryId(4))).toBeUndefined();
  });
});

describe('migration of containers keyed by /tenantId alone', () => {
  async function legacyDatabase(): Promise<{ id: string }> {
    const c = client();
    const id = `legacy-${randomUUID()}`;
    const { database } = await c.databases.createIfNotExists({ id });
    const mk = async (name: string) => (await database.containers.createIfNotExists({ id: name, partitionKey: { paths: ['/tenantId'] }, ...(name === 'audit' ? { uniqueKeyPolicy: { uniqueKeys: [{ paths: ['/eventId'] }] } } : {}) })).container;
    const facts = await mk('facts');
    const imports = await mk('imports');
    const audit = await mk('audit');
    await mk('aggregates');
    for (const t of ['t1', 't2']) {
      for (let i = 0; i < 130; i++) await facts.items.create({ id: `f${i}`, tenantId: t, type: 'fact', propertyId: `p${i % 4}`, date: '2026-01-01', n: i });
      await imports.items.create({ id: 'int-1', tenantId: t, type: 'integration', propertyId: 'p1', name: 'pos' });
      await imports.items.create({ id: 'imp-1', tenantId: t, type: 'import', integrationId: 'int-1', propertyId: 'p1', raw: { chunks: 2 } });
      for (const index of [0, 1]) await imports.items.create({ id: `raw:imp-1:${index}`, tenantId: t, type: 'importRaw', importId: 'imp-1', index, enc: { raw: `sealed-${index}` } });
      let prev = GENESIS_HASH;
      for (let seq = 1; seq <= 3; seq++) {
        const body: Record<string, unknown> = { tenantId: t, type: 'auditEntry', seq, eventId: `ev-${seq}`, prevHash: prev, action: 'x.y' };
        const hash = entryHash(body);
        await audit.items.create({ ...body, id: entryId(seq), hash });
        prev = hash;
      }
    }
    c.dispose();
    return { id };
  }

  it('refuses to start in Azure mode while a legacy container exists', async () => {
    const { id } = await legacyDatabase();
    await expect(Store.open(client(), id, { keys: 'synthetic', legacy: 'refuse' })).rejects.toThrow(LegacyContainers);
    await expect(Store.open(client(), id, { keys: 'synthetic', legacy: 'refuse' })).rejects.toThrow(/npm run migrate:keys/);
  });

  it('copies every item into its successor with its key, verifies the copy per tenant and drops the legacy container', async () => {
    const { id } = await legacyDatabase();
    const store = await Store.open(client(), id, { keys: 'synthetic', legacy: 'migrate' });
    expect(store.migrations.map((m) => [m.legacy, m.target, m.read, m.copied, m.tenants, m.deleted])).toEqual([
      ['audit', 'audit2', 6, 6, 2, true],
      ['imports', 'imports2', 8, 8, 2, true],
      ['facts', 'facts2', 260, 260, 2, true],
      ['aggregates', 'aggregates2', 0, 0, 0, true],
    ]);
    for (const t of ['t1', 't2']) {
      const facts = store.collection<Doc>('facts', t);
      expect(await facts.scoped('p1').read('f5')).toMatchObject({ n: 5, date: '2026-01-01' });
      expect((await facts.scoped('p1').all<Doc>('SELECT c.n FROM c')).length).toBe(33);
      const imports = store.collection<Doc>('imports', t);
      expect(await imports.scoped(TENANT_SCOPE).read('int-1')).toMatchObject({ name: 'pos' });
      // Raw chunks named only their import: they take its property.
      expect(await imports.scoped('p1').read('raw:imp-1:1')).toMatchObject({ propertyId: 'p1', enc: { raw: 'sealed-1' } });
      // The chain is unchanged: every entry still hashes to its hash and links to the previous one.
      const repo = new AuditRepository(store);
      const entries = (await repo.entriesPage(t, 1)).items;
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
      let prev = GENESIS_HASH;
      for (const e of entries) {
        expect(entryHash(e as unknown as Record<string, unknown>)).toBe(e.hash);
        expect((e as ChainEntry).prevHash).toBe(prev);
        prev = e.hash;
      }
      expect((await repo.head(t)).seq).toBe(3);
    }
    store.dispose();
    // Nothing left to migrate: the next start opens as usual, even in Azure mode.
    const again = await Store.open(client(), id, { keys: 'synthetic', legacy: 'refuse' });
    expect(again.migrations).toEqual([]);
    again.dispose();
  });
});
