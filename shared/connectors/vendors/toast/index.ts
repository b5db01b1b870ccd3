import type { Connector } from '../../connector.js';
import { VENDOR } from './client.js';
import { pushHandler } from './push.js';
import { toastCredentials, toastSettings } from './settings.js';
import { ToastSync, WINDOW_DAYS } from './sync.js';

/**
 * Toast (POS): sales per outlet (revenue center, else dining option, else restaurant) and Toast
 * business date from the orders API (`GET /orders/v2/ordersBulk` by business date and by modified
 * time), each restaurant's time zone from the restaurants API, with Toast's own client-credentials
 * login; `order_updated` webhooks signed with `Toast-Signature`. docs/connectors.md#toast.
 */
export const toast: Connector<typeof toastSettings, typeof toastCredentials> = {
  manifest: {
    id: 'toast',
    name: 'Toast',
    vendor: VENDOR,
    sourceTypes: ['pos'],
    // The connector logs in itself (client.ts): Toast's login is not RFC 6749's form, which the framework's token client speaks.
    auth: 'bearer-token',
    settings: toastSettings,
    credentials: toastCredentials,
    capabilities: { pull: true, push: true, maxWindowDays: WINDOW_DAYS, defaultSchedule: '0 */15 * * * *' },
  },
  pull: (ctx, window) => new ToastSync(ctx).pull(window),
  backfill: (ctx, range) => new ToastSync(ctx).backfill(range),
  push: pushHandler,
};
