import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OperationInput } from '@azure/cosmos';
import { isStoreError } from '../../../shared/platform/cosmos/errors.js';
import type { Item } from '../../../shared/platform/cosmos/store.js';
import { startTestStore, type TestStore } from '../../support/store.js';
import { answerSome } from '../../support/store-faults.js';

interface Doc extends Item {
  n: number;
  pad?: string;
}

const doc = (tenantId: string, id: string, n: number, pad?: string): Doc => ({ id, tenantId, type: 'probe', n, ...(pad ? { pad } : {}) });

let t: TestStore;
beforeAll(async () => {
  t = await startTestStore();
});
afterAll(async () => {
  await t.close();
});

describe('TenantCollection.bulk against the embedded Cosmos server', () => {
  it('answers each operation in input order: writes, reads, misses, conflicts and failed preconditions', async () => {
    const col = t.store.collection<Doc>('privacy', 'tenant-bulk-a');
    const existing = await col.create(doc('tenant-bulk-a', 'b:existing', 1));
    const results = await col.bulk([
      { kind: 'create', item: doc('tenant-bulk-a', 'b:new', 2) },
      { kind: 'upsert', item: doc('tenant-bulk-a', 'b:up', 3) },
      { kind: 'read', id: 'b:existing' },
      { kind: 'read', id: 'b:missing' },
      { kind: 'create', item: doc('tenant-bulk-a', 'b:existing', 9) },
      { kind: 'replace', item: doc('tenant-bulk-a', 'b:existing', 10), ifMatch: '"stale"' },
      { kind: 'replace', item: doc('tenant-bulk-a', 'b:nowhere', 10) },
      { kind: 'replace', item: doc('tenant-bulk-a', 'b:existing', 11), ifMatch: existing._etag },
      { kind: 'delete', id: 'b:up' },
      { kind: 'delete', id: 'b:never' },
    ]);
    expect(results.map((r) => (r.ok ? r.status : r.code))).toEqual([201, 201, 200, 404, 'conflict', 'precondition_failed', 'not_found', 200, 204, 404]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, false, false, false, true, true, true]);
    const read = results[2];
    expect(read?.ok && read.item).toMatchObject({ id: 'b:existing', n: 1, _etag: existing._etag });
    expect(read?.ok && read.item).not.toHaveProperty('_rid');
    expect(results[3]).toEqual({ ok: true, status: 404 });
    const replaced = results[7];
    expect(replaced?.ok && replaced.etag).toEqual(expect.any(String));
    expect(replaced?.ok && replaced.etag).not.toBe(existing._etag);
    expect(await col.read('b:existing')).toMatchObject({ n: 11, _etag: replaced?.ok ? replaced.etag : 'none' });
    expect(await col.read('b:new')).toMatchObject({ n: 2 });
    expect(await col.read('b:up')).toBeUndefined();
  });

  it('sends one request per 100 operations, and counts the requests a body too large for one is split into', async () => {
    const col = t.store.collection<Doc>('privacy', 'tenant-bulk-b');
    const written = await col.bulk(Array.from({ length: 250 }, (_, i) => ({ kind: 'upsert' as const, item: doc('tenant-bulk-b', `c:${i}`, i) })));
    expect(written.every((r) => r.ok)).toBe(true);
    expect(col.requests).toBe(3);
    const read = await col.bulk(Array.from({ length: 250 }, (_, i) => ({ kind: 'read' as const, id: `c:${i}` })));
    expect(read.map((r) => (r.ok ? r.item?.n : undefined))).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(col.requests).toBe(6);
    // 30 items of 10 kB: too much for one request (the SDK splits bodies above about 220 kB).
    const big = t.store.collection<Doc>('privacy', 'tenant-bulk-b');
    const large = await big.bulk(Array.from({ length: 30 }, (_, i) => ({ kind: 'upsert' as const, item: doc('tenant-bulk-b', `big:${i}`, i, 'x'.repeat(10_000)) })));
    expect(large.every((r) => r.ok)).toBe(true);
    expect(big.requests).toBe(2);
  });

  it("is pinned to the collection's tenant: refuses items of another tenant and never sees their items", async () => {
    const a = t.store.collection<Doc>('privacy', 'tenant-bulk-c');
    const b = t.store.collection<Doc>('privacy', 'tenant-bulk-d');
    await b.create(doc('tenant-bulk-d', 'shared-id', 7));
    const refused = await a.bulk([{ kind: 'upsert', item: doc('tenant-bulk-c', 'mine', 1) }, { kind: 'upsert', item: doc('tenant-bulk-d', 'theirs', 2) }]).catch((err: unknown) => err);
    expect(isStoreError(refused, 'conflict')).toBe(true);
    // Refused before anything was sent: not even the valid operation of the same call.
    expect(a.requests).toBe(0);
    expect(await a.read('mine')).toBeUndefined();
    expect(await b.read('theirs')).toBeUndefined();
    const replaced = await a.bulk([{ kind: 'replace', item: { ...doc('tenant-bulk-c', 'shared-id', 8), tenantId: 'tenant-bulk-d' } }]).catch((err: unknown) => err);
    expect(isStoreError(replaced, 'conflict')).toBe(true);
    const [seen] = await a.bulk([{ kind: 'read', id: 'shared-id' }]);
    expect(seen).toEqual({ ok: true, status: 404 });
    expect(await b.read('shared-id')).toMatchObject({ n: 7 });
  });

  describe('when the store throttles single operations', () => {
    /** Answers `status` for the operations `fails` picks, and sends the others on. */
    const throttle = (fails: (op: OperationInput, call: number) => boolean, status: number) => {
      let calls = 0;
      t.store.faults = {
        bulkRequest: answerSome((operations) => {
          const call = ++calls;
          return operations.map((op) => (fails(op, call) ? status : undefined));
        }),
      };
    };
    afterAll(() => {
      t.store.faults = undefined;
    });

    it('sends the throttled operations again, alone, and succeeds when the store recovers', async () => {
      const col = t.store.collection<Doc>('privacy', 'tenant-bulk-e');
      const id = (op: OperationInput) => ('id' in op ? op.id : String((op.resourceBody as { id?: string }).id));
      throttle((op, call) => call <= 2 && ['t:1', 't:3'].includes(id(op)), 429);
      try {
        const results = await col.bulk(Array.from({ length: 5 }, (_, i) => ({ kind: 'upsert' as const, item: doc('tenant-bulk-e', `t:${i}`, i) })));
        expect(results.every((r) => r.ok)).toBe(true);
        // The first request, then two retries carrying only the two throttled operations.
        expect(col.requests).toBe(3);
        const read = await col.bulk(Array.from({ length: 5 }, (_, i) => ({ kind: 'read' as const, id: `t:${i}` })));
        expect(read.map((r) => (r.ok ? r.item?.n : undefined))).toEqual([0, 1, 2, 3, 4]);
      } finally {
        t.store.faults = undefined;
      }
    });

    it('throws a retryable unavailable error when some operations stay unavailable; the others are applied', async () => {
      const col = t.store.collection<Doc>('privacy', 'tenant-bulk-f');
      throttle((op) => op.operationType === 'Upsert' && (op.resourceBody as { id?: string }).id === 'u:2', 503);
      try {
        const failed = await col.bulk(Array.from({ length: 4 }, (_, i) => ({ kind: 'upsert' as const, item: doc('tenant-bulk-f', `u:${i}`, i) }))).catch((err: unknown) => err);
        expect(isStoreError(failed, 'unavailable')).toBe(true);
      } finally {
        t.store.faults = undefined;
      }
      expect(await col.read('u:0')).toMatchObject({ n: 0 });
      expect(await col.read('u:2')).toBeUndefined();
    });
  });
});
