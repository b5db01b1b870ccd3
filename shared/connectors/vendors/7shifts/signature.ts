import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old (or how far ahead) an `x-hmac-timestamp` may be: a captured webhook cannot be replayed later. */
export const TOLERANCE_SECONDS = 300;

/**
 * 7shifts' webhook signature (Webhooks → Introduction): HMAC-SHA256 of the raw payload, keyed with
 * `{x-hmac-timestamp}#{company GUID}`, in `x-hmac-signature`. The documents name neither the
 * digest's encoding nor the timestamp's unit: we take hex (either case) or base64, and Unix seconds
 * (milliseconds if the number is that large). Comparison is constant-time.
 */
export function signatureOf(timestamp: string, guid: string, body: Buffer | string): Buffer {
  return createHmac('sha256', `${timestamp}#${guid}`).update(body).digest();
}

function decoded(given: string): Buffer[] {
  const out: Buffer[] = [];
  if (/^[0-9a-fA-F]{64}$/.test(given)) out.push(Buffer.from(given, 'hex'));
  if (/^[A-Za-z0-9+/]{43}=$/.test(given)) out.push(Buffer.from(given, 'base64'));
  return out;
}

export function verifySignature(headers: Record<string, string>, body: Buffer, guid: string, nowMs: number = Date.now()): boolean {
  const timestamp = headers['x-hmac-timestamp'];
  const given = headers['x-hmac-signature']?.trim();
  if (!timestamp || !given || !/^\d{1,16}$/.test(timestamp)) return false;
  const n = Number(timestamp);
  const ms = n > 1e12 ? n : n * 1000;
  if (Math.abs(nowMs - ms) > TOLERANCE_SECONDS * 1000) return false;
  const expected = signatureOf(timestamp, guid, body);
  // Every candidate is compared, so timing does not tell which encoding matched.
  return decoded(given).reduce((ok, candidate) => timingSafeEqual(candidate, expected) || ok, false);
}
