import type { JWK } from 'jose';

/**
 * Signs access tokens (ES256) and publishes the public keys that verify them. Locally the keys live
 * in the state directory; in Azure the private key never leaves Key Vault.
 */
export interface TokenSigner {
  /**
   * Signs the JWS signing input (`base64url(header).base64url(payload)`) with the current key and
   * returns the raw ES256 signature (r ‖ s, 64 bytes).
   */
  sign(signingInput: Uint8Array, kid: string): Promise<Uint8Array>;
  /** The key id new tokens are signed with. */
  currentKid(): Promise<string>;
  /** Every public key whose tokens are still accepted: the current one and the previous ones (rotation overlap). */
  publicKeys(): Promise<JWK[]>;
}
