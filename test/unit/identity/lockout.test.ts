import { describe, expect, it } from '@jest/globals';
import { isLocked, recordFailure } from '../../../shared/identity/lockout.js';
import { FailureThrottle } from '../../../shared/identity/throttle.js';
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
  it('refuses after the limit and names when to retry', () => {
    let now = 1_000_000;
    const throttle = new FailureThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter('1.2.3.4')).toBe(0);
      throttle.fail('1.2.3.4');
      now += 1000;
    }
    expect(throttle.retryAfter('1.2.3.4')).toBe(57);
    expect(throttle.retryAfter('5.6.7.8')).toBe(0);
    now += 57_000;
    expect(throttle.retryAfter('1.2.3.4')).toBe(0);
  });
});
