import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHost, type TestHost } from '../support/host.js';

const DEMO_PASSWORD = 'Kept-Acr0ss-Restarts!q8';

/** Two hosts, one after the other, on the same state folder and KEK: what two `npm start`s see. */
function persistentEnv(dir: string, kek: string): Record<string, string> {
  return { LOCAL_PERSIST: 'true', LOCAL_STATE_DIR: dir, LOCAL_KEK: kek, DEMO_PASSWORD };
}

async function login(host: TestHost): Promise<string> {
  const res = await host.request('POST', '/api/v1/auth/login', { body: { tenant: 'demo-hotels', email: 'owner@demo-hotels.example', password: DEMO_PASSWORD } });
  expect(res.status).toBe(200);
  return res.json.accessToken as string;
}

describe('local state survives a restart (LOCAL_PERSIST)', () => {
  it('the demo accounts, what was created and the demo import are there after a stop and a new start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-persist-'));
    const kek = randomBytes(32).toString('base64');
    const { importDemoDataOnce, demoDataImportedAt } = await import('../../host/demo-seed-local.js');

    const first = await startTestHost(persistentEnv(dir, kek));
    expect(await first.app.identity.seedDemo()).toContain('Demo tenant "Demo Hotels" seeded');
    const token = await login(first);
    const created = await first.request('POST', '/api/v1/properties', {
      token,
      body: { name: 'Kept Across Restarts Inn', timezone: 'Europe/Berlin', currency: 'EUR', roomsAvailable: 42 },
    });
    expect(created.status).toBe(201);
    const imported = await importDemoDataOnce(first.app, first.url, true, { today: '2026-03-10', historyDays: 1, aheadDays: 1 });
    expect('summary' in imported && imported.summary?.batches).toBeGreaterThan(0);
    const before = await first.request('GET', `/api/v1/properties/${created.json.id as string}`, { token });
    await first.stop();

    const second = await startTestHost(persistentEnv(dir, kek));
    try {
      // Not seeded again: no new password, the same accounts log in.
      expect(await second.app.identity.seedDemo()).toBeUndefined();
      const again = await login(second);
      const after = await second.request('GET', `/api/v1/properties/${created.json.id as string}`, { token: again });
      expect(after.status).toBe(200);
      expect(after.json).toEqual(before.json);
      // ETags survive, so a client's If-Match still matches.
      expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
      const integrations = await second.request('GET', '/api/v1/integrations', { token: again });
      expect(integrations.json.items.length).toBeGreaterThan(0);
      // The demo import is not run a second time.
      expect(demoDataImportedAt(second.app)).toBeDefined();
      expect(await importDemoDataOnce(second.app, second.url, false)).toEqual({ skipped: demoDataImportedAt(second.app) });
    } finally {
      await second.stop();
    }
  });

  it('without LOCAL_PERSIST (the test hosts default) a restart starts empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-nopersist-'));
    const env = { LOCAL_STATE_DIR: dir, LOCAL_KEK: randomBytes(32).toString('base64'), DEMO_PASSWORD };
    const first = await startTestHost(env);
    expect(await first.app.identity.seedDemo()).toBeDefined();
    await first.stop();
    const second = await startTestHost(env);
    try {
      expect(await second.app.identity.seedDemo()).toBeDefined();
      expect(existsSync(join(dir, 'cosmos-snapshot.ndjson'))).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('a state folder in use by another live process is refused, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-locked-'));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'cosmos.lock'), String(other.pid));
      const { startEmbeddedCosmos } = await import('../../shared/platform/local/embedded-cosmos.js');
      await expect(startEmbeddedCosmos({ stateDir: dir })).rejects.toThrow(`in use by process ${other.pid}`);
    } finally {
      other.kill();
    }
  });
});

describe('npm run reset', () => {
  const script = join(process.cwd(), 'dist', 'scripts', 'reset-local.js');
  const run = (dir: string, cwd = process.cwd()) => spawnSync(process.execPath, [script], { cwd, env: { ...process.env, LOCAL_STATE_DIR: dir }, encoding: 'utf8' });

  it('deletes the state folder, and refuses a folder that holds the project', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-reset-'));
    writeFileSync(join(dir, 'cosmos-snapshot.ndjson'), '{"v":1,"n":0}\n');
    const ok = run(dir);
    expect(ok.status).toBe(0);
    expect(existsSync(dir)).toBe(false);
    const refused = run('.');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('not deleted');
    expect(existsSync(join(process.cwd(), 'package.json'))).toBe(true);
  });
});
