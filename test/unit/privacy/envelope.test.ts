import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BlindIndex, FieldCipher, type Sealed } from '../../../shared/platform/crypto/field-cipher.js';
import { DecryptionError, SubjectRedactedError } from '../../../shared/platform/crypto/errors.js';
import { SubjectKeyRing } from '../../../shared/platform/crypto/subject-keys.js';
import { startTestStore, testKeyRing, type TestStore } from '../../support/store.js';

let t: TestStore;
let keys: SubjectKeyRing;
let kek: ReturnType<typeof testKeyRing>['kek'];
let cipher: FieldCipher;

beforeAll(async () => {
  t = await startTestStore();
  ({ keys, kek } = testKeyRing(t.store));
  cipher = new FieldCipher(keys);
});
afterAll(async () => {
  await t.close();
});

const ctx = (over: Partial<{ tenantId: string; subjectId: string; field: string; recordId: string }> = {}) => ({
  tenantId: 'tenant-a',
  subjectId: 'user-1',
  field: 'user.email',
  ...over,
});

function flipByte(sealed: Sealed, at: number): Sealed {
  const raw = Buffer.from(sealed.c, 'base64');
  raw[at] = (raw[at] as number) ^ 0x01;
  return { ...sealed, c: raw.toString('base64') };
}

