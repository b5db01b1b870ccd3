import { join } from 'node:path';
import type { JWK, JSONWebKeySet } from 'jose';
import type { TokenCredential } from '@azure/identity';
import type { Config } from '../platform/config.js';
import type { Log } from '../platform/log.js';
import type { CheckpointClaims } from './chain.js';
import { ecThumbprint, generateEs256PrivateJwk, LocalEs256Signer, publicEcJwk, type Es256Signer } from '../platform/keys/es256-signer.js';
import { KeyVaultSigner, type KeyVaultSignerPolicy } from '../platform/keys/keyvault-signer.js';
import { jsonKeyFormat, loadOrCreateStateKey } from '../platform/keys/local-state-key.js';
import type { SigningKeyVault } from '../platform/keys/signing-vault.js';
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

/**
 * Checkpoints name their key by its RFC 7638 thumbprint, so a checkpoint names exactly the key that
 * verifies it wherever that key is kept. They are few and kept for years, so Key Vault is asked at
 * every signature and every verification: the newest usable version signs at once, and a disabled
 * version stops verifying at once. Keep old versions enabled (verify-only) while checkpoints signed
 * with them are kept (docs/operations.md).
 */
const CHECKPOINT_KEY_POLICY: KeyVaultSignerPolicy = { kid: 'thumbprint', refreshMs: 0, publishBeforeUseMs: 0, staleLimitMs: 0 };

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Checkpoint JWS over an ES256 signer, wherever its key lives. */
export class CheckpointSigner implements AuditSigner {
  constructor(private readonly keys: Es256Signer) {}

  async sign(claims: CheckpointClaims): Promise<{ jws: string; kid: string }> {
    const kid = await this.keys.currentKid();
    const input = `${b64json({ alg: 'ES256', kid, typ: CHECKPOINT_JWS_TYPE })}.${b64json(claims)}`;
    const signature = await this.keys.sign(Buffer.from(input, 'ascii'), kid);
    return { jws: `${input}.${Buffer.from(signature).toString('base64url')}`, kid };
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    return { keys: await this.keys.publicKeys() };
  }
}

const CHECKPOINT_KEY_FILE = 'audit-signing-key.json';

/**
 * A P-256 key generated once into LOCAL_STATE_DIR (git-ignored), so checkpoints made by earlier
 * local runs still verify. Never used in Azure (AUDIT_SIGNING_KEY_ID selects Key Vault there).
 */
export async function openLocalCheckpointKey(stateDir: string, log: Log): Promise<Es256Signer> {
  const file = { dir: stateDir, name: CHECKPOINT_KEY_FILE, format: jsonKeyFormat<JWK>(true) };
  const { key: privateJwk, created } = await loadOrCreateStateKey(file, generateEs256PrivateJwk);
  if (created) log.warn('generated a local audit signing key; set AUDIT_SIGNING_KEY_ID to use Azure Key Vault', { file: join(stateDir, CHECKPOINT_KEY_FILE) });
  const kid = ecThumbprint(privateJwk);
  return new LocalEs256Signer([{ kid, privateJwk, publicJwk: publicEcJwk(privateJwk, kid) }]);
}

/** The checkpoint signer of the Key Vault key `keyId`; `vault` replaces the Key Vault SDK (tests). */
export function keyVaultCheckpointSigner(keyId: string, credential: () => TokenCredential, vault?: SigningKeyVault): AuditSigner {
  return new CheckpointSigner(new KeyVaultSigner({ keyId, setting: 'AUDIT_SIGNING_KEY_ID', policy: CHECKPOINT_KEY_POLICY, credential, vault }));
}

/**
 * The audit signer: Key Vault when AUDIT_SIGNING_KEY_ID is set, else the local key, read on first
 * use (a process that never signs or verifies a checkpoint never touches the file).
 */
export function createAuditSigner(config: Config, log: Log, credential: () => TokenCredential): AuditSigner {
  if (config.AUDIT_SIGNING_KEY_ID) return keyVaultCheckpointSigner(config.AUDIT_SIGNING_KEY_ID, credential);
  let local: Promise<Es256Signer> | undefined;
  const keys = () => (local ??= openLocalCheckpointKey(config.LOCAL_STATE_DIR, log));
  return new CheckpointSigner({
    currentKid: async () => (await keys()).currentKid(),
    sign: async (input, kid) => (await keys()).sign(input, kid),
    publicKeys: async () => (await keys()).publicKeys(),
  });
}
