import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStore, type TestStore } from '../../support/store.js';
import { isStorableId } from '../../../shared/platform/cosmos/item-id.js';
import { StoreError } from '../../../shared/platform/cosmos/errors.js';
import type { Item } from '../../../shared/platform/cosmos/store.js';
import { toProblem } from '../../../shared/http/errors.js';

// A lone surrogate makes the SDK's encodeURIComponent of the item link throw a URIError (a 500 at the
// HTTP edge); '/', '\', '?', '#' are refused by Cosmos DB itself.
const ILL_FORMED = ['slug:\ud800', 'a\udfffb', 'a/b', 'a\\b', 'a?b', 'a#b', 'a\u0000b', 'x'.repeat(1024), ''];

describe('item ids the store refuses', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await startTestStore();
  });
  afterAll(async () => {
    await t.close();
  });

  it('tells storable ids from the rest', () => {
    for (const id of ILL_FORMED) expect(isStorableId(id)).toBe(false);
    for (const id of ['slug:demo', 'user:1f0c-9a', 'emailIndex:Zm9v_-', '\u00e9t\u00e9:\ud83d\ude00', 'x'.repeat(255)]) expect(isStorableId(id)).toBe(true);
  });

  it('reads an ill-formed id as missing and refuses to write one with a typed error mapped to 400', async () => {
    const col = t.store.collection('identity', 'tenant-a');
    for (const id of ILL_FORMED) {
      await expect(col.read(id)).resolves.toBeUndefined();
      const write = col.upsert({ id, tenantId: 'tenant-a', type: 'probe' });
      await expect(write).rejects.toBeInstanceOf(StoreError);
      await expect(write).rejects.toMatchObject({ code: 'invalid_id' });
      await expect(col.delete(id)).rejects.toMatchObject({ code: 'invalid_id' });
      await expect(col.bulk([{ kind: 'create', item: { id, tenantId: 'tenant-a', type: 'probe' } }])).rejects.toMatchObject({ code: 'invalid_id' });
    }
    expect(toProblem(new StoreError('invalid_id', 'x'))?.status).toBe(400);
  });

  it('deletes conditionally on If-Match', async () => {
    const col = t.store.collection<Item & { n: number }>('identity', 'tenant-a');
    const first = await col.upsert<Item & { n: number }>({ id: 'probe:1', tenantId: 'tenant-a', type: 'probe', n: 1 });
    const second = await col.upsert<Item & { n: number }>({ id: 'probe:1', tenantId: 'tenant-a', type: 'probe', n: 2 });
    await expect(col.delete('probe:1', first._etag)).rejects.toMatchObject({ code: 'precondition_failed' });
    await col.delete('probe:1', second._etag);
    await expect(col.read('probe:1')).resolves.toBeUndefined();
  });
});
