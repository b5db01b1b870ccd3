import { z } from 'zod';

/**
 * The zod building blocks for every string that becomes part of an item id, a slug or a link.
 * Routes reuse these rather than spelling out their own patterns, so a value that could break a
 * store link (a lone surrogate, `/`, NUL, an RTL override, 10 kB of text) is a 400 naming the field
 * before any service sees it. The store keeps its own guard (platform/cosmos/item-id.ts).
 */

/** With the `u` flag a surrogate pair is one code point, so only lone halves match. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Well-formed UTF-16: `encodeURIComponent`, TextEncoder and JSON round-trips all keep it intact. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** A resource id in a path, query or body: letters, digits, `_`, `:` and `-`, at most 128. */
export const idParam = z
  .string()
  .min(1, 'required')
  .max(128)
  .regex(/^[A-Za-z0-9_:-]+$/, 'letters, digits, "_", ":" and "-" only');

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** A tenant slug as chosen at creation: lower-case letters, digits and hyphens, 2-63 characters. */
export const slug = z.string().regex(SLUG_PATTERN, 'lower-case letters, digits and hyphens, 2-63 characters');

/**
 * Whether a value typed at login (any case) can name a tenant. Login and password-reset requests
 * answer the same way for every unknown tenant, so they test with this rather than refuse with 400.
 */
export function isSlug(value: string): boolean {
  return SLUG_PATTERN.test(value.toLowerCase());
}

