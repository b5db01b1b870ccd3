import { createHash } from 'node:crypto';
import type { TokenRequest } from '../connector.js';
import type { Clock } from './clock.js';

export interface CachedToken {
  accessToken: string;
  /** Epoch ms at which the token is treated as expired (already brought forward by the refresh margin). */
  refreshAt: number;
  /** A refresh token issued with it (an OpenID Connect code flow: Simphony), so the token can be renewed without signing in again. */
  refreshToken?: string;
}

/** Tokens are refreshed this long before the vendor says they expire (or at half their life when that is shorter). */
const REFRESH_MARGIN_MS = 60_000;
/** A token without expires_in is used for this long. */
const DEFAULT_LIFETIME_MS = 300_000;

/** The cache key: a new secret (rotation) gets a new token; the secret itself is never kept as a key. */
export function tokenKey(request: TokenRequest): string {
  return createHash('sha256').update(`${request.url}\n${request.clientId}\n${request.clientSecret}\n${request.scope ?? ''}`).digest('base64url');
}

/** When a token answered at `now` with `expiresInSeconds` should be replaced. */
export function refreshAt(now: number, expiresInSeconds: number | undefined): number {
  const lifetime = expiresInSeconds !== undefined && expiresInSeconds > 0 ? expiresInSeconds * 1000 : DEFAULT_LIFETIME_MS;
  return now + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 2);
}

/**
 * OAuth 2.0 client-credentials tokens of this process, by client: one acquisition at a time per
 * client (concurrent requests wait for the same one), reused until shortly before they expire.
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(private readonly clock: Pick<Clock, 'now'> = { now: () => Date.now() }) {}

  /**
   * A valid token for `request`, acquired through `acquire` when there is none or it is due for
   * refresh; `acquire` is given the token due for refresh (not one dropped by `invalidate`), whose
   * refresh token it may use.
   */
  async get(request: TokenRequest, acquire: (due?: CachedToken) => Promise<CachedToken>): Promise<string> {
    const key = tokenKey(request);
    const cached = this.tokens.get(key);
    if (cached && cached.refreshAt > this.clock.now()) return cached.accessToken;
    let inFlight = this.pending.get(key);
    if (!inFlight) {
      inFlight = acquire(cached).finally(() => this.pending.delete(key));
      this.pending.set(key, inFlight);
    }
    const token = await inFlight;
    this.tokens.set(key, token);
    return token.accessToken;
  }

  /** Forgets the token of `request` if it is still `accessToken` (the vendor refused it: 401). */
  invalidate(request: TokenRequest, accessToken: string): void {
    const key = tokenKey(request);
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }
}

export const processTokens = new TokenCache();
