import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyVaultKek, type KekCryptographyClient, type KekVault } from '../../../shared/platform/keys/kek.js';
import { SubjectKeyRing } from '../../../shared/platform/crypto/subject-keys.js';
import { startTestStore, type TestStore } from '../../support/store.js';

const KEY = 'https://kv-test.vault.azure.net/keys/data-kek';

/**
 * A key in a vault with versions that can be rotated and disabled. Wrapping is AES-256-GCM under a
 * secret per version (the RSA-OAEP-256 mapping has its own test): what matters here is that only the
 * version that wrapped a key can unwrap it.
 */
class VersionedVault implements KekVault {
  private readonly versions = new Map<string, { secret: Buffer; enabled: boolean }>();
  private latest = '';

  constructor(readonly key = KEY) {
    this.rotate();
  }

  rotate(): string {
    this.latest = `${this.key}/v${this.versions.size + 1}`;
    this.versions.set(this.latest, { secret: randomBytes(32), enabled: true });
    return this.latest;
  }

  disable(version: string): void {
    (this.versions.get(version) as { enabled: boolean }).enabled = false;
  }

  async currentVersion(): Promise<string> {
    return this.latest;
  }

  async client(keyId: string): Promise<KekCryptographyClient> {
    const version = () => {
      const v = this.versions.get(keyId);
      if (!v?.enabled) throw new Error(`${keyId} is not an enabled version`);
      return v.secret;
    };
    return {
      wrapKey: async (_alg, key) => {
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', version(), iv);
        const ct = Buffer.concat([c.update(key), c.final()]);
        return { result: Buffer.concat([iv, c.getAuthTag(), ct]) };
      },
      unwrapKey: async (_alg, wrapped) => {
        const w = Buffer.from(wrapped);
        const d = createDecipheriv('aes-256-gcm', version(), w.subarray(0, 12));
        d.setAuthTag(w.subarray(12, 28));
        return { result: Buffer.concat([d.update(w.subarray(28)), d.final()]) };
      },
    };
  }
}

let t: TestStore;
beforeAll(async () => {
  t = await startTestStore();
});
afterAll(async () => {
  await t.close();
});

// A ring with an empty cache, as a freshly started instance has: every key comes from the store.
const freshRing = (vault: VersionedVault, store = t.store) => new SubjectKeyRing(store, new KeyVaultKek(vault.key, vault), 100, 60_000);
const kekIds = async (tenantId: string, store = t.store) =>
  (await store.collection('keys', tenantId).all<{ subjectId: string; kekId?: string }>("SELECT * FROM c WHERE c.type = 'dataKey'"))
    .map((k) => `${k.subjectId}@${k.kekId?.split('/').pop() ?? 'shredded'}`)
    .sort();

describe('re-wrapping data keys after a KEK rotation', () => {
  it('moves every live key to the current version, keeps the keys themselves, leaves shredded ones alone', async () => {
    const vault = new VersionedVault();
    const before = freshRing(vault);
    const anna = await before.obtain('t-a', 'anna');
    const ben = await before.obtain('t-b', 'ben');
    await before.obtain('t-a', 'gone');
    await before.shred('t-a', 'gone');

    const v1 = `${KEY}/v1`;
    vault.rotate();
    const after = freshRing(vault);
    const carl = await after.obtain('t-a', 'carl'); // new keys already use v2
    expect(await kekIds('t-a')).toEqual(['anna@v1', 'carl@v2', 'gone@shredded']);

    const run = await after.rewrap(1); // batches of one: the scan must page on
    expect(run).toMatchObject({ kekId: `${KEY}/v2`, rewrapped: 2, failed: 0 });
    expect([...run.perTenant]).toEqual(expect.arrayContaining([['t-a', 1], ['t-b', 1]]));
    expect(await kekIds('t-a')).toEqual(['anna@v2', 'carl@v2', 'gone@shredded']);
    expect(await kekIds('t-b')).toEqual(['ben@v2']);

    // v1 can go now: a fresh instance opens every key without it, and they are the same keys.
    vault.disable(v1);
    const later = freshRing(vault);
    expect((await later.find('t-a', 'anna'))?.equals(anna)).toBe(true);
    expect((await later.find('t-b', 'ben'))?.equals(ben)).toBe(true);
    expect((await later.find('t-a', 'carl'))?.equals(carl)).toBe(true);
    expect(await later.find('t-a', 'gone')).toBeUndefined();
    // Nothing left to do.
    expect(await later.rewrap()).toMatchObject({ rewrapped: 0, failed: 0 });
  });

  it('counts a key whose version can no longer unwrap as failed and goes on with the others', async () => {
    const own = await startTestStore();
    try {
      const vault = new VersionedVault();
      await freshRing(vault, own.store).obtain('t-c', 'lost'); // under v1
      vault.rotate();
      await freshRing(vault, own.store).obtain('t-c', 'kept'); // under v2
      vault.disable(`${KEY}/v1`); // disabled before anything was re-wrapped: an operator's mistake
      vault.rotate();
      const run = await freshRing(vault, own.store).rewrap();
      expect(run).toMatchObject({ kekId: `${KEY}/v3`, rewrapped: 1, failed: 1 });
      expect(await kekIds('t-c', own.store)).toEqual(['kept@v3', 'lost@v1']);
    } finally {
      await own.close();
    }
  });
});
