import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** A pending out-of-band code (SMS), stored hashed with its purpose, expiry and failed attempts. */
export interface PendingCode {
  purpose: 'verify-phone' | 'login' | 'reauth' | 'reset';
  hash: string;
  expiresAt: number;
  attempts: number;
}

export type CodeCheck = 'ok' | 'none' | 'expired' | 'wrong' | 'exhausted';

export interface OneTimeCodePolicy {
  ttlSeconds: number;
  maxAttempts: number;
  maxSends: number;
  sendWindowSeconds: number;
}

/**
 * Out-of-band one-time codes: 6 random digits, valid `ttlSeconds` (≤ 10 minutes), a limited number
 * of wrong guesses per code, single use (the caller deletes the pending code on success), and a
 * sliding-window limit on how many codes a user can have sent. Only an HMAC of the code is stored.
 * Pure functions of `now`, so expiry and limits are tested with an injected clock.
 */
export class OneTimeCodes {
  constructor(
    private readonly key: Buffer,
    readonly policy: OneTimeCodePolicy,
  ) {}

  private hash(subject: string, code: string): string {
    return createHmac('sha256', this.key).update(subject).update('\0').update(code).digest('base64url');
  }

  /** Seconds until another send is allowed (0 = allowed now), given the recent send times. */
  sendWait(sends: number[], now: number): number {
    const recent = sends.filter((t) => t > now - this.policy.sendWindowSeconds * 1000);
    if (recent.length < this.policy.maxSends) return 0;
    return Math.max(1, Math.ceil(((recent[0] as number) + this.policy.sendWindowSeconds * 1000 - now) / 1000));
  }

  /** Records a send in the history, keeping only the window. */
  recordSend(sends: number[], now: number): number[] {
    return [...sends.filter((t) => t > now - this.policy.sendWindowSeconds * 1000), now];
  }

  issue(subject: string, purpose: PendingCode['purpose'], now: number): { code: string; pending: PendingCode } {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    return { code, pending: { purpose, hash: this.hash(subject, code), expiresAt: now + this.policy.ttlSeconds * 1000, attempts: 0 } };
  }

  /** Checks a code; on 'wrong' the caller stores `attempts + 1` (see `afterFailure`). */
  check(pending: PendingCode | undefined, subject: string, purpose: PendingCode['purpose'], code: string, now: number): CodeCheck {
    if (!pending || pending.purpose !== purpose) return 'none';
    if (pending.expiresAt <= now) return 'expired';
    if (pending.attempts >= this.policy.maxAttempts) return 'exhausted';
    if (!/^\d{6}$/.test(code)) return 'wrong';
    const a = Buffer.from(this.hash(subject, code));
    const b = Buffer.from(pending.hash);
    return a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'wrong';
  }

  afterFailure(pending: PendingCode): PendingCode {
    return { ...pending, attempts: pending.attempts + 1 };
  }
}
