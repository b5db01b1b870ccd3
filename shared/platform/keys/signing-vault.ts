import type { TokenCredential } from '@azure/identity';

/** One version's public key, as the KeyClient reports it. */
export interface SigningKeyVersion {
  id?: string;
  key?: { x?: Uint8Array; y?: Uint8Array; kty?: string; crv?: string };
}

/** The properties of a version listed by `listPropertiesOfKeyVersions`. */
export interface SigningKeyVersionProperties {
  version?: string;
  enabled?: boolean;
  createdOn?: Date;
  notBefore?: Date;
  expiresOn?: Date;
}

/**
 * The parts of the Key Vault SDK an EC P-256 signer uses (access tokens, audit checkpoints): the SDK
 * by default, a stand-in vault in tests.
 */
export interface SigningKeyVault {
  keys(): Promise<{
    getKey(name: string, options?: { version?: string }): Promise<SigningKeyVersion>;
    listPropertiesOfKeyVersions(name: string): AsyncIterable<SigningKeyVersionProperties>;
  }>;
  /** A client for one key version (its versioned id); `sign` gets a SHA-256 digest, returns raw r‖s. */
  cryptography(kid: string): Promise<{ sign(algorithm: 'ES256', digest: Uint8Array): Promise<{ result: Uint8Array }> }>;
}

/** The Key Vault SDK, loaded on first use (cold start); the credential is asked for then too. */
export function keyVaultSigningVault(vaultUrl: string, credential: () => TokenCredential): SigningKeyVault {
  let keyClient: ReturnType<SigningKeyVault['keys']> | undefined;
  return {
    keys: () => (keyClient ??= import('@azure/keyvault-keys').then(({ KeyClient }) => new KeyClient(vaultUrl, credential()))),
    cryptography: async (kid) => {
      const { CryptographyClient } = await import('@azure/keyvault-keys');
      return new CryptographyClient(kid, credential());
    },
  };
}
