import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the sender signs
 * `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 under the shared secret and sends
 * `v1,<base64>` in `webhook-signature` (several, space-separated, while a secret is being rotated).
 *
 * @example
 * const secret = generateSecret();                       // 'whsec_...' shown once to the customer
 * const headers = signWebhook(secret, 'msg_1', new Date(), body);
 * verifyWebhook({ secrets: [secret], headers, body });   // throws a WebhookVerificationError subclass
 */

const PREFIX = 'whsec_';
/** Senders may not be more than this far off our clock, in either direction. */
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export class WebhookVerificationError extends Error {
  override readonly name: string = 'WebhookVerificationError';
}
/** A header is missing or malformed. */
export class WebhookHeadersInvalid extends WebhookVerificationError {
  override readonly name = 'WebhookHeadersInvalid';
}
/** The timestamp is outside the tolerance: a stale replay, or a clock far ahead. */
export class WebhookTimestampOutOfRange extends WebhookVerificationError {
  override readonly name = 'WebhookTimestampOutOfRange';
}
/** No offered signature matches any current secret. */
export class WebhookSignatureMismatch extends WebhookVerificationError {
  override readonly name = 'WebhookSignatureMismatch';
}

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The key bytes of a secret: the base64 part after `whsec_` (a bare base64 secret is accepted too). */
function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const key = Buffer.from(b64, 'base64');
  if (key.length < 16) throw new Error('webhook secret is too short');
  return key;
}

/** HMAC-SHA256("{id}.{timestamp}.{body}"), the raw 32 bytes. */
function mac(secret: string, id: string, timestampSeconds: number, body: Buffer | string): Buffer {
  const hmac = createHmac('sha256', secretKey(secret));
  hmac.update(`${id}.${timestampSeconds}.`);
  hmac.update(body);
  return hmac.digest();
}

/** `v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>` */
export function signature(secret: string, id: string, timestampSeconds: number, body: Buffer | string): string {
  return `v1,${mac(secret, id, timestampSeconds, body).toString('base64')}`;
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three headers a sender attaches; with several secrets, one signature per secret. */
export function signWebhook(secrets: string | string[], id: string, at: Date, body: Buffer | string): WebhookHeaders {
  const ts = Math.floor(at.getTime() / 1000);
  const list = Array.isArray(secrets) ? secrets : [secrets];
  return {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': list.map((s) => signature(s, id, ts, body)).join(' '),
  };
}

export interface VerifyInput {
  /** Every secret currently valid for the sender (the new one and, during an overlap, the old one). */
  secrets: string[];
  headers: { get(name: string): string | null } | Partial<WebhookHeaders>;
  body: Buffer | string;
  now?: Date;
  toleranceSeconds?: number;
}

export interface VerifiedWebhook {
  id: string;
  timestamp: Date;
  /** Index in `secrets` of the secret that matched. */
  secretIndex: number;
}

function header(headers: VerifyInput['headers'], name: keyof WebhookHeaders): string | undefined {
  const h = headers as { get?: unknown };
  const v = typeof h.get === 'function' ? (headers as { get(n: string): string | null }).get(name) : (headers as Partial<WebhookHeaders>)[name];
  return v === null || v === undefined || v === '' ? undefined : v;
}

const ID_PATTERN = /^[\x21-\x7e]{1,256}$/;

/**
 * Verifies a delivery: headers present, timestamp within tolerance, then at least one `v1`
 * signature equal (constant-time) to the HMAC under one of the secrets. Throws otherwise.
 */
export function verifyWebhook(input: VerifyInput): VerifiedWebhook {
  const id = header(input.headers, 'webhook-id');
  const ts = header(input.headers, 'webhook-timestamp');
  const sig = header(input.headers, 'webhook-signature');
  if (!id || !ts || !sig) throw new WebhookHeadersInvalid('webhook-id, webhook-timestamp and webhook-signature are required');
  if (!ID_PATTERN.test(id)) throw new WebhookHeadersInvalid('webhook-id is malformed');
  if (!/^\d{1,12}$/.test(ts)) throw new WebhookHeadersInvalid('webhook-timestamp must be integer seconds');
  const seconds = Number(ts);
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - seconds) > tolerance) throw new WebhookTimestampOutOfRange('webhook-timestamp is outside the allowed window');

  const offered = sig
    .split(' ')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'))
    .filter((b) => b.length === 32);
  if (offered.length === 0) throw new WebhookHeadersInvalid('webhook-signature carries no v1 signature');
  for (let i = 0; i < input.secrets.length; i++) {
    const expected = mac(input.secrets[i] as string, id, seconds, input.body);
    // Compare against every offered signature without stopping early, so timing says nothing about which matched.
    let match = false;
    for (const candidate of offered) match = timingSafeEqual(candidate, expected) || match;
    if (match) return { id, timestamp: new Date(seconds * 1000), secretIndex: i };
  }
  throw new WebhookSignatureMismatch('no signature matches');
}
