import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { generateKeyMaterial } from './kek.js';

/**
 * The local KEK: LOCAL_KEK if set, else a key generated once into a git-ignored file, so local data
 * survives restarts of the same checkout. Never used in Azure (config requires Key Vault there).
 */
export function localKekMaterial(localKek: string | undefined, stateDir: string, log: Log): Buffer {
  if (localKek) return Buffer.from(localKek, 'base64');
  const file = join(stateDir, 'kek.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(stateDir, { recursive: true });
  const key = generateKeyMaterial();
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  log.warn('generated a local key-encryption key; set KEYVAULT_KEY_ID to use Azure Key Vault', { file });
  return key;
}
