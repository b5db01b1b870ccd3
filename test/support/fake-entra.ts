import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import Provider from 'oidc-provider';

export const AUTHORITY = 'https://login.microsoftonline.com';

/** An Entra user of one directory tenant. */
export interface FakeAccount {
  oid: string;
  name: string;
  email?: string;
  groups?: string[];
  /** What the user did at the IdP, e.g. ['pwd'] or ['pwd', 'mfa']. */
  amr?: string[];
}

export interface FakeClient {
  clientId: string;
  /** client_secret_post, unless `jwks` is given. */
  clientSecret?: string;
  /** The public keys of the certificates uploaded to the app registration: the client signs in with private_key_jwt. */
  jwks?: { keys: JWK[] };
  redirectUri: string;
}

/** Rewrites the next ID token the token endpoint returns (re-signed with the shared key unless `alg` says otherwise). */
export interface Tamper {
  claims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  alg?: 'RS256' | 'PS256' | 'HS256';
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

type Payload = Record<string, unknown> & { uid?: string; grantId?: string; userCode?: string };

/** The provider's store: in memory, per model (the same as its quick-start adapter, without the warning). */
class MemoryAdapter {
  private static readonly items = new Map<string, Payload>();

  constructor(private readonly model: string) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: Payload): Promise<void> {
    MemoryAdapter.items.set(this.key(id), payload);
  }

  async find(id: string): Promise<Payload | undefined> {
    return MemoryAdapter.items.get(this.key(id));
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    for (const [k, v] of MemoryAdapter.items) if (k.startsWith(`${this.model}:`) && v.uid === uid) return v;
    return undefined;
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    for (const [k, v] of MemoryAdapter.items) if (k.startsWith(`${this.model}:`) && v.userCode === userCode) return v;
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const item = MemoryAdapter.items.get(this.key(id));
    if (item) item.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    MemoryAdapter.items.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [k, v] of MemoryAdapter.items) if (v.grantId === grantId) MemoryAdapter.items.delete(k);
  }
}

/**
 * A local OpenID provider that looks like Microsoft Entra ID: panva's oidc-provider, one instance
 * per directory tenant, mounted like the real authority (`/{tid}/v2.0/.well-known/openid-configuration`,
 * `/{tid}/oauth2/v2.0/authorize|token`, `/{tid}/discovery/v2.0/keys`) with the production issuer
 * `https://login.microsoftonline.com/{tid}/v2.0`. All tenants sign with ONE key, as Entra does.
 * ID tokens carry `tid`, `oid`, a pairwise `sub`, `name`, `email` (and `groups`, `amr`).
 *
 * `fetch` maps https://login.microsoftonline.com to the loopback server (with X-Forwarded-Host/Proto,
 * so the provider writes the production URLs); `browse` plays the browser through the authorize
 * step and a headless login of the account set with `signInAs`.
 */
export class FakeEntra {
  private server!: Server;
  private base = '';
  private readonly providers = new Map<string, Provider>();
  private readonly accounts = new Map<string, Map<string, FakeAccount>>();
  private readonly next = new Map<string, string>();
  private key!: { privateJwk: JWK; privateKey: Parameters<SignJWT['sign']>[0] };
  private tamper: Tamper | undefined;
  private readonly secrets = new Map<string, string>();
  /** Every URL the app fetched through `fetch` (to assert caching). */
  readonly fetched: string[] = [];

