/**
 * Which strings can be an item id. Cosmos DB refuses `/`, `\`, `?` and `#` in ids and ids over
 * 1,023 bytes; a lone UTF-16 surrogate makes the SDK's `encodeURIComponent` of the item link throw a
 * URIError before any request leaves. Control characters have no business in an id either.
 * The HTTP edge validates ids first (shared/http/identifiers.ts); this is the store's own guard, so
 * a path that forgot to validate gets a typed StoreError instead of an SDK exception.
 */
const FORBIDDEN = /[/\\?#]|\p{Cc}|\p{Surrogate}/u;
const MAX_ITEM_ID_BYTES = 1023;

export function isStorableId(id: string): boolean {
  return id.length > 0 && !FORBIDDEN.test(id) && Buffer.byteLength(id, 'utf8') <= MAX_ITEM_ID_BYTES;
}
