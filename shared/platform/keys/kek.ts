import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A key-encryption key: wraps and unwraps data keys. Its material never leaves Key Vault in Azure;
 * locally it is a 256-bit key held by the process.
 */
export interface KeyEncryptionKey {
  /** Identifies the KEK (and version) that wrapped a key, stored beside the wrapped key for rotation. */
  readonly keyId: string;
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

/**
 * Azure Key Vault KEK: RSA-OAEP-256 wrap/unwrap with the app's managed identity. Unwrapping uses the
 * key version recorded with the wrapped key, so data keys wrapped before a rotation stay readable.
 */
export class KeyVaultKek implements KeyEncryptionKey {
  constructor(
    readonly keyId: string,
    private readonly client: (keyId: string) => Promise<{
      wrapKey(alg: 'RSA-OAEP-256', key: Uint8Array): Promise<{ result: Uint8Array; keyID?: string }>;
      unwrapKey(alg: 'RSA-OAEP-256', key: Uint8Array): Promise<{ result: Uint8Array }>;
    }>,
  ) {}

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const res = await (await this.client(this.keyId)).wrapKey('RSA-OAEP-256', dataKey);
    return { wrapped: Buffer.from(res.result), keyId: res.keyID ?? this.keyId };
  }

  async unwrap(wrapped: Buffer, keyId: string): Promise<Buffer> {
    const res = await (await this.client(keyId)).unwrapKey('RSA-OAEP-256', wrapped);
    return Buffer.from(res.result);
  }
}

export function generateKeyMaterial(): Buffer {
  return randomBytes(32);
}
