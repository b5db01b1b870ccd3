import { randomUUID } from 'node:crypto';
import { importJWK, jwtVerify, type CryptoKey, type JWTPayload, type JWTHeaderParameters, type KeyObject } from 'jose';
import type { Es256Signer } from '../../platform/keys/es256-signer.js';

/** The claims of our access tokens beyond the registered ones. */
export interface AccessClaims {
  sub: string;
  tid: string;
  sid: string;
  amr: string[];
  /** Permissions version of the user when the token was issued. */
  pv: number;
  /** Seconds since epoch of the last authentication (carried over on refresh). */
  auth_time: number;
  /** Support grant id: set only on a support agent's token for a customer tenant. */
  sgid?: string;
}

export interface VerifiedAccessToken extends AccessClaims {
  exp: number;
  iat: number;
}

const ACCESS_TOKEN_ALGORITHM = 'ES256';
const CLOCK_TOLERANCE_SECONDS = 30;

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Issues and verifies access tokens: compact JWS, ES256 only, with issuer, audience, expiry and our
 * claims required. Verification accepts only our own keys, looked up by `kid` in the current JWKS.
 *
 * @example
 * const { token, expiresIn } = await tokens.issue({ sub, tid, sid, amr: ['pwd'], pv: 1, auth_time });
 * const claims = await tokens.verify(token); // throws on any defect
 */
export class AccessTokens {
  private readonly keyCache = new Map<string, CryptoKey | KeyObject | Uint8Array>();

  constructor(
    private readonly signer: Es256Signer,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly ttlSeconds: number,
  ) {}

  async issue(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const kid = await this.signer.currentKid();
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: ACCESS_TOKEN_ALGORITHM, typ: 'at+jwt', kid };
    const payload = { iss: this.issuer, aud: this.audience, iat: now, nbf: now, exp: now + this.ttlSeconds, jti: randomUUID(), ...claims };
    const input = `${b64json(header)}.${b64json(payload)}`;
    const signature = await this.signer.sign(Buffer.from(input, 'ascii'), kid);
    return { token: `${input}.${Buffer.from(signature).toString('base64url')}`, expiresIn: this.ttlSeconds };
  }

  private async keyFor(header: JWTHeaderParameters): Promise<CryptoKey | KeyObject | Uint8Array> {
    const kid = header.kid;
    if (typeof kid !== 'string') throw new Error('token has no kid');
    // Asked on every verification (the signer caches its key list): a version disabled in Key Vault
    // stops verifying once the signer's list no longer names it, not at the next restart.
    const jwk = (await this.signer.publicKeys()).find((k) => k.kid === kid);
    if (!jwk) {
      this.keyCache.delete(kid);
      throw new Error('token kid is not one of our keys');
    }
    const cached = this.keyCache.get(kid);
    if (cached) return cached;
    const key = await importJWK(jwk, ACCESS_TOKEN_ALGORITHM);
    this.keyCache.set(kid, key);
    return key;
  }

  /** Verifies signature and claims; throws on any failure (the caller answers every one with the same 401). */
  async verify(token: string): Promise<VerifiedAccessToken> {
    const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: this.issuer,
      audience: this.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'iat', 'sub', 'tid', 'sid'],
    });
    return checkClaims(payload);
  }
}

function checkClaims(p: JWTPayload): VerifiedAccessToken {
  const { sub, tid, sid, amr, pv, auth_time: authTime, exp, iat, sgid } = p as Record<string, unknown>;
  if (sgid !== undefined && typeof sgid !== 'string') throw new Error('token sgid is malformed');
  if (typeof sub !== 'string' || typeof tid !== 'string' || typeof sid !== 'string') throw new Error('token subject claims are malformed');
  if (!Array.isArray(amr) || !amr.every((m) => typeof m === 'string')) throw new Error('token amr is malformed');
  if (typeof pv !== 'number' || typeof authTime !== 'number' || typeof exp !== 'number' || typeof iat !== 'number') {
    throw new Error('token numeric claims are malformed');
  }
  return { sub, tid, sid, amr: amr as string[], pv, auth_time: authTime, exp, iat, ...(typeof sgid === 'string' ? { sgid } : {}) };
}
