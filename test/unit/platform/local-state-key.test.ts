import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transformFileSync } from '@swc/core';
import { base64KeyFormat, jsonKeyFormat, loadOrCreateStateKey, replaceStateKey } from '../../../shared/platform/keys/local-state-key.js';

const run = promisify(execFile);
const MODULE = join(process.cwd(), 'shared/platform/keys/local-state-key.ts');

/**
 * The helper compiled to plain ESM (it imports only node:*), so separate node processes can run it:
 * a race between processes, as between a local host and a test worker on one LOCAL_STATE_DIR.
 */
function compiledHelper(dir: string): string {
  const { code } = transformFileSync(MODULE, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
  const file = join(dir, 'local-state-key.mjs');
  writeFileSync(file, code);
  return file;
}

const CREATOR = `
const [helper, dir, startAt] = process.argv.slice(1);
const { loadOrCreateStateKey, base64KeyFormat } = await import(helper);
const { randomBytes } = await import('node:crypto');
// Every process starts creating at the same moment, once all have loaded.
await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now()));
const { key, created } = await loadOrCreateStateKey({ dir, name: 'kek.key', format: base64KeyFormat }, () => randomBytes(32));
process.stdout.write(JSON.stringify({ key: key.toString('base64'), created }));
`;

describe('local-state keys (loaded, or created exactly once)', () => {
  it('8 processes creating the same key at once all end with the winner’s bytes', async () => {
    const work = mkdtempSync(join(tmpdir(), 'pmi-state-race-'));
    const helper = compiledHelper(work);
    const dir = join(work, 'state');
    const startAt = String(Date.now() + 2_500);
    const results = await Promise.all(
      Array.from({ length: 8 }, async () => JSON.parse((await run(process.execPath, ['--input-type=module', '-e', CREATOR, helper, dir, startAt])).stdout) as { key: string; created: boolean }),
    );
    const onDisk = readFileSync(join(dir, 'kek.key'), 'utf8').trim();
    expect(new Set(results.map((r) => r.key))).toEqual(new Set([onDisk]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(Buffer.from(onDisk, 'base64')).toHaveLength(32);
    expect(readdirSync(dir)).toEqual(['kek.key']); // no temp file left behind
  });

  it('many concurrent calls in one process agree, each generating its own candidate', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pmi-state-race-')), 'state');
    const generated: Buffer[] = [];
    const results = await Promise.all(
      Array.from({ length: 32 }, () =>
        loadOrCreateStateKey({ dir, name: 'password-pepper.key', format: base64KeyFormat }, async () => {
          const key = randomBytes(32);
          generated.push(key);
          return key;
        }),
      ),
    );
    expect(generated.length).toBeGreaterThan(1); // a real race: several callers found no file
    const winner = readFileSync(join(dir, 'password-pepper.key'), 'utf8');
    for (const { key } of results) expect(key.toString('base64') + '\n').toBe(winner);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('keeps the file private: directory 0700, file 0600', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pmi-state-mode-')), 'state');
    await loadOrCreateStateKey({ dir, name: 'kek.key', format: base64KeyFormat }, () => randomBytes(32));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'kek.key')).mode & 0o777).toBe(0o600);
  });

  it('loads an existing file as it is and never calls the generator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-state-existing-'));
    const existing = randomBytes(32);
    // The format earlier versions wrote: base64 and a newline.
    writeFileSync(join(dir, 'kek.key'), existing.toString('base64') + '\n', { mode: 0o600 });
    const { key, created } = await loadOrCreateStateKey({ dir, name: 'kek.key', format: base64KeyFormat }, () => {
      throw new Error('must not generate');
    });
    expect(created).toBe(false);
    expect(key.equals(existing)).toBe(true);
  });

  it('a temp file left by a crashed creator does not stand in the way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-state-crash-'));
    writeFileSync(join(dir, `audit-signing-key.json.${process.pid}.000000000000.tmp`), '{"half":');
    const format = jsonKeyFormat<{ n: number }>(true);
    const { key, created } = await loadOrCreateStateKey({ dir, name: 'audit-signing-key.json', format }, () => ({ n: 1 }));
    expect({ key, created }).toEqual({ key: { n: 1 }, created: true });
    expect(readFileSync(join(dir, 'audit-signing-key.json'), 'utf8')).toBe('{"n":1}\n');
  });

  it('a replacement (rotation) swaps the whole file and returns what is on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-state-replace-'));
    const at = { dir, name: 'token-signing-keys.json', format: jsonKeyFormat<{ keys: string[] }>() };
    await loadOrCreateStateKey(at, () => ({ keys: ['a'] }));
    expect(await replaceStateKey(at, { keys: ['b', 'a'] })).toEqual({ keys: ['b', 'a'] });
    expect(readFileSync(join(dir, 'token-signing-keys.json'), 'utf8')).toBe('{"keys":["b","a"]}');
    expect(statSync(join(dir, 'token-signing-keys.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['token-signing-keys.json']);
  });
});
