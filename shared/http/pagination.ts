import { createHash } from 'node:crypto';
import { z } from 'zod';
import { badRequest } from './problem.js';

/**
 * Continuation tokens are opaque to clients: the store's own token plus a fingerprint of the query
 * it belongs to, so a token from one listing can't be replayed against another.
 */
const tokenSchema = z.strictObject({ c: z.string().min(1), f: z.string().length(16) });

function fingerprint(scope: unknown): string {
  return createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 16);
}

export function encodeContinuation(storeToken: string | undefined, scope: unknown): string | undefined {
  if (!storeToken) return undefined;
  return Buffer.from(JSON.stringify({ c: storeToken, f: fingerprint(scope) })).toString('base64url');
}

export function decodeContinuation(token: string | undefined, scope: unknown): string | undefined {
  if (token === undefined) return undefined;
  let parsed: z.infer<typeof tokenSchema>;
  try {
    parsed = tokenSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('The continuation token is not valid.', [{ field: 'query.continuation', message: 'malformed token' }]);
  }
  if (parsed.f !== fingerprint(scope)) {
    throw badRequest('The continuation token belongs to another query.', [{ field: 'query.continuation', message: 'token does not match this query' }]);
  }
  return parsed.c;
}

/** Common query-string members of list endpoints. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  continuation: z.string().max(4096).optional(),
};
