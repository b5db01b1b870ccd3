import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** How a key is kept in its file: the file formats are fixed, existing local state must keep loading. */
export interface StateKeyFormat<T> {
  parse(text: string): T;
  serialise(key: T): string;
}

/** Base64 text and a newline: the local KEK and the password pepper. */
export const base64KeyFormat: StateKeyFormat<Buffer> = {
  parse: (text) => Buffer.from(text.trim(), 'base64'),
  serialise: (key) => key.toString('base64') + '\n',
};

/** One JSON document: signing keys and the SSO client certificate. */
export function jsonKeyFormat<T>(trailingNewline = false): StateKeyFormat<T> {
  return {
    parse: (text) => JSON.parse(text) as T,
    serialise: (key) => JSON.stringify(key) + (trailingNewline ? '\n' : ''),
  };
}

export interface StateKeyFile<T> {
  /** LOCAL_STATE_DIR: created 0700 if missing. */
  dir: string;
  /** The file's name in `dir`. */
  name: string;
  format: StateKeyFormat<T>;
}

/**
 * Writes `text` to a new private (0600) file beside `file`, flushed to disk, and returns its path.
 * The name is random and opened exclusively: a temp file left by a crashed process is never reused.
 */
async function writeTemp(file: string, text: string): Promise<string> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tmp;
}

/**
 * Loads a key from LOCAL_STATE_DIR, or generates it there exactly once.
 *
 * Race strategy: the generated key is written completely to a private temp file, then hard-linked
 * to its final name. `link` never replaces an existing file and makes the new one appear whole, so
 * of any number of processes or calls creating the same key concurrently exactly one wins, and
 * every loser (EEXIST) reads the winner's complete file: no reader ever sees a half-written key,
 * and no retry loop is needed. Used for every local key (KEK, pepper, token and checkpoint signing
 * keys, SSO client certificate); never in Azure, where keys live in Key Vault.
 *
 * @example
 * const { key, created } = await loadOrCreateStateKey({ dir, name: 'kek.key', format: base64KeyFormat }, () => randomBytes(32));
 */
export async function loadOrCreateStateKey<T>(at: StateKeyFile<T>, generate: () => T | Promise<T>): Promise<{ key: T; created: boolean }> {
  const file = join(at.dir, at.name);
  const existing = await readIfExists(file);
  if (existing !== undefined) return { key: at.format.parse(existing), created: false };
  await mkdir(at.dir, { recursive: true, mode: 0o700 });
  const text = at.format.serialise(await generate());
  const tmp = await writeTemp(file, text);
  let created = true;
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    created = false;
  } finally {
    await unlink(tmp);
  }
  // The winner's bytes, also when this call won: what is on disk is what every process uses.
  return { key: at.format.parse(await readFile(file, 'utf8')), created };
}

/**
 * Replaces a key file that exists (a rotation or renewal), atomically: a temp file renamed over it,
 * so a reader sees the old file or the new one, never a mix. Two processes replacing at the same
 * moment: the last rename wins, and each returns what is on disk after its own rename.
 */
export async function replaceStateKey<T>(at: StateKeyFile<T>, key: T): Promise<T> {
  const file = join(at.dir, at.name);
  await mkdir(at.dir, { recursive: true, mode: 0o700 });
  await rename(await writeTemp(file, at.format.serialise(key)), file);
  return at.format.parse(await readFile(file, 'utf8'));
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
