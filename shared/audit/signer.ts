import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type JSONWebKeySet } from 'jose';
import type { TokenCredential } from '@azure/identity';
import type { Config } from '../config.js';
import type { Log } from '../platform/log.js';
import type { CheckpointClaims } from './chain.js';
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

interface KeyVaultJwk {
  kty?: string;
  crv?: string;
  x?: Uint8Array;
  y?: Uint8Array;
}

/**
 * The Key Vault EC key named by AUDIT_SIGNING_KEY_ID (a key URI, with or without version). The
 * private key never leaves the vault: the JWS signing input is hashed here and the vault signs the
 * digest (ES256 yields the raw r‖s form JWS wants). Every enabled version is published, so
 * checkpoints signed before a rotation still verify. Not exercised by the test suite (no vault here).
 */
export class KeyVaultAuditSigner implements AuditSigner {
  private readonly vaultUrl: string;
  private readonly keyName: string;

  constructor(
    private readonly keyId: string,
    private readonly credential: () => Promise<TokenCredential>,
  ) {
    const url = new URL(keyId);
    const [, kind, name] = url.pathname.split('/');
    if (kind !== 'keys' || !name) throw new Error('AUDIT_SIGNING_KEY_ID must be a Key Vault key URI');
    this.vaultUrl = url.origin;
    this.keyName = name;
  }

  async sign(claims: CheckpointClaims): Promise<{ jws: string; kid: string }> {
    const { CryptographyClient, KeyClient } = await import('@azure/keyvault-keys');
    const credential = await this.credential();
    const version = new URL(this.keyId).pathname.split('/')[3];
    const key = await new KeyClient(this.vaultUrl, credential).getKey(this.keyName, version ? { version } : {});
    const client = new CryptographyClient(key, credential);
    const kid = await this.thumbprint(key.key as KeyVaultJwk);
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid, typ: CHECKPOINT_JWS_TYPE })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const digest = createHash('sha256').update(`${header}.${payload}`).digest();
    const { result } = await client.sign('ES256', digest);
    return { jws: `${header}.${payload}.${Buffer.from(result).toString('base64url')}`, kid };
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    const { KeyClient } = await import('@azure/keyvault-keys');
    const client = new KeyClient(this.vaultUrl, await this.credential());
    const keys: JWK[] = [];
    for await (const props of client.listPropertiesOfKeyVersions(this.keyName)) {
      if (props.enabled === false || !props.version) continue;
      const key = await client.getKey(this.keyName, { version: props.version });
      const jwk = this.toJwk(key.key as KeyVaultJwk);
      keys.push(publicOnly(jwk, await calculateJwkThumbprint(jwk)));
    }
    return { keys };
  }

  private toJwk(k: KeyVaultJwk): JWK {
    if (k.kty !== 'EC' && k.kty !== 'EC-HSM') throw new Error('the audit signing key is not an EC key');
    if (!k.x || !k.y) throw new Error('the audit signing key has no public part');
    return { kty: 'EC', crv: k.crv ?? 'P-256', x: Buffer.from(k.x).toString('base64url'), y: Buffer.from(k.y).toString('base64url') };
  }

  private thumbprint(k: KeyVaultJwk): Promise<string> {
    return calculateJwkThumbprint(this.toJwk(k));
  }
}

export function createAuditSigner(config: Config, log: Log, credential: () => TokenCredential): AuditSigner {
  if (config.AUDIT_SIGNING_KEY_ID) return new KeyVaultAuditSigner(config.AUDIT_SIGNING_KEY_ID, async () => credential());
  return new LocalAuditSigner(config.LOCAL_STATE_DIR, log);
}
