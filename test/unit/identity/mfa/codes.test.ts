import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { RECOVERY_CODE_COUNT, RecoveryCodes } from '../../../../shared/identity/mfa/recovery-codes.js';
import { OneTimeCodes } from '../../../../shared/identity/mfa/one-time-code.js';

describe('recovery codes', () => {
  const codes = new RecoveryCodes(randomBytes(32));

  it('generates 10 distinct codes and stores only keyed hashes', () => {
    const { codes: shown, stored } = codes.generate();
    expect(shown).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(shown).size).toBe(RECOVERY_CODE_COUNT);
    const raw = JSON.stringify(stored);
    for (const c of shown) {
      expect(c).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
      expect(raw).not.toContain(c);
      expect(raw).not.toContain(c.replace('-', ''));
    }
  });

  it('accepts each code once, in any case and without the dash', () => {
    const { codes: shown, stored } = codes.generate();
    const code = shown[3] as string;
    const after = codes.consume(stored, code.toLowerCase().replace('-', ''));
    expect(after?.hashes).toHaveLength(RECOVERY_CODE_COUNT - 1);
    expect(codes.consume(after, code)).toBeUndefined();
    expect(codes.consume(after, shown[4] as string)?.hashes).toHaveLength(RECOVERY_CODE_COUNT - 2);
  });

  it('rejects codes of another set or of another pepper', () => {
    const a = codes.generate();
    const b = codes.generate();
    expect(codes.consume(a.stored, b.codes[0] as string)).toBeUndefined();
    expect(new RecoveryCodes(randomBytes(32)).consume(a.stored, a.codes[0] as string)).toBeUndefined();
    expect(codes.consume(undefined, a.codes[0] as string)).toBeUndefined();
  });
});

describe('SMS one-time codes', () => {
  const policy = { ttlSeconds: 600, maxAttempts: 3, maxSends: 3, sendWindowSeconds: 900 };
  const otc = new OneTimeCodes(randomBytes(32), policy);
  const t0 = 1_800_000_000_000;

  it('issues 6-digit codes stored only as a hash', () => {
    const { code, pending } = otc.issue('user-1', 'login', t0);
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(pending)).not.toContain(code);
    expect(pending.expiresAt).toBe(t0 + 600_000);
  });

  it('accepts the right code before expiry, for the right subject and purpose only', () => {
    const { code, pending } = otc.issue('user-1', 'login', t0);
    expect(otc.check(pending, 'user-1', 'login', code, t0 + 599_999)).toBe('ok');
    expect(otc.check(pending, 'user-2', 'login', code, t0)).toBe('wrong');
    expect(otc.check(pending, 'user-1', 'verify-phone', code, t0)).toBe('none');
    expect(otc.check(undefined, 'user-1', 'login', code, t0)).toBe('none');
  });

  it('expires after 10 minutes (injected clock)', () => {
    const { code, pending } = otc.issue('user-1', 'login', t0);
    expect(otc.check(pending, 'user-1', 'login', code, t0 + 600_000)).toBe('expired');
  });

  it('stops accepting even the right code after too many wrong attempts', () => {
    const { code, pending } = otc.issue('user-1', 'login', t0);
    let p = pending;
    for (let i = 0; i < policy.maxAttempts; i++) {
      const wrong = code === '000000' ? '000001' : '000000';
      expect(otc.check(p, 'user-1', 'login', wrong, t0)).toBe('wrong');
      p = otc.afterFailure(p);
    }
    expect(otc.check(p, 'user-1', 'login', code, t0)).toBe('exhausted');
  });

  it('limits sends per window and frees them as the window slides', () => {
    let sends: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(otc.sendWait(sends, t0 + i * 1000)).toBe(0);
      sends = otc.recordSend(sends, t0 + i * 1000);
    }
    expect(otc.sendWait(sends, t0 + 3000)).toBe(897);
    expect(otc.sendWait(sends, t0 + 900_001)).toBe(0);
  });
});
