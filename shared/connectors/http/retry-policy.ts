import type { Clock } from './clock.js';

export interface RetryPolicy {
  /** Attempts of one request in all, the first included. */
  maxAttempts: number;
  /** Back-off before the second attempt; doubles per attempt up to maxDelayMs, then full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest wait a `Retry-After` may ask for; longer ones are cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/**
 * Exponential back-off with full jitter (a uniform delay between 0 and the exponential cap), so the
 * retries of many integrations that failed together do not hit the vendor together again.
 * `attempt` is the number of the attempt that just failed, from 1.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, clock: Clock): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(clock.random() * cap);
}

/**
 * The wait a `Retry-After` header asks for (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), capped
 * at maxRetryAfterMs; undefined when the header is absent or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, policy: RetryPolicy, now: number): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), policy.maxRetryAfterMs);
}
