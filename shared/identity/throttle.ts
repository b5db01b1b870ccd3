import type { Store } from '../platform/cosmos/store.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { PLATFORM_TENANT } from '../platform/topology.js';
import type { BlindIndex } from '../platform/crypto/field-cipher.js';

/**
 * Failures counted by every instance together, in fixed windows of the throttle's length. The
 * throttle weighs the previous window by how much of it still overlaps a sliding window, which
 * approximates a sliding count with two numbers per key.
 */
export interface SharedFailureCounts {
  /** Failures of `key` in the window starting at `windowStart` and in the one before it. */
  read(key: string, windowStart: number): Promise<{ current: number; previous: number }>;
  add(key: string, windowStart: number): Promise<void>;
}

/**
 * Counts failures per key (client IP) in a sliding window. Only failures count, so an office
 * behind one address can still sign everybody in at 9 am, while guessing from one address is cut
 * off after the limit.
 *
 * Two layers: this instance's own exact count, checked first and free; then, with `shared`, the
 * count of all instances together in the store, so scaling out to N instances doesn't give an
 * address N times the limit.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly shared?: SharedFailureCounts,
  ) {}

  /** 0 when the key may try again now, else the seconds to wait. */
  async retryAfter(key: string): Promise<number> {
    const local = this.localRetryAfter(key);
    if (local > 0 || !this.shared) return local;
    const now = this.now();
    const windowStart = now - (now % this.windowMs);
    const { current, previous } = await this.shared.read(key, windowStart);
    const overlap = 1 - (now - windowStart) / this.windowMs;
    if (current + previous * overlap < this.limit) return 0;
    // Over the limit: at the latest when this window ends, what remains is the previous window's
    // weight, which then shrinks the same way. Ask again then.
    return Math.max(1, Math.ceil((windowStart + this.windowMs - now) / 1000));
  }

  async fail(key: string): Promise<void> {
    const now = this.now();
    const recent = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > 50_000) this.prune(now);
    await this.shared?.add(key, now - (now % this.windowMs));
  }

  private localRetryAfter(key: string): number {
    const now = this.now();
    const recent = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil(((recent[recent.length - this.limit] as number) + this.windowMs - now) / 1000));
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) if (!times.some((t) => t > now - this.windowMs)) this.failures.delete(key);
  }
}

/** A window's failures of one address, in the `identity` container's platform partition. */
interface FailureWindowItem {
  id: string;
  tenantId: typeof PLATFORM_TENANT;
  type: 'failureWindow';
  count: number;
  /** When the window stops mattering (the end of the next one): the retention sweep's cut-off. */
  expiresAt: string;
  /** Seconds: Cosmos DB's TTL removes the item in Azure without a sweep. */
  ttl: number;
  _etag?: string;
}

/**
 * SharedFailureCounts in the store: one item per (throttle, address, window), the address only as a
 * keyed hash (an IP address is personal data). A failure is one patch (`incr`, atomic in the store)
 * or, for the first failure of a window, one create; a check is two point reads.
 */
export class StoredFailureCounts implements SharedFailureCounts {
  constructor(
    private readonly store: Store,
    private readonly blindIndex: BlindIndex,
    /** Separates the counters of different throttles (login, password reset). */
    private readonly name: string,
    private readonly windowMs: number,
  ) {}

  private col() {
    return this.store.collection<FailureWindowItem>('identity', PLATFORM_TENANT);
  }

  private async id(key: string, windowStart: number): Promise<string> {
    return `failures:${this.name}:${await this.blindIndex.compute(PLATFORM_TENANT, 'clientAddress', key)}:${windowStart}`;
  }

  async read(key: string, windowStart: number): Promise<{ current: number; previous: number }> {
    const [current, previous] = await Promise.all([this.col().read(await this.id(key, windowStart)), this.col().read(await this.id(key, windowStart - this.windowMs))]);
    return { current: current?.count ?? 0, previous: previous?.count ?? 0 };
  }

  async add(key: string, windowStart: number): Promise<void> {
    const id = await this.id(key, windowStart);
    const col = this.col();
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await col.patch(id, [{ op: 'incr', path: '/count', value: 1 }]);
        return;
      } catch (err) {
        if (!isStoreError(err, 'not_found')) throw err;
      }
      const lifetimeMs = 2 * this.windowMs;
      try {
        await col.create({ id, tenantId: PLATFORM_TENANT, type: 'failureWindow', count: 1, expiresAt: new Date(windowStart + lifetimeMs).toISOString(), ttl: Math.ceil(lifetimeMs / 1000) + 60 });
        return;
      } catch (err) {
        // Another instance counted the window's first failure at the same moment: count on top of it.
        if (!isStoreError(err, 'conflict')) throw err;
      }
    }
  }
}
