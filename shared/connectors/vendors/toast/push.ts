import { createHmac } from 'node:crypto';
import type { PushHandler, PushRequest } from '../../connector.js';
import { pushEvent } from '../../push-body.js';
import { sameSecret } from '../../same-secret.js';
import { webhookEvent } from './schemas.js';
import type { ToastCredentials, ToastSettings } from './settings.js';
import { ToastSync } from './sync.js';

export const SIGNATURE_HEADER = 'toast-signature';

/** Toast's webhook signature: base64 HMAC-SHA256 of the raw body, keyed by the subscription's secret. */
export function toastSignature(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * A Toast webhook is authentic when its `Toast-Signature` is the signature of the body exactly as
 * received, compared as digests (constant time, no length leak); without a secret in the
 * credentials nothing is accepted.
 */
export function authenticate(request: PushRequest, credentials: ToastCredentials): boolean {
  const secret = credentials.webhookSecret;
  const offered = Object.entries(request.headers).find(([k]) => k.toLowerCase() === SIGNATURE_HEADER)?.[1];
  if (!secret || !offered) return false;
  return sameSecret(offered, toastSignature(secret, request.body));
}

/**
 * Toast's orders webhook (`order_updated`) carries the order, but the day is recomputed from what
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
    if (event.eventType !== 'order_updated' || !restaurantGuid || !orderGuid) return { batches: [], objectsRead: 0 };
    return new ToastSync(ctx).orderChanged(restaurantGuid, orderGuid);
  },
};
