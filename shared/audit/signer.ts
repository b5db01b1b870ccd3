import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type JSONWebKeySet } from 'jose';
import type { TokenCredential } from '@azure/identity';
import type { Config } from '../platform/config.js';
import type { Log } from '../platform/log.js';
import type { CheckpointClaims } from './chain.js';
import { keyVaultSigningVault, type SigningKeyVault, type SigningKeyVersion } from '../platform/keys/signing-vault.js';
import { CHECKPOINT_JWS_TYPE } from './verify.js';

/**
 * Signs checkpoints with the audit signing key (ES256) and publishes its public half. One
 * interface, two key homes: a local file for local runs and tests, a Key Vault EC key in Azure.
 */
export interface AuditSigner {
  /** Compact JWS over the claims, header { alg: ES256, kid, typ }. */
  sign(claims: CheckpointClaims): Promise<{ jws: string; kid: string }>;
  /** Public keys that verify checkpoints (current and earlier versions). */
  publicKeys(): Promise<JSONWebKeySet>;
}

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

function publicOnly(jwk: JWK, kid: string): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' } as JWK;
}

/**
 * A P-256 key generated once into LOCAL_STATE_DIR (git-ignored), so checkpoints made by earlier
 * local runs still verify. Never used in Azure (AUDIT_SIGNING_KEY_ID selects Key Vault there).
 */
export class LocalAuditSigner implements AuditSigner {
  private loaded: Promise<{ key: SigningKey; kid: string; pub: JWK }> | undefined;

  constructor(
    private readonly stateDir: string,
    private readonly log: Log,
  ) {}

  private load(): Promise<{ key: SigningKey; kid: string; pub: JWK }> {
    this.loaded ??= (async () => {
      const file = join(this.stateDir, 'audit-signing-key.json');
      let jwk: JWK;
      if (existsSync(file)) {
        jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
      } else {
        const pair = await generateKeyPair('ES256', { extractable: true });
        jwk = await exportJWK(pair.privateKey);
        mkdirSync(this.stateDir, { recursive: true });
        try {
          // wx: two processes starting together keep the first key instead of overwriting it.
          writeFileSync(file, JSON.stringify(jwk) + '\n', { mode: 0o600, flag: 'wx' });
          this.log.warn('generated a local audit signing key; set AUDIT_SIGNING_KEY_ID to use Azure Key Vault', { file });
        } catch {
          jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
        }
      }
      const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK);
      return { key: await importJWK(jwk, 'ES256'), kid, pub: publicOnly(jwk, kid) };
    })();
    return this.loaded;
  }

  async sign(claims: CheckpointClaims): Promise<{ jws: string; kid: string }> {
    const { key, kid } = await this.load();
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'ES256', kid, typ: CHECKPOINT_JWS_TYPE })
      .sign(key);
    return { jws, kid };
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    return { keys: [(await this.load()).pub] };
  }
}

/**
 * Signs checkpoints with an EC P-256 key in Azure Key Vault (the SHA-256 digest of the signing input,
 * raw r‖s back, as JWS wants it); the private key never leaves the vault. `kid` is the RFC 7638
 * thumbprint of the version's public key, so a checkpoint names exactly the key that verifies it.
 * `keyId` with a version pins signing to it; without, the latest version signs. Every enabled
 * version is published: keep old versions enabled (verify-only) while checkpoints signed with them
 * are kept (docs/operations.md).
 */
export class KeyVaultAuditSigner implements AuditSigner {
  private readonly keyName: string;
  private readonly pinnedVersion: string | undefined;
  private readonly vault: SigningKeyVault;

  /** `vault` replaces the Key Vault SDK (tests); by default the vault in `keyId` is reached with `credential`. */
  constructor(keyId: string, credential: () => TokenCredential, vault?: SigningKeyVault) {
    const url = new URL(keyId);
    const [, kind, name, version] = url.pathname.split('/');
    if (kind !== 'keys' || !name) throw new Error('AUDIT_SIGNING_KEY_ID must be a Key Vault key URI');
    this.keyName = name;
    this.pinnedVersion = version || undefined;
    this.vault = vault ?? keyVaultSigningVault(url.origin, credential);
  }

  async sign(claims: CheckpointClaims): Promise<{ jws: string; kid: string }> {
    const key = await (await this.vault.keys()).getKey(this.keyName, this.pinnedVersion ? { version: this.pinnedVersion } : {});
    if (!key.id) throw new Error('Key Vault returned the audit signing key without an id');
    const kid = await calculateJwkThumbprint(this.toJwk(key));
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid, typ: CHECKPOINT_JWS_TYPE })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const digest = createHash('sha256').update(`${header}.${payload}`).digest();
    const { result } = await (await this.vault.cryptography(key.id)).sign('ES256', digest);
    return { jws: `${header}.${payload}.${Buffer.from(result).toString('base64url')}`, kid };
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    const client = await this.vault.keys();
    const keys: JWK[] = [];
    for await (const props of client.listPropertiesOfKeyVersions(this.keyName)) {
      if (props.enabled === false || !props.version) continue;
      const jwk = this.toJwk(await client.getKey(this.keyName, { version: props.version }));
      keys.push(publicOnly(jwk, await calculateJwkThumbprint(jwk)));
    }
    return { keys };
  }

  private toJwk(version: SigningKeyVersion): JWK {
    const k = version.key;
    if (!k || (k.kty !== undefined && k.kty !== 'EC' && k.kty !== 'EC-HSM')) throw new Error('the audit signing key is not an EC key');
    if (!k.x || !k.y) throw new Error('the audit signing key has no public part');
    return { kty: 'EC', crv: k.crv ?? 'P-256', x: Buffer.from(k.x).toString('base64url'), y: Buffer.from(k.y).toString('base64url') };
  }
}

export function createAuditSigner(config: Config, log: Log, credential: () => TokenCredential): AuditSigner {
  if (config.AUDIT_SIGNING_KEY_ID) return new KeyVaultAuditSigner(config.AUDIT_SIGNING_KEY_ID, credential);
  return new LocalAuditSigner(config.LOCAL_STATE_DIR, log);
}
