import { createHash, createPrivateKey, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * Signs JWS (ES256) and publishes the public keys that verify them: access tokens and audit
 * checkpoints alike. Locally the keys live in the state directory; in Azure the private key never
 * leaves Key Vault.
 */
export interface Es256Signer {
  /**
   * Signs the JWS signing input (`base64url(header).base64url(payload)`) with the key `kid` and
   * returns the raw ES256 signature (r ‖ s, 64 bytes).
   */
  sign(signingInput: Uint8Array, kid: string): Promise<Uint8Array>;
  /** The key id new signatures are made with. */
  currentKid(): Promise<string>;
  /** Every public key whose signatures are still accepted: the current one and earlier ones (rotation overlap). */
  publicKeys(): Promise<JWK[]>;
}

/** A local P-256 key: its private JWK and its published public JWK (with kid, alg, use). */
export interface LocalSigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The public half of an EC key as published: coordinates, kid, ES256, signature use. */
export function publicEcJwk(jwk: JWK, kid: string): JWK {
  return { kty: 'EC', crv: jwk.crv ?? 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
}

/** The RFC 7638 thumbprint of an EC public key: SHA-256 over its required members in order, base64url. */
export function ecThumbprint(jwk: JWK): string {
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
}

/** A fresh P-256 private key as a JWK (kty, crv, x, y, d). */
export function generateEs256PrivateJwk(): JWK {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
}

/**
 * Signs with local P-256 keys, the first of `keys` for new signatures; all of them are published.
 * Where the keys come from (which file, which kid, when to rotate) is the caller's: this only signs.
 */
export class LocalEs256Signer implements Es256Signer {
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(private readonly keys: readonly LocalSigningKey[]) {
    if (keys.length === 0) throw new Error('a local signer needs at least one key');
  }

  async currentKid(): Promise<string> {
    return (this.keys[0] as LocalSigningKey).kid;
  }

  async sign(signingInput: Uint8Array, kid: string): Promise<Uint8Array> {
    let key = this.privateKeys.get(kid);
    if (!key) {
      const stored = this.keys.find((k) => k.kid === kid);
      if (!stored) throw new Error(`unknown signing key ${kid}`);
      key = createPrivateKey({ key: stored.privateJwk as JsonWebKey, format: 'jwk' });
      this.privateKeys.set(kid, key);
    }
    return sign('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' });
  }

  async publicKeys(): Promise<JWK[]> {
    return this.keys.map((k) => k.publicJwk);
  }
}
