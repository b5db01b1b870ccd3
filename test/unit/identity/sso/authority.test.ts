import { describe, expect, it } from '@jest/globals';
import { AuthorityCache, type SsoFetch } from '../../../../shared/identity/sso/authority.js';
import { SsoError } from '../../../../shared/identity/sso/errors.js';

const HOST = 'https://login.microsoftonline.com';
const TID = '11111111-2222-4333-8444-555555555555';

function discovery(over: Record<string, unknown> = {}) {
  return {
    issuer: `${HOST}/${TID}/v2.0`,
    authorization_endpoint: `${HOST}/${TID}/oauth2/v2.0/authorize`,
    token_endpoint: `${HOST}/${TID}/oauth2/v2.0/token`,
    jwks_uri: `${HOST}/${TID}/discovery/v2.0/keys`,
    ...over,
  };
}

function fetchOf(body: unknown, calls: string[] = [], status = 200): SsoFetch {
  return async (url) => {
    calls.push(url);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof SsoError ? err.code : String(err);
  }
}

describe('AuthorityCache', () => {
  it("fetches the tenant-specific discovery document once and keeps it", async () => {
    const calls: string[] = [];
    const cache = new AuthorityCache(HOST, 1000, () => fetchOf(discovery(), calls));
    const a = await cache.metadata(TID);
    const b = await cache.metadata(TID);
    expect(a).toBe(b);
    expect(calls).toEqual([`${HOST}/${TID}/v2.0/.well-known/openid-configuration`]);
    expect(a.tokenEndpoint).toBe(`${HOST}/${TID}/oauth2/v2.0/token`);
  });

  it('refuses a discovery document of another issuer, or with endpoints off the authority host', async () => {
    expect(await codeOf(new AuthorityCache(HOST, 1000, () => fetchOf(discovery({ issuer: `${HOST}/{tenantid}/v2.0` }))).metadata(TID))).toBe('issuer_mismatch');
    expect(await codeOf(new AuthorityCache(HOST, 1000, () => fetchOf(discovery({ token_endpoint: 'https://evil.example/token' }))).metadata(TID))).toBe('idp_unreachable');
    expect(await codeOf(new AuthorityCache(HOST, 1000, () => fetchOf(discovery({ jwks_uri: `${HOST}.evil.example/keys` }))).metadata(TID))).toBe('idp_unreachable');
  });

  it('fails closed on errors and timeouts, and does not cache the failure', async () => {
    let fail = true;
    const calls: string[] = [];
    const flaky: SsoFetch = async (url, init) => {
      if (fail) {
        // Never answers: only the timeout ends the wait.
        return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      }
      return fetchOf(discovery(), calls)(url, init);
    };
    const cache = new AuthorityCache(HOST, 50, () => flaky);
    expect(await codeOf(cache.metadata(TID))).toBe('idp_unreachable');
    expect(await codeOf(new AuthorityCache(HOST, 1000, () => fetchOf({}, [], 500)).metadata(TID))).toBe('idp_unreachable');
    fail = false;
    expect(await codeOf(cache.metadata(TID))).toBe('ok');
  });

  it('builds the issuer and authorize URL from the configured tenant only', () => {
    const cache = new AuthorityCache(`${HOST}/`, 1000, () => fetchOf({}));
    expect(cache.issuerFor(TID)).toBe(`${HOST}/${TID}/v2.0`);
    expect(cache.authorizeUrlFor(TID)).toBe(`${HOST}/${TID}/oauth2/v2.0/authorize`);
  });
});
