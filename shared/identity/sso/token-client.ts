import type { AuthorityCache } from './authority.js';
import { SsoError } from './errors.js';

export interface CodeRedemption {
  tokenEndpoint: string;
  code: string;
  verifier: string;
  redirectUri: string;
  clientId: string;
  /** client_secret_post, or a private_key_jwt client assertion (RFC 7523) signed with PMI's certificate. */
  clientAuth: { clientSecret: string } | { clientAssertion: string };
}

/**
 * Redeems an authorization code at the authority's token endpoint (client_secret_post or a signed
 * client assertion, with the PKCE verifier) and returns the ID token. Only the ID token is used: we sign the user in with our
 * own session and never call Microsoft Graph, so the access token Entra returns is dropped.
 */
export async function redeemCode(authority: AuthorityCache, r: CodeRedemption): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: r.code,
    redirect_uri: r.redirectUri,
    client_id: r.clientId,
    code_verifier: r.verifier,
    ...('clientSecret' in r.clientAuth
      ? { client_secret: r.clientAuth.clientSecret }
      : { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: r.clientAuth.clientAssertion }),
  });
  const res = await authority.get(r.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: body.toString(),
  });
  let json: { id_token?: unknown; error?: unknown };
  try {
    json = (await res.json()) as typeof json;
  } catch {
    throw new SsoError('token_exchange_failed', `token endpoint answered ${res.status} without JSON`);
  }
  if (res.status !== 200) throw new SsoError('token_exchange_failed', `token endpoint answered ${res.status} ${typeof json.error === 'string' ? json.error : ''}`);
  if (typeof json.id_token !== 'string' || json.id_token.length > 16_384) throw new SsoError('token_exchange_failed', 'no id_token in the token response');
  return json.id_token;
}
