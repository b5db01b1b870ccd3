import type { ConnectorContext, PullResult, PushHandler, PushRequest } from '../../connector.js';
import { sameSecret } from '../../same-secret.js';
import { MewsClient } from './client.js';
import { webhookMessage } from './schemas.js';
import type { MewsCredentials, MewsSettings } from './settings.js';
import { MewsSync } from './sync.js';

/** The query parameter Mews puts our shared secret in (events/wh-faq.md: `?Token=`). */
export const WEBHOOK_TOKEN_PARAM = 'Token';

/**
 * Mews General Webhooks (events/wh-general.md): a message names entities by id only
 * (`{ Discriminator, Value: { Id } }`), so each is fetched back through the Connector API and every
 * business date it touches is recomputed whole. Duplicates and out-of-order messages are harmless:
 * the records are a function of Mews's current state, not of the event.
 */
export const mewsPush: PushHandler<MewsSettings, MewsCredentials> = {
  authenticate(request: PushRequest, credentials: MewsCredentials): boolean {
    const expected = credentials.webhookToken;
    const given = request.query[WEBHOOK_TOKEN_PARAM];
    if (!expected || typeof given !== 'string') return false;
    return sameSecret(given, expected);
  },

  async handle(ctx: ConnectorContext<MewsSettings, MewsCredentials>, request: PushRequest): Promise<PullResult> {
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return { batches: [], objectsRead: 0 };
    }
    const parsed = webhookMessage.safeParse(json);
    // Another enterprise of a portfolio integration, or a message we do not understand: no work.
    if (!parsed.success || parsed.data.EnterpriseId !== ctx.settings.enterpriseId) return { batches: [], objectsRead: 0 };
    const reservations = new Set<string>();
    const blocks = new Set<string>();
    for (const event of parsed.data.Events) {
      if (event.Discriminator === 'ServiceOrderUpdated') reservations.add(event.Value.Id);
      else if (event.Discriminator === 'ResourceBlockUpdated') blocks.add(event.Value.Id);
      // Customers, messages and payments do not change room statistics or revenue.
    }
    if (reservations.size === 0 && blocks.size === 0) return { batches: [], objectsRead: 0 };
    const sync = new MewsSync(new MewsClient(ctx.http, ctx.settings, ctx.credentials), ctx.settings, ctx.today);
    const dates = await sync.datesOf({ reservations: [...reservations].sort(), blocks: [...blocks].sort() });
    return sync.result(await sync.recompute(dates));
  },
};
