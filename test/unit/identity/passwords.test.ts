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

  it('refuses guessable passwords that meet every composition rule, and says why', async () => {
    for (const weak of ['Password123!', 'Welcome1!', 'Summer2025!', 'Hotel2025!']) {
      const problems = await checkPassword(weak, DEFAULT_PASSWORD_POLICY);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^is too easy to guess: it is built on (a common password|a common word)/);
    }
    expect((await checkPassword('Summer2025!', DEFAULT_PASSWORD_POLICY))[0]).toContain('Add more words that are less common.');
  });

  it("refuses the organisation's own name plus a year, however it is separated", async () => {
    const ctx = { tenantName: 'Seaview Hotels', tenantSlug: 'seaview-group', email: 'gm@seaview.example', firstName: 'Ines', lastName: 'Ortega' };
    for (const weak of ['SeaviewHotels2025!', 'Seaview-Hotels-2026!', 'Seaview Hotels 2025', 'Seaview2025!']) {
      const problems = await checkPassword(weak, DEFAULT_PASSWORD_POLICY, ctx);
      expect(problems).toEqual([expect.stringContaining("the organisation's or your own name")]);
    }
    // The same shape without the name is another matter.
    expect(await checkPassword('Kestrel-Harbour-2026!', DEFAULT_PASSWORD_POLICY, ctx)).toEqual([]);
  });

  it('estimates long passwords (100 characters pass) and refuses a long repetition', async () => {
    const long = 'Tq8!vL3@nR6#pW1$'.repeat(6) + 'Zm4%'; // 100 characters
    expect([...long].length).toBe(100);
    expect(await checkPassword(long, DEFAULT_PASSWORD_POLICY)).toEqual([]);
    expect(await checkPassword('a'.repeat(100), { ...DEFAULT_PASSWORD_POLICY, profile: 'nist' })).toEqual([expect.stringContaining('repeated characters')]);
    expect(await checkPassword('a'.repeat(300), DEFAULT_PASSWORD_POLICY)).toContain('must be at most 256 characters long');
  });

  it('NIST profile: no composition rules, 15 characters unless MFA is mandatory', async () => {
    expect(effectiveMinLength(nist, false)).toBe(15);
    expect(effectiveMinLength(nist, true)).toBe(8);
    expect(await checkPassword('lowercase only words', nist)).toEqual([]);
    expect(await checkPassword('shortpassphrase', nist)).toEqual([]);
    expect(await checkPassword('teal kestrel 9', nist)).toEqual(['must be at least 15 characters long']);
    expect(await checkPassword('teal kestrel 9', nist, {}, true)).toEqual([]);
  });

  it('estimates off the event loop: callbacks keep running while a long random password is judged', async () => {
    await checkPassword('Warm-up-Kestrel-7', DEFAULT_PASSWORD_POLICY); // the worker has its dictionaries
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns += 1;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    // On the main thread this estimate would run to its end with no turn of the loop in between.
    // 64 random base64 characters hold no '+' or '/' about one time in eight: the '!' makes the
    // policy's special-character rule hold every time, so only the estimate is under test.
    const problems = await checkPassword(`${randomBytes(48).toString('base64')}!`, DEFAULT_PASSWORD_POLICY);
    spinning = false;
    expect(problems).toEqual([]);
    expect(turns).toBeGreaterThan(0);
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
