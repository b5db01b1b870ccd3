import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { AccessTokens } from '../../../../shared/identity/tokens/access-token.js';
import { KeyVaultSigner } from '../../../../shared/platform/keys/keyvault-signer.js';
import { TOKEN_KEY_POLICY } from '../../../../shared/identity/tokens/signer.js';
import { FakeSigningVault as Vault } from '../../../support/fake-signing-vault.js';

const KEY = 'https://kv-test.vault.azure.net/keys/token-signing';
/** The token-signing key of a stand-in vault. */
class FakeSigningVault extends Vault {
  constructor() {
    super(KEY);
  }
}
const ISSUER = 'https://pmi.test';
const AUDIENCE = 'pmi-api';
const MINUTE = 60_000;
const noCredential = () => ({ getToken: async () => null });

/** The access-token signer on a stand-in vault: the policy and setting createTokenSigner uses. */
function tokenSigner(keyId: string, vault?: FakeSigningVault): KeyVaultSigner {
  return new KeyVaultSigner({ keyId, setting: 'TOKEN_SIGNING_KEY_ID', policy: TOKEN_KEY_POLICY, credential: noCredential, vault });
}
const claims = { sub: 'user-1', tid: 'tenant-1', sid: 'session-1', amr: ['pwd'], pv: 1, auth_time: 1_700_000_000 };

