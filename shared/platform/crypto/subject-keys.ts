import type { Store, Item } from '../cosmos/store.js';
import { isStoreError } from '../cosmos/errors.js';
import type { KeyEncryptionKey } from '../keys/kek.js';
import { generateKeyMaterial } from '../keys/kek.js';
import { LruCache } from '../lru-cache.js';
import { SubjectRedactedError } from './errors.js';

/** A wrapped data key, or the tombstone left when it was shredded. */
interface DataKeyItem extends Item {
  type: 'dataKey';
  subjectId: string;
  purpose: 'subject' | 'blindIndex';
  wrapped?: string;
  kekId?: string;
  createdAt: string;
  shreddedAt?: string;
  /** When the key was last wrapped again under a newer KEK version. */
  rewrappedAt?: string;
}

/** What one re-wrapping run did, per tenant (for the audit log) and in total. */
export interface RewrapResult {
  /** The KEK version the keys were wrapped under. */
  kekId: string;
  rewrapped: number;
  failed: number;
  perTenant: Map<string, number>;
}

/** Cached state of one subject's key: the key and when the store last confirmed it, or "shredded". */
type CachedKey = { key: Buffer; confirmedAt: number } | 'shredded';

function itemId(subjectId: string): string {
  return `dek:${subjectId}`;
}

/**
 * Data keys per data subject, stored wrapped by the KEK in the `keys` container, unwrapped on
 * demand and kept in a bounded cache. Shredding replaces the wrapped key by a tombstone: every
 * ciphertext under that key becomes unreadable, and no new data can be written for the subject.
 */
export class SubjectKeyRing {
  private readonly cache: LruCache<string, CachedKey>;

  /**
   * `cacheTtlMs`: how long an unwrapped key is kept (it saves the KEK unwrap, a Key Vault call).
   * `confirmMs`: how often a kept key is checked against the store (one point read), so a key another
   * instance shredded stops opening anything here within that time, not only when the cache expires.
   */
  constructor(
    private readonly store: Store,
    private readonly kek: KeyEncryptionKey,
    cacheSize: number,
    cacheTtlMs: number,
    private readonly confirmMs = cacheTtlMs,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new LruCache(cacheSize, cacheTtlMs, now);
  }

  /** The subject's key, or undefined when it was shredded or never existed. */
  async find(tenantId: string, subjectId: string): Promise<Buffer | undefined> {
    const cacheKey = `${tenantId}/${subjectId}`;
    const cached = this.cache.get(cacheKey);
    if (cached === 'shredded') return undefined;
    if (cached && this.now() - cached.confirmedAt < this.confirmMs) return cached.key;
    const item = await this.store.collection<DataKeyItem>('keys', tenantId).read(itemId(subjectId));
    if (!item) {
      if (cached) this.cache.set(cacheKey, 'shredded');
      return undefined;
    }
    if (cached && !item.shreddedAt && item.wrapped) {
      // Still live (perhaps re-wrapped under a newer KEK version: the same key): no unwrap needed.
      this.cache.set(cacheKey, { key: cached.key, confirmedAt: this.now() });
      return cached.key;
    }
    return this.remember(cacheKey, item);
  }

  /** The subject's key, created on first use. Refuses subjects that were shredded. */
  async obtain(tenantId: string, subjectId: string, purpose: DataKeyItem['purpose'] = 'subject'): Promise<Buffer> {
    const existing = await this.find(tenantId, subjectId);
    if (existing) return existing;
    const cacheKey = `${tenantId}/${subjectId}`;
    if (this.cache.get(cacheKey) === 'shredded') throw new SubjectRedactedError(subjectId);
    const material = generateKeyMaterial();
    const { wrapped, keyId } = await this.kek.wrap(material);
    const collection = this.store.collection<DataKeyItem>('keys', tenantId);
    try {
      await collection.create({
        id: itemId(subjectId),
        tenantId,
        type: 'dataKey',
        subjectId,
        purpose,
        wrapped: wrapped.toString('base64'),
        kekId: keyId,
        createdAt: new Date().toISOString(),
      });
      this.cache.set(cacheKey, { key: material, confirmedAt: this.now() });
      return material;
    } catch (err) {
      // Someone else created it first: theirs wins, so every writer uses the same key.
      if (!isStoreError(err, 'conflict')) throw err;
      const winner = await collection.read(itemId(subjectId));
      if (!winner) throw err;
      const key = await this.remember(cacheKey, winner);
      if (!key) throw new SubjectRedactedError(subjectId);
      return key;
    }
  }

  /** Crypto-shredding: the wrapped key is replaced by a tombstone. Idempotent. */
  async shred(tenantId: string, subjectId: string): Promise<void> {
    await this.store.collection<DataKeyItem>('keys', tenantId).upsert({
      id: itemId(subjectId),
      tenantId,
      type: 'dataKey',
      subjectId,
      purpose: 'subject',
      createdAt: new Date().toISOString(),
      shreddedAt: new Date().toISOString(),
    });
    this.cache.set(`${tenantId}/${subjectId}`, 'shredded');
  }

  /**
   * Wraps again, under the KEK's current version, every data key that names another version: after
   * a rotation, so the old version can be disabled, and none is still needed when it expires (Key
   * Vault's rotation policy gives versions an expiry, and the SDK refuses an expired version). Only
   * the wrapping changes; no ciphertext is touched and the unwrapped key stays the same. Each write is
   * conditional on the ETag read, so a key shredded meanwhile stays shredded. A key whose version
   * can't unwrap any more is counted as failed and left for an operator (the run goes on).
   */
  async rewrap(batch = 200): Promise<RewrapResult> {
    const current = await this.kek.currentKeyId();
    const result: RewrapResult = { kekId: current, rewrapped: 0, failed: 0, perTenant: new Map() };
    const skipped = new Set<string>();
    for (;;) {
      const due = (
        await this.store.scan<DataKeyItem>(
          'keys',
          "SELECT * FROM c WHERE c.type = 'dataKey' AND IS_DEFINED(c.wrapped) AND NOT IS_DEFINED(c.shreddedAt) AND c.kekId != @current",
          { current },
          batch + skipped.size,
        )
      ).filter((item) => !skipped.has(`${item.tenantId}/${item.id}`));
      if (due.length === 0) return result;
      for (const item of due) {
        try {
          const key = await this.kek.unwrap(Buffer.from(item.wrapped as string, 'base64'), item.kekId as string);
          const { wrapped, keyId } = await this.kek.wrap(key);
          await this.store
            .collection<DataKeyItem>('keys', item.tenantId)
            .replace({ ...item, wrapped: wrapped.toString('base64'), kekId: keyId, rewrappedAt: new Date().toISOString() }, item._etag);
          result.rewrapped += 1;
          result.perTenant.set(item.tenantId, (result.perTenant.get(item.tenantId) ?? 0) + 1);
        } catch (err) {
          // Shredded or re-wrapped by someone else since the scan: nothing left to do for this key.
          if (!isStoreError(err, 'precondition_failed') && !isStoreError(err, 'not_found')) result.failed += 1;
          skipped.add(`${item.tenantId}/${item.id}`);
        }
      }
    }
  }

  private async remember(cacheKey: string, item: DataKeyItem): Promise<Buffer | undefined> {
    if (item.shreddedAt || !item.wrapped || !item.kekId) {
      this.cache.set(cacheKey, 'shredded');
      return undefined;
    }
    const key = await this.kek.unwrap(Buffer.from(item.wrapped, 'base64'), item.kekId);
    this.cache.set(cacheKey, { key, confirmedAt: this.now() });
    return key;
  }
}
