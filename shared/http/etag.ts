import { preconditionFailed } from './problem.js';

/** The HTTP ETag of a stored item: its store ETag, which changes on every write. */
export function etagOf(item: { _etag?: string }): string | undefined {
  if (!item._etag) return undefined;
  return item._etag.startsWith('"') ? item._etag : `"${item._etag}"`;
}

/**
 * Enforces If-Match when the client sent one: a stale ETag answers 412 before any write. The store
 * write is then conditioned on the same ETag, so a race between check and write also ends in 412.
 */
export function checkIfMatch(ifMatch: string | undefined, item: { _etag?: string }): string | undefined {
  if (!ifMatch || ifMatch === '*') return item._etag;
  const current = etagOf(item);
  const offered = ifMatch.split(',').map((s) => s.trim().replace(/^W\//, ''));
  if (!current || !offered.includes(current)) throw preconditionFailed();
  return item._etag;
}
