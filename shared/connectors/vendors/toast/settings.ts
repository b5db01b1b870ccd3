import { z } from 'zod';
import { code } from '../../../integrations/formats/common.js';
import { oneLocationPerOutlet } from '../../pos-days.js';
import { vendorUrl } from '../../vendor-url.js';

/** Toast's GUIDs (restaurants, revenue centers, dining options): opaque strings. */
const guid = z.string().min(1).max(64);

const restaurant = z.strictObject({
  guid: guid.describe('The restaurant (location) GUID: Toast-Restaurant-External-ID'),
  outlet: code.optional().describe('Our outlet code of the restaurant’s sales that no revenue center or dining option maps (default: the GUID)'),
  byRevenueCenter: z.record(guid, code).default({}).describe('Toast revenue center GUID → our outlet code (checked first)'),
  byDiningOption: z.record(guid, code).default({}).describe('Toast dining option GUID → our outlet code (when the revenue center is not mapped)'),
});
export type ToastRestaurantSettings = z.infer<typeof restaurant>;

/** Every outlet code a restaurant's orders can post to. */
export function outletsOfRestaurant(r: ToastRestaurantSettings): string[] {
  return [...new Set([r.outlet ?? r.guid, ...Object.values(r.byRevenueCenter), ...Object.values(r.byDiningOption)])].sort();
}

export const toastSettings = z
  .strictObject({
    baseUrl: vendorUrl()
      .transform((u) => u.replace(/\/+$/, ''))
      .default('https://ws-api.toasttab.com')
      .describe('The Toast API hostname Toast issued with the credentials (the sandbox has its own)'),
    restaurants: z.array(restaurant).min(1).max(10).describe('The Toast restaurants (locations) of this property and how their sales map to outlets'),
  })
  .superRefine((s, ctx) => {
    oneLocationPerOutlet(ctx, { path: 'restaurants', keyField: 'guid', noun: 'restaurant' }, s.restaurants.map((r) => ({ key: r.guid, outlets: outletsOfRestaurant(r) })));
  });
export type ToastSettings = z.infer<typeof toastSettings>;

/**
 * The Toast API client's credentials (Toast Web → Integrations → Toast API access, "standard API
 * access": a machine client), and — once the hotel has subscribed the push URL to Toast's orders
 * webhook — the subscription's secret Toast signs each notification with.
 */
export const toastCredentials = z.strictObject({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
  webhookSecret: z.string().min(8).max(500).optional(),
});
export type ToastCredentials = z.infer<typeof toastCredentials>;
