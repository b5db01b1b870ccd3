import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { PushHandler, PushRequest } from '../../connector.js';
import { pushEvent } from '../../push-body.js';
import { webhookEvent } from './schemas.js';
import type { SquareCredentials, SquareSettings } from './settings.js';
import { SquareSync } from './sync.js';

export const SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** Square's webhook signature: base64 HMAC-SHA256, keyed by the subscription's signature key, over the notification URL followed by the raw body. */
export function squareSignature(signatureKey: string, notificationUrl: string, body: Buffer): string {
  return createHmac('sha256', signatureKey).update(notificationUrl, 'utf8').update(body).digest('base64');
}

/** Compared as digests, so neither the length nor the content of the expected signature leaks through timing. */
function same(offered: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(offered).digest(), createHash('sha256').update(expected).digest());
}

/**
 * A Square webhook is authentic when its `x-square-hmacsha256-signature` is the signature of the
 * notification URL the subscription was created with and the body exactly as received; without a
 * signature key and URL in the credentials nothing is accepted.
 */
export function authenticate(request: PushRequest, credentials: SquareCredentials): boolean {
  const { webhookSignatureKey: key, notificationUrl: url } = credentials;
  const offered = Object.entries(request.headers).find(([k]) => k.toLowerCase() === SIGNATURE_HEADER)?.[1];
  if (!key || !url || !offered) return false;
  return same(offered, squareSignature(key, url, request.body));
}

const ORDER_EVENTS = new Set(['order.created', 'order.updated']);

/**
 * Square's order events are thin (the order's id, location, state and version): the order is read
 * back and its business date recomputed whole from Square's current state. A duplicate delivery
 * (same `event_id`) therefore produces the same records, which the push endpoint keys its import by,
 * so it imports nothing twice; an out-of-order one recomputes the same day to the same figures.
 * Square's test notification is a health check; other event types and other locations are no work.
 */
export const pushHandler: PushHandler<SquareSettings, SquareCredentials> = {
  authenticate,
  async handle(ctx, request) {
    const event = pushEvent(request, webhookEvent, 'a Square event');
    if (event.type === 'webhooks.test_notification') return { batches: [], objectsRead: 0, healthCheck: true };
    if (!ORDER_EVENTS.has(event.type)) return { batches: [], objectsRead: 0 };
    const about = event.data?.object?.order_updated ?? event.data?.object?.order_created;
    const orderId = about?.order_id ?? event.data?.id;
    const locationId = about?.location_id;
    if (!orderId || !locationId || !ctx.settings.locationIds.includes(locationId)) return { batches: [], objectsRead: 0 };
    return new SquareSync(ctx).orderChanged(locationId, orderId);
  },
};
