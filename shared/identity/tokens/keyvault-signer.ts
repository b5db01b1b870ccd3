import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { CryptographyClient } from '@azure/keyvault-keys';
import type { JWK } from 'jose';
import type { TokenSigner } from './signer.js';

const REFRESH_MS = 10 * 60_000;

function b64url(bytes: Uint8Array | undefined): string {
  if (!bytes) throw new Error('Key Vault returned an EC key without coordinates');
  return Buffer.from(bytes).toString('base64url');
}

/**
 * Signs with an EC P-256 key in Azure Key Vault (CryptographyClient.sign('ES256', SHA-256 digest));
 * the private key never leaves the vault. The JWKS lists every enabled version of the key, so a
 * rotation in Key Vault overlaps naturally: old tokens verify until that version is disabled.
 * `keyId` is the key's URL, with or without a version (without: the latest version signs).
 */
export class KeyVaultTokenSigner implements TokenSigner {
  private cached: { at: number; kid: string; jwks: JWK[] } | undefined;
  private readonly vaultUrl: string;
  private readonly keyName: string;
  private readonly clients = new Map<string, CryptographyClient>();

  constructor(
    keyId: string,
    private readonly credential: TokenCredential,
  ) {
    const url = new URL(keyId);
    const [, kind, name] = url.pathname.split('/');
    if (kind !== 'keys' || !name) throw new Error('TOKEN_SIGNING_KEY_ID must be a Key Vault key URL (https://<vault>/keys/<name>[/<version>])');
    this.vaultUrl = url.origin;
    this.keyName = name;
  }

  private async load(): Promise<{ kid: string; jwks: JWK[] }> {
    if (this.cached && Date.now() - this.cached.at < REFRESH_MS) return this.cached;
    const { KeyClient } = await import('@azure/keyvault-keys');
    const client = new KeyClient(this.vaultUrl, this.credential);
    const latest = await client.getKey(this.keyName);
    const jwks: JWK[] = [];
    for await (const props of client.listPropertiesOfKeyVersions(this.keyName)) {
      if (props.enabled === false || !props.version) continue;
      const version = await client.getKey(this.keyName, { version: props.version });
      const k = version.key;
      if (!k || !version.id) continue;
      jwks.push({ kty: 'EC', crv: 'P-256', x: b64url(k.x), y: b64url(k.y), kid: version.id, alg: 'ES256', use: 'sig' });
    }
    if (!latest.id) throw new Error('Key Vault returned a key without an id');
    this.cached = { at: Date.now(), kid: latest.id, jwks };
    return this.cached;
  }

  async currentKid(): Promise<string> {
    return (await this.load()).kid;
  }

  async sign(signingInput: Uint8Array, kid: string): Promise<Uint8Array> {
    let client = this.clients.get(kid);
    if (!client) {
      const { CryptographyClient } = await import('@azure/keyvault-keys');
      client = new CryptographyClient(kid, this.credential);
      this.clients.set(kid, client);
    }
    const digest = createHash('sha256').update(signingInput).digest();
    const result = await client.sign('ES256', digest);
    return result.result;
  }

  async publicKeys(): Promise<JWK[]> {
    return (await this.load()).jwks;
  }
}