/** Date.now under test control (the signer's cache and version ages, and the tokens' iat/exp). */
function controlledClock(): { now(): number; advance(ms: number): void } {
  let now = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

/** What any relying party does with our JWKS: jose, ES256 only, issuer and audience required. */
async function verifyWithJwks(token: string, signer: KeyVaultSigner, at: number): Promise<void> {
  const jwks = createLocalJWKSet({ keys: await signer.publicKeys() });
  await jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, currentDate: new Date(at) });
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('KeyVaultSigner with the access-token policy (against a fake Key Vault that signs digests with real P-256 keys)', () => {
  it('tokens issued through AccessTokens verify with jose against the JWKS; kid is the version URL', async () => {
    const vault = new FakeSigningVault();
    const v1 = vault.addVersion(Date.now() - 30 * 24 * 60 * MINUTE);
    const signer = tokenSigner(KEY, vault);
    const tokens = new AccessTokens(signer, ISSUER, AUDIENCE, 900);
    const { token } = await tokens.issue(claims);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: v1 });
    await verifyWithJwks(token, signer, Date.now());
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: 'user-1', tid: 'tenant-1' });
    expect(vault.cryptographyFor).toEqual([v1]);

    // A signature from the wrong version, or over other bytes, does not verify.
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.from(await signer.sign(Buffer.from(`${h}.${p}x`), v1)).toString('base64url')}`;
    await expect(verifyWithJwks(forged, signer, Date.now())).rejects.toThrow();
  });

  it('the JWKS lists every enabled version and leaves disabled ones out', async () => {
    const vault = new FakeSigningVault();
    const day = 24 * 60 * MINUTE;
    const v1 = vault.addVersion(Date.now() - 3 * day);
    vault.addVersion(Date.now() - 2 * day, { enabled: false });
    const v3 = vault.addVersion(Date.now() - day);
    const jwks = await tokenSigner(KEY, vault).publicKeys();
    expect(jwks.map((k) => k.kid)).toEqual([v1, v3]);
    const first = vault.version(v1);
    expect(jwks[0]).toEqual({ kty: 'EC', crv: 'P-256', x: first.x.toString('base64url'), y: first.y.toString('base64url'), kid: v1, alg: 'ES256', use: 'sig' });
  });

  it('across a rotation: old tokens verify while their version is enabled, and a new version signs only once every instance lists it', async () => {
    const clock = controlledClock();
    const vault = new FakeSigningVault();
    const v1 = vault.addVersion(clock.now() - 400 * 24 * 60 * MINUTE);
    const signer = tokenSigner(KEY, vault);
    const tokens = new AccessTokens(signer, ISSUER, AUDIENCE, 3600);
    const before = (await tokens.issue(claims)).token;
    expect(decodeProtectedHeader(before).kid).toBe(v1);

    const rotatedAt = clock.now();
    const v2 = vault.addVersion(rotatedAt); // Key Vault's rotation policy creates a new latest version

    // The next refresh (10 minutes) lists v2, but v2 is younger than any instance's JWKS cache:
    // another instance may not list it yet, so v1 keeps signing.
    clock.advance(10 * MINUTE + 1);
    expect((await signer.publicKeys()).map((k) => k.kid)).toEqual([v1, v2]);
    expect(await signer.currentKid()).toBe(v1);

    // After the following refresh v2 is old enough: it signs, and tokens signed by v1 still verify.
    clock.advance(11 * MINUTE);
    const after = (await tokens.issue(claims)).token;
    expect(decodeProtectedHeader(after).kid).toBe(v2);
    await verifyWithJwks(after, signer, clock.now());
    await verifyWithJwks(before, signer, clock.now());
    await expect(tokens.verify(before)).resolves.toMatchObject({ sub: claims.sub });

    // Disabling v1 ends its tokens at the next refresh, also for a verifier that had v1's key
    // imported already; v2's tokens are unaffected.
    vault.version(v1).enabled = false;
    clock.advance(10 * MINUTE + 1);
    expect((await signer.publicKeys()).map((k) => k.kid)).toEqual([v2]);
    await expect(verifyWithJwks(before, signer, clock.now())).rejects.toThrow();
    await expect(tokens.verify(before)).rejects.toThrow('not one of our keys');
    await verifyWithJwks(after, signer, clock.now());
  });

  it('keeps verifying with the last key list while Key Vault is unreachable, for a few hours at most', async () => {
    const clock = controlledClock();
    const vault = new FakeSigningVault();
    vault.addVersion(clock.now() - 400 * 24 * 60 * MINUTE);
    const signer = tokenSigner(KEY, vault);
    const tokens = new AccessTokens(signer, ISSUER, AUDIENCE, 3600);
    const token = (await tokens.issue(claims)).token;
    vault.unreachable = true;
    clock.advance(10 * MINUTE + 1); // due for a refresh, which fails
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: claims.sub });
    clock.advance(6 * 60 * MINUTE); // an outage this long: the stale list is no longer trusted
    await expect(tokens.verify(token)).rejects.toThrow('Key Vault unreachable');
    vault.unreachable = false;
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: claims.sub });
  });

  it('a key whose only version was created just now signs with it at once', async () => {
    const vault = new FakeSigningVault();
    const v1 = vault.addVersion(Date.now());
    expect(await tokenSigner(KEY, vault).currentKid()).toBe(v1);
  });

  it('expired and not-yet-valid versions stay in the JWKS but do not sign', async () => {
    const vault = new FakeSigningVault();
    const day = 24 * 60 * MINUTE;
    const v1 = vault.addVersion(Date.now() - 3 * day);
    const v2 = vault.addVersion(Date.now() - 2 * day, { expiresOn: new Date(Date.now() - day) });
    const v3 = vault.addVersion(Date.now() - day, { notBefore: new Date(Date.now() + day) });
    const signer = tokenSigner(KEY, vault);
    expect(await signer.currentKid()).toBe(v1);
    expect((await signer.publicKeys()).map((k) => k.kid)).toEqual([v1, v2, v3]);
  });

  it('a key id with a version pins signing to that version', async () => {
    const vault = new FakeSigningVault();
    const day = 24 * 60 * MINUTE;
    const v1 = vault.addVersion(Date.now() - 2 * day);
    const v2 = vault.addVersion(Date.now() - day);
    const pinned = tokenSigner(v1, vault);
    expect(await pinned.currentKid()).toBe(v1);
    expect((await pinned.publicKeys()).map((k) => k.kid)).toEqual([v1, v2]);

    vault.version(v1).enabled = false;
    const disabled = tokenSigner(v1, vault);
    await expect(disabled.currentKid()).rejects.toThrow('is not an enabled version');
  });

  it('concurrent callers share one listing; a client per version is created once', async () => {
    const vault = new FakeSigningVault();
    const v1 = vault.addVersion(Date.now() - 24 * 60 * MINUTE);
    const signer = tokenSigner(KEY, vault);
    await Promise.all([signer.publicKeys(), signer.currentKid(), signer.publicKeys()]);
    expect(vault.listCalls).toBe(1);
    await signer.sign(Buffer.from('a.b'), v1);
    await signer.sign(Buffer.from('c.d'), v1);
    expect(vault.cryptographyFor).toEqual([v1]);
  });

  it('refuses a key URL that is not a Key Vault key', () => {
    expect(() => tokenSigner('https://kv-test.vault.azure.net/secrets/x')).toThrow('must be a Key Vault key URL');
  });
});
