import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scopeQuery, type Item } from '../../../shared/platform/cosmos/store.js';
import { StoreError } from '../../../shared/platform/cosmos/errors.js';
import { startTestStore, type TestStore } from '../../support/store.js';

describe('scopeQuery', () => {
  it('adds the tenant filter with or without a WHERE clause, before ORDER BY', () => {
    expect(scopeQuery('SELECT * FROM c')).toBe('SELECT * FROM c WHERE c.tenantId = @__tenantId');
    expect(scopeQuery("SELECT * FROM c WHERE c.type = 'user' OR c.type = 'x'")).toBe(
      "SELECT * FROM c WHERE c.tenantId = @__tenantId AND (c.type = 'user' OR c.type = 'x')",
    );
    expect(scopeQuery('SELECT c.id FROM c WHERE c.n > 1 ORDER BY c.n DESC')).toBe(
      'SELECT c.id FROM c WHERE c.tenantId = @__tenantId AND (c.n > 1) ORDER BY c.n DESC',
    );
    expect(scopeQuery('SELECT * FROM c ORDER BY c.n')).toBe('SELECT * FROM c WHERE c.tenantId = @__tenantId ORDER BY c.n');
  });

  it('refuses queries that do not use the alias c', () => {
    expect(() => scopeQuery('SELECT * FROM items i')).toThrow(/FROM c/);
  });
});

describe('TenantCollection isolation', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await startTestStore();
  });
  afterAll(async () => {
    await t.close();
  });

  it('never returns or writes another tenant\'s items', async () => {
    const a = t.store.collection('identity', 'tenant-a');
    const b = t.store.collection('identity', 'tenant-b');
    await a.create({ id: 'same-id', tenantId: 'tenant-a', type: 'user' });
    await b.create({ id: 'same-id', tenantId: 'tenant-b', type: 'user' });
    await b.create({ id: 'only-b', tenantId: 'tenant-b', type: 'user' });
    expect((await a.all<{ id: string }>('SELECT * FROM c')).map((i) => i.id)).toEqual(['same-id']);
    expect((await a.page<{ tenantId: string }>("SELECT * FROM c WHERE c.type = 'user'")).items.map((i) => i.tenantId)).toEqual(['tenant-a']);
    expect(await a.read('only-b')).toBeUndefined();
    await expect(a.create({ id: 'x', tenantId: 'tenant-b', type: 'user' })).rejects.toBeInstanceOf(StoreError);
    await expect(a.upsert({ id: 'only-b', tenantId: 'tenant-b', type: 'user' })).rejects.toBeInstanceOf(StoreError);
  });

  it('pages with continuation tokens', async () => {
    const c = t.store.collection('facts', 'tenant-p');
    for (let i = 0; i < 7; i++) await c.create({ id: `f${i}`, tenantId: 'tenant-p', type: 'fact', propertyId: i % 2 ? 'p1' : 'p2' } as Item);
    const ids: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await c.page<{ id: string }>('SELECT * FROM c', {}, { pageSize: 3, continuation });
      ids.push(...page.items.map((i) => i.id));
      continuation = page.continuation;
    } while (continuation);
    expect(ids.sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
  });
});
