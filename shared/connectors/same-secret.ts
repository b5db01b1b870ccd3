import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a secret a vendor's push offers (a URL token, a basic-auth password) is the one configured.
 * Digests are compared, so neither the length nor the content of the expected secret leaks through
 * timing; nothing offered is never a match.
 */
export function sameSecret(offered: string | undefined, expected: string): boolean {
  const a = createHash('sha256').update(offered ?? '').digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && offered !== undefined;
}
