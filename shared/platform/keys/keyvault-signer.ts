import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { JWK } from 'jose';
import type { Es256Signer } from './es256-signer.js';
import { ecThumbprint, publicEcJwk } from './es256-signer.js';
import { keyVaultSigningVault, type SigningKeyVault, type SigningKeyVersion, type SigningKeyVersionProperties } from './signing-vault.js';

/**
 * What differs between the keys signed with in Key Vault (access tokens, audit checkpoints): how a
 * version is named, and how long what Key Vault said is trusted.
 */
export interface KeyVaultSignerPolicy {
  /**
   * How `kid` names a key version: its versioned Key Vault URL, or the RFC 7638 thumbprint of its
   * public key (which names the key itself, wherever it is kept).
   */
  kid: 'version-url' | 'thumbprint';
  /** How long the version list (published keys and signing version) is kept before Key Vault is asked again; 0 asks on every call. */
  refreshMs: number;
  /**
   * A new version signs only once it has been in Key Vault this long (unless no older version can
   * sign): longer than every verifier's cache of the published keys, so none rejects what it signed.
   */
  publishBeforeUseMs: number;
  /** How long a list that could not be refreshed is still used: a Key Vault outage, not forever. 0: never. */
  staleLimitMs: number;
}

export interface KeyVaultSignerOptions {
  /** The key's URL, `https://<vault>/keys/<name>[/<version>]`: with a version, that version signs. */
  keyId: string;
  /** The setting `keyId` comes from, named when it is not a key URL. */
  setting: string;
  policy: KeyVaultSignerPolicy;
  credential: () => TokenCredential;
  /** Replaces the Key Vault SDK (tests); by default the vault in `keyId` is reached with `credential`. */
  vault?: SigningKeyVault;
}

function usableAt(p: SigningKeyVersionProperties, now: number): boolean {
  return p.enabled !== false && (!p.notBefore || p.notBefore.getTime() <= now) && (!p.expiresOn || p.expiresOn.getTime() > now);
}

function ecJwk(version: SigningKeyVersion): JWK | undefined {
  const k = version.key;
  if (!k || !k.x || !k.y) return undefined;
  if (k.kty !== undefined && k.kty !== 'EC' && k.kty !== 'EC-HSM') throw new Error(`Key Vault key ${version.id} is not an EC key`);
  return { kty: 'EC', crv: k.crv ?? 'P-256', x: Buffer.from(k.x).toString('base64url'), y: Buffer.from(k.y).toString('base64url') };
}

interface VersionList {
  at: number;
  /** The kid new signatures are made with. */
  kid: string;
  jwks: JWK[];
  /** The versioned URL of each published kid: what a signing client is bound to. */
  urls: Map<string, string>;
}

/**
 * Signs ES256 with an EC P-256 key in Azure Key Vault (CryptographyClient.sign over the SHA-256
 * digest, raw r‖s back, as JWS wants it); the private key never leaves the vault. Every enabled
 * version is published, so a rotation overlaps naturally: what an old version signed verifies until
 * that version is disabled. Without a pinned version the newest usable version signs once it is
 * older than `policy.publishBeforeUseMs`.
 *
 * @example
 * const signer = new KeyVaultSigner({ keyId: config.TOKEN_SIGNING_KEY_ID, setting: 'TOKEN_SIGNING_KEY_ID', policy, credential });
 * const kid = await signer.currentKid();
 * const signature = await signer.sign(Buffer.from(signingInput, 'ascii'), kid);
 */
export class KeyVaultSigner implements Es256Signer {
  private cached: VersionList | undefined;
  private loading: Promise<VersionList> | undefined;
  private readonly keyName: string;
  private readonly pinnedVersion: string | undefined;
  private readonly policy: KeyVaultSignerPolicy;
  private readonly vault: SigningKeyVault;
  private readonly signers = new Map<string, ReturnType<SigningKeyVault['cryptography']>>();

  constructor(options: KeyVaultSignerOptions) {
    const url = new URL(options.keyId);
    const [, kind, name, version] = url.pathname.split('/');
    if (kind !== 'keys' || !name) throw new Error(`${options.setting} must be a Key Vault key URL (https://<vault>/keys/<name>[/<version>])`);
    this.keyName = name;
    this.pinnedVersion = version || undefined;
    this.policy = options.policy;
    this.vault = options.vault ?? keyVaultSigningVault(url.origin, options.credential);
  }

  private async load(): Promise<VersionList> {
    const { refreshMs, staleLimitMs } = this.policy;
    if (this.cached && Date.now() - this.cached.at < refreshMs) return this.cached;
    // Concurrent callers share one refresh instead of each listing every version.
    this.loading ??= this.fetch().finally(() => {
      this.loading = undefined;
    });
    try {
      return await this.loading;
    } catch (err) {
      // Key Vault unreachable at refresh time: keep the last list rather than refuse every signature
      // (verification runs on each request). A disabled version then ends when Key Vault answers again.
      if (this.cached && Date.now() - this.cached.at < staleLimitMs) return this.cached;
      throw err;
    }
  }

  private async fetch(): Promise<VersionList> {
    const client = await this.vault.keys();
    const now = Date.now();
    const jwks: JWK[] = [];
    const urls = new Map<string, string>();
    const signable: Array<{ kid: string; createdOn: number }> = [];
    let pinnedKid: string | undefined;
    for await (const props of client.listPropertiesOfKeyVersions(this.keyName)) {
      if (props.enabled === false || !props.version) continue;
      const version = await client.getKey(this.keyName, { version: props.version });
      const jwk = ecJwk(version);
      if (!jwk || !version.id) continue;
      const kid = this.policy.kid === 'thumbprint' ? ecThumbprint(jwk) : version.id;
      jwks.push(publicEcJwk(jwk, kid));
      urls.set(kid, version.id);
      if (props.version === this.pinnedVersion) pinnedKid = kid;
      if (usableAt(props, now)) signable.push({ kid, createdOn: props.createdOn?.getTime() ?? 0 });
    }
    let kid: string | undefined;
    if (this.pinnedVersion) {
      if (!pinnedKid) throw new Error(`signing key version ${this.pinnedVersion} is not an enabled version of ${this.keyName}`);
      kid = pinnedKid;
    } else {
      signable.sort((a, b) => b.createdOn - a.createdOn);
      kid = (signable.find((v) => now - v.createdOn >= this.policy.publishBeforeUseMs) ?? signable[0])?.kid;
      if (!kid) throw new Error(`signing key ${this.keyName} has no enabled, unexpired version`);
    }
    this.cached = { at: Date.now(), kid, jwks, urls };
    return this.cached;
  }

  async currentKid(): Promise<string> {
    return (await this.load()).kid;
  }

  /** The versioned URL that signs as `kid`: the kid itself, or for a thumbprint, the version the list names. */
  private async versionUrl(kid: string): Promise<string> {
    if (this.policy.kid === 'version-url') return kid;
    // The list currentKid() just read names it: no second listing per signature.
    const url = this.cached?.urls.get(kid) ?? (await this.load()).urls.get(kid);
    if (!url) throw new Error(`unknown signing key ${kid}`);
    return url;
  }

  async sign(signingInput: Uint8Array, kid: string): Promise<Uint8Array> {
    const url = await this.versionUrl(kid);
    let client = this.signers.get(url);
    if (!client) {
      client = this.vault.cryptography(url);
      this.signers.set(url, client);
    }
    const digest = createHash('sha256').update(signingInput).digest();
    return (await (await client).sign('ES256', digest)).result;
  }

  async publicKeys(): Promise<JWK[]> {
    return (await this.load()).jwks;
  }
}
