import type { TokenRequest, VendorHttp, VendorRequest, VendorResponse } from '../connector.js';
import { processCircuits, type Circuits } from './circuit.js';
import { systemClock, type Clock } from './clock.js';
import { processTokens, refreshAt, type CachedToken, type TokenCache } from './oauth-tokens.js';
import { backoffMs, DEFAULT_RETRY, retryAfterMs, type RetryPolicy } from './retry-policy.js';
import { VendorError } from './vendor-error.js';

export interface VendorHttpOptions {
  /** The vendor's name, for errors and logs. */
  vendor: string;
  /** Whose circuit the requests count toward: the integration id. */
  circuitKey: string;
  /** For `oauth-client-credentials` connectors: the token to put in `Authorization: Bearer`. */
  tokenRequest?: TokenRequest;
  /** Per attempt, connection to last body byte. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  circuits?: Circuits;
  tokens?: TokenCache;
  clock?: Clock;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

interface Exchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** `METHOD /path` for errors: never the query string. */
  label: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * The framework's client of a vendor API (see VendorHttp): every attempt has a timeout; 429 waits for
 * `Retry-After` (capped) and 5xx, network errors and timeouts back off exponentially with full jitter,
 * up to maxAttempts; a request that still fails counts toward the integration's circuit, which then
 * refuses fast; OAuth tokens are acquired, cached, refreshed before expiry and refreshed once more
 * on a 401. Every method is retried: vendors' read APIs include POST (Mews `getAll`).
 */
export class FrameworkVendorHttp implements VendorHttp {
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly circuits: Circuits;
  private readonly tokens: TokenCache;
  private readonly clock: Clock;

  constructor(private readonly options: VendorHttpOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.circuits = options.circuits ?? processCircuits;
    this.tokens = options.tokens ?? processTokens;
    this.clock = options.clock ?? systemClock;
  }

  async send(request: VendorRequest): Promise<VendorResponse> {
    const url = urlOf(request);
    const label = `${request.method} ${url.pathname}`;
    const key = this.options.circuitKey;
    const refusedFor = this.circuits.refusedFor(key);
    if (refusedFor > 0) throw new VendorError('circuit_open', this.options.vendor, { request: label, retryAfterMs: refusedFor });
    const headers: Record<string, string> = { accept: 'application/json', ...lowerCased(request.headers ?? {}) };
    const exchange: Exchange = { method: request.method, url: url.toString(), headers, label };
    if (request.body !== undefined) {
      exchange.body = JSON.stringify(request.body);
      headers['content-type'] ??= 'application/json';
    } else if (request.form !== undefined) {
      exchange.body = new URLSearchParams(request.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    try {
      const response = responseOf(await this.authorised(exchange), this.options.vendor, label, request.answerRedirect === true);
      this.circuits.succeeded(key);
      return response;
    } catch (err) {
      // Only a vendor that does not answer properly trips the circuit; a 404 is an answer.
      if (err instanceof VendorError && err.vendorFailure) this.circuits.failed(key);
      else if (err instanceof VendorError) this.circuits.succeeded(key);
      throw err;
    }
  }

  private async authorised(exchange: Exchange): Promise<Answer> {
    const tokenRequest = this.options.tokenRequest;
    if (!tokenRequest) return this.exchange(exchange);
    const first = await this.token(tokenRequest);
    const answer = await this.exchange({ ...exchange, headers: { ...exchange.headers, authorization: `Bearer ${first}` } });
    if (answer.status !== 401) return answer;
    // Revoked or expired early: one fresh token, one more try.
    this.tokens.invalidate(tokenRequest, first);
    const second = await this.token(tokenRequest);
    return this.exchange({ ...exchange, headers: { ...exchange.headers, authorization: `Bearer ${second}` } });
  }

  private token(request: TokenRequest): Promise<string> {
    return this.tokens.get(request, () => this.acquire(request));
  }

  private async acquire(request: TokenRequest): Promise<CachedToken> {
    const url = new URL(request.url);
    const label = `POST ${url.pathname}`;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (request.scope) form.set('scope', request.scope);
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', ...lowerCased(request.headers ?? {}) };
    if ((request.clientAuth ?? 'basic') === 'basic') {
      // RFC 6749 §2.3.1: form-encode each part before joining them.
      const user = encodeURIComponent(request.clientId);
      const password = encodeURIComponent(request.clientSecret);
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    } else {
      form.set('client_id', request.clientId);
      form.set('client_secret', request.clientSecret);
    }
    const answer = await this.exchange({ method: 'POST', url: url.toString(), headers, body: form.toString(), label });
    if (answer.status < 200 || answer.status > 299) throw new VendorError('token_failed', this.options.vendor, { status: answer.status, request: label });
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      throw new VendorError('token_failed', this.options.vendor, { status: answer.status, request: label });
    }
    const token = parsed as { access_token?: unknown; expires_in?: unknown };
    if (typeof token.access_token !== 'string' || token.access_token === '') throw new VendorError('token_failed', this.options.vendor, { status: answer.status, request: label });
    const expiresIn = typeof token.expires_in === 'number' ? token.expires_in : typeof token.expires_in === 'string' ? Number(token.expires_in) : undefined;
    return { accessToken: token.access_token, refreshAt: refreshAt(this.clock.now(), Number.isFinite(expiresIn) ? expiresIn : undefined) };
  }

  /** One request with its retries: the last answer that is not 429 or 5xx, or a VendorError. */
  private async exchange(exchange: Exchange): Promise<Answer> {
    const vendor = this.options.vendor;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.retry.maxAttempts;
      let answer: Answer;
      try {
        answer = await this.attempt(exchange);
      } catch (err) {
        const reason = isTimeout(err) ? 'timeout' : 'network';
        if (last) throw new VendorError(reason, vendor, { request: exchange.label, attempts: attempt });
        await this.clock.sleep(backoffMs(this.retry, attempt, this.clock));
        continue;
      }
      if (answer.status === 429) {
        if (last) throw new VendorError('rate_limited', vendor, { status: 429, request: exchange.label, attempts: attempt });
        await this.clock.sleep(retryAfterMs(answer.headers['retry-after'], this.retry, this.clock.now()) ?? backoffMs(this.retry, attempt, this.clock));
        continue;
      }
      if (answer.status >= 500) {
        if (last) throw new VendorError('server_error', vendor, { status: answer.status, request: exchange.label, attempts: attempt });
        // A 503 may say when to come back (RFC 9110 §10.2.3); otherwise back off.
        await this.clock.sleep(retryAfterMs(answer.headers['retry-after'], this.retry, this.clock.now()) ?? backoffMs(this.retry, attempt, this.clock));
        continue;
      }
      return answer;
    }
  }

