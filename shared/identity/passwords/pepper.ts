import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Log } from '../../platform/log.js';

/**
 * Writes `content` to `file` only if it does not exist yet, atomically: concurrent processes on the
 * same state directory (parallel test workers) all end up reading the first writer's content.
 */
export function createOnce(file: string, content: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readFileSync(file, 'utf8');
}

/**
 * The password pepper: PASSWORD_PEPPER if set (required in Azure, a Key Vault reference), else a key
 * generated once into the git-ignored state directory, like the local KEK.
 */
export function pepperMaterial(configured: string | undefined, stateDir: string, log: Log): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const file = join(stateDir, 'password-pepper.key');
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true });
    log.warn('generated a local password pepper; set PASSWORD_PEPPER in deployed environments', { file });
  }
  return Buffer.from(createOnce(file, randomBytes(32).toString('base64') + '\n').trim(), 'base64');
}
