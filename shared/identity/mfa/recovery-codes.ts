import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Crockford-like alphabet without look-alikes (no 0/O, 1/I/L, U). */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_COUNT = 10;

/** Stored form of a user's recovery codes: a per-user salt and one keyed hash per unused code. */
export interface RecoveryCodeSet {
  salt: string;
  hashes: string[];
  createdAt: string;
}

function normalize(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Single-use recovery codes. Each code is 10 characters from a 30-letter alphabet (about 49 bits),
 * shown once as `XXXXX-XXXXX`; only HMAC-SHA256(pepper, salt ‖ code) is stored, so a stolen database
 * without the pepper reveals nothing usable. A used code's hash is removed from the set.
 */
export class RecoveryCodes {
  constructor(private readonly pepper: Buffer) {}

  private hash(salt: string, code: string): string {
    return createHmac('sha256', this.pepper).update(salt).update('\0').update(normalize(code)).digest('base64url');
  }

  /** A new set: the codes to show once, and what to store. */
  generate(now = new Date()): { codes: string[]; stored: RecoveryCodeSet } {
    const salt = randomBytes(16).toString('base64url');
    const codes: string[] = [];
    for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
      let raw = '';
      for (let j = 0; j < 10; j++) raw += ALPHABET[randomInt(ALPHABET.length)];
      codes.push(`${raw.slice(0, 5)}-${raw.slice(5)}`);
    }
    return { codes, stored: { salt, hashes: codes.map((c) => this.hash(salt, c)), createdAt: now.toISOString() } };
  }

  /** The set without `code` when it matches an unused code; undefined otherwise. */
  consume(set: RecoveryCodeSet | undefined, code: string): RecoveryCodeSet | undefined {
    if (!set || normalize(code).length !== 10) return undefined;
    const h = Buffer.from(this.hash(set.salt, code));
    const index = set.hashes.findIndex((s) => {
      const b = Buffer.from(s);
      return b.length === h.length && timingSafeEqual(b, h);
    });
    if (index < 0) return undefined;
    return { ...set, hashes: set.hashes.filter((_, i) => i !== index) };
  }
}
