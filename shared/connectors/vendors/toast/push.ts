import { createHmac } from 'node:crypto';
import type { PushHandler, PushRequest } from '../../connector.js';
import { pushEvent } from '../../push-body.js';
import { sameSecret } from '../../same-secret.js';
import { webhookEvent } from './schemas.js';
import type { ToastCredentials, ToastSettings } from './settings.js';
import { ToastSync } from './sync.js';

export const SIGNATURE_HEADER = 'toast-signature';

/**
 * Toast's webhook signature (developer guide, "Message signing"): base64 HMAC-SHA256, keyed by the
 * subscription's secret, of the body followed by the message's timestamp (its Java sample signs
 * `body + timestamp`).
 */
export function toastSignature(secret: string, body: Buffer, timestamp = ''): string {
  return createHmac('sha256', secret).update(body).update(timestamp, 'utf8').digest('base64');
}

/** The envelope's `timestamp`, the only one a notification carries (no timestamp header is listed among Toast's webhook headers). */
function timestampOf(body: Buffer): string | undefined {
  try {
    const t = (JSON.parse(body.toString('utf8')) as { timestamp?: unknown }).timestamp;
    return typeof t === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Toast webhook is authentic when its `Toast-Signature` is the signature of the body exactly as
 * received followed by its timestamp, or — where Toast's guide is read as signing the body alone —
 * of the body alone; either needs the secret. Compared as digests (constant time, no length leak);
 * without a secret in the credentials nothing is accepted.
 */
export function authenticate(request: PushRequest, credentials: ToastCredentials): boolean {
  const secret = credentials.webhookSecret;
  const offered = Object.entries(request.headers).find(([k]) => k.toLowerCase() === SIGNATURE_HEADER)?.[1];
  if (!secret || !offered) return false;
  const timestamp = timestampOf(request.body);
  const withTimestamp = timestamp !== undefined && sameSecret(offered, toastSignature(secret, request.body, timestamp));
  const bodyOnly = sameSecret(offered, toastSignature(secret, request.body));
  return withTimestamp || bodyOnly;
}

/** The orders webhook's event types: an order created or changed (`channel_` for orders an ordering partner submitted). */
const ORDER_EVENTS = new Set(['order_updated', 'channel_order_updated']);

/**
 * Toast's orders webhook (`order_updated`, `channel_order_updated`) carries the order, but the day is recomputed from what
 * Toast answers now: the order is read back by GUID and its business date recomputed whole. A
 * duplicate or out-of-order delivery therefore gives the same records (the push endpoint keys its
 * imports by them, so nothing is imported twice). Another category or a restaurant this integration
 * does not read is no work.
 */
export const pushHandler: PushHandler<ToastSettings, ToastCredentials> = {
  authenticate,
  async handle(ctx, request) {
    const event = pushEvent(request, webhookEvent, 'a Toast webhook event');
    const restaurantGuid = event.details?.restaurantGuid;
    const orderGuid = event.details?.order?.guid;
    if (!ORDER_EVENTS.has(event.eventType) || !restaurantGuid || !orderGuid) return { batches: [], objectsRead: 0 };
    return new ToastSync(ctx).orderChanged(restaurantGuid, orderGuid);
  },
};
