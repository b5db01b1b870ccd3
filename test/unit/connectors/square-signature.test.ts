import { describe, expect, it } from '@jest/globals';
import type { PushRequest } from '../../../shared/connectors/connector.js';
import { authenticate, squareSignature } from '../../../shared/connectors/vendors/square/push.js';

/**
 * Square's webhook signature (`x-square-hmacsha256-signature`: base64 HMAC-SHA256 over the
 * notification URL followed by the raw body, keyed by the subscription's signature key), checked
 * with the test vector Square's own SDKs use (test/fixtures/vendors/square/PROVENANCE.md).
 */

const BODY = '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}';
const SIGNATURE = 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=';
const KEY = 'Ibxx_5AKakO-3qeNVR61Dw';
const URL = 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9';
const credentials = { accessToken: 'EAAA-x', webhookSignatureKey: KEY, notificationUrl: URL };

const request = (body: string, signature: string | undefined, header = 'x-square-hmacsha256-signature'): PushRequest => ({ headers: signature === undefined ? {} : { [header]: signature }, query: {}, body: Buffer.from(body, 'utf8') });

describe('Square webhook signature', () => {
  it('computes Square’s documented example', () => {
    expect(squareSignature(KEY, URL, Buffer.from(BODY))).toBe(SIGNATURE);
  });

  it('accepts the documented example, whatever the header’s case', () => {
    expect(authenticate(request(BODY, SIGNATURE), credentials)).toBe(true);
    expect(authenticate(request(BODY, SIGNATURE, 'X-Square-HmacSha256-Signature'), credentials)).toBe(true);
  });

  it('refuses a tampered body, even one that parses to the same JSON', () => {
    expect(authenticate(request(BODY.replace('2022-07-13', '2022-06-13'), SIGNATURE), credentials)).toBe(false);
    expect(authenticate(request(JSON.stringify(JSON.parse(BODY), null, 2), SIGNATURE), credentials)).toBe(false);
  });

  it('refuses a signature made for another notification URL', () => {
    expect(authenticate(request(BODY, SIGNATURE), { ...credentials, notificationUrl: 'https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9' })).toBe(false);
  });

  it('refuses a signature made with another key', () => {
    expect(authenticate(request(BODY, SIGNATURE), { ...credentials, webhookSignatureKey: 'MCmhFRxGX82xMwg5FsaoQA' })).toBe(false);
    expect(authenticate(request(BODY, squareSignature('MCmhFRxGX82xMwg5FsaoQA', URL, Buffer.from(BODY))), credentials)).toBe(false);
  });

  it('refuses a missing or malformed signature, and everything when no key or URL is configured', () => {
    expect(authenticate(request(BODY, undefined), credentials)).toBe(false);
    expect(authenticate(request(BODY, '1z2n3DEJJiUPKcPzQo1ftvbxGdw='), credentials)).toBe(false);
    expect(authenticate(request(BODY, ''), credentials)).toBe(false);
    expect(authenticate(request(BODY, SIGNATURE), { accessToken: 'EAAA-x' })).toBe(false);
    expect(authenticate(request(BODY, SIGNATURE), { accessToken: 'EAAA-x', webhookSignatureKey: KEY })).toBe(false);
  });
});
