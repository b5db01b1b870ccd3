import { z } from 'zod';
import { code } from '../../../integrations/formats/common.js';
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
    // A record id names its restaurant, so an outlet code must belong to one restaurant: two would write two records for one outlet and day.
    const owner = new Map<string, string>();
    s.restaurants.forEach((r, i) => {
      if (s.restaurants.findIndex((x) => x.guid === r.guid) !== i) ctx.addIssue({ code: 'custom', path: ['restaurants', i, 'guid'], message: 'listed twice' });
      for (const outlet of outletsOfRestaurant(r)) {
        const other = owner.get(outlet);
        if (other !== undefined && other !== r.guid) ctx.addIssue({ code: 'custom', path: ['restaurants', i], message: `outlet '${outlet}' is already an outlet of restaurant ${other}` });
        owner.set(outlet, r.guid);
      }
    });
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
