import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { KeyVaultKek, type KekCryptographyClient, type KekVault } from '../../../../shared/platform/keys/kek.js';

const KEY = 'https://kv-test.vault.azure.net/keys/data-kek';
const OAEP_SHA256 = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };

// RSA key generation is the slow part: each version number gets one key pair for the whole file.
const pairs: Array<{ publicKey: KeyObject; privateKey: KeyObject }> = [];
function pairFor(n: number): { publicKey: KeyObject; privateKey: KeyObject } {
  while (pairs.length < n) pairs.push(generateKeyPairSync('rsa', { modulusLength: 2048 }));
  return pairs[n - 1] as { publicKey: KeyObject; privateKey: KeyObject };
}

/**
 * A stand-in for one RSA key in Key Vault with real RSA-OAEP-256 under a key pair per version.
 * Like the SDK's CryptographyClient, a client built on a versionless id works on whatever version
 * is latest when it is called, and its wrap result reports the id it was built with (not the version
 * the vault used): the adapter must not rely on that id.
 */
class FakeKeyVault implements KekVault {
  private readonly versions: Array<{ version: string; publicKey: KeyObject; privateKey: KeyObject }> = [];
  readonly clientsFor: string[] = [];
  currentVersionCalls = 0;
  resolveTo: ((latest: string) => string) | undefined;

  constructor() {
    this.rotate();
  }

  rotate(): string {
    const n = this.versions.length + 1;
    const version = `v${n}`;
    this.versions.push({ version, ...pairFor(n) });
    return version;
  }

  private pair(keyId: string): { publicKey: KeyObject; privateKey: KeyObject } {
    const [, , name, version] = new URL(keyId).pathname.split('/');
    if (`${new URL(keyId).origin}/keys/${name}` !== KEY) throw new Error(`no key ${keyId} in this vault`);
    const pair = version ? this.versions.find((v) => v.version === version) : this.versions.at(-1);
    if (!pair) throw new Error(`no version ${version} of ${name}`);
    return pair;
  }

  async currentVersion(keyId: string): Promise<string> {
    this.currentVersionCalls += 1;
    const latest = `${keyId}/${this.versions.at(-1)?.version}`;
    return this.resolveTo ? this.resolveTo(latest) : latest;
  }

  async client(keyId: string): Promise<KekCryptographyClient & { keyID: string }> {
    this.clientsFor.push(keyId);
    return {
      keyID: keyId,
      wrapKey: async (alg, key) => {
        expect(alg).toBe('RSA-OAEP-256');
        return { result: publicEncrypt({ key: this.pair(keyId).publicKey, ...OAEP_SHA256 }, key), keyID: keyId };
      },
      unwrapKey: async (alg, wrapped) => {
        expect(alg).toBe('RSA-OAEP-256');
        return { result: privateDecrypt({ key: this.pair(keyId).privateKey, ...OAEP_SHA256 }, wrapped), keyID: keyId };
      },
    };
  }
}

const MINUTE = 60_000;

function clockAt(start: number): { advance(ms: number): void } {
  let now = start;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    advance(ms) {
      now += ms;
    },
  };
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('KeyVaultKek (against a fake Key Vault doing real RSA-OAEP-256)', () => {
  it('wraps under an explicit version and unwraps to the same data key', async () => {
    const vault = new FakeKeyVault();
    const kek = new KeyVaultKek(KEY, vault);
    const dataKey = randomBytes(32);
    const { wrapped, keyId } = await kek.wrap(dataKey);
    expect(keyId).toBe(`${KEY}/v1`);
    expect(wrapped).toHaveLength(256); // an RSA-2048 ciphertext, not the key itself
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(vault.clientsFor).toEqual([`${KEY}/v1`]);
    expect(await kek.unwrap(wrapped, keyId)).toEqual(dataKey);
  });

  it('after a rotation, new keys are wrapped under the new version and old ones still open under theirs', async () => {
    const clock = clockAt(Date.parse('2030-01-01T00:00:00Z'));
    const vault = new FakeKeyVault();
    const kek = new KeyVaultKek(KEY, vault);
    const before = randomBytes(32);
    const w1 = await kek.wrap(before);
    expect(w1.keyId).toBe(`${KEY}/v1`);

    vault.rotate();
    // The current version is re-read every ten minutes; until then wrapping stays on v1, which is still enabled.
    clock.advance(5 * MINUTE);
    expect((await kek.wrap(randomBytes(32))).keyId).toBe(`${KEY}/v1`);
    clock.advance(6 * MINUTE);
    const after = randomBytes(32);
    const w2 = await kek.wrap(after);
    expect(w2.keyId).toBe(`${KEY}/v2`);
    expect(vault.currentVersionCalls).toBe(2);

    expect(await kek.unwrap(w1.wrapped, w1.keyId)).toEqual(before);
    expect(await kek.unwrap(w2.wrapped, w2.keyId)).toEqual(after);
  });

  it('refuses to open a data key under a version other than the one that wrapped it', async () => {
    const vault = new FakeKeyVault();
    const kek = new KeyVaultKek(KEY, vault);
    const w1 = await kek.wrap(randomBytes(32));
    vault.rotate();
    await expect(kek.unwrap(w1.wrapped, `${KEY}/v2`)).rejects.toThrow();
    // A versionless id means "latest" to Key Vault, which is v2 now: it must not open a v1 key either.
    await expect(kek.unwrap(w1.wrapped, KEY)).rejects.toThrow();
  });

  it('a KEK configured with a version wraps under exactly that version', async () => {
    const vault = new FakeKeyVault();
    vault.rotate();
    const kek = new KeyVaultKek(`${KEY}/v1`, vault);
    const dataKey = randomBytes(32);
    const w = await kek.wrap(dataKey);
    expect(w.keyId).toBe(`${KEY}/v1`);
    expect(vault.currentVersionCalls).toBe(0);
    expect(await kek.unwrap(w.wrapped, w.keyId)).toEqual(dataKey);
  });

  it('refuses a current version that is not a version of the configured key', async () => {
    const vault = new FakeKeyVault();
    vault.resolveTo = () => 'https://kv-test.vault.azure.net/keys/other-key/v9';
    await expect(new KeyVaultKek(KEY, vault).wrap(randomBytes(32))).rejects.toThrow('not a version of that key');
    vault.resolveTo = (latest) => latest.replace(/\/v\d+$/, '');
    await expect(new KeyVaultKek(KEY, vault).wrap(randomBytes(32))).rejects.toThrow('not a version of that key');
  });
});
