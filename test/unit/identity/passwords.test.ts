import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { checkPassword, DEFAULT_PASSWORD_POLICY, effectiveMinLength, type PasswordPolicy } from '../../../shared/identity/passwords/policy.js';
import { commonPasswords, isCommonPassword } from '../../../shared/identity/passwords/common-passwords.js';
import { PasswordHasher } from '../../../shared/identity/passwords/hasher.js';

const hasher = new PasswordHasher(randomBytes(32), 4, 2);
afterAll(async () => {
  await hasher.close();
});

const nist: PasswordPolicy = { ...DEFAULT_PASSWORD_POLICY, profile: 'nist' };

describe('password policy', () => {
  it('accepts a password meeting the default policy', async () => {
    expect(await checkPassword('Harbour-Lights7', DEFAULT_PASSWORD_POLICY)).toEqual([]);
  });

  it('names every missing character class and a short length', async () => {
    const problems = await checkPassword('abc', DEFAULT_PASSWORD_POLICY);
    expect(problems).toEqual(expect.arrayContaining(['must be at least 8 characters long', 'must contain an upper-case letter', 'must contain a digit', 'must contain a special character']));
  });

  it('accepts 64 and more characters (ASVS 6.2.9)', async () => {
    const long = 'Aa1!' + 'x7Qz'.repeat(40);
    expect([...long].length).toBeGreaterThan(64);
    expect(await checkPassword(long, DEFAULT_PASSWORD_POLICY)).toEqual([]);
  });

  it('refuses passwords from the bundled common-password list, case-insensitively', async () => {
    expect((await commonPasswords()).size).toBeGreaterThanOrEqual(10_000);
    expect(await isCommonPassword('Password1')).toBe(true);
    const problems = await checkPassword('Password1', { ...DEFAULT_PASSWORD_POLICY, requireSpecial: false });
    expect(problems).toContain('is too common (it appears in lists of breached passwords)');
  });

  it("refuses a password containing the user's e-mail local part or name", async () => {
    const ctx = { email: 'margarete.huber@hotel.example', firstName: 'Margarete', lastName: 'Huber' };
    expect(await checkPassword('x!9Margarete.Huber', DEFAULT_PASSWORD_POLICY, ctx)).toContain('must not contain your e-mail address or name');
    expect(await checkPassword('Zz!9HUBERxx', DEFAULT_PASSWORD_POLICY, ctx)).toContain('must not contain your e-mail address or name');
    expect(await checkPassword('Zz!9Kestrel', DEFAULT_PASSWORD_POLICY, ctx)).toEqual([]);
  });

  it('NIST profile: no composition rules, 15 characters unless MFA is mandatory', async () => {
    expect(effectiveMinLength(nist, false)).toBe(15);
    expect(effectiveMinLength(nist, true)).toBe(8);
    expect(await checkPassword('lowercase only words', nist)).toEqual([]);
    expect(await checkPassword('shortpassphrase', nist)).toEqual([]);
    expect(await checkPassword('short phrase', nist)).toContain('must be at least 15 characters long');
    expect(await checkPassword('short phrase', nist, {}, true)).toEqual([]);
  });
});

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('Harbour-Lights7');
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    expect(await hasher.verify('Harbour-Lights7', hash)).toBe(true);
    expect(await hasher.verify('Harbour-Lights8', hash)).toBe(false);
  });

  it('does not truncate at 72 bytes: two passwords sharing their first 72 bytes are different passwords', async () => {
    const prefix = 'Aa1!'.repeat(18); // 72 bytes
    const a = prefix + 'first-tail';
    const b = prefix + 'second-tail';
    expect(bcrypt.truncates(a)).toBe(true); // plain bcrypt would treat a and b alike
    const hash = await hasher.hash(a);
    expect(await hasher.verify(a, hash)).toBe(true);
    expect(await hasher.verify(b, hash)).toBe(false);
  });

  it('depends on the pepper: the same hash does not verify under another pepper', async () => {
    const other = new PasswordHasher(randomBytes(32), 4, 1);
    try {
      const hash = await hasher.hash('Harbour-Lights7');
      expect(await other.verify('Harbour-Lights7', hash)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('Harbour-Lights7')).not.toBe(await hasher.hash('Harbour-Lights7'));
  });

  it('runs a dummy comparison for unknown users without failing', async () => {
    await expect(hasher.verifyDummy('anything')).resolves.toBeUndefined();
  });
});
