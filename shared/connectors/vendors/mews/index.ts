import type { Connector, ConnectorContext, PullResult, PullWindow } from '../../connector.js';
import { MewsClient } from './client.js';
import { mewsPush } from './push.js';
import { mewsCredentials, mewsSettings, type MewsCredentials, type MewsSettings } from './settings.js';
import { MewsSync } from './sync.js';
import { datesBetween } from '../../local-days.js';

function syncOf(ctx: ConnectorContext<MewsSettings, MewsCredentials>): MewsSync {
  return new MewsSync(new MewsClient(ctx.http, ctx.settings, ctx.credentials), ctx.settings, ctx.today);
}

/**
 * Mews Connector API (https://docs.mews.com/connector-api): daily room statistics (`pms`) derived
 * from reservations, rooms and out-of-order blocks, and revenue by department (`ams`) from order
 * items by accounting category. Pull reads the `UpdatedUtc` change feed and recomputes every
 * business date a change touches; backfill recomputes a range of business dates; push takes Mews's
 * id-only webhooks. See docs/connectors.md § Mews.
 */
export const mews: Connector<typeof mewsSettings, typeof mewsCredentials> = {
  manifest: {
    id: 'mews',
    name: 'Mews',
    vendor: 'Mews Systems',
    sourceTypes: ['pms', 'ams'],
    auth: 'mews-tokens',
    settings: mewsSettings,
    credentials: mewsCredentials,
    capabilities: {
      pull: true,
      push: true,
      // "Max length 3 months" on every UpdatedUtc/CollidingUtc/ConsumedUtc filter; 89 days always fit.
      maxWindowDays: 89,
      // 200 requests per AccessToken per 30 s: a one-hotel year is ~60 requests whatever the
      // overlap, and a 429's Retry-After is honoured; three windows keep a portfolio token's
      // properties from starving each other.
      backfillConcurrency: 3,
      defaultSchedule: '0 */15 * * * *',
    },
  },

  async pull(ctx, window: PullWindow): Promise<PullResult> {
    const sync = syncOf(ctx);
    const dates = await sync.changedDates({ StartUtc: window.from, EndUtc: window.to });
    return sync.result(await sync.recompute(dates));
  },

  async backfill(ctx, range): Promise<PullResult> {
    const sync = syncOf(ctx);
    return sync.result(await sync.recompute(datesBetween(range.from, range.to)));
  },

  push: mewsPush,
};
