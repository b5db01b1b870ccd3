import { generateKeyPairSync } from 'node:crypto';
import { expect } from '@jest/globals';
import { p256 } from '@noble/curves/nist.js';
import type { SigningKeyVault, SigningKeyVersion, SigningKeyVersionProperties } from '../../shared/platform/keys/signing-vault.js';

export interface FakeVersion extends SigningKeyVersionProperties {
  version: string;
  secret: Uint8Array;
  x: Buffer;
  y: Buffer;
}

/**
 * A stand-in for one EC P-256 key in Key Vault. Like the service, `sign` takes a precomputed SHA-256
 * digest (node:crypto cannot sign a digest without hashing it again, hence @noble/curves with
 * prehash off) and returns the raw r‖s signature, and a disabled version refuses to sign.
 */
export class FakeSigningVault implements SigningKeyVault {
  readonly versions: FakeVersion[] = [];
  private readonly name: string;

  /** `key`: the key's URL without a version, e.g. https://kv-test.vault.azure.net/keys/token-signing */
  constructor(readonly key: string) {
    this.name = new URL(key).pathname.split('/')[2] as string;
  }
  readonly cryptographyFor: string[] = [];
  listCalls = 0;
  /** Key Vault unreachable: listing versions fails. */
  unreachable = false;

  addVersion(createdOn: number, props: Partial<SigningKeyVersionProperties> = {}): string {
    const version = `v${this.versions.length + 1}`;
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    this.versions.push({
      version,
      enabled: true,
      createdOn: new Date(createdOn),
      secret: Buffer.from(jwk.d as string, 'base64url'),
      x: Buffer.from(jwk.x as string, 'base64url'),
      y: Buffer.from(jwk.y as string, 'base64url'),
      ...props,
    });
    return `${this.key}/${version}`;
  }

  version(kid: string): FakeVersion {
    const v = this.versions.find((x) => `${this.key}/${x.version}` === kid);
    if (!v) throw new Error(`no key version ${kid}`);
    return v;
  }

  async keys(): Promise<{
    getKey(name: string, options?: { version?: string }): Promise<SigningKeyVersion>;
    listPropertiesOfKeyVersions(name: string): AsyncIterable<SigningKeyVersionProperties>;
  }> {
    return {
      getKey: async (name, options) => {
        expect(name).toBe(this.name);
        const v = options?.version ? this.versions.find((x) => x.version === options.version) : this.versions.at(-1);
        if (!v) throw new Error('KeyNotFound');
        return { id: `${this.key}/${v.version}`, key: { x: v.x, y: v.y } };
      },
      listPropertiesOfKeyVersions: (name) => this.list(name),
    };
  }

  private async *list(name: string): AsyncIterable<SigningKeyVersionProperties> {
    expect(name).toBe(this.name);
    this.listCalls += 1;
    if (this.unreachable) throw new Error('Key Vault unreachable');
    for (const v of this.versions) {
      yield { version: v.version, enabled: v.enabled, createdOn: v.createdOn, notBefore: v.notBefore, expiresOn: v.expiresOn };
    }
  }

  async cryptography(kid: string): Promise<{ sign(algorithm: 'ES256', digest: Uint8Array): Promise<{ result: Uint8Array }> }> {
    this.cryptographyFor.push(kid);
    const v = this.version(kid);
    return {
      sign: async (algorithm, digest) => {
        expect(algorithm).toBe('ES256');
        if (digest.length !== 32) throw new Error('ES256 signs a SHA-256 digest (32 bytes)');
        if (v.enabled === false) throw new Error(`key version ${kid} is disabled`);
        return { result: p256.sign(digest, v.secret, { prehash: false }) };
      },
    };
  }
}
