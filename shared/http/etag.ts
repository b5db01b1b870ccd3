import { badRequest, preconditionFailed } from './problem.js';

/** The HTTP ETag of a stored item: its store ETag, which changes on every write. */
export function etagOf(item: { _etag?: string }): string | undefined {
  if (!item._etag) return undefined;
  return item._etag.startsWith('"') ? item._etag : `"${item._etag}"`;
}

/** `*`, or a comma-separated list of entity tags (RFC 9110 §13.1.1): `"abc"` or `W/"abc"`. */
const IF_MATCH = /^(\*|(W\/)?"[\x21\x23-\x7e]*"(\s*,\s*(W\/)?"[\x21\x23-\x7e]*")*)$/;
const IF_MATCH_MAX_LENGTH = 1024;

/**
 * Reads the If-Match header of a request to a route that declares `ifMatch` (the route pipeline
 * calls this): absent is undefined, malformed is a 400 naming the header, so a typo can't be taken
 * for "no precondition" and overwrite someone else's change.
 */
export function readIfMatch(header: string | null): string | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (value.length > IF_MATCH_MAX_LENGTH || !IF_MATCH.test(value)) {
    throw badRequest('The If-Match header is not valid.', [{ field: 'header.if-match', message: 'must be * or a list of quoted entity tags, as sent in ETag' }]);
  }
  return value;
}

/**
 * Enforces If-Match when the client sent one: a stale ETag answers 412 before any write. Returns the
 * item's store ETag, on which the caller conditions its write, so a race between check and write
 * also ends in 412.
 */
export function checkIfMatch(ifMatch: string | undefined, item: { _etag?: string }): string | undefined {
  if (!ifMatch || ifMatch === '*') return item._etag;
  const current = etagOf(item);
  const offered = ifMatch.split(',').map((s) => s.trim().replace(/^W\//, ''));
  if (!current || !offered.includes(current)) throw preconditionFailed();
  return item._etag;
}
