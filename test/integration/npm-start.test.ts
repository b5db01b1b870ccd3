import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What `npm start` runs after its build: the compiled local host as its own process. It must print
 * the function table, answer health, and on SIGTERM drain and exit 0. Its output is not a terminal
 * here, as in CI: log records stay JSON lines, one per request, while the demo import's thousands of
 * deliveries show as progress lines only.
 */
describe('npm start (compiled local host process)', () => {
  it('starts on embedded defaults, serves health, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['dist/host/main.js'], {
      env: { ...process.env, PORT: '0', LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'pmi-start-')), LOG_LEVEL: 'info', DEMO_PASSWORD: 'Demo-Password-2026!' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up line in:\n${out}`)), 45_000);
      const check = () => {
        const m = /listening on (http:\/\/\S+)\/api\/v1/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      };
      child.stdout.on('data', check);
      child.on('exit', (code) => reject(new Error(`exited early with ${code}:\n${out}`)));
    });
    expect(out).toContain('Functions:');
    expect(out).toMatch(/health: \[GET\] http:\/\/\S+\/api\/v1\/health/);
    expect(out).toMatch(/auditAppend: serviceBusTrigger \(queue audit, sessions\)/);
    expect(out).toMatch(/outboxRelay: timerTrigger/);
    const res = await fetch(`${url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    await new Promise<void>((resolve) => {
      const check = () => /Demo data: \d+\/\d+ deliveries sent/.test(out) && resolve();
      child.stdout.on('data', check);
      check();
    });
    const records = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; path?: string; status?: number });
    expect(records.find((r) => r.msg === 'http request' && r.path === '/api/v1/health')).toMatchObject({ status: 200 });
    expect(records.filter((r) => r.msg === 'http request' && r.path?.endsWith('/webhook'))).toEqual([]);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toContain('draining in-flight invocations');
  });
});
