import { describe, expect, it } from '@jest/globals';
import { AUTHENTICATOR_PARAMS, Totp, type TotpAlgorithm } from '../../../../shared/identity/mfa/totp.js';

// RFC 6238 Appendix B (also docs GUIDE §5): T0 = 0, 30 s steps, 8 digits, ASCII seeds.
const SEEDS: Record<TotpAlgorithm, string> = {
  sha1: '12345678901234567890',
  sha256: '12345678901234567890123456789012',
  sha512: '1234567890123456789012345678901234567890123456789012345678901234',
};
const VECTORS: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  const cases = VECTORS.flatMap(([time, sha1, sha256, sha512]) => [
    { time, algorithm: 'sha1' as const, expected: sha1 },
    { time, algorithm: 'sha256' as const, expected: sha256 },
    { time, algorithm: 'sha512' as const, expected: sha512 },
  ]);

  it.each(cases)('generates the RFC vector at T=$time with $algorithm', async ({ time, algorithm, expected }) => {
    const totp = new Totp({ digits: 8, algorithm, period: 30 });
    const seed = new TextEncoder().encode(SEEDS[algorithm]);
    expect(await totp.code(seed, time)).toBe(expected);
    const check = await totp.check(seed, expected, undefined, time);
    expect(check).toEqual({ ok: true, timeStep: Math.floor(time / 30) });
  });

  it('uses 6 digits, SHA-1 and 30 s steps for authenticator apps', () => {
    expect(AUTHENTICATOR_PARAMS).toEqual({ digits: 6, algorithm: 'sha1', period: 30 });
    const uri = new Totp().uri('JBSWY3DPEHPK3PXP', 'PMI Platform', 'a@example.com');
    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    expect(new URL(uri).searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a code at or before the last accepted time step (no reuse)', async () => {
    const totp = new Totp();
    const secret = Totp.newSecret();
    const now = 1_700_000_000;
    const code = await totp.code(secret, now);
    const first = await totp.check(secret, code, undefined, now);
    expect(first.ok).toBe(true);
    const step = first.ok ? first.timeStep : -1;
    expect(await totp.check(secret, code, step, now)).toEqual({ ok: false });
    // The next step's code is accepted once the clock reaches it.
    const next = await totp.code(secret, now + 30);
    expect((await totp.check(secret, next, step, now + 30)).ok).toBe(true);
  });

  it('accepts the previous step, never a future or older one, and rejects malformed codes', async () => {
    const totp = new Totp();
    const secret = Totp.newSecret();
    const now = 1_700_000_015;
    expect((await totp.check(secret, await totp.code(secret, now - 30), undefined, now)).ok).toBe(true);
    expect((await totp.check(secret, await totp.code(secret, now - 90), undefined, now)).ok).toBe(false);
    expect((await totp.check(secret, await totp.code(secret, now + 30), undefined, now)).ok).toBe(false);
    expect(await totp.check(secret, '12345', undefined, now)).toEqual({ ok: false });
    expect(await totp.check(secret, 'abcdef', undefined, now)).toEqual({ ok: false });
  });
});