  static async start(): Promise<FakeEntra> {
    const fake = new FakeEntra();
    const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const privateJwk = { ...(await exportJWK(privateKey)), kid: 'shared-entra-key', alg: 'RS256', use: 'sig' };
    fake.key = { privateJwk, privateKey };
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.base = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  issuer(tid: string): string {
    return `${AUTHORITY}/${tid}/v2.0`;
  }

  /** Adds a directory tenant with its registered applications and users. */
  addTenant(tid: string, clients: FakeClient[], accounts: FakeAccount[]): void {
    this.accounts.set(tid, new Map(accounts.map((a) => [a.oid, a])));
    for (const c of clients) if (c.clientSecret) this.secrets.set(c.clientId, c.clientSecret);
    const accountsOf = () => this.accounts.get(tid) as Map<string, FakeAccount>;
    const provider = new Provider(this.issuer(tid), {
      clients: clients.map((c) => ({
        client_id: c.clientId,
        ...(c.jwks ? { jwks: c.jwks, token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256' } : { client_secret: c.clientSecret, token_endpoint_auth_method: 'client_secret_post' }),
        redirect_uris: [c.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        subject_type: 'pairwise',
        id_token_signed_response_alg: 'RS256',
      })),
      adapter: MemoryAdapter,
      jwks: { keys: [this.key.privateJwk] },
      cookies: { keys: ['fake-entra-cookie-key'] },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true, methods: ['S256'] },
      responseTypes: ['code'],
      subjectTypes: ['public', 'pairwise'],
      pairwiseIdentifier: async (_ctx, accountId, client) => createHash('sha256').update(`${client.sectorIdentifier ?? ''}|${accountId}|fake-entra`).digest('base64url'),
      conformIdTokenClaims: false,
      scopes: ['openid', 'profile', 'email'],
      claims: { acr: null, auth_time: null, sid: null, iss: null, openid: ['sub', 'tid', 'oid', 'groups', 'amr'], profile: ['name'], email: ['email'] },
      routes: { authorization: '/oauth2/v2.0/authorize', token: '/oauth2/v2.0/token', jwks: '/discovery/v2.0/keys' },
      interactions: { url: (_ctx, interaction) => `/${tid}/interaction/${interaction.uid}` },
      ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
      findAccount: (_ctx, id) => {
        const a = accountsOf().get(id);
        if (!a) return undefined;
        return {
          accountId: id,
          claims: () => ({ sub: id, tid, oid: a.oid, name: a.name, ...(a.email ? { email: a.email } : {}), ...(a.groups ? { groups: a.groups } : {}) }),
        };
      },
    });
    provider.proxy = true;
    this.providers.set(tid, provider);
  }

  /** The account the next headless login at `tid` signs in. */
  signInAs(tid: string, oid: string): void {
    this.next.set(tid, oid);
  }

  setAccount(tid: string, account: FakeAccount): void {
    this.accounts.get(tid)?.set(account.oid, account);
  }

  /** The next ID token returned by a token endpoint is rewritten (claims changed and/or other algorithm). */
  tamperNextIdToken(tamper: Tamper): void {
    this.tamper = tamper;
  }

  /** Signs arbitrary ID-token claims with the shared Entra key (or, for HS256, with the client secret). */
  async sign(claims: Record<string, unknown>, alg: Tamper['alg'] = 'RS256'): Promise<string> {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: alg ?? 'RS256', kid: 'shared-entra-key', typ: 'JWT' });
    if (alg === 'HS256') return jwt.sign(new TextEncoder().encode(this.secrets.get(String(claims.aud)) ?? 'secret'));
    // The same RSA key, used with another algorithm (WebCrypto binds a key object to one algorithm).
    if (alg === 'PS256') return jwt.sign(await importJWK({ ...this.key.privateJwk, alg: 'PS256' }, 'PS256'));
    return jwt.sign(this.key.privateKey);
  }

  readonly fetch: Fetch = async (url, init) => {
    const u = new URL(url);
    if (u.origin !== AUTHORITY) throw new TypeError(`fetch failed: unexpected host ${u.origin}`);
    this.fetched.push(u.pathname);
    const headers = new Headers(init?.headers);
    headers.set('x-forwarded-host', u.host);
    headers.set('x-forwarded-proto', 'https');
    const res = await fetch(`${this.base}${u.pathname}${u.search}`, { ...init, headers });
    if (this.tamper && u.pathname.endsWith('/oauth2/v2.0/token') && res.status === 200) {
      const tamper = this.tamper;
      this.tamper = undefined;
      const body = (await res.json()) as { id_token: string };
      const claims = decodeJwt(body.id_token) as Record<string, unknown>;
      body.id_token = await this.sign(tamper.claims ? tamper.claims(claims) : claims, tamper.alg);
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return res;
  };

  /**
   * Plays the browser: follows the authorize request through the headless login and consent until
   * the provider redirects to a host other than the authority; returns that URL (the app's callback).
   */
  async browse(authorizeUrl: string): Promise<string> {
    const jar = new Map<string, string>();
    let url = authorizeUrl;
    for (let hop = 0; hop < 12; hop++) {
      const res = await this.fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = (pair ?? '').indexOf('=');
        if (eq > 0) jar.set((pair as string).slice(0, eq).trim(), (pair as string).slice(eq + 1).trim());
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) throw new Error(`authorize step answered ${res.status}: ${await res.text()}`);
      const next = new URL(location, AUTHORITY);
      if (next.origin !== AUTHORITY) return next.toString();
      url = next.toString();
    }
    throw new Error('too many redirects at the fake authority');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, tid, ...rest] = url.pathname.split('/');
    const provider = tid ? this.providers.get(tid) : undefined;
    if (!tid || !provider) {
      res.statusCode = 404;
      res.end('unknown tenant');
      return;
    }
    let path = `/${rest.join('/')}`;
    if (rest[0] === 'interaction') {
      await this.interact(tid, provider, req, res);
      return;
    }
    if (path === '/v2.0/.well-known/openid-configuration') path = '/.well-known/openid-configuration';
    const inner = `${path}${url.search}`;
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = `/${tid}${inner}`;
    req.url = inner;
    provider.callback()(req, res);
  }

  /** The headless login: signs in the configured account, then grants the requested scopes. */
  private async interact(tid: string, provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const oid = this.next.get(tid);
      const account = oid ? this.accounts.get(tid)?.get(oid) : undefined;
      if (!account) throw new Error(`no account to sign in at ${tid}`);
      await provider.interactionFinished(req, res, { login: { accountId: account.oid, amr: account.amr ?? ['pwd'] } }, { mergeWithLastSubmission: false });
      return;
    }
    const accountId = details.session?.accountId as string;
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope('openid profile email');
    grant.addOIDCClaims(['tid', 'oid', 'name', 'email', 'groups']);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const newGuid = (): string => {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