describe('envelope encryption', () => {
  it('round-trips a value, with a fresh IV each time', async () => {
    const a = await cipher.seal(ctx(), 'ana.lima@example.com');
    const b = await cipher.seal(ctx(), 'ana.lima@example.com');
    expect(a.c).not.toEqual(b.c);
    // On the bytes, not the base64 text: a random base64 string contains 'ana' now and then.
    expect(Buffer.from(a.c, 'base64').includes(Buffer.from('ana.lima'))).toBe(false);
    expect(await cipher.open(ctx(), a)).toEqual({ redacted: false, value: 'ana.lima@example.com' });
  });

  it('stores the data key only wrapped by the KEK', async () => {
    await cipher.seal(ctx({ subjectId: 'user-w' }), 'x');
    const item = await t.store.collection('keys', 'tenant-a').read<{ id: string; tenantId: string; type: string; wrapped: string; kekId: string }>('dek:user-w');
    expect(item?.wrapped).toBeDefined();
    expect(item?.kekId).toBe('local:kek:v1');
    const cached = await keys.find('tenant-a', 'user-w');
    expect(Buffer.from(item?.wrapped as string, 'base64').includes(cached as Buffer)).toBe(false);
  });

  it('detects tampering with the ciphertext, the IV or the tag', async () => {
    const sealed = await cipher.seal(ctx(), 'secret');
    const len = Buffer.from(sealed.c, 'base64').length;
    for (const at of [0, 14, len - 1]) {
      await expect(cipher.open(ctx(), flipByte(sealed, at))).rejects.toBeInstanceOf(DecryptionError);
    }
    await expect(cipher.open(ctx(), { ...sealed, c: 'AAAA' })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('refuses a ciphertext moved to another field, record, subject or tenant', async () => {
    const sealed = await cipher.seal(ctx({ recordId: 'r1' }), 'value');
    await expect(cipher.open(ctx({ field: 'user.firstName', recordId: 'r1' }), sealed)).rejects.toBeInstanceOf(DecryptionError);
    await expect(cipher.open(ctx({ recordId: 'r2' }), sealed)).rejects.toBeInstanceOf(DecryptionError);
    await expect(cipher.open(ctx({ subjectId: 'user-2', recordId: 'r1' }), sealed)).rejects.toBeInstanceOf(DecryptionError);
    // Same subject id in another tenant: that tenant has its own key for it (or none).
    await cipher.seal(ctx({ tenantId: 'tenant-b' }), 'other');
    await expect(cipher.open(ctx({ tenantId: 'tenant-b', recordId: 'r1' }), sealed)).rejects.toBeInstanceOf(DecryptionError);
    // A sealed value relabelled as another subject's.
    await cipher.seal(ctx({ subjectId: 'user-3' }), 'x');
    await expect(cipher.open(ctx({ subjectId: undefined as unknown as string, recordId: 'r1' }), { ...sealed, s: 'user-3' })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('makes every value of a shredded subject unreadable, as a typed redacted result', async () => {
    const email = await cipher.seal(ctx({ subjectId: 'user-9' }), 'gone@example.com');
    const name = await cipher.seal(ctx({ subjectId: 'user-9', field: 'user.firstName' }), 'Gone');
    const other = await cipher.seal(ctx({ subjectId: 'user-10' }), 'stays@example.com');
    await keys.shred('tenant-a', 'user-9');
    expect(await cipher.open(ctx({ subjectId: 'user-9' }), email)).toEqual({ redacted: true });
    expect(await cipher.open(ctx({ subjectId: 'user-9', field: 'user.firstName' }), name)).toEqual({ redacted: true });
    expect(await cipher.openOr(ctx({ subjectId: 'user-9' }), email, '[redacted]')).toBe('[redacted]');
    expect(await cipher.open(ctx({ subjectId: 'user-10' }), other)).toEqual({ redacted: false, value: 'stays@example.com' });
    await expect(cipher.seal(ctx({ subjectId: 'user-9' }), 'new data')).rejects.toBeInstanceOf(SubjectRedactedError);
    // Another process (cold cache) sees the tombstone too.
    const fresh = new FieldCipher(new SubjectKeyRing(t.store, kek, 10, 1000));
    expect(await fresh.open(ctx({ subjectId: 'user-9' }), email)).toEqual({ redacted: true });
    // Shredding twice is harmless.
    await keys.shred('tenant-a', 'user-9');
  });

  it("stops opening a subject's values on another instance within the confirm interval after a shred there", async () => {
    let now = 1_000_000;
    const clock = () => now;
    // Two instances: each keeps unwrapped keys for 300 s but confirms them against the store every 30 s.
    const here = new FieldCipher(new SubjectKeyRing(t.store, kek, 10, 300_000, 30_000, clock));
    const elsewhere = new SubjectKeyRing(t.store, kek, 10, 300_000, 30_000, clock);
    const sealed = await here.seal(ctx({ subjectId: 'user-11' }), 'leaving@example.com');
    expect(await here.open(ctx({ subjectId: 'user-11' }), sealed)).toEqual({ redacted: false, value: 'leaving@example.com' });
    await elsewhere.shred('tenant-a', 'user-11');
    now += 10_000; // inside the interval the cached key still opens (the window docs/privacy.md states)
    expect((await here.open(ctx({ subjectId: 'user-11' }), sealed)).redacted).toBe(false);
    now += 21_000; // past it: the store is asked, and says shredded
    expect(await here.open(ctx({ subjectId: 'user-11' }), sealed)).toEqual({ redacted: true });
    await expect(here.seal(ctx({ subjectId: 'user-11' }), 'new data')).rejects.toBeInstanceOf(SubjectRedactedError);
  });

  it('gives concurrent first writers the same key', async () => {
    const { keys: k1 } = testKeyRing(t.store);
    const sealedAll = await Promise.all(
      Array.from({ length: 5 }, (_, i) => new FieldCipher(k1).seal(ctx({ subjectId: 'race', recordId: String(i) }), `v${i}`)),
    );
    const values = await Promise.all(sealedAll.map((s, i) => new FieldCipher(k1).open(ctx({ subjectId: 'race', recordId: String(i) }), s)));
    expect(values.map((v) => (v.redacted ? null : v.value))).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });
});

describe('blind index', () => {
  it('matches equal values after normalisation, differs across tenants and kinds', async () => {
    const idx = new BlindIndex(keys);
    const a = await idx.compute('tenant-a', 'email', ' Ana.Lima@Example.com ');
    expect(await idx.compute('tenant-a', 'email', 'ana.lima@example.com')).toBe(a);
    expect(await idx.compute('tenant-b', 'email', 'ana.lima@example.com')).not.toBe(a);
    expect(await idx.compute('tenant-a', 'externalId', 'ana.lima@example.com')).not.toBe(a);
    expect(a).not.toContain('ana');
    expect(await idx.compute('tenant-a', 'employeeNumber', ' e 1001 ')).toBe(await idx.compute('tenant-a', 'employeeNumber', 'E1001'));
  });

  it('survives the redaction of a person (the index key is the tenant\'s, not the subject\'s)', async () => {
    const idx = new BlindIndex(keys);
    const before = await idx.compute('tenant-a', 'email', 'x@example.com');
    await keys.shred('tenant-a', 'user-1');
    expect(await idx.compute('tenant-a', 'email', 'x@example.com')).toBe(before);
  });
});
