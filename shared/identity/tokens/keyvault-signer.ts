import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { JWK } from 'jose';
import type { TokenSigner } from './signer.js';
import { keyVaultSigningVault, type SigningKeyVault, type SigningKeyVersionProperties } from '../../platform/keys/signing-vault.js';

export type { SigningKeyVault, SigningKeyVersion, SigningKeyVersionProperties } from '../../platform/keys/signing-vault.js';

/** How long the version list (JWKS and signing version) is kept before Key Vault is asked again. */
const REFRESH_MS = 10 * 60_000;
/**
 * A new version signs only once it has been in Key Vault longer than every instance's JWKS cache
 * (plus clock skew): by then every instance lists it, so no instance rejects a token it signed.
 */
const PUBLISH_BEFORE_USE_MS = REFRESH_MS + 60_000;
/** How long a list that could not be refreshed is still used: an outage of Key Vault, not forever. */
const STALE_LIMIT_MS = 6 * 60 * 60_000;

function b64url(bytes: Uint8Array | undefined): string {
  if (!bytes) throw new Error('Key Vault returned an EC key without coordinates');
  return Buffer.from(bytes).toString('base64url');
}

function usableAt(p: SigningKeyVersionProperties, now: number): boolean {
  return p.enabled !== false && (!p.notBefore || p.notBefore.getTime() <= now) && (!p.expiresOn || p.expiresOn.getTime() > now);
}

/**
 * Signs with an EC P-256 key in Azure Key Vault (CryptographyClient.sign('ES256', SHA-256 digest));
 * the private key never leaves the vault. The JWKS lists every enabled version of the key, so a
 * rotation in Key Vault overlaps naturally: old tokens verify until that version is disabled.
 * `keyId` is the key's URL, with or without a version: with one, that version signs; without, the
 * newest usable version that has been published for longer than the JWKS cache (a version created
 * moments ago waits, unless no older version can sign).
 */
export class KeyVaultTokenSigner implements TokenSigner {
  private cached: { at: number; kid: string; jwks: JWK[] } | undefined;
  private loading: Promise<{ kid: string; jwks: JWK[] }> | undefined;
  private readonly keyName: string;
  private readonly pinnedVersion: string | undefined;
  private readonly vault: SigningKeyVault;
  private readonly signers = new Map<string, ReturnType<SigningKeyVault['cryptography']>>();

  /** `vault` replaces the Key Vault SDK (tests); by default the vault in `keyId` is reached with `credential`. */
  constructor(keyId: string, credential: TokenCredential, vault?: SigningKeyVault) {
    const url = new URL(keyId);
    const [, kind, name, version] = url.pathname.split('/');
    if (kind !== 'keys' || !name) throw new Error('TOKEN_SIGNING_KEY_ID must be a Key Vault key URL (https://<vault>/keys/<name>[/<version>])');
    this.keyName = name;
    this.pinnedVersion = version || undefined;
    this.vault = vault ?? keyVaultSigningVault(url.origin, credential);
  }

  private async load(): Promise<{ kid: string; jwks: JWK[] }> {
    if (this.cached && Date.now() - this.cached.at < REFRESH_MS) return this.cached;
    // Concurrent callers share one refresh instead of each listing every version.
    this.loading ??= this.fetch().finally(() => {
      this.loading = undefined;
    });
    try {
      return await this.loading;
    } catch (err) {
      // Key Vault unreachable at refresh time: keep the last list rather than refuse every token
      // (verification runs on each request). A disabled version then ends when Key Vault answers again.
      if (this.cached && Date.now() - this.cached.at < STALE_LIMIT_MS) return this.cached;
      throw err;
    }
  }

  private async fetch(): Promise<{ kid: string; jwks: JWK[] }> {
    const client = await this.vault.keys();
    const now = Date.now();
    const jwks: JWK[] = [];
    const signable: Array<{ kid: string; createdOn: number }> = [];
    let pinnedKid: string | undefined;
    for await (const props of client.listPropertiesOfKeyVersions(this.keyName)) {
      if (props.enabled === false || !props.version) continue;
      const version = await client.getKey(this.keyName, { version: props.version });
      const k = version.key;
      if (!k || !version.id) continue;
      jwks.push({ kty: 'EC', crv: 'P-256', x: b64url(k.x), y: b64url(k.y), kid: version.id, alg: 'ES256', use: 'sig' });
      if (props.version === this.pinnedVersion) pinnedKid = version.id;
      if (usableAt(props, now)) signable.push({ kid: version.id, createdOn: props.createdOn?.getTime() ?? 0 });
    }
    let kid: string | undefined;
    if (this.pinnedVersion) {
      if (!pinnedKid) throw new Error(`token signing key version ${this.pinnedVersion} is not an enabled version of ${this.keyName}`);
      kid = pinnedKid;
    } else {
      signable.sort((a, b) => b.createdOn - a.createdOn);
      kid = (signable.find((v) => now - v.createdOn >= PUBLISH_BEFORE_USE_MS) ?? signable[0])?.kid;
      if (!kid) throw new Error(`token signing key ${this.keyName} has no enabled, unexpired version`);
    }
    this.cached = { at: Date.now(), kid, jwks };
    return this.cached;
  }

  async currentKid(): Promise<string> {
    return (await this.load()).kid;
  }

  async sign(signingInput: Uint8Array, kid: string): Promise<Uint8Array> {
    let client = this.signers.get(kid);
    if (!client) {
      client = this.vault.cryptography(kid);
      this.signers.set(kid, client);
    }
    const digest = createHash('sha256').update(signingInput).digest();
    const result = await (await client).sign('ES256', digest);
    return result.result;
  }

  async publicKeys(): Promise<JWK[]> {
    return (await this.load()).jwks;
  }
}
