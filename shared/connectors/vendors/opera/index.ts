import type { CanonicalBatch, Connector, ConnectorContext, PullResult, PullWindow } from '../../connector.js';
import { addDays } from '../../../reporting/periods.js';
import { localDateHour } from '../../../integrations/properties.js';
import { gatewayUrl, OhipClient, VENDOR } from './client.js';
import { amsRecords, pmsRecords } from './mapping.js';
import { operaCredentials, operaSettings, type OperaCredentials, type OperaSettings } from './settings.js';

type Context = ConnectorContext<OperaSettings, OperaCredentials>;

/**
 * Everything that determines the business dates `from`..`to`: daily revenue and inventory
 * statistics (past and on-the-books), house complimentary rooms and persons, and the revenue
 * postings of the dates up to today (the future has none) other than room revenue.
 */
async function readDates(ctx: Context, from: string, to: string): Promise<PullResult> {
  const client = new OhipClient(ctx.http, ctx.settings, ctx.credentials);
  const stats = await client.revenueInventoryStatistics(from, to);
  const inventory = await client.inventoryStatistics(from, to);
  const postingsTo = to < ctx.today ? to : ctx.today;
  const postings = from <= postingsTo ? await client.financialPostings(from, postingsTo) : { postings: [], groups: new Map<string, string>(), roomRevenueCodes: new Set<string>() };
  const batches: CanonicalBatch[] = [];
  const pms = pmsRecords(ctx.settings.hotelId, ctx.today, stats, inventory);
  if (pms.length > 0) batches.push({ sourceType: 'pms', records: pms.map((r) => ({ ...r })) });
  const ams = amsRecords(ctx.settings.hotelId, ctx.settings, { from, to: postingsTo }, postings);
  if (ams.length > 0) batches.push({ sourceType: 'ams', records: ams.map((r) => ({ ...r })) });
  return { batches, objectsRead: client.objectsRead };
}

/**
 * Oracle OPERA Cloud through the Oracle Hospitality Integration Platform (OHIP) REST APIs.
 *
 * OHIP REST has no change feed for statistics or postings, so a scheduled pull re-reads dates
 * instead of reading changes: from `reReadDays` before the window's start (night-audit corrections
 * arrive days late) to `aheadDays` after today (on-the-books). Every record's id derives from the
 * hotel and the business date, so a re-read replaces what the previous run sent.
 */
export const opera: Connector<typeof operaSettings, typeof operaCredentials> = {
  manifest: {
    id: 'opera-cloud',
    name: 'Oracle OPERA Cloud (OHIP)',
    vendor: VENDOR,
    sourceTypes: ['pms', 'ams'],
    auth: 'oauth-client-credentials',
    settings: operaSettings,
    credentials: operaCredentials,
    // Financial postings allow 30 days per request: one window never needs more than one span.
    capabilities: { pull: true, push: false, maxWindowDays: 30, defaultSchedule: '0 15 * * * *', changeFeed: false },
  },

  tokenRequest(settings, credentials) {
    return {
      url: gatewayUrl(settings, 'oauth/v1/tokens'),
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      scope: settings.scope,
      clientAuth: 'basic',
      headers: { 'x-app-key': credentials.appKey, ...(settings.enterpriseId ? { enterpriseId: settings.enterpriseId } : {}) },
    };
  },

  pull(ctx, window: PullWindow) {
    const start = localDateHour(new Date(window.from), ctx.timeZone).date;
    const from = addDays(start < ctx.today ? start : ctx.today, -ctx.settings.reReadDays);
    return readDates(ctx, from, addDays(ctx.today, ctx.settings.aheadDays));
  },

  backfill(ctx, range) {
    return readDates(ctx, range.from, range.to);
  },
};
