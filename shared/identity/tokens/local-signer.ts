import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import type { Log } from '../../platform/log.js';
import { createOnce } from '../passwords/pepper.js';
import type { TokenSigner } from './signer.js';

interface StoredKey {
  kid: string;
  createdAt: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Previous keys kept for verification after a rotation: tokens live minutes, so two are ample. */
const KEPT_PREVIOUS = 2;

function generate(): StoredKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  const publicJwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'ES256', use: 'sig' };
  return { kid, createdAt: new Date().toISOString(), privateJwk: privateKey.export({ format: 'jwk' }) as JWK, publicJwk };
}

/**
 * Token signing keys generated locally and persisted (0600) in the git-ignored state directory, so
 * tokens survive restarts. A key older than the rotation period is replaced by a new one at start-up;
 * the previous public keys stay in the JWKS so tokens signed just before the rotation still verify.
 */
export class LocalTokenSigner implements TokenSigner {
  private readonly keys: StoredKey[];
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(stateDir: string, rotationDays: number, log: Log) {
    mkdirSync(stateDir, { recursive: true });
    const file = join(stateDir, 'token-signing-keys.json');
    let keys = (JSON.parse(createOnce(file, JSON.stringify({ keys: [generate()] }))) as { keys: StoredKey[] }).keys;
    const newest = keys[0];
    if (!newest || Date.now() - Date.parse(newest.createdAt) > rotationDays * 86_400_000) {
      keys = [generate(), ...keys].slice(0, KEPT_PREVIOUS + 1);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ keys }), { mode: 0o600 });
      renameSync(tmp, file);
      log.info('rotated the local token signing key', { kid: keys[0]?.kid });
    }
    this.keys = keys;
  }

  async currentKid(): Promise<string> {
    return (this.keys[0] as StoredKey).kid;
  }

  async sign(signingInput: Uint8Array, kid: string): Promise<Uint8Array> {
    let key = this.privateKeys.get(kid);
    if (!key) {
      const stored = this.keys.find((k) => k.kid === kid);
      if (!stored) throw new Error(`unknown signing key ${kid}`);
      key = createPrivateKey({ key: stored.privateJwk as JsonWebKey, format: 'jwk' });
      this.privateKeys.set(kid, key);
    }
    return sign('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' });
  }

  async publicKeys(): Promise<JWK[]> {
    return this.keys.map((k) => k.publicJwk);
  }
}
