import { LruCache } from '../platform/lru-cache.js';
import type { FactItem } from './model.js';

/**
 * Fact versions this process has read or written lately, by tenant and id. An entry is only ever
 * used for the exact version (ETag) a day item lists: a version's content never changes, so a hit
 * is what a read of that version would return, and a miss costs the read it would have cost anyway.
 * Least recently used entries go first; no expiry is needed, since a stale version is never served.
 */
export class FactVersionCache {
  private readonly entries: LruCache<string, FactItem>;

  constructor(private readonly capacity: number) {
    this.entries = new LruCache(Math.max(0, capacity), Number.POSITIVE_INFINITY);
  }

  private static key(tenantId: string, id: string): string {
    return `${tenantId}\u0000${id}`;
  }

  /** Whether some version of the fact was seen (it exists, or existed, in the store). */
  knows(tenantId: string, id: string): boolean {
    return this.entries.has(FactVersionCache.key(tenantId, id));
  }

  /** The cached fact if it is exactly version `etag`. */
  get(tenantId: string, id: string, etag: string): FactItem | undefined {
    const found = this.entries.get(FactVersionCache.key(tenantId, id));
    return found && found._etag === etag ? found : undefined;
  }

  put(fact: FactItem): void {
    if (this.capacity <= 0 || !fact._etag) return;
    this.entries.set(FactVersionCache.key(fact.tenantId, fact.id), fact);
  }
}
