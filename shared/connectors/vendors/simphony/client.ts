import { createHash, randomBytes } from 'node:crypto';
import type { TokenRequest, VendorHttp, VendorRequest, VendorResponse } from '../../connector.js';
import { processTokens, refreshAt, type CachedToken, type TokenCache } from '../../http/oauth-tokens.js';
import { sendWithToken } from '../../http/token-retry.js';
import { VendorError } from '../../http/vendor-error.js';
import { vendorEndpoint } from '../../vendor-url.js';
import { guestChecksResponse, operationsDailyTotalsResponse, signInResponse, tokenResponse, type SimphonyDailyTotals, type SimphonyGuestCheck } from './schemas.js';
import type { SimphonyCredentials, SimphonySettings } from './settings.js';

export const VENDOR = 'Oracle Simphony';
export const AUTHORIZE_PATH = 'oidc-provider/v1/oauth2/authorize';
export const SIGNIN_PATH = 'oidc-provider/v1/oauth2/signin';
export const TOKEN_PATH = 'oidc-provider/v1/oauth2/token';
/** The redirect URI Oracle registers for API accounts (the code is read from the sign-in answer, nothing is redirected). */
export const REDIRECT_URI = 'apiaccount://callback';

/** The `name=value` pairs of a Set-Cookie header (fetch joins several with ", "), as one Cookie header. */
function cookieOf(setCookie: string | undefined): string | undefined {
  if (!setCookie) return undefined;
  const pairs = setCookie.split(/,(?=\s*[^;=,\s]+=)/).map((c) => c.split(';')[0]!.trim());
  return pairs.filter(Boolean).join('; ') || undefined;
}

/**
 * The authorization code of the sign-in answer: in the JSON `redirectUrl` (Oracle's documented
 * answer), or in the Location of a redirect to the redirect URI (what public clients read).
 */
function codeOf(answer: VendorResponse): string | null {
  const signIn = signInResponse.safeParse(answer.body);
  const target = signIn.success ? signIn.data.redirectUrl : answer.status >= 300 && answer.status <= 399 ? answer.headers.location : undefined;
  return target ? new URLSearchParams(target.replace(/^[^?]*\?/, '')).get('code') : null;
}

/**
 * The BI API (Reporting and Analytics) through the framework's HTTP client. Its login is OpenID
 * Connect's authorization code flow with PKCE for an API account (authorize, sign in with user
 * name, password and organization, exchange the code for an `id_token`), not RFC 6749's client
 * credentials, so the client logs in itself; the token is cached with the framework's token cache,
 * renewed with the refresh grant before it expires, and replaced by a fresh sign-in on a 401.
 */
