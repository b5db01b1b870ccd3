import type { Item } from '../../platform/cosmos/store.js';
import type { BoundTokenItem } from '../bound-tokens.js';
import type { OutboxCarrier } from '../../platform/outbox/outbox.js';
import type { Sealed } from '../../platform/crypto/field-cipher.js';
import type { PendingCode } from './one-time-code.js';
import type { RecoveryCodeSet } from './recovery-codes.js';

export type SecondFactorMethod = 'totp' | 'sms' | 'recovery';

/**
 * A user's second factors, one item per user (`mfa:<userId>`) in the `identity` container, so every
 * change (a TOTP step accepted, a recovery code spent, an SMS code issued) is one conditional write
 * on its ETag: two requests racing with the same code can't both win.
 */
export interface MfaItem extends Item, OutboxCarrier {
  type: 'mfa';
  userId: string;
  totp?: { confirmed: boolean; createdAt: string; confirmedAt?: string; lastTimeStep?: number };
  sms?: { confirmed: boolean; phoneIndex: string; createdAt: string; confirmedAt?: string };
  /** An unconfirmed phone number being verified (kept apart from the confirmed one). */
  pendingPhoneIndex?: string;
  recovery?: RecoveryCodeSet;
  /** The one outstanding SMS code, if any. */
  pendingCode?: PendingCode;
  /** Epoch milliseconds of recent SMS sends (rate limit). */
  smsSends: number[];
  /** Sealed under the user's data key: the TOTP secrets and phone numbers. */
  enc: { totpSecret?: Sealed; pendingTotpSecret?: Sealed; phone?: Sealed; pendingPhone?: Sealed };
  updatedAt: string;
}

export function mfaItemId(userId: string): string {
  return `mfa:${userId}`;
}

/**
 * The state between the password step and the second factor (`login`), or the enrolment a user who
 * must have MFA goes through before getting a session (`enroll`). Stored by the SHA-256 of the token
 * handed to the client; bound to the user and to the password they proved (its change time).
 */
export interface MfaChallengeItem extends BoundTokenItem {
  type: 'mfaChallenge';
  purpose: 'login' | 'enroll';
  /** How the first factor was proven (`pwd`, or `sso` plus the IdP's methods): the session's amr starts with it. */
  firstFactor?: string[];
}

export function activeMethods(item: MfaItem | undefined): SecondFactorMethod[] {
  if (!item) return [];
  const methods: SecondFactorMethod[] = [];
  if (item.totp?.confirmed) methods.push('totp');
  if (item.sms?.confirmed) methods.push('sms');
  if (methods.length > 0 && (item.recovery?.hashes.length ?? 0) > 0) methods.push('recovery');
  return methods;
}

/** The `amr` value (RFC 8176) of each method. */
export const AMR: Record<SecondFactorMethod, string> = { totp: 'otp', sms: 'sms', recovery: 'recovery' };
