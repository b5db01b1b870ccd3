import type { LockoutPolicy, LockoutState } from './model.js';

/** Whether the account is locked at `now`. */
export function isLocked(state: LockoutState, now = Date.now()): boolean {
  return Boolean(state.lockedUntil && Date.parse(state.lockedUntil) > now);
}

/**
 * Records a failed login. When the failures inside the window reach the limit the account locks,
 * for `lockMinutes` the first time and twice as long on each further lock (capped), so a patient
 * attacker's rate falls off quickly while a user who mistypes recovers on their own.
 */
export function recordFailure(state: LockoutState, policy: LockoutPolicy, now = Date.now()): { state: LockoutState; locked: boolean } {
  const windowStart = now - policy.windowMinutes * 60_000;
  const failures = [...state.failures.filter((t) => t > windowStart), now];
  if (failures.length < policy.maxFailures) return { state: { ...state, failures }, locked: false };
  const minutes = Math.min(policy.maxLockMinutes, policy.lockMinutes * 2 ** state.lockCount);
  return { state: { failures: [], lockCount: state.lockCount + 1, lockedUntil: new Date(now + minutes * 60_000).toISOString() }, locked: true };
}
