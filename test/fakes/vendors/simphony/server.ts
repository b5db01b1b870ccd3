import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson as send } from '../documented-operations.js';
import { FaultQueue, type Fault } from '../faults.js';
import { listenOnLoopback, readBody } from '../loopback.js';
import { dailyTotals, dataset, type Json } from './dataset.js';

/**
 * A fake Oracle Simphony BI API on a free loopback port: the OpenID provider's authorize, sign-in and
 * token steps (PKCE S256 checked; the refresh grant, which can be told to refuse) and
 * `getGuestChecks` and `getOperationsDailyTotals`, answering from dataset.ts to a token it issued.
 * Each body is checked against the documented request schema
 * (test/fixtures/vendors/simphony/bi-api-requests.json): an invalid one is answered 400 and its
 * violations recorded, so a contract test reads `violations` and fails on any. Faults from the
 * shared queue can be queued.
 */

interface FieldSpec {
  type: 'string' | 'date' | 'date-time' | 'boolean' | 'integer';
  maxLength?: number;
  required?: boolean;
}
interface OperationSpec {
  fields: Record<string, FieldSpec>;
  exactlyOneOf?: string[];
}
const spec = JSON.parse(readFileSync(new URL('../../../fixtures/vendors/simphony/bi-api-requests.json', import.meta.url), 'utf8')) as { operations: Record<string, OperationSpec> };

/** The BI API operations the fake answers, by name. */
export type BiOperation = 'getGuestChecks' | 'getOperationsDailyTotals';

/** What is wrong with a body of `operation` against its documented payload. */
export function requestErrors(operation: BiOperation, body: unknown): string[] {
  const documented = spec.operations[`POST /bi/v1/{orgIdentifier}/${operation}`]!;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['the body is not a JSON object'];
  const b = body as Json;
  const errors: string[] = [];
  for (const [name, value] of Object.entries(b)) {
    const f = documented.fields[name];
    if (!f) {
      errors.push(`${name}: not a documented field`);
      continue;
    }
    const ok =
      f.type === 'boolean'
        ? typeof value === 'boolean'
        : f.type === 'integer'
          ? Number.isInteger(value)
          : typeof value === 'string' &&
            (f.type === 'date' ? /^\d{4}-\d{2}-\d{2}$/.test(value) : f.type === 'date-time' ? !Number.isNaN(Date.parse(value)) : value.length <= (f.maxLength ?? Infinity));
    if (!ok) errors.push(`${name}: not a valid ${f.type}${f.maxLength ? ` of at most ${f.maxLength} characters` : ''}`);
  }
  for (const [name, f] of Object.entries(documented.fields)) if (f.required && !(name in b)) errors.push(`${name}: required`);
  const oneOf = documented.exactlyOneOf ?? [];
  const dates = oneOf.filter((n) => n in b);
  if (oneOf.length && dates.length !== 1) errors.push(`exactly one of ${oneOf.join(', ')} is required (got ${dates.length})`);
  return errors;
}

export interface SimphonyFake {
  url: string;
  checks: Json[];
  totals: Json[];
  violations: string[];
  requests: Array<{ method: string; path: string; body?: unknown }>;
  /** Sign-ins completed (authorization code exchanged). */
  logins: number;
  /** Refresh grants answered with a new token. */
  refreshes: number;
  /** When true, every refresh grant is refused (invalid_grant), as for an expired or revoked refresh token. */
  refuseRefresh: boolean;
  /**
   * When true, authorize answers 302 to the sign-in page (two cookies) and sign-in 302 to the
   * redirect URI with the code, as an OpenID provider may (Oracle documents neither answer's status
   * for authorize; for sign-in a 200 with `redirectUrl`, the default).
   */
  redirects: boolean;
  fault(fault: Fault, pathPattern?: RegExp): void;
  /** Revokes every token issued so far (an administrator resetting the API account): the next BI API call gets a 401. */
  revokeTokens(): void;
  close(): Promise<void>;
}

export interface FakeOptions {
  org: string;
  clientId: string;
  username: string;
  password: string;
}

const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

