import type { Connector } from '../../connector.js';
import { VENDOR } from './client.js';
import { simphonyCredentials, simphonySettings } from './settings.js';
import { SimphonySync, WINDOW_DAYS } from './sync.js';

/**
 * Oracle Simphony (POS): sales per outlet (revenue center) and business date from the Business
 * Intelligence API, by `locRef` and `busDt`: closed dates from `getOperationsDailyTotals`, the open
 * date from `getGuestChecks`, with the BI API account's OpenID Connect login (refresh grant when
 * due). docs/connectors.md#oracle-simphony.
 */
export const simphony: Connector<typeof simphonySettings, typeof simphonyCredentials> = {
  manifest: {
    id: 'simphony',
    name: 'Oracle Simphony',
    vendor: VENDOR,
    sourceTypes: ['pos'],
    // The connector logs in itself (client.ts): the BI API's login is OpenID Connect's code flow with PKCE, not the framework's client credentials.
    auth: 'bearer-token',
    settings: simphonySettings,
    credentials: simphonyCredentials,
    capabilities: { pull: true, push: false, maxWindowDays: WINDOW_DAYS, defaultSchedule: '0 0 * * * *' },
  },
  pull: (ctx, window) => new SimphonySync(ctx).pull(window),
  backfill: (ctx, range) => new SimphonySync(ctx).backfill(range),
};
