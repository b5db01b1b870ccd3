import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { SsoError } from './errors.js';

/** The fetch every outbound SSO call goes through (injectable: tests map the authority to a local provider). */
export type SsoFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface AuthorityMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  keys: JWTVerifyGetKey;
}

interface Discovery {
  issuer?: unknown;
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
  jwks_uri?: unknown;
  id_token_signing_alg_values_supported?: unknown;
}

/** How long a discovery document is trusted before it is fetched again. */
const DISCOVERY_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Per-authority metadata: the discovery document and a JWKS resolver, created once per Entra tenant
 * and kept. Only the tenant-specific authority is ever used (`{host}/{tid}/v2.0`), so the expected
 * issuer is known before anything is fetched: a discovery document naming another issuer, or
 * endpoints on another host, is refused. Every outbound call has a timeout and a failure is never
 * cached (fail closed now, try again on the next sign-in).
 */
export class AuthorityCache {
  private readonly entries = new Map<string, { meta: AuthorityMetadata; fetchedAt: number }>();
  private readonly pending = new Map<string, Promise<AuthorityMetadata>>();

  constructor(
    private readonly host: string,
    private readonly timeoutMs: number,
    private readonly fetch: () => SsoFetch,
  ) {}

  /** `https://login.microsoftonline.com/{tid}/v2.0`: built from the configured tenant, never from a token. */
  issuerFor(entraTenantId: string): string {
    return `${this.base()}/${entraTenantId}/v2.0`;
  }

  authorizeUrlFor(entraTenantId: string): string {
    return `${this.base()}/${entraTenantId}/oauth2/v2.0/authorize`;
  }

  private base(): string {
    return this.host.replace(/\/+$/, '');
  }

  /** A fetch with the configured timeout; network failures and timeouts become `idp_unreachable`. */
  async get(url: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await this.fetch()(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new SsoError('idp_unreachable', `request to ${new URL(url).origin} failed: ${(err as Error).name}`);
    }
  }

  async metadata(entraTenantId: string): Promise<AuthorityMetadata> {
    const cached = this.entries.get(entraTenantId);
    if (cached && Date.now() - cached.fetchedAt < DISCOVERY_MAX_AGE_MS) return cached.meta;
    let inflight = this.pending.get(entraTenantId);
    if (!inflight) {
      inflight = this.discover(entraTenantId, cached?.meta).finally(() => this.pending.delete(entraTenantId));
      this.pending.set(entraTenantId, inflight);
    }
    return inflight;
  }

  private async discover(entraTenantId: string, previous: AuthorityMetadata | undefined): Promise<AuthorityMetadata> {
    const issuer = this.issuerFor(entraTenantId);
    const res = await this.get(`${issuer}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
    if (res.status !== 200) throw new SsoError('idp_unreachable', `discovery answered ${res.status}`);
    let doc: Discovery;
    try {
      doc = (await res.json()) as Discovery;
    } catch {
      throw new SsoError('idp_unreachable', 'discovery document is not JSON');
    }
    if (doc.issuer !== issuer) throw new SsoError('issuer_mismatch', 'discovery names another issuer');
    const onAuthority = (v: unknown): v is string => typeof v === 'string' && v.startsWith(`${this.base()}/`);
    if (!onAuthority(doc.authorization_endpoint) || !onAuthority(doc.token_endpoint) || !onAuthority(doc.jwks_uri)) {
      throw new SsoError('idp_unreachable', 'discovery endpoints are not on the authority host');
    }
    // The key set outlives a refreshed discovery document when its address did not change, so
    // jose's key cache and cooldown keep working across refreshes.
    const keys =
      previous && previous.jwksUri === doc.jwks_uri
        ? previous.keys
        : createRemoteJWKSet(new URL(doc.jwks_uri), {
            timeoutDuration: this.timeoutMs,
            cooldownDuration: 5 * 60_000,
            cacheMaxAge: 24 * 3_600_000,
            [customFetch]: (url, options) => this.fetch()(url, options),
          });
    const meta: AuthorityMetadata = { issuer, authorizationEndpoint: doc.authorization_endpoint, tokenEndpoint: doc.token_endpoint, jwksUri: doc.jwks_uri, keys };
    this.entries.set(entraTenantId, { meta, fetchedAt: Date.now() });
    return meta;
  }
}
