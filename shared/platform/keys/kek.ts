import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { KeyClient } from '@azure/keyvault-keys';

/**
 * A key-encryption key: wraps and unwraps data keys. Its material never leaves Key Vault in Azure;
 * locally it is a 256-bit key held by the process.
 */
export interface KeyEncryptionKey {
  /** Identifies the KEK (and version) that wrapped a key, stored beside the wrapped key for rotation. */
  readonly keyId: string;
  /** The exact KEK version new wraps use: a wrapped key naming another one is due for re-wrapping. */
  currentKeyId(): Promise<string>;
  wrap(dataKey: Buffer): Promise<WrappedKey>;
  unwrap(wrapped: Buffer, keyId: string): Promise<Buffer>;
}

export interface WrappedKey {
  wrapped: Buffer;
  /** The exact KEK version that wrapped it. */
  keyId: string;
}

/** Local KEK: AES-256-GCM key wrapping (iv ‖ tag ‖ ciphertext). */
export class LocalKek implements KeyEncryptionKey {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the local KEK must be 32 bytes');
    this.keyId = 'local:kek:v1';
  }

  async currentKeyId(): Promise<string> {
    return this.keyId;
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(this.keyId));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { wrapped: Buffer.concat([iv, cipher.getAuthTag(), ct]), keyId: this.keyId };
  }

  async unwrap(wrapped: Buffer, keyId: string): Promise<Buffer> {
    if (keyId !== this.keyId) throw new Error(`data key was wrapped by ${keyId}, not by the local KEK`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(this.keyId));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }
}

/** The two Key Vault operations the KEK needs, on one key version. */
export interface KekCryptographyClient {
  wrapKey(alg: 'RSA-OAEP-256', key: Uint8Array): Promise<{ result: Uint8Array }>;
  unwrapKey(alg: 'RSA-OAEP-256', key: Uint8Array): Promise<{ result: Uint8Array }>;
}

/** What the Key Vault KEK asks of the vault; the SDK by default, a stand-in in tests. */
export interface KekVault {
  /** The versioned id (`https://<vault>/keys/<name>/<version>`) of the key's current version. */
  currentVersion(keyId: string): Promise<string>;
  /** A client bound to exactly the key id given (versioned: that version; versionless: the latest). */
  client(keyId: string): Promise<KekCryptographyClient>;
}

/** Re-reads the current version this often, so a rotation is picked up without a restart. */
const VERSION_REFRESH_MS = 10 * 60_000;

function keyIdParts(keyId: string): { vaultUrl: string; name: string; version: string | undefined } {
  const url = new URL(keyId);
  const [, kind, name, version] = url.pathname.split('/');
  if (kind !== 'keys' || !name) throw new Error(`${keyId} is not a Key Vault key id (https://<vault>/keys/<name>[/<version>])`);
  return { vaultUrl: url.origin, name, version: version || undefined };
}

/**
 * The Key Vault SDK behind the KEK, loaded on first use (cold start). Clients are kept per key id:
 * a CryptographyClient caches its key.
 */
export function keyVaultKekVault(credential: () => TokenCredential): KekVault {
  const clients = new Map<string, Promise<KekCryptographyClient>>();
  const keyClients = new Map<string, Promise<KeyClient>>();
  return {
    async currentVersion(keyId) {
      const { vaultUrl, name } = keyIdParts(keyId);
      let keyClient = keyClients.get(vaultUrl);
      if (!keyClient) {
        keyClient = import('@azure/keyvault-keys').then(({ KeyClient }) => new KeyClient(vaultUrl, credential()));
        keyClients.set(vaultUrl, keyClient);
      }
      const key = await (await keyClient).getKey(name);
      if (!key.id) throw new Error(`Key Vault returned key ${name} without an id`);
      return key.id;
    },
    client(keyId) {
      let client = clients.get(keyId);
      if (!client) {
        client = import('@azure/keyvault-keys').then(({ CryptographyClient }) => new CryptographyClient(keyId, credential()));
        clients.set(keyId, client);
      }
      return client;
    },
  };
}

/**
 * Azure Key Vault KEK: RSA-OAEP-256 wrap/unwrap with the app's managed identity. Every data key is
 * wrapped under an explicit key version and that versioned id is what gets recorded, so unwrapping
 * reaches the version that wrapped it and data keys wrapped before a rotation stay readable.
 *
 * The version is resolved here rather than read from the wrap result: the SDK's CryptographyClient
 * reports the key id it was constructed with, so a versionless KEYVAULT_KEY_ID (what infra/ sets,
 * with a rotation policy) would be recorded without a version and unwrap with whatever version is
 * latest by then, which fails for every key wrapped before the rotation.
 */
export class KeyVaultKek implements KeyEncryptionKey {
  private current: { at: number; id: string } | undefined;
  private readonly pinned: boolean;

  constructor(
    readonly keyId: string,
    private readonly vault: KekVault,
  ) {
    this.pinned = keyIdParts(keyId).version !== undefined;
  }

  /** The versioned id new data keys are wrapped under. */
  private async wrappingVersion(): Promise<string> {
    if (this.pinned) return this.keyId;
    if (this.current && Date.now() - this.current.at < VERSION_REFRESH_MS) return this.current.id;
    const id = await this.vault.currentVersion(this.keyId);
    const configured = keyIdParts(this.keyId);
    const resolved = keyIdParts(id);
    if (resolved.vaultUrl !== configured.vaultUrl || resolved.name !== configured.name || !resolved.version) {
      throw new Error(`Key Vault resolved ${this.keyId} to ${id}, which is not a version of that key`);
    }
    this.current = { at: Date.now(), id };
    return id;
  }

  currentKeyId(): Promise<string> {
    return this.wrappingVersion();
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const keyId = await this.wrappingVersion();
    const res = await (await this.vault.client(keyId)).wrapKey('RSA-OAEP-256', dataKey);
    return { wrapped: Buffer.from(res.result), keyId };
  }

  async unwrap(wrapped: Buffer, keyId: string): Promise<Buffer> {
    const res = await (await this.vault.client(keyId)).unwrapKey('RSA-OAEP-256', wrapped);
    return Buffer.from(res.result);
  }
}

export function generateKeyMaterial(): Buffer {
  return randomBytes(32);
}
