import type { Connector } from '../../connector.js';
import { VENDOR } from './client.js';
import { plandayCredentials, plandaySettings } from './settings.js';
import { PlandaySync } from './sync.js';

/**
 * Planday (workforce scheduling and punch clock), Open API v1.0: punch clock records of the
 * property's departments become canonical `tms` time records — productive hours and labour cost per
 * record, punch clock breaks and overtime by the integration's rules — through the labour module.
 * Authentication is the app's refresh token, exchanged by the connector's client. Planday has no
 * change feed or webhooks for punch clock records, so a scheduled pull re-reads recent weeks.
 * docs/connectors.md § Planday.
 */
export const planday: Connector<typeof plandaySettings, typeof plandayCredentials> = {
  manifest: {
    id: 'planday',
    name: 'Planday',
    vendor: VENDOR,
    sourceTypes: ['tms'],
    // The connector's client exchanges the refresh token and sends the bearer token itself.
    auth: 'bearer-token',
    settings: plandaySettings,
    credentials: plandayCredentials,
    // Four-week windows: each backfill read is a few whole weeks.
    capabilities: { pull: true, push: false, maxWindowDays: 28, defaultSchedule: '0 20 * * * *', changeFeed: false },
  },
  pull: (ctx, window) => new PlandaySync(ctx).recent(window.from),
  backfill: (ctx, range) => new PlandaySync(ctx).backfill(range.from, range.to),
};
