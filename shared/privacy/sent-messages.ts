import type { Platform } from '../platform/platform.js';
import type { Identity } from '../identity/index.js';
import { mfaItemId, type MfaItem } from '../identity/mfa/model.js';

/**
 * What a message channel keeps of the people it wrote to, so a redaction can purge it.
 *
 * Locally, e-mail and SMS go to outbox files under LOCAL_STATE_DIR (shared/identity/local-outbox.ts
 * implements this port). In Azure, Azure Communication Services keeps no copy of our messages we
 * could delete, so there is no implementation there and the redaction step does nothing.
 */
export interface SentMessages {
  /** Removes every message to or mentioning any of `terms`; returns how many went. */
  forget(terms: string[]): Promise<number>;
}

/**
 * How messages reached or named a person: e-mail address, phone numbers (confirmed or pending) and
 * full name, opened under their key — so only while it is not yet shredded (the redaction step that
 * uses them runs before `shred-keys` and before `end-sessions` deletes the MFA item).
 */
export async function contactTerms(platform: Pick<Platform, 'store' | 'cipher'>, users: Identity['users'], tenantId: string, userId: string): Promise<string[]> {
  const user = await users.get(tenantId, userId);
  if (!user) return [];
  const profile = await users.profile(user);
  const mfa = await platform.store.collection('identity', tenantId).read<MfaItem>(mfaItemId(userId));
  const phones = mfa?.type === 'mfa' ? [mfa.enc?.phone, mfa.enc?.pendingPhone] : [];
  const terms = [profile.email, [profile.firstName, profile.lastName].filter(Boolean).join(' ')];
  for (const sealed of phones) terms.push(await platform.cipher.openOr({ tenantId, subjectId: userId, field: 'mfa.phone' }, sealed, ''));
  return terms.filter((t): t is string => Boolean(t));
}
