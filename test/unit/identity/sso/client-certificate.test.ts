import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { constants, createHash, createPrivateKey, privateEncrypt, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import { certificateSerial, clientAssertion, KeyVaultClientCertificate, LocalClientCertificate, type CertificateVault } from '../../../../shared/identity/sso/client-certificate.js';
import { processLog } from '../../../../shared/platform/log.js';

const log = processLog('error');
const TOKEN_ENDPOINT = 'https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/oauth2/v2.0/token';
const CLIENT_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
/** DER prefix of a SHA-256 DigestInfo: RSASSA-PKCS1-v1_5 over a digest computed elsewhere, as Key Vault signs. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

async function verifyAssertion(assertion: string, pem: string) {
  const der = new X509Certificate(pem).raw;
  const header = decodeProtectedHeader(assertion);
  expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT', 'x5t#S256': createHash('sha256').update(der).digest('base64url'), x5t: createHash('sha1').update(der).digest('base64url') });
  const { payload } = await jwtVerify(assertion, await importX509(pem, 'RS256'), { algorithms: ['RS256'], audience: TOKEN_ENDPOINT, issuer: CLIENT_ID, subject: CLIENT_ID });
  expect(payload.exp! - payload.iat!).toBe(300);
  expect(payload.jti).toEqual(expect.any(String));
  return payload;
}

describe('certificate serial numbers', () => {
  it('are positive and minimally encoded whatever the random bytes (OpenSSL refuses a padded INTEGER)', () => {
    for (const top of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
      const serial = certificateSerial(new Uint8Array([top, 0x10, 0x20]));
      expect(serial[0]! & 0x80).toBe(0);
      expect(serial[0]).not.toBe(0);
      expect([...serial.slice(1)]).toEqual([0x10, 0x20]);
    }
  });
});

describe('local client certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pmi-sso-cert-'));

  it('makes a self-signed RSA certificate once, keeps it private on disk, and signs assertions it verifies', async () => {
    const first = new LocalClientCertificate(dir, log);
    const cert = await first.certificate();
    const x509 = new X509Certificate(cert.pem);
    expect(x509.subject).toBe('CN=PMI SSO client (local)');
    expect(x509.verify(x509.publicKey)).toBe(true); // self-signed
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(cert.thumbprint).toBe(x509.fingerprint.replace(/:/g, ''));
    expect(statSync(join(dir, 'sso-client-certificate.json')).mode & 0o777).toBe(0o600);

    const payload = await verifyAssertion(await clientAssertion(first, CLIENT_ID, TOKEN_ENDPOINT), cert.pem);
    const second = await verifyAssertion(await clientAssertion(first, CLIENT_ID, TOKEN_ENDPOINT), cert.pem);
    expect(second.jti).not.toBe(payload.jti);

    // Another instance (a restart) finds the same certificate.
    expect((await new LocalClientCertificate(dir, log).certificate()).thumbprint).toBe(cert.thumbprint);
    const stored = JSON.parse(readFileSync(join(dir, 'sso-client-certificate.json'), 'utf8')) as { privateKeyPem: string };
    expect(createPrivateKey(stored.privateKeyPem).asymmetricKeyType).toBe('rsa');
  });
});

/**
 * A Key Vault certificate stand-in: versions of a certificate with their keys; `sign` gets a SHA-256
 * digest, as the service does, and signs it RSASSA-PKCS1-v1_5 with the version's key.
 */
class FakeCertificateVault implements CertificateVault {
  readonly stored: Array<{ cer: Uint8Array; keyId: string; key: KeyObject; enabled: boolean }> = [];
  readonly signedWith: string[] = [];

  /** A new version, valid for two years from the (possibly mocked) current date. */
  async renew(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'pmi-kv-cert-'));
    const cert = await new LocalClientCertificate(dir, log).certificate();
    const stored = JSON.parse(readFileSync(join(dir, 'sso-client-certificate.json'), 'utf8')) as { privateKeyPem: string };
    const keyId = `https://kv-test.vault.azure.net/keys/sso-client/v${this.stored.length + 1}`;
    this.stored.push({ cer: new X509Certificate(cert.pem).raw, keyId, key: createPrivateKey(stored.privateKeyPem), enabled: true });
    return cert.pem;
  }

  async versions(name: string) {
    expect(name).toBe('sso-client');
    return this.stored.filter((v) => v.enabled).map(({ cer, keyId }) => ({ cer, keyId }));
  }

  async sign(keyId: string, digest: Uint8Array) {
    expect(digest.length).toBe(32);
    this.signedWith.push(keyId);
    const version = this.stored.find((v) => v.keyId === keyId)!;
    return privateEncrypt({ key: version.key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]));
  }
}

const DAY = 86_400_000;
/** Only Date is faked: key generation and the store keep their real timers. */
const dateAt = (at: number) => jest.useFakeTimers({ now: at, doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });

describe('Key Vault client certificate (against a stand-in vault)', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('signs in the vault with the key of the certificate it names; a renewal takes over only near the old expiry', async () => {
    const start = Date.now();
    const vault = new FakeCertificateVault();
    const pem1 = await vault.renew();
    const signer = new KeyVaultClientCertificate('https://kv-test.vault.azure.net/certificates/sso-client', () => ({ getToken: async () => null }), vault);
    await verifyAssertion(await clientAssertion(signer, CLIENT_ID, TOKEN_ENDPOINT), pem1);
    expect(vault.signedWith).toEqual(['https://kv-test.vault.azure.net/keys/sso-client/v1']);

    // Key Vault renews 60 days before expiry: both are published, the old one still signs, so a
    // customer who has not uploaded the new one yet can still sign in.
    dateAt(start + 670 * DAY);
    const pem2 = await vault.renew();
    expect((await signer.certificates()).map((c) => c.pem)).toEqual([pem1, pem2]);
    await verifyAssertion(await clientAssertion(signer, CLIENT_ID, TOKEN_ENDPOINT), pem1);
    expect(vault.signedWith.at(-1)).toBe('https://kv-test.vault.azure.net/keys/sso-client/v1');

    // Fourteen days before the old one expires the new one takes over (after the next refresh).
    dateAt(start + 717 * DAY);
    expect((await signer.certificate()).pem).toBe(pem2);
    await verifyAssertion(await clientAssertion(signer, CLIENT_ID, TOKEN_ENDPOINT), pem2);
    expect(vault.signedWith.at(-1)).toBe('https://kv-test.vault.azure.net/keys/sso-client/v2');
    expect((await signer.certificates()).map((c) => c.pem)).toEqual([pem2, pem1]);

    // Once expired, the old one is no longer published.
    dateAt(start + 731 * DAY);
    expect((await signer.certificates()).map((c) => c.pem)).toEqual([pem2]);
  });

  it('refuses an id that is not a Key Vault certificate URL', () => {
    expect(() => new KeyVaultClientCertificate('https://kv-test.vault.azure.net/keys/sso-client', () => ({ getToken: async () => null }))).toThrow('SSO_CLIENT_CERTIFICATE_ID');
  });
});