export async function startSimphonyFake(options: FakeOptions): Promise<SimphonyFake> {
  const faults = new FaultQueue();
  const sessions = new Map<string, string>(); // cookie → code_challenge
  const codes = new Map<string, string>(); // code → code_challenge
  const tokens = new Set<string>();
  const refreshTokens = new Map<string, string>(); // refresh token → the id_token issued with it
  let issued = 0;
  const issue = () => {
    const token = `simphony-token-${++issued}`;
    const refresh = `r-${token}`;
    tokens.add(token);
    refreshTokens.set(refresh, token);
    return { id_token: token, refresh_token: refresh, token_type: 'Bearer', expires_in: 1209600 };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    const body: unknown = raw && isJson ? JSON.parse(raw) : undefined;
    const form = new URLSearchParams(isJson ? '' : raw);
    fake.requests.push({ method, path: url.pathname, ...(body === undefined ? {} : { body }) });
    const where = `${method} ${url.pathname}`;
    const violation = (message: string, status = 400) => {
      fake.violations.push(`${where}: ${message}`);
      send(res, status, { status, message });
    };
    if (faults.answer(url.pathname, res, (status, message) => ({ status, message }))) return;

    if (method === 'GET' && url.pathname === '/oidc-provider/v1/oauth2/authorize') {
      const q = url.searchParams;
      const missing = ['response_type', 'client_id', 'scope', 'redirect_uri', 'code_challenge', 'code_challenge_method'].filter((n) => !q.get(n));
      if (missing.length) return violation(`missing ${missing.join(', ')}`);
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || q.get('scope') !== 'openid') return violation('response_type code, scope openid and code_challenge_method S256 expected');
      if (q.get('client_id') !== options.clientId) return send(res, 401, { status: 401, message: 'invalid.client', code: 'AUTHENTICATION_INVALID' });
      const session = `s${++issued}`;
      sessions.set(session, q.get('code_challenge')!);
      const cookie = `oidc_session=${session}; Path=/; HttpOnly`;
      // The session cookie first: a client keeping only the last Set-Cookie loses it.
      if (fake.redirects) return res.writeHead(302, { location: '/oidc-provider/v1/oauth2/signin', 'set-cookie': [cookie, 'ors_lb=node2; Path=/'] }).end();
      return send(res, 200, { nextOp: 'sign_in', success: 'true' }, { 'set-cookie': cookie });
    }
    if (method === 'POST' && url.pathname === '/oidc-provider/v1/oauth2/signin') {
      const missing = ['username', 'password', 'orgname'].filter((n) => !form.get(n));
      if (missing.length) return violation(`missing ${missing.join(', ')}`);
      const session = /oidc_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const challenge = session ? sessions.get(session) : undefined;
      if (!challenge) return violation('no session of an authorize request (cookie)');
      if (form.get('username') !== options.username || form.get('password') !== options.password || form.get('orgname') !== options.org)
        return send(res, 401, { status: 401, message: 'invalid.credentials', code: 'AUTHENTICATION_INVALID' });
      const code = `code-${++issued}`;
      codes.set(code, challenge);
      if (fake.redirects) return res.writeHead(302, { location: `apiaccount://callback?code=${code}` }).end();
      return send(res, 200, { nextOp: 'redirect', success: 'true', redirectUrl: `?code=${code}` });
    }
    if (method === 'POST' && url.pathname === '/oidc-provider/v1/oauth2/token') {
      if (form.get('client_id') !== options.clientId) return violation('the client_id expected');
      if (form.get('grant_type') === 'refresh_token') {
        // Oracle's page puts the refresh token in `code`; RFC 6749 in `refresh_token`: when both come they must agree.
        const presented = form.get('code');
        if (!presented) return violation('code (the refresh token) required');
        if (form.has('refresh_token') && form.get('refresh_token') !== presented) return violation('refresh_token and code differ');
        const renewed = refreshTokens.get(presented);
        if (fake.refuseRefresh || renewed === undefined) return send(res, 400, { error: 'invalid_grant' });
        refreshTokens.delete(presented);
        tokens.delete(renewed);
        fake.refreshes += 1;
        return send(res, 200, issue());
      }
      const verifier = form.get('code_verifier') ?? '';
      if (form.get('grant_type') !== 'authorization_code') return violation('grant_type authorization_code or refresh_token expected');
      if (verifier.length < 43 || verifier.length > 128) return violation('code_verifier must be 43-128 characters');
      const challenge = codes.get(form.get('code') ?? '');
      if (!challenge || s256(verifier) !== challenge) return send(res, 400, { error: 'invalid_grant' });
      codes.delete(form.get('code')!);
      fake.logins += 1;
      return send(res, 200, issue());
    }
    const op = /^\/bi\/v1\/([^/]+)\/(getGuestChecks|getOperationsDailyTotals)$/.exec(url.pathname);
    if (method === 'POST' && op) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !tokens.has(bearer)) return send(res, 401, { status: 401, message: 'Unauthorized' });
      if (decodeURIComponent(op[1]!) !== options.org) return send(res, 404, { status: 404, message: 'Unknown organization' });
      if (!isJson) return violation('the body must be application/json');
      const operation = op[2] as BiOperation;
      const errors = requestErrors(operation, body);
      if (errors.length) return violation(errors.join('; '));
      const b = body as Json;
      if (operation === 'getOperationsDailyTotals') {
        const day = fake.totals.find((t) => t.locRef === b.locRef && t.busDt === b.busDt);
        return send(res, 200, { busDt: b.busDt, locRef: b.locRef, revenueCenters: (day?.revenueCenters as Json[] | undefined) ?? [] });
      }
      const day = String(b.busDt ?? b.opnBusDt ?? b.clsdBusDt);
      const field = 'busDt' in b ? ['opnBusDt', 'clsdBusDt'] : 'opnBusDt' in b ? ['opnBusDt'] : ['clsdBusDt'];
      const found = fake.checks.filter((c) => c.locRef === b.locRef && field.some((f) => c[f] === day)).map(({ locRef: _l, ...c }) => c);
      return send(res, 200, { curUTC: new Date().toISOString().slice(0, 19), locRef: b.locRef, guestChecks: found });
    }
    return violation('no such operation in the BI API documentation', 404);
  };

  const server = await listenOnLoopback((req, res) => {
    handle(req, res).catch((e: unknown) => {
      fake.violations.push(`fake Simphony failed: ${String(e)}`);
      if (!res.headersSent) send(res, 500, { status: 500, message: 'fake failed' });
    });
  });
  const fake: SimphonyFake = {
    url: server.url,
    checks: dataset(),
    totals: dailyTotals(),
    violations: [],
    requests: [],
    logins: 0,
    refreshes: 0,
    refuseRefresh: false,
    redirects: false,
    fault: (f, p) => faults.add(f, p),
    revokeTokens: () => {
      tokens.clear();
      refreshTokens.clear();
    },
    close: () => server.close(),
  };
  return fake;
}
