import { isCommonPassword } from './common-passwords.js';
import { strengthProblem, type StrengthContext } from './strength.js';

/** A tenant's password rules (part of tenant settings). */
export interface PasswordPolicy {
  /** `classic`: length plus character classes; `nist`: NIST SP 800-63B, length only. */
  profile: 'classic' | 'nist';
  minLength: number;
  requireLower: boolean;
  requireUpper: boolean;
  requireDigit: boolean;
  requireSpecial: boolean;
}

/** The policy customers were promised: 8+ characters with lower, upper, digit and special. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  profile: 'classic',
  minLength: 8,
  requireLower: true,
  requireUpper: true,
  requireDigit: true,
  requireSpecial: true,
};

/** Passwords up to this many characters are always accepted (ASVS 6.2.9 asks for at least 64). */
const MAX_PASSWORD_LENGTH = 256;

/**
 * What the password must not contain (the user's e-mail local part and names) or lean on for its
 * strength (those, and the organisation's name and slug).
 */
export type PasswordContext = StrengthContext;

/**
 * The minimum length actually enforced. The NIST profile drops composition rules and asks for 15
 * characters, or the configured minimum (at least 8) when MFA is mandatory for the user.
 */
export function effectiveMinLength(policy: PasswordPolicy, mfaMandatory: boolean): number {
  if (policy.profile === 'nist') return mfaMandatory ? Math.max(8, policy.minLength) : Math.max(15, policy.minLength);
  return policy.minLength;
}

/**
 * Checks a candidate password against the policy, then estimates how guessable it is (zxcvbn, see
 * strength.ts) whatever the policy: composition rules alone let `Password123!` through. Returns the
 * reasons it is refused (empty when accepted); the caller answers them as field errors. Length
 * counts Unicode code points.
 */
export async function checkPassword(
  password: string,
  policy: PasswordPolicy,
  context: PasswordContext = {},
  mfaMandatory = false,
): Promise<string[]> {
  const problems: string[] = [];
  const length = [...password].length;
  const min = effectiveMinLength(policy, mfaMandatory);
  if (length < min) problems.push(`must be at least ${min} characters long`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  if (policy.profile === 'classic') {
    if (policy.requireLower && !/\p{Ll}/u.test(password)) problems.push('must contain a lower-case letter');
    if (policy.requireUpper && !/\p{Lu}/u.test(password)) problems.push('must contain an upper-case letter');
    if (policy.requireDigit && !/\p{Nd}/u.test(password)) problems.push('must contain a digit');
    if (policy.requireSpecial && !/[^\p{L}\p{Nd}]/u.test(password)) problems.push('must contain a special character');
  }
  const common = await isCommonPassword(password);
  if (common) problems.push('is too common (it appears in lists of breached passwords)');
  const lowered = password.toLowerCase();
  const personal = [context.email?.split('@')[0], context.firstName, context.lastName]
    .map((p) => p?.trim().toLowerCase())
    .filter((p): p is string => p !== undefined && p.length >= 3);
  const named = personal.some((p) => lowered.includes(p));
  if (named) problems.push('must not contain your e-mail address or name');
  // A listed or named password already has its reason; an over-long one is refused before any estimate.
  if (!common && !named && length <= MAX_PASSWORD_LENGTH) {
    const weak = await strengthProblem(password, context);
    if (weak) problems.push(weak);
  }
  return problems;
}
