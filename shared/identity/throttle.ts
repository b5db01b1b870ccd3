/**
 * Counts failures per key (client IP) in a sliding window, in process memory. Only failed logins
 * count, so an office behind one address can still sign everybody in at 9 am, while guessing from
 * one address is cut off after the limit. Each instance counts on its own: with N instances an
 * address gets at most N times the limit; the per-account lockout is the stored, global control.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the key may try again now, else the seconds until its oldest failure leaves the window. */
  retryAfter(key: string): number {
    const now = this.now();
    const recent = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil(((recent[recent.length - this.limit] as number) + this.windowMs - now) / 1000));
  }

  fail(key: string): void {
    const now = this.now();
    const recent = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > 50_000) this.prune(now);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) if (!times.some((t) => t > now - this.windowMs)) this.failures.delete(key);
  }
}
