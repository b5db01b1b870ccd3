import { VendorError } from './vendor-error.js';

/**
 * A request with a bearer token that a connector obtains itself: a 401 (the token revoked or expired
 * early) drops that token and gets one fresh token and one more try; anything else is the request's.
 */
export async function sendWithToken<T>(token: () => Promise<string>, invalidate: (used: string) => void, send: (token: string) => Promise<T>): Promise<T> {
  const first = await token();
  try {
    return await send(first);
  } catch (err) {
    if (!(err instanceof VendorError && err.status === 401)) throw err;
    invalidate(first);
    return send(await token());
  }
}
