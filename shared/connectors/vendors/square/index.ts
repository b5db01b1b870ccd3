import type { Connector } from '../../connector.js';
import { pushHandler } from './push.js';
import { squareCredentials, squareSettings } from './settings.js';
import { SquareSync, WINDOW_DAYS } from './sync.js';

/**
 * Square (POS): sales per outlet and business date from the Orders API (SearchOrders by update and
 * closing time, BatchRetrieveOrders for webhooks) and each location's time zone from the Locations
 * API, with the seller's OAuth access token; order.created/order.updated webhooks signed with
 * x-square-hmacsha256-signature. docs/connectors.md#square.
 */
export const square: Connector<typeof squareSettings, typeof squareCredentials> = {
  manifest: {
    id: 'square',
    name: 'Square',
    vendor: 'Square',
    sourceTypes: ['pos'],
    auth: 'bearer-token',
    settings: squareSettings,
    credentials: squareCredentials,
    capabilities: { pull: true, push: true, maxWindowDays: WINDOW_DAYS, defaultSchedule: '0 */15 * * * *' },
  },
  pull: (ctx, window) => new SquareSync(ctx).pull(window),
  backfill: (ctx, range) => new SquareSync(ctx).backfill(range),
  push: pushHandler,
};
