import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalTokenSigner } from '../../../shared/identity/tokens/local-signer.js';
import { AccessTokens } from '../../../shared/identity/tokens/access-token.js';
import { processLog } from '../../../shared/platform/log.js';

const log = processLog('error');
const claims = { sub: 'u1', tid: 't1', sid: 's1', amr: ['pwd'], pv: 1, auth_time: Math.floor(Date.now() / 1000) };

function age(dir: string, days: number): void {
  const file = join(dir, 'token-signing-keys.json');
  const data = JSON.parse(readFileSync(file, 'utf8'));
  data.keys[0].createdAt = new Date(Date.now() - days * 86_400_000).toISOString();
  writeFileSync(file, JSON.stringify(data));
}

describe('local token signing keys', () => {
  it('persist across restarts of the same state directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-keys-'));
    const first = await openLocalTokenSigner(dir, 30, log);
    const second = await openLocalTokenSigner(dir, 30, log);
    expect(await second.currentKid()).toBe(await first.currentKid());
    const { token } = await new AccessTokens(first, 'https://api.example', 'pmi-api', 600).issue(claims);
    await expect(new AccessTokens(second, 'https://api.example', 'pmi-api', 600).verify(token)).resolves.toMatchObject({ sub: 'u1', tid: 't1' });
  });

  it('rotate when old, keeping previous public keys so earlier tokens still verify, then drop them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-keys-'));
    const original = await openLocalTokenSigner(dir, 30, log);
    const oldKid = await original.currentKid();
    const { token: oldToken } = await new AccessTokens(original, 'https://api.example', 'pmi-api', 600).issue(claims);

    age(dir, 31);
    const rotated = await openLocalTokenSigner(dir, 30, log);
    const tokens = new AccessTokens(rotated, 'https://api.example', 'pmi-api', 600);
    expect(await rotated.currentKid()).not.toBe(oldKid);
    expect((await rotated.publicKeys()).map((k) => k.kid)).toContain(oldKid);
    await expect(tokens.verify(oldToken)).resolves.toMatchObject({ sub: 'u1' });
    const { token: newToken } = await tokens.issue(claims);
    expect(JSON.parse(Buffer.from(newToken.split('.')[0] as string, 'base64url').toString()).kid).toBe(await rotated.currentKid());

    for (let i = 0; i < 2; i++) {
      age(dir, 31);
      await openLocalTokenSigner(dir, 30, log);
    }
    const later = await openLocalTokenSigner(dir, 30, log);
    expect((await later.publicKeys()).map((k) => k.kid)).not.toContain(oldKid);
    await expect(new AccessTokens(later, 'https://api.example', 'pmi-api', 600).verify(oldToken)).rejects.toThrow();
  });

  it('refuse a token for another audience or issuer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-keys-'));
    const signer = await openLocalTokenSigner(dir, 30, log);
    const { token } = await new AccessTokens(signer, 'https://api.example', 'pmi-api', 600).issue(claims);
    await expect(new AccessTokens(signer, 'https://api.example', 'other', 600).verify(token)).rejects.toThrow();
    await expect(new AccessTokens(signer, 'https://other.example', 'pmi-api', 600).verify(token)).rejects.toThrow();
  });
});
