import { createHash, randomBytes } from 'node:crypto';
import type { Platform } from '../../platform/platform.js';
import { isStoreError } from '../../platform/cosmos/errors.js';
import type { Principal } from '../../access/principal.js';
import { assertMayLinkHolder } from '../../access/delegation.js';
import { badRequest, unauthorized } from '../../http/problem.js';
import { checkIfMatch } from '../../http/etag.js';
import { actorOf, auditEvent, type RequestMeta } from '../../audit/emit.js';
import type { LoginResult, LoginService } from '../login.js';
import type { UserItem } from '../model.js';
import type { TenantService } from '../tenants.js';
import type { RoleService } from '../custom-roles.js';
import { newTenantToken, sha256, splitTenantToken, type UserService } from '../users.js';
import { SsoAccounts } from './accounts.js';
import { AuthorityCache, type SsoFetch } from './authority.js';
import { SsoError, type SsoFailure } from './errors.js';
import { openFlow, sealFlow, type FlowState } from './flow-cookie.js';
import { sameText, validateIdToken, type EntraIdentity } from './id-token.js';
import { GUID, type SsoExchangeItem, type SsoLinkItem, type SsoSettings, type SsoSettingsItem } from './model.js';
import { safeReturnTo } from './return-to.js';
import { SsoSettingsService } from './settings.js';
import { recentlyAuthenticated } from './reauth.js';
import { reauthenticationRequired } from '../mfa/challenges.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import { redeemCode, type CodeRedemption } from './token-client.js';
import { clientAssertion, type ClientCertificateSigner } from './client-certificate.js';

/** How long the one-time code handed to the web client stays redeemable. */
const EXCHANGE_TTL_MS = 60_000;

export const CALLBACK_PATH = '/api/v1/auth/sso/callback';

export interface StartOutcome {
  location: string;
  /** The sealed flow state for the short-lived cookie (absent when the start failed). */
  flowCookie?: string;
}

export interface ConfigCheck {
  name: 'clientId' | 'clientSecret' | 'clientCertificate' | 'discovery' | 'keys';
  ok: boolean;
  detail: string;
}

const b64url = (n: number) => randomBytes(n).toString('base64url');

/**
 * Sign-in with Microsoft Entra ID (OpenID Connect authorization code flow with PKCE) for one
 * customer tenant at a time.
 *
 * start → 302 to the customer's tenant-specific authority with S256 PKCE, `state` and `nonce`, all
 * bound to an encrypted short-lived cookie; callback → state checked, code redeemed with the
 * verifier, ID token validated (see validateIdToken), `tid:oid` resolved to a linked account (or
 * provisioned just in time), and the browser sent back to the web client with a single-use code;
 * exchange → that code becomes our own session, issued exactly as after a password login
 * (LoginService.complete) with `amr` containing `sso`.
 */
export class SsoService {
  readonly settings: SsoSettingsService;
  readonly accounts: SsoAccounts;
  readonly authority: AuthorityCache;
  private fetchImpl: SsoFetch = (url, init) => fetch(url, init);

  constructor(
    private readonly platform: Platform,
    private readonly deps: {
      tenants: TenantService;
      users: UserService;
      roles: Pick<RoleService, 'definitions'>;
      login: LoginService;
      hasher: Pick<PasswordHasher, 'verify'>;
      clientCertificate: ClientCertificateSigner | undefined;
    },
  ) {
    this.settings = new SsoSettingsService(platform, { users: deps.users, roles: deps.roles, hasClientCertificate: () => deps.clientCertificate !== undefined });
    this.accounts = new SsoAccounts(platform, deps.users);
    this.authority = new AuthorityCache(platform.config.SSO_AUTHORITY_HOST, platform.config.SSO_HTTP_TIMEOUT_MS, () => this.fetchImpl);
  }

  /** PMI's client certificate for customers who sign us in without a secret; undefined when this deployment has none. */
  get clientCertificate(): ClientCertificateSigner | undefined {
    return this.deps.clientCertificate;
  }

