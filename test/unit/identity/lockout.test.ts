import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isLocked, recordFailure } from '../../../shared/identity/lockout.js';
import { FailureThrottle, StoredFailureCounts } from '../../../shared/identity/throttle.js';
import { BlindIndex } from '../../../shared/platform/crypto/field-cipher.js';
import { startTestStore, testKeyRing, type TestStore } from '../../support/store.js';
import type { LockoutState } from '../../../shared/identity/model.js';

const policy = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15, maxLockMinutes: 60 };

describe('account lockout', () => {
  it('locks on the fifth failure inside the window, for lockMinutes', () => {
    let state: LockoutState = { failures: [], lockCount: 0 };
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 4; i++) {
      const r = recordFailure(state, policy, t0 + i * 1000);
      expect(r.locked).toBe(false);
      state = r.state;
    }
    const fifth = recordFailure(state, policy, t0 + 5000);
    expect(fifth.locked).toBe(true);
    expect(isLocked(fifth.state, t0 + 5000 + 14 * 60_000)).toBe(true);
    expect(isLocked(fifth.state, t0 + 5000 + 15 * 60_000 + 1)).toBe(false);
  });

  it('forgets failures older than the window', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const state: LockoutState = { failures: [t0, t0 + 1, t0 + 2, t0 + 3], lockCount: 0 };
    expect(recordFailure(state, policy, t0 + 16 * 60_000).locked).toBe(false);
  });

  it('doubles the lock on each further lock, up to the cap', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const locks = [0, 1, 2, 3].map((lockCount) => {
      const r = recordFailure({ failures: [t0, t0, t0, t0], lockCount }, policy, t0);
      return (Date.parse(r.state.lockedUntil as string) - t0) / 60_000;
    });
    expect(locks).toEqual([15, 30, 60, 60]);
  });
});

describe('per-IP failure throttle', () => {
  it('refuses after the limit and names when to retry', async () => {
    let now = 1_000_000;
    const throttle = new FailureThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(await throttle.retryAfter('1.2.3.4')).toBe(0);
      await throttle.fail('1.2.3.4');
      now += 1000;
    }
    expect(await throttle.retryAfter('1.2.3.4')).toBe(57);
    expect(await throttle.retryAfter('5.6.7.8')).toBe(0);
    now += 57_000;
    expect(await throttle.retryAfter('1.2.3.4')).toBe(0);
  });

  describe('counted across instances', () => {
    let t: TestStore;
    let blindIndex: BlindIndex;
    beforeAll(async () => {
      t = await startTestStore();
      blindIndex = new BlindIndex(testKeyRing(t.store).keys);
    });
    afterAll(async () => {
      await t.close();
    });

    const instances = (name: string, clock: () => number, count = 3) =>
      Array.from({ length: count }, () => new FailureThrottle(4, 60_000, clock, new StoredFailureCounts(t.store, blindIndex, name, 60_000)));

    it("refuses an address on every instance once all of them together counted the limit", async () => {
      let now = 6_000_000; // the start of a window
      const [a, b, c] = instances('spread', () => now);
      // One failure on each of three instances, one more on the first: no instance alone saw the limit.
      for (const throttle of [a, b, c, a]) {
        expect(await throttle!.retryAfter('10.0.0.1')).toBe(0);
        await throttle!.fail('10.0.0.1');
        now += 1000;
      }
      for (const throttle of [a, b, c]) expect(await throttle!.retryAfter('10.0.0.1')).toBe(56);
      expect(await c!.retryAfter('10.0.0.2')).toBe(0);
      // The address is stored only as a keyed hash.
      const stored = await t.store.collection('identity', '_platform').all<{ id: string; count: number }>("SELECT * FROM c WHERE c.type = 'failureWindow'");
      expect(stored.map((i) => i.count)).toEqual([4]);
      expect(JSON.stringify(stored)).not.toContain('10.0.0.1');
    });

    it("counts two instances that see a window's first failure at the same moment", async () => {
      const now = 12_000_000;
      const [a, b] = instances('race', () => now, 2);
      await Promise.all([a!.fail('10.0.0.3'), b!.fail('10.0.0.3'), a!.fail('10.0.0.3'), b!.fail('10.0.0.3')]);
      expect(await a!.retryAfter('10.0.0.4')).toBe(0);
      const [fresh] = instances('race', () => now, 1);
      expect(await fresh!.retryAfter('10.0.0.3')).toBeGreaterThan(0);
    });

    it('lets the previous window weigh as much as it still overlaps the sliding window', async () => {
      let now = 18_000_000;
      const [a] = instances('slide', () => now, 1);
      for (let i = 0; i < 4; i++) await a!.fail('10.0.0.5');
      now += 60_000 + 15_000; // a quarter into the next window: 4 × 0.75 = 3 < 4 on the shared count
      const [other] = instances('slide', () => now, 1);
      expect(await other!.retryAfter('10.0.0.5')).toBe(0);
      await other!.fail('10.0.0.5'); // 1 + 3 = 4: the limit
      expect(await other!.retryAfter('10.0.0.5')).toBe(45);
      now += 45_000 + 60_000; // two windows on: nothing left
      expect(await instances('slide', () => now, 1)[0]!.retryAfter('10.0.0.5')).toBe(0);
    });
  });
});
