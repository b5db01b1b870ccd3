import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const checkLock = join(process.cwd(), '.ci', 'check-lock');

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

function run(dir: string) {
  return spawnSync('bash', [checkLock, dir], { encoding: 'utf8' });
}

/** `.ci/run` calls `.ci/check-lock` right after `npm install`: a lock the install rewrote fails CI. */
describe('CI lockfile check', () => {
  it('passes when the install left package-lock.json as committed, fails with a clear message when it changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-check-'));
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    git(dir, 'add', 'package-lock.json');
    git(dir, 'commit', '-q', '-m', 'lock');
    expect(run(dir).status).toBe(0);

    writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion":3,"packages":{"node_modules/@swc/core-darwin-arm64":{}}}\n');
    const changed = run(dir);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toContain('package-lock.json changed during \'npm install\'');
  });

  it('passes outside a git checkout (nothing to compare with)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-nogit-'));
    writeFileSync(join(dir, 'package-lock.json'), '{}\n');
    expect(run(dir).status).toBe(0);
  });

  it('.ci/run checks the lock after npm install, and every workflow installs with npm ci', () => {
    const ci = readFileSync(join(process.cwd(), '.ci', 'run'), 'utf8');
    expect(ci.indexOf('.ci/check-lock')).toBeGreaterThan(ci.indexOf('npm install'));
    const dir = join(process.cwd(), '.github', 'workflows');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect({ file, npmInstall: /run:\s*npm (install|i)\b/.test(text) }).toEqual({ file, npmInstall: false });
      if (/run:\s*npm /.test(text)) expect(text).toMatch(/run:\s*npm ci\b/);
    }
  });
});
