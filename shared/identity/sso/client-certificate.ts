import { createHash, createPrivateKey, randomUUID, sign, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { Log } from '../../platform/log.js';
import { jsonKeyFormat, loadOrCreateStateKey, replaceStateKey } from '../../platform/keys/local-state-key.js';

/**
 * The certificate PMI signs in to customers' Entra app registrations with (private_key_jwt, RFC
 * 7523): the customer uploads its public part to their app registration, and no shared secret
 * exists. The same certificate serves every tenant; it is public.
 */
export interface ClientCertificate {
  /** The certificate as PEM, to upload under "Certificates & secrets" of the app registration. */
  pem: string;
  /** SHA-1 thumbprint in hex capitals: what the Entra portal lists next to an uploaded certificate. */
  thumbprint: string;
  /** base64url SHA-256 of the DER, the client assertion's `x5t#S256` header. */
  x5tS256: string;
  /** base64url SHA-1 of the DER, the client assertion's `x5t` header. */
  x5t: string;
  notBefore: string;
  notAfter: string;
}

/** Where the certificate's private key lives: a local file, or Key Vault (never leaves it). */
export interface ClientCertificateSigner {
  /** The certificate assertions are signed with now. */
  certificate(): Promise<ClientCertificate>;
  /** Every currently valid certificate, the one in use first: customers upload all of them, so a renewal never locks anyone out. */
  certificates(): Promise<ClientCertificate[]>;
  /**
   * The certificate in use and an RS256 (RSASSA-PKCS1-v1_5, SHA-256) signer bound to its key, as one
   * snapshot: a renewal between reading the certificate and signing can't pair one with the other's key.
   */
  signing(): Promise<{ cert: ClientCertificate; sign(signingInput: Uint8Array): Promise<Uint8Array> }>;
}

/** How long a client assertion is valid: the token endpoint is called right after it is made. */
const ASSERTION_TTL_SECONDS = 300;

function describe(der: Uint8Array): ClientCertificate {
  const cert = new X509Certificate(Buffer.from(der));
  const sha1 = createHash('sha1').update(der).digest();
  return {
    pem: cert.toString(),
    thumbprint: sha1.toString('hex').toUpperCase(),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    x5t: sha1.toString('base64url'),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A client assertion for the token endpoint: a JWT the client signs for itself (iss = sub = client
 * id), for exactly that endpoint (aud), once (jti), for five minutes.
 */
export async function clientAssertion(signer: ClientCertificateSigner, clientId: string, tokenEndpoint: string, now = Date.now()): Promise<string> {
  const { cert, sign: signInput } = await signer.signing();
  const iat = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5t: cert.x5t, 'x5t#S256': cert.x5tS256 };
  const claims = { aud: tokenEndpoint, iss: clientId, sub: clientId, jti: randomUUID(), iat, nbf: iat, exp: iat + ASSERTION_TTL_SECONDS };
  const input = `${b64json(header)}.${b64json(claims)}`;
  const signature = await signInput(Buffer.from(input, 'ascii'));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 3072 } as const;
const VALIDITY_DAYS = 730;
const RENEW_BEFORE_DAYS = 30;

/**
 * A positive serial number from random bytes, in minimal DER: the top byte's sign bit clear and not
 * zero (a leading zero byte before one below 0x80 is a non-minimal INTEGER, which OpenSSL refuses).
 */
export function certificateSerial(random: Uint8Array): Uint8Array {
  return random.map((b, i) => (i === 0 ? (b & 0x7f) | 0x40 : b));
}

/** A self-signed certificate and its key, made with PKI.js on WebCrypto (loaded only when one is needed). */
async function selfSigned(commonName: string, now: Date): Promise<{ der: Uint8Array; privateKeyPem: string }> {
  const pkijs = await import('pkijs');
  const asn1js = await import('asn1js');
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] }));
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: certificateSerial(webcrypto.getRandomValues(new Uint8Array(16))).buffer as ArrayBuffer });
  const name = new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: commonName }) });
  cert.issuer.typesAndValues.push(name);
  cert.subject.typesAndValues.push(name);
  cert.notBefore.value = new Date(now.getTime() - 60_000);
  cert.notAfter.value = new Date(now.getTime() + VALIDITY_DAYS * 86_400_000);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  await cert.sign(keys.privateKey, 'SHA-256');
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    der: new Uint8Array(cert.toSchema(true).toBER(false)),
    privateKeyPem: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** The local certificate file's format. */
interface StoredCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

async function makeLocalCertificate(): Promise<StoredCertificate> {
  const made = await selfSigned('PMI SSO client (local)', new Date());
  return { certificatePem: describe(made.der).pem, privateKeyPem: made.privateKeyPem };
}

/**
 * Local runs: a self-signed certificate made on first use and kept in LOCAL_STATE_DIR (mode 0600),
 * renewed 30 days before it expires (the customer then uploads the new one).
 */
export class LocalClientCertificate implements ClientCertificateSigner {
  private loaded: Promise<{ cert: ClientCertificate; key: KeyObject }> | undefined;

  constructor(
    private readonly dir: string,
    private readonly log: Log,
  ) {}

