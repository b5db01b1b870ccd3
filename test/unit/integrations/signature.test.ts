import { describe, expect, it } from '@jest/globals';
import {
  generateSecret,
  signWebhook,
  signature,
  verifyWebhook,
  WebhookHeadersInvalid,
  WebhookSignatureMismatch,
  WebhookTimestampOutOfRange,
} from '../../../shared/integrations/signature.js';

// ../shared/GUIDE.md §5, the Standard Webhooks reference vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = new Date(VECTOR.timestamp * 1000);
const headers = (sig = VECTOR.signature, ts = String(VECTOR.timestamp), id = VECTOR.id) => ({ 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig });

describe('Standard Webhooks signature', () => {
  it('reproduces the reference vector', () => {
    expect(signature(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(signWebhook(VECTOR.secret, VECTOR.id, at, VECTOR.body)['webhook-signature']).toBe(VECTOR.signature);
  });

  it('verifies the reference vector at its own time', () => {
    expect(verifyWebhook({ secrets: [VECTOR.secret], headers: headers(), body: VECTOR.body, now: at })).toMatchObject({ id: VECTOR.id, secretIndex: 0 });
  });

  it('accepts one matching signature among several, and a match under any current secret', () => {
    const other = generateSecret();
    const sig = `v1,${Buffer.alloc(32, 7).toString('base64')} ${VECTOR.signature} v2,whatever`;
    expect(verifyWebhook({ secrets: [other, VECTOR.secret], headers: headers(sig), body: VECTOR.body, now: at }).secretIndex).toBe(1);
  });

  it('refuses a wrong secret, a changed body and a changed id', () => {
    expect(() => verifyWebhook({ secrets: [generateSecret()], headers: headers(), body: VECTOR.body, now: at })).toThrow(WebhookSignatureMismatch);
    expect(() => verifyWebhook({ secrets: [VECTOR.secret], headers: headers(), body: '{"test": 2432232315}', now: at })).toThrow(WebhookSignatureMismatch);
    expect(() => verifyWebhook({ secrets: [VECTOR.secret], headers: headers(VECTOR.signature, String(VECTOR.timestamp), 'msg_other'), body: VECTOR.body, now: at })).toThrow(
      WebhookSignatureMismatch,
    );
  });

  it('refuses stale and future timestamps beyond five minutes, and accepts the edges', () => {
    const verify = (offsetSeconds: number) => () =>
      verifyWebhook({ secrets: [VECTOR.secret], headers: headers(), body: VECTOR.body, now: new Date((VECTOR.timestamp + offsetSeconds) * 1000) });
    expect(verify(301)).toThrow(WebhookTimestampOutOfRange);
    expect(verify(-301)).toThrow(WebhookTimestampOutOfRange);
    expect(verify(300)).not.toThrow();
    expect(verify(-300)).not.toThrow();
  });

  it('refuses missing or malformed headers', () => {
    const base = { secrets: [VECTOR.secret], body: VECTOR.body, now: at };
    expect(() => verifyWebhook({ ...base, headers: { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp) } })).toThrow(WebhookHeadersInvalid);
    expect(() => verifyWebhook({ ...base, headers: headers(VECTOR.signature, '1614265330.5') })).toThrow(WebhookHeadersInvalid);
    expect(() => verifyWebhook({ ...base, headers: headers('v1a,' + VECTOR.signature.slice(3)) })).toThrow(WebhookHeadersInvalid);
  });

  it('reads headers from a Fetch Headers object', () => {
    const h = new Headers(headers());
    expect(verifyWebhook({ secrets: [VECTOR.secret], headers: h, body: Buffer.from(VECTOR.body), now: at }).id).toBe(VECTOR.id);
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(s);
  });
});
