import type { TokenCredential } from '@azure/identity';

/** How long one call to Azure Communication Services may take: a sign-in or MFA step waits on it. */
export const ACS_TIMEOUT_MS = 10_000;

/**
 * POSTs JSON to an Azure Communication Services REST path, signed in with the app's managed
 * identity, and gives up after `timeoutMs` (a hung call would otherwise hang the request that sends
 * a code). The caller judges the answer.
 */
export async function postToAcs(
  endpoint: string,
  pathAndQuery: string,
  credential: () => TokenCredential,
  body: unknown,
  options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Response> {
  const token = await credential().getToken('https://communication.azure.com/.default');
  if (!token) throw new Error('no token for Azure Communication Services');
  return fetch(new URL(pathAndQuery, endpoint), {
    method: 'POST',
    headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? ACS_TIMEOUT_MS),
  });
}
