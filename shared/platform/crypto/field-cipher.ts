import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SubjectKeyRing } from './subject-keys.js';
import { DecryptionError } from './errors.js';

/**
 * A personal value as stored: AES-256-GCM under the data subject's key. `s` names the subject, so
 * the key can be found (and shredded) without knowing where the value sits.
 */
export interface Sealed {
  v: 1;
  s: string;
  /** base64(iv ‖ ciphertext ‖ tag) */
  c: string;
}

/** Where a sealed value belongs; all of it is bound into the ciphertext as associated data. */
export interface SealContext {
  tenantId: string;
  subjectId: string;
  /** The field name, e.g. `user.email`. */
  field: string;
  /** The record the value sits in, when one subject has many records (time records, audit entries). */
  recordId?: string;
}

/** The outcome of opening a sealed value: the text, or the fact that its subject was redacted. */
export type Opened = { redacted: false; value: string } | { redacted: true };

const REDACTED: Opened = { redacted: true };

export function isSealed(value: unknown): value is Sealed {
  const v = value as Sealed | null;
  return typeof v === 'object' && v !== null && v.v === 1 && typeof v.s === 'string' && typeof v.c === 'string';
}

function aad(ctx: SealContext): Buffer {
  return Buffer.from(JSON.stringify(['pmi.seal.v1', ctx.tenantId, ctx.subjectId, ctx.field, ctx.recordId ?? '']));
}

/**
 * Envelope encryption of personal fields: the one implementation every service uses.
 *
 * @example
 * const sealed = await cipher.seal({ tenantId, subjectId: userId, field: 'user.email' }, 'ana@example.com');
 * const opened = await cipher.open({ tenantId, subjectId: userId, field: 'user.email' }, sealed);
 * if (!opened.redacted) console.log(opened.value);
 */
export class FieldCipher {
  constructor(private readonly keys: SubjectKeyRing) {}

  async seal(ctx: SealContext, plaintext: string): Promise<Sealed> {
    const key = await this.keys.obtain(ctx.tenantId, ctx.subjectId);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(ctx));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { v: 1, s: ctx.subjectId, c: Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64') };
  }

  /**
   * Opens a sealed value. A shredded subject yields `{ redacted: true }`; a value that was altered or
   * moved from another tenant, subject, field or record throws DecryptionError.
   */
  async open(ctx: Omit<SealContext, 'subjectId'> & { subjectId?: string }, sealed: Sealed): Promise<Opened> {
    if (ctx.subjectId !== undefined && ctx.subjectId !== sealed.s) throw new DecryptionError('sealed value belongs to another subject');
    const key = await this.keys.find(ctx.tenantId, sealed.s);
    if (!key) return REDACTED;
    const raw = Buffer.from(sealed.c, 'base64');
    if (raw.length < 28) throw new DecryptionError('sealed value is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAAD(aad({ ...ctx, subjectId: sealed.s }));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const pt = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
      return { redacted: false, value: pt.toString('utf8') };
    } catch {
      throw new DecryptionError('sealed value failed authentication');
    }
  }

  /** Opens a value and returns its text, or `fallback` when the subject was redacted. */
  async openOr(ctx: Omit<SealContext, 'subjectId'> & { subjectId?: string }, sealed: Sealed | undefined, fallback: string): Promise<string> {
    if (!sealed) return fallback;
    const opened = await this.open(ctx, sealed);
    return opened.redacted ? fallback : opened.value;
  }
}

/** How a value is normalised before it is indexed: equal inputs must give equal index entries. */
export type IndexKind = 'email' | 'employeeNumber' | 'phone' | 'externalId' | 'clientAddress';

function normaliseForIndex(kind: IndexKind, value: string): string {
  const v = value.normalize('NFKC').trim();
  switch (kind) {
    case 'email':
      return v.toLowerCase();
    case 'employeeNumber':
      return v.toUpperCase().replace(/\s+/g, '');
    case 'phone':
      return v.replace(/[^\d+]/g, '');
    case 'externalId':
      return v;
    case 'clientAddress':
      return v.toLowerCase();
  }
}

/**
 * Blind index: a keyed HMAC-SHA256 over the normalised value, with a key per tenant, so equality
 * look-ups work without storing the value and entries can't be compared across tenants.
 */
export class BlindIndex {
  constructor(private readonly keys: SubjectKeyRing) {}

  async compute(tenantId: string, kind: IndexKind, value: string): Promise<string> {
    const key = await this.keys.obtain(tenantId, '_blind-index', 'blindIndex');
    return createHmac('sha256', key).update(`${kind}:${normaliseForIndex(kind, value)}`).digest('base64url');
  }
}
