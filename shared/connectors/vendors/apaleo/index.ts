import type { Connector } from '../../connector.js';
import { vendorEndpoint } from '../../vendor-url.js';
import { VENDOR } from './client.js';
import { pushHandler } from './push.js';
import { CHUNK_DAYS, DayRunner } from './run.js';
import { apaleoCredentials, apaleoSettings } from './settings.js';

const runner = new DayRunner();

/**
 * apaleo (cloud PMS): daily room statistics and revenue by department from the Booking v1
 * reservations (time slices) and the Inventory v1 units, pulled with OAuth 2.0 client credentials;
 * apaleo's thin webhooks trigger a read-back of the reservation. docs/connectors.md#apaleo.
 */
export const apaleo: Connector<typeof apaleoSettings, typeof apaleoCredentials> = {
  manifest: {
    id: 'apaleo',
    name: 'apaleo',
    vendor: VENDOR,
    sourceTypes: ['pms', 'ams'],
    auth: 'oauth-client-credentials',
    settings: apaleoSettings,
    credentials: apaleoCredentials,
    capabilities: { pull: true, push: true, maxWindowDays: CHUNK_DAYS, defaultSchedule: '0 */15 * * * *' },
  },
  pull: (ctx, window) => runner.pull(ctx, window),
  backfill: (ctx, range) => runner.backfill(ctx, range),
  push: pushHandler(runner),
  tokenRequest: (settings, credentials) => ({
    url: vendorEndpoint(settings.identityBaseUrl, 'connect/token'),
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    clientAuth: 'basic',
  }),
};