  private async attempt(exchange: Exchange): Promise<Answer> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    // Redirects are not followed: a vendor API that moves is a configuration change (base URL), and a
    // followed redirect could carry the bearer token elsewhere. A 3xx ends as `rejected`.
    const init: RequestInit = { method: exchange.method, headers: exchange.headers, signal, redirect: 'manual' };
    if (exchange.body !== undefined) init.body = exchange.body;
    const res = await fetch(exchange.url, init);
    // The body is read under the same signal: a vendor that stalls mid-body times out too.
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // Iterating Headers gives each Set-Cookie apart (the last would win): all of them, joined as one header would be.
    const cookies = res.headers.getSetCookie();
    if (cookies.length) headers['set-cookie'] = cookies.join(', ');
    return { status: res.status, headers, text };
  }
}

export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  return new FrameworkVendorHttp(options);
}

function urlOf(request: VendorRequest): URL {
  const url = new URL(request.url);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(v));
  }
  return url;
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** By name: the DOMException fetch throws is not always `instanceof Error` (another realm's class). */
function isTimeout(err: unknown): boolean {
  const name = typeof err === 'object' && err !== null && 'name' in err ? err.name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** A non-429, non-5xx answer as the connector sees it: 2xx (and 3xx when `redirect`) with its JSON parsed, anything else a VendorError. */
function responseOf(answer: Answer, vendor: string, label: string, redirect: boolean): VendorResponse {
  if (answer.status === 401 || answer.status === 403) throw new VendorError('unauthorized', vendor, { status: answer.status, request: label });
  const redirected = redirect && answer.status >= 300 && answer.status <= 399;
  if ((answer.status < 200 || answer.status > 299) && !redirected) throw new VendorError('rejected', vendor, { status: answer.status, request: label });
  let body: unknown = undefined;
  if (answer.text !== '') {
    const type = answer.headers['content-type'] ?? '';
    if (type.includes('json')) {
      try {
        body = JSON.parse(answer.text);
      } catch {
        throw new VendorError('invalid_response', vendor, { status: answer.status, request: label });
      }
    } else body = answer.text;
  }
  return { status: answer.status, headers: answer.headers, body };
}
