import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Container } from '@azure/cosmos';
import { CreateGroup } from '../../../shared/platform/cosmos/create-group.js';
import { isStoreError, StoreError } from '../../../shared/platform/cosmos/errors.js';
import { startTestStore, type TestStore } from '../../support/store.js';
import type { Item } from '../../../shared/platform/cosmos/store.js';

let t: TestStore;
beforeAll(async () => {
  t = await startTestStore();
});
afterAll(async () => {
  await t.close();
});

/** The SDK's container handle for the test store's audit container, its bulk calls counted. */
function countedAudit(): { container: Container; calls: () => number } {
  const container = (t.store as unknown as { container(name: string): Container }).container('audit');
  // Items go in as the store would write them to epoch 0 (cosmos/partition.ts: synthetic keys on the embedded server).
  let calls = 0;
  const bulk = container.items.bulk.bind(container.items);
  container.items.bulk = ((...args: Parameters<typeof bulk>) => {
    calls += 1;
    return bulk(...args);
  }) as typeof bulk;
  return { container, calls: () => calls };
}

/** The synthetic key of a tenant's first audit epoch. */
const pk = (tenantId: string) => `${tenantId}|e0`;

describe('CreateGroup (group commit of independent creates)', () => {
  it('sends the creates asked for in one turn as one request, and answers each caller with its own outcome', async () => {
    const { container, calls } = countedAudit();
    const group = new CreateGroup(container);
    await group.create(pk('g-a'), { id: 'x', tenantId: 'g-a', type: 't', eventId: 'e-x', seq: 0, _scope: 'e0', _pk: pk('g-a') });
    const before = calls();
    const outcomes = await Promise.all([
      group.create(pk('g-a'), { id: 'y', tenantId: 'g-a', type: 't', eventId: 'e-y', seq: 0, _scope: 'e0', _pk: pk('g-a') }),
      group.create(pk('g-a'), { id: 'x', tenantId: 'g-a', type: 't', eventId: 'e-other', seq: 0, _scope: 'e0', _pk: pk('g-a') }), // id taken
      group.create(pk('g-a'), { id: 'z', tenantId: 'g-a', type: 't', eventId: 'e-x', seq: 0, _scope: 'e0', _pk: pk('g-a') }), // unique key taken
      group.create(pk('g-b'), { id: 'x', tenantId: 'g-b', type: 't', eventId: 'e-x', seq: 0, _scope: 'e0', _pk: pk('g-b') }), // another partition
    ]);
    expect(outcomes).toEqual(['created', 'exists', 'exists', 'created']);
    expect(calls() - before).toBe(1);
    expect(group.stats).toEqual({ requests: 2, creates: 5 });
    expect(await t.store.collection('audit', 'g-a').for({ seq: 0 }).read('z')).toBeUndefined();
    expect(await t.store.collection('audit', 'g-b').for({ seq: 0 }).read('x')).toMatchObject({ eventId: 'e-x' });
  });

  it('is reached through TenantCollection, which refuses an item of another tenant before it is grouped', async () => {
    const col = t.store.collection('audit', 'g-own');
    expect(await col.createGrouped({ id: 'own', tenantId: 'g-own', type: 't', eventId: 'own', seq: 0 } as Item)).toBe('created');
    const refused = await col.createGrouped({ id: 'foreign', tenantId: 'g-other', type: 't', eventId: 'foreign', seq: 0 } as Item).catch((err: unknown) => err);
    expect(isStoreError(refused, 'conflict')).toBe(true);
    expect(await t.store.collection('audit', 'g-other').for({ seq: 0 }).read('foreign')).toBeUndefined();
  });

  it('splits more than 100 creates into requests of at most 100', async () => {
    const { container, calls } = countedAudit();
    const group = new CreateGroup(container);
    const outcomes = await Promise.all(Array.from({ length: 230 }, (_, i) => group.create(pk('g-many'), { id: `m-${i}`, tenantId: 'g-many', type: 't', eventId: `m-${i}`, seq: 0, _scope: 'e0', _pk: pk('g-many') })));
    expect(outcomes.every((o) => o === 'created')).toBe(true);
    expect(calls()).toBe(3);
  });

  it('maps throttling and outages per create to a retryable StoreError, and a failed request to every caller', async () => {
    const statuses = [201, 429, 503, 400];
    let fail = false;
    const fake = {
      items: {
        bulk: async (ops: unknown[]) => {
          if (fail) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          return ops.map((_, i) => ({ statusCode: statuses[i] }));
        },
      },
    } as unknown as Container;
    const group = new CreateGroup(fake);
    const settled = await Promise.allSettled(statuses.map((_, i) => group.create(pk('p'), { id: `i-${i}`, tenantId: 'p', type: 't', eventId: `${i}`, seq: 0, _scope: 'e0', _pk: pk('p') })));
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 'created' });
    for (const i of [1, 2]) {
      const r = settled[i] as PromiseRejectedResult;
      expect(isStoreError(r.reason, 'unavailable')).toBe(true);
    }
    const refused = (settled[3] as PromiseRejectedResult).reason as Error;
    expect(refused).toBeInstanceOf(Error);
    expect(refused).not.toBeInstanceOf(StoreError);
    expect(refused.message).toMatch(/400/);
    fail = true;
    const both = await Promise.allSettled([group.create(pk('p'), { id: 'a', tenantId: 'p', type: 't', seq: 0, _scope: 'e0', _pk: pk('p') }), group.create(pk('p'), { id: 'b', tenantId: 'p', type: 't', seq: 0, _scope: 'e0', _pk: pk('p') })]);
    expect(both.map((r) => r.status === 'rejected' && isStoreError(r.reason, 'unavailable'))).toEqual([true, true]);
  });
});