export class SimphonyClient {
  /** Guest checks and revenue center totals read, for the run's statistics. */
  objectsRead = 0;
  private readonly login: TokenRequest;
  private readonly authBase: string;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: SimphonySettings,
    private readonly credentials: SimphonyCredentials,
    private readonly tokens: TokenCache = processTokens,
  ) {
    this.authBase = settings.authUrl ?? settings.baseUrl;
    // The cache key names the account (user and organization), the secret being the password.
    this.login = { url: vendorEndpoint(this.authBase, TOKEN_PATH), clientId: `${credentials.clientId}\n${credentials.username}\n${settings.orgShortName}`, clientSecret: credentials.password };
  }

  private async step(request: VendorRequest, path: string) {
    try {
      return await this.http.send(request);
    } catch (err) {
      // A refused login is the credentials', whatever status Oracle chose for it.
      if (err instanceof VendorError && (err.reason === 'unauthorized' || err.reason === 'rejected')) throw new VendorError('token_failed', VENDOR, { ...err.details, request: `${request.method} /${path}` });
      throw err;
    }
  }

  /**
   * The bearer token: the cached one; when it is due, renewed with its refresh token; a refused (or
   * failed) refresh, or no refresh token, signs in again. A 401 drops the token (sendWithToken), so
   * the next one comes from a fresh sign-in.
   */
  private token(): Promise<string> {
    return this.tokens.get(this.login, async (due) => {
      if (!due?.refreshToken) return this.signIn();
      try {
        return await this.refresh(due.refreshToken);
      } catch (err) {
        if (err instanceof VendorError) return this.signIn();
        throw err;
      }
    });
  }

  /** The authorize, sign-in and code-exchange steps of the API account's login. */
  private async signIn(): Promise<CachedToken> {
    const started = Date.now();
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorized = await this.step(
      {
        method: 'GET',
        url: vendorEndpoint(this.authBase, AUTHORIZE_PATH),
        query: { response_type: 'code', client_id: this.credentials.clientId, scope: 'openid', redirect_uri: REDIRECT_URI, code_challenge: challenge, code_challenge_method: 'S256' },
        // Oracle documents the request, not its answer: a 200 or a redirect (to its sign-in page) both carry the session cookie.
        answerRedirect: true,
      },
      AUTHORIZE_PATH,
    );
    const cookie = cookieOf(authorized.headers['set-cookie']);
    const signedIn = await this.step(
      {
        method: 'POST',
        url: vendorEndpoint(this.authBase, SIGNIN_PATH),
        ...(cookie ? { headers: { cookie } } : {}),
        form: { username: this.credentials.username, password: this.credentials.password, orgname: this.settings.orgShortName },
        answerRedirect: true,
      },
      SIGNIN_PATH,
    );
    const code = codeOf(signedIn);
    if (!code) throw new VendorError('token_failed', VENDOR, { status: signedIn.status, request: `POST /${SIGNIN_PATH}` });
    const form = { grant_type: 'authorization_code', client_id: this.credentials.clientId, scope: 'openid', redirect_uri: REDIRECT_URI, code, code_verifier: verifier };
    return this.exchange(started, form, cookie);
  }

  /**
   * The refresh grant. Oracle's token page names the field of the refresh token `code`, RFC 6749
   * §6 and the public clients that work against Oracle name it `refresh_token`: both are sent, the
   * same value (test/fixtures/vendors/simphony/PROVENANCE.md).
   */
  private refresh(refreshToken: string): Promise<CachedToken> {
    return this.exchange(Date.now(), { grant_type: 'refresh_token', client_id: this.credentials.clientId, scope: 'openid', refresh_token: refreshToken, code: refreshToken });
  }

  /** A token request; an answer without an `id_token` fails the login. A refresh token not renewed stays in use. */
  private async exchange(started: number, form: Record<string, string>, cookie?: string): Promise<CachedToken> {
    const answered = await this.step({ method: 'POST', url: this.login.url, ...(cookie ? { headers: { cookie } } : {}), form }, TOKEN_PATH);
    const parsed = tokenResponse.safeParse(answered.body);
    if (!parsed.success) throw new VendorError('token_failed', VENDOR, { status: answered.status, request: `POST /${TOKEN_PATH}` });
    const refreshToken = parsed.data.refresh_token ?? form.refresh_token;
    return { accessToken: parsed.data.id_token, refreshAt: refreshAt(started, parsed.data.expires_in ?? undefined), ...(refreshToken ? { refreshToken } : {}) };
  }

  /** A BI API operation (`POST /bi/v1/{orgShortName}/{operation}`) with the bearer token, one new token on a 401. */
  private async post(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const path = `bi/v1/${encodeURIComponent(this.settings.orgShortName)}/${operation}`;
    const send = async (token: string) => this.http.send({ method: 'POST', url: vendorEndpoint(this.settings.baseUrl, path), headers: { authorization: `Bearer ${token}` }, body });
    const res = await sendWithToken(() => this.token(), (used) => this.tokens.invalidate(this.login, used), send);
    return res.body;
  }

  /** Every guest check of a location opened or closed on the business date (`busDt`: the superset of both). */
  async guestChecks(locRef: string, busDt: string): Promise<SimphonyGuestCheck[]> {
    const parsed = guestChecksResponse.safeParse(await this.post('getGuestChecks', { locRef, busDt }));
    // The reason names no field values: a check can carry employee and table data.
    if (!parsed.success) throw new VendorError('invalid_response', VENDOR, { request: 'POST /bi/v1/…/getGuestChecks' });
    const found = parsed.data.guestChecks ?? [];
    this.objectsRead += found.length;
    return found;
  }

  /** The operations daily totals of a location's business date, per revenue center. */
  async dailyTotals(locRef: string, busDt: string): Promise<SimphonyDailyTotals> {
    const parsed = operationsDailyTotalsResponse.safeParse(await this.post('getOperationsDailyTotals', { locRef, busDt }));
    // Totals of another date or location would be written as this one's.
    if (!parsed.success || parsed.data.busDt !== busDt || parsed.data.locRef !== locRef) throw new VendorError('invalid_response', VENDOR, { request: 'POST /bi/v1/…/getOperationsDailyTotals' });
    this.objectsRead += parsed.data.revenueCenters.length;
    return parsed.data;
  }
}
