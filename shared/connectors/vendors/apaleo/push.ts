import type { PushHandler, PushRequest } from '../../connector.js';
import { pushEvent } from '../../push-body.js';
import { sameSecret } from '../../same-secret.js';
import { webhookEvent } from './schemas.js';
import type { ApaleoCredentials, ApaleoSettings } from './settings.js';
import type { DayRunner } from './run.js';

function basicAuth(headers: Record<string, string>): { username: string; password: string } | undefined {
  const h = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/**
 * apaleo webhooks carry no signature: the subscription's URL holds a token and/or the request carries
 * basic auth, over HTTPS. Every method the integration configured must match (constant-time); with
 * none configured, nothing is accepted.
 */
export function authenticate(request: PushRequest, credentials: ApaleoCredentials): boolean {
  const { webhookToken, webhookBasic } = credentials;
  if (!webhookToken && !webhookBasic) return false;
  let ok = true;
  if (webhookToken) ok = sameSecret(request.query.token, webhookToken) && ok;
  if (webhookBasic) {
    const offered = basicAuth(request.headers);
    ok = sameSecret(offered?.username, webhookBasic.username) && ok;
    ok = sameSecret(offered?.password, webhookBasic.password) && ok;
  }
  return ok;
}

/**
 * One apaleo event. The health check apaleo sends to a subscription is answered with no work. A
 * reservation event is thin: the reservation is read back and every business date it touches is
 * recomputed from apaleo's current state, so a duplicate or an out-of-order event recomputes the same
 * days to the same figures. Other topics (folios, invoices, …) are left to the periodic pull.
 * apaleo does not replay events missed while we were unreachable: a push integration also pulls on its schedule.
 */
export function pushHandler(runner: DayRunner): PushHandler<ApaleoSettings, ApaleoCredentials> {
  return {
    authenticate,
    async handle(ctx, request) {
      const event = pushEvent(request, webhookEvent, 'an apaleo event');
      const topic = event.topic.toLowerCase();
      if (topic === 'system' && event.type.toLowerCase() === 'healthcheck') return { batches: [], objectsRead: 0, healthCheck: true };
      if (topic !== 'reservation' || !event.data?.entityId) return { batches: [], objectsRead: 0 };
      if (event.propertyId && event.propertyId !== ctx.settings.propertyId) return { batches: [], objectsRead: 0 };
      return runner.reservationChanged(ctx, event.data.entityId);
    },
  };
}