  private async load(): Promise<{ cert: ClientCertificate; key: KeyObject }> {
    const file = { dir: this.dir, name: 'sso-client-certificate.json', format: jsonKeyFormat<StoredCertificate>() };
    let { key: stored, created } = await loadOrCreateStateKey(file, makeLocalCertificate);
    let cert = describe(new X509Certificate(stored.certificatePem).raw);
    if (Date.parse(cert.notAfter) - Date.now() <= RENEW_BEFORE_DAYS * 86_400_000) {
      stored = await replaceStateKey(file, await makeLocalCertificate());
      cert = describe(new X509Certificate(stored.certificatePem).raw);
      created = true;
    }
    if (created) this.log.info('made a local SSO client certificate', { thumbprint: cert.thumbprint, notAfter: cert.notAfter });
    return { cert, key: createPrivateKey(stored.privateKeyPem) };
  }

  private state(): Promise<{ cert: ClientCertificate; key: KeyObject }> {
    this.loaded ??= this.load().catch((err: unknown) => {
      this.loaded = undefined;
      throw err;
    });
    return this.loaded;
  }

  async certificate(): Promise<ClientCertificate> {
    return (await this.state()).cert;
  }

  async certificates(): Promise<ClientCertificate[]> {
    return [await this.certificate()];
  }

  async signing(): Promise<{ cert: ClientCertificate; sign(signingInput: Uint8Array): Promise<Uint8Array> }> {
    const { cert, key } = await this.state();
    return { cert, sign: async (input) => sign('sha256', input, key) };
  }
}

/** The parts of the Key Vault SDK the certificate signer uses: the SDK by default, a stand-in in tests. */
export interface CertificateVault {
  /** Every enabled version of the certificate: its DER and the versioned id of its key. */
  versions(name: string): Promise<Array<{ cer: Uint8Array; keyId: string }>>;
  /** RS256 over a SHA-256 digest with the key of that id. */
  sign(keyId: string, digest: Uint8Array): Promise<Uint8Array>;
}

function sdkCertificateVault(vaultUrl: string, credential: () => TokenCredential): CertificateVault {
  return {
    async versions(name) {
      const { CertificateClient } = await import('@azure/keyvault-certificates');
      const client = new CertificateClient(vaultUrl, credential());
      const out: Array<{ cer: Uint8Array; keyId: string }> = [];
      for await (const props of client.listPropertiesOfCertificateVersions(name)) {
        if (props.enabled === false || !props.version) continue;
        const version = await client.getCertificateVersion(name, props.version);
        if (version.cer && version.keyId) out.push({ cer: version.cer, keyId: version.keyId });
      }
      return out;
    },
    async sign(keyId, digest) {
      const { CryptographyClient } = await import('@azure/keyvault-keys');
      return (await new CryptographyClient(keyId, credential()).sign('RS256', digest)).result;
    },
  };
}

/** Re-read this often: Key Vault renews the certificate on its policy. */
const REFRESH_MS = 10 * 60_000;
/**
 * A renewed certificate takes over only this close to the old one's expiry. Key Vault renews well
 * before (the runbook's policy: 60 days), which leaves customers weeks to upload the new one: an
 * assertion signed with a certificate their app registration doesn't hold yet would be refused.
 */
const SWITCH_BEFORE_EXPIRY_MS = 14 * 86_400_000;

/**
 * A Key Vault certificate (SSO_CLIENT_CERTIFICATE_ID, `https://<vault>/certificates/<name>`): its
 * key signs in the vault, the app reads only the public certificates. Of the valid versions, the
 * oldest that is not about to expire signs; the others are published for customers to upload.
 */
export class KeyVaultClientCertificate implements ClientCertificateSigner {
  private readonly name: string;
  private readonly vault: CertificateVault;
  private cached: { at: number; valid: Array<{ cert: ClientCertificate; keyId: string }>; inUse: { cert: ClientCertificate; keyId: string } } | undefined;

  /** `vault` replaces the Key Vault SDK (tests). */
  constructor(certificateId: string, credential: () => TokenCredential, vault?: CertificateVault) {
    const url = new URL(certificateId);
    const [, kind, name] = url.pathname.split('/');
    if (kind !== 'certificates' || !name) throw new Error('SSO_CLIENT_CERTIFICATE_ID must be a Key Vault certificate URL (https://<vault>/certificates/<name>)');
    this.name = name;
    this.vault = vault ?? sdkCertificateVault(url.origin, credential);
  }

  private async current(): Promise<NonNullable<KeyVaultClientCertificate['cached']>> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < REFRESH_MS) return this.cached;
    const valid = (await this.vault.versions(this.name))
      .map((v) => ({ cert: describe(v.cer), keyId: v.keyId }))
      .filter((v) => Date.parse(v.cert.notBefore) <= now && Date.parse(v.cert.notAfter) > now)
      .sort((a, b) => Date.parse(a.cert.notBefore) - Date.parse(b.cert.notBefore));
    const inUse = valid.find((v) => Date.parse(v.cert.notAfter) - now > SWITCH_BEFORE_EXPIRY_MS) ?? valid.at(-1);
    if (!inUse) throw new Error(`Key Vault certificate ${this.name} has no valid version`);
    this.cached = { at: now, valid: [inUse, ...valid.filter((v) => v !== inUse)], inUse };
    return this.cached;
  }

  async certificate(): Promise<ClientCertificate> {
    return (await this.current()).inUse.cert;
  }

  async certificates(): Promise<ClientCertificate[]> {
    return (await this.current()).valid.map((v) => v.cert);
  }

  async signing(): Promise<{ cert: ClientCertificate; sign(signingInput: Uint8Array): Promise<Uint8Array> }> {
    const { cert, keyId } = (await this.current()).inUse;
    return { cert, sign: (input) => this.vault.sign(keyId, createHash('sha256').update(input).digest()) };
  }
}