  /**
   * Replaces the tenant's SSO settings on behalf of `principal` (who must be able to grant every
   * role they map), then takes away group-granted roles no mapping grants any more. Changing how
   * people sign in needs a recent sign-in, or the caller's `password` again (ASVS 7.5.1): checked first.
   */
  async configure(
    principal: Principal,
    next: SsoSettings,
    clientSecret: string | null | undefined,
    password: string | undefined,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<SsoSettingsItem> {
    await this.assertRecentAuthentication(principal, password);
    const saved = await this.settings.put(principal, next, clientSecret, ifMatch, meta);
    await this.accounts.withdrawUnmapped(principal.tenantId, next, actorOf(principal), meta);
    return saved;
  }

  private async assertRecentAuthentication(principal: Principal, password: string | undefined): Promise<void> {
    const ok = await recentlyAuthenticated(principal.authTime, this.platform.config.SSO_REAUTH_MAX_AGE_SECONDS, password, async (pw) => {
      const user = await this.deps.users.get(principal.tenantId, principal.userId);
      return Boolean(user?.passwordHash) && (await this.deps.hasher.verify(pw, user?.passwordHash as string));
    });
    if (!ok) throw reauthenticationRequired();
  }

  /**
   * Links a user to an Entra identity on behalf of `principal`. The link is part of the user's
   * sign-in configuration, so `ifMatch` is the user's ETag; and it lets whoever holds that identity
   * sign in as the user, so only for users whose roles the principal could grant.
   */
  async linkUser(principal: Principal, userId: string, tid: string, oid: string, ifMatch: string | undefined, meta: RequestMeta): Promise<SsoLinkItem> {
    const user = await this.deps.users.require(principal.tenantId, userId);
    const etag = checkIfMatch(ifMatch, user);
    assertMayLinkHolder(principal, await this.deps.roles.definitions(principal.tenantId), user.roles);
    const settings = await this.settings.get(principal.tenantId);
    if (settings && settings.entraTenantId !== tid) throw badRequest("The tid must be the tenant's configured Entra tenant id.", [{ field: 'body.tid', message: 'not the configured tenant' }]);
    return this.accounts.link(principal.tenantId, userId, tid, oid, actorOf(principal), meta, etag);
  }

  /** Replaces the outbound fetch (tests map the authority to a local provider; an egress proxy could go here). */
  useFetch(fetchImpl: SsoFetch): void {
    this.fetchImpl = fetchImpl;
  }

  /** Origins the browser may be sent back to: WEB_CLIENT_ORIGINS, else CORS_ORIGINS. */
  webOrigins(): string[] {
    const { WEB_CLIENT_ORIGINS, CORS_ORIGINS } = this.platform.config;
    return WEB_CLIENT_ORIGINS.length > 0 ? WEB_CLIENT_ORIGINS : CORS_ORIGINS;
  }

  /** The web client's error page with a short reason code (never token contents). */
  errorUrl(code: SsoFailure): string {
    const base = this.platform.config.SSO_ERROR_URL ?? `${this.webOrigins()[0] ?? this.platform.config.PUBLIC_BASE_URL}/login/error`;
    const url = new URL(base);
    url.searchParams.set('error', code);
    return url.toString();
  }

  redirectUri(): string {
    return new URL(CALLBACK_PATH, this.platform.config.PUBLIC_BASE_URL).toString();
  }

  private checkReturnTo(returnTo: string): string | undefined {
    return safeReturnTo(returnTo, this.webOrigins());
  }

  /**
   * Builds the authorization request. `returnTo` must be a URL on a configured web-client origin
   * (400 otherwise, before anything else: the browser would be sent there at the end).
   */
  async start(slug: string, requestedReturnTo: string, meta: RequestMeta): Promise<StartOutcome> {
    const returnTo = this.checkReturnTo(requestedReturnTo);
    if (!returnTo) throw badRequest('returnTo must be a URL on a configured web-client origin.', [{ field: 'query.returnTo', message: 'not allowed' }]);
    const tenantId = await this.deps.tenants.tenantIdForSlug(slug);
    const settings = tenantId ? await this.settings.get(tenantId) : undefined;
    if (!tenantId || !settings?.enabled) {
      if (tenantId) await this.failed(tenantId, 'sso_not_configured', meta);
      return { location: this.errorUrl('sso_not_configured') };
    }
    const flow: FlowState = {
      tenantId,
      state: b64url(32),
      nonce: b64url(32),
      verifier: b64url(32),
      returnTo,
      expiresAt: Date.now() + this.platform.config.SSO_STATE_TTL_SECONDS * 1000,
    };
    const url = new URL(this.authority.authorizeUrlFor(settings.entraTenantId));
    url.search = new URLSearchParams({
      client_id: settings.clientId,
      response_type: 'code',
      redirect_uri: this.redirectUri(),
      response_mode: 'query',
      scope: 'openid profile email',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: createHash('sha256').update(flow.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return { location: url.toString(), flowCookie: await sealFlow(this.platform.cipher, flow) };
  }

  /**
   * Completes the authorization response. Returns where to send the browser: the web client with a
   * one-time code in the fragment, or its error page with a reason code (the failure is audited).
   */
  async callback(query: { code?: string | undefined; state?: string | undefined; error?: string | undefined }, flowCookie: string | undefined, meta: RequestMeta): Promise<string> {
    let flow: FlowState | undefined;
    try {
      flow = await openFlow(this.platform.cipher, flowCookie);
      if (!query.state || !sameText(query.state, flow.state)) throw new SsoError('state_mismatch');
      if (query.error) throw new SsoError('idp_error', `authorization error ${query.error.slice(0, 64)}`);
      if (!query.code) throw new SsoError('invalid_request', 'no code');
      const settings = await this.settings.get(flow.tenantId);
      if (!settings?.enabled) throw new SsoError('sso_not_configured');
      const who = await this.authenticate(settings, flow, query.code);
      const user = await this.resolveUser(settings, who, meta);
      const amr = settings.idpMfaSatisfiesPolicy && who.amr.includes('mfa') ? ['sso', 'mfa'] : ['sso'];
      const code = await this.newExchange(user, amr);
      const back = new URL(flow.returnTo);
      back.hash = new URLSearchParams({ code }).toString();
      return back.toString();
    } catch (caught) {
      // The browser is mid-redirect: even an unexpected fault ends on the web client's error page, never a JSON 500.
      const err = caught instanceof SsoError ? caught : new SsoError('temporarily_unavailable', (caught as Error).message);
      if (!(caught instanceof SsoError)) this.platform.log.error('sso callback fault', { error: (caught as Error).message, correlationId: meta.correlationId });
      this.platform.log.warn('sso sign-in failed', { reason: err.code, detail: err.message, tenantId: flow?.tenantId, correlationId: meta.correlationId });
      if (flow) await this.failed(flow.tenantId, err.code, meta).catch(() => this.platform.log.error('sso failure not audited', { reason: err.code, correlationId: meta.correlationId }));
      return this.errorUrl(err.code);
    }
  }

  /** How this tenant's token request authenticates the app: its stored secret, or PMI's certificate. */
  private async clientAuth(settings: SsoSettingsItem, tokenEndpoint: string): Promise<CodeRedemption['clientAuth']> {
    if (settings.clientCredential === 'certificate') {
      if (!this.deps.clientCertificate) throw new SsoError('sso_not_configured', 'no client certificate on this deployment');
      return { clientAssertion: await clientAssertion(this.deps.clientCertificate, settings.clientId, tokenEndpoint) };
    }
    const secret = await this.settings.clientSecret(settings);
    if (!secret) throw new SsoError('sso_not_configured', 'no client secret');
    return { clientSecret: secret };
  }

  private async authenticate(settings: SsoSettingsItem, flow: FlowState, code: string): Promise<EntraIdentity> {
    const meta = await this.authority.metadata(settings.entraTenantId);
    const idToken = await redeemCode(this.authority, {
      tokenEndpoint: meta.tokenEndpoint,
      code,
      verifier: flow.verifier,
      redirectUri: this.redirectUri(),
      clientId: settings.clientId,
      clientAuth: await this.clientAuth(settings, meta.tokenEndpoint),
    });
    return validateIdToken(idToken, {
      issuer: this.authority.issuerFor(settings.entraTenantId),
      entraTenantId: settings.entraTenantId,
      clientId: settings.clientId,
      nonce: flow.nonce,
      keys: meta.keys,
    });
  }

  /** The linked account; with JIT on, a new one. Never by e-mail. Only active (or invited, then activated) accounts. */
  private async resolveUser(settings: SsoSettingsItem, who: EntraIdentity, meta: RequestMeta): Promise<UserItem> {
    const tenantId = settings.tenantId;
    let user = await this.accounts.linkedUser(tenantId, who.tid, who.oid);
    if (!user) {
      if (!settings.jit.enabled) throw new SsoError('not_linked');
      user = await this.accounts.provision(tenantId, who, settings, meta);
    } else if (user.status === 'active' || user.status === 'invited') {
      user = await this.accounts.syncGroupRoles(user, who, settings, meta);
    }
    if (user.status === 'invited') {
      // An admin linked this Entra identity to an invitation: signing in through it accepts the invitation.
      user = await this.deps.users.save({ ...user, status: 'active' }, 'user.invitation_accepted', { type: 'user', id: user.id }, meta, { details: { method: 'sso' } });
    }
    if (user.status !== 'active') throw new SsoError('user_inactive');
    return user;
  }

  private col(tenantId: string) {
    return this.platform.store.collection<SsoExchangeItem>('identity', tenantId);
  }

  private async newExchange(user: UserItem, amr: string[]): Promise<string> {
    const code = newTenantToken(user.tenantId);
    const now = Date.now();
    await this.col(user.tenantId).create({
      id: `ssoexchange:${sha256(code)}`,
      tenantId: user.tenantId,
      type: 'ssoExchange',
      userId: user.id,
      amr,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + EXCHANGE_TTL_MS).toISOString(),
    });
    return code;
  }

  /**
   * Redeems the one-time code: single use (deleted with the ETag it was read with), 60 s, and the
   * account must still be active. The tenant's MFA policy applies: unless the IdP's MFA counts
   * (tenant setting, `amr` containing `mfa`), a user who owes a second factor gets the same
   * challenge as after a password.
   */
  async exchange(code: string, meta: RequestMeta): Promise<LoginResult> {
    const invalid = () => unauthorized('The sign-in code is invalid or has expired; sign in again.');
    const parts = splitTenantToken(code);
    if (!parts) throw invalid();
    const col = this.col(parts.tenantId);
    const item = await col.read<SsoExchangeItem>(`ssoexchange:${sha256(code)}`);
    if (!item || item.type !== 'ssoExchange') throw invalid();
    try {
      await col.patch(item.id, [{ op: 'set', path: '/expiresAt', value: new Date(0).toISOString() }], item._etag);
      await col.delete(item.id);
    } catch (err) {
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'not_found')) throw invalid();
      throw err;
    }
    if (Date.parse(item.expiresAt) <= Date.now()) throw invalid();
    const user = await this.deps.users.get(item.tenantId, item.userId);
    if (!user || user.status !== 'active') throw invalid();
    if (!item.amr.includes('mfa')) {
      const challenge = await this.deps.login.secondFactor?.(user, await this.deps.tenants.settings(user.tenantId), item.amr);
      if (challenge) return { kind: 'challenge', challenge };
    }
    return this.deps.login.complete(user, item.amr, meta);
  }

  /** POST /tenant/sso/test: the configuration's plausibility, without signing anyone in. */
  async test(tenantId: string): Promise<{ ok: boolean; checks: ConfigCheck[] }> {
    const settings = await this.settings.get(tenantId);
    if (!settings) return { ok: false, checks: [{ name: 'discovery', ok: false, detail: 'SSO is not configured.' }] };
    const checks: ConfigCheck[] = [];
    checks.push({ name: 'clientId', ok: GUID.test(settings.clientId), detail: GUID.test(settings.clientId) ? 'The client id is a GUID.' : 'An Entra application (client) id is a GUID.' });
    if (settings.clientCredential === 'certificate') {
      const cert = await this.deps.clientCertificate?.certificate().catch(() => undefined);
      const valid = cert !== undefined && Date.parse(cert.notAfter) > Date.now();
      checks.push({
        name: 'clientCertificate',
        ok: valid,
        detail: valid ? `The client certificate ${cert.thumbprint} is valid until ${cert.notAfter}; it must be uploaded to the app registration.` : 'No valid client certificate on this deployment.',
      });
    } else {
      const hasSecret = Boolean(settings.enc.clientSecret);
      checks.push({ name: 'clientSecret', ok: hasSecret, detail: hasSecret ? 'A client secret is stored.' : 'No client secret is stored.' });
    }
    try {
      const meta = await this.authority.metadata(settings.entraTenantId);
      checks.push({ name: 'discovery', ok: true, detail: `Discovery answered with issuer ${meta.issuer}.` });
      const res = await this.authority.get(meta.jwksUri, { headers: { accept: 'application/json' } });
      const body = res.status === 200 ? ((await res.json().catch(() => ({}))) as { keys?: Array<{ kty?: string }> }) : {};
      const rsa = (body.keys ?? []).filter((k) => k.kty === 'RSA').length;
      checks.push({ name: 'keys', ok: rsa > 0, detail: rsa > 0 ? `${rsa} RSA signing keys published.` : 'No RSA signing keys published.' });
    } catch (err) {
      const code = err instanceof SsoError ? err.code : 'idp_unreachable';
      checks.push({ name: 'discovery', ok: false, detail: `The authority could not be used (${code}).` });
    }
    return { ok: checks.every((c) => c.ok), checks };
  }

  private async failed(tenantId: string, reason: SsoFailure, meta: RequestMeta): Promise<void> {
    const event = await auditEvent(this.platform.cipher, { tenantId, action: 'auth.sso_failed', outcome: 'failure', details: { reason }, ...meta });
    await this.platform.outbox.emit(tenantId, [event]);
  }
}
