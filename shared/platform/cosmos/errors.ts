/** `invalid_id`: the id can't name an item in the store (see item-id.ts); nothing was sent. */
export type StoreErrorCode = 'not_found' | 'conflict' | 'precondition_failed' | 'unavailable' | 'invalid_id';

/** A store failure our services can act on; SDK error shapes never leave the adapter. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

/** Maps an @azure/cosmos error (or a network failure) to a StoreError; rethrows what it does not know. */
export function translateCosmosError(err: unknown): never {
  const e = err as { code?: number | string; statusCode?: number; retryAfterInMs?: number; message?: string };
  const status = typeof e.code === 'number' ? e.code : e.statusCode;
  switch (status) {
    case 404:
      throw new StoreError('not_found', 'item not found');
    case 409:
      throw new StoreError('conflict', 'item already exists');
    case 412:
      throw new StoreError('precondition_failed', 'etag mismatch');
    case 408:
    case 429:
    case 449:
    case 500:
    case 503:
      throw new StoreError('unavailable', `store unavailable (${status})`, e.retryAfterInMs);
  }
  if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(e.code)) {
    throw new StoreError('unavailable', `store unreachable (${e.code})`);
  }
  throw err;
}
