import { join } from 'node:path';
import type { Log } from '../log.js';
import { generateKeyMaterial } from './kek.js';
import { base64KeyFormat, loadOrCreateStateKey } from './local-state-key.js';

const KEK_FILE = 'kek.key';

/**
 * The local KEK: LOCAL_KEK if set, else a key generated once into a git-ignored file, so local data
 * survives restarts of the same checkout. Never used in Azure (config requires Key Vault there).
 */
export async function localKekMaterial(localKek: string | undefined, stateDir: string, log: Log): Promise<Buffer> {
  if (localKek) return Buffer.from(localKek, 'base64');
  const { key, created } = await loadOrCreateStateKey({ dir: stateDir, name: KEK_FILE, format: base64KeyFormat }, generateKeyMaterial);
  if (created) log.warn('generated a local key-encryption key; set KEYVAULT_KEY_ID to use Azure Key Vault', { file: join(stateDir, KEK_FILE) });
  return key;
}
