import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { Log } from '../../platform/log.js';
import { generateEs256PrivateJwk, LocalEs256Signer, publicEcJwk } from '../../platform/keys/es256-signer.js';
import { jsonKeyFormat, loadOrCreateStateKey, replaceStateKey, type StateKeyFile } from '../../platform/keys/local-state-key.js';

interface StoredKey {
  kid: string;
  createdAt: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Previous keys kept for verification after a rotation: tokens live minutes, so two are ample. */
const KEPT_PREVIOUS = 2;

function generate(): StoredKey {
  const privateJwk = generateEs256PrivateJwk();
  const kid = randomUUID();
  return { kid, createdAt: new Date().toISOString(), privateJwk, publicJwk: publicEcJwk(privateJwk, kid) };
}

/**
 * Token signing keys generated locally and persisted (0600) in the git-ignored state directory, so
 * tokens survive restarts. A key older than the rotation period is replaced by a new one at start-up;
 * the previous public keys stay in the JWKS so tokens signed just before the rotation still verify.
 */
export async function openLocalTokenSigner(stateDir: string, rotationDays: number, log: Log): Promise<LocalEs256Signer> {
  const file: StateKeyFile<{ keys: StoredKey[] }> = { dir: stateDir, name: 'token-signing-keys.json', format: jsonKeyFormat() };
  let { keys } = (await loadOrCreateStateKey(file, () => ({ keys: [generate()] }))).key;
  const newest = keys[0];
  if (!newest || Date.now() - Date.parse(newest.createdAt) > rotationDays * 86_400_000) {
    ({ keys } = await replaceStateKey(file, { keys: [generate(), ...keys].slice(0, KEPT_PREVIOUS + 1) }));
    log.info('rotated the local token signing key', { kid: keys[0]?.kid });
  }
  return new LocalEs256Signer(keys);
}
