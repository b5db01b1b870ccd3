import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Log } from '../../platform/log.js';
import { base64KeyFormat, loadOrCreateStateKey } from '../../platform/keys/local-state-key.js';

const PEPPER_FILE = 'password-pepper.key';

/**
 * The password pepper: PASSWORD_PEPPER if set (required in Azure, a Key Vault reference), else a key
 * generated once into the git-ignored state directory, like the local KEK.
 */
export async function pepperMaterial(configured: string | undefined, stateDir: string, log: Log): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'base64');
  const { key, created } = await loadOrCreateStateKey({ dir: stateDir, name: PEPPER_FILE, format: base64KeyFormat }, () => randomBytes(32));
  if (created) log.warn('generated a local password pepper; set PASSWORD_PEPPER in deployed environments', { file: join(stateDir, PEPPER_FILE) });
  return key;
}
