import { BRASSERIE, DINING_IN_ROOM, RC_BAR, RC_RESTAURANT, ROOFTOP, type Json, type ToastData } from './dataset.js';
import { expectedDay, expectedRefund, refundDates } from './expected.js';

/**
 * The test hotel's Toast setup shared by the end-to-end tests: the brasserie's revenue centers and
 * in-room dining become outlets, the rooftop restaurant is one outlet, and every outlet posts to
 * the hotel's F&B department.
 */
const OUTLETS: Record<string, string> = { [RC_RESTAURANT]: 'REST', [RC_BAR]: 'BAR', [DINING_IN_ROOM]: 'IRD' };

/** The outlet the settings below give an order. */
export const outletOf = (o: Json) =>
  o.restaurantGuid === ROOFTOP ? 'ROOF' : (OUTLETS[String((o.revenueCenter as Json | undefined)?.guid)] ?? OUTLETS[String((o.diningOption as Json).guid)] ?? 'BRASSERIE');

/** Every outlet with its restaurant. */
export const OUTLET_RESTAURANT: Array<[string, string]> = [
  ['REST', BRASSERIE],
  ['BAR', BRASSERIE],
  ['IRD', BRASSERIE],
  ['BRASSERIE', BRASSERIE],
  ['ROOF', ROOFTOP],
];

/** The integration's connector, settings and mapping (every outlet to `fb`) against the fake at `baseUrl`. */
export function toastIntegration(propertyId: string, baseUrl: string, fb: string) {
  return {
    connector: 'toast',
    propertyId,
    settings: {
      baseUrl,
      restaurants: [
        { guid: BRASSERIE, outlet: 'BRASSERIE', byRevenueCenter: { [RC_RESTAURANT]: 'REST', [RC_BAR]: 'BAR' }, byDiningOption: { [DINING_IN_ROOM]: 'IRD' } },
        { guid: ROOFTOP, outlet: 'ROOF' },
      ],
    },
    mappings: { departments: Object.fromEntries(OUTLET_RESTAURANT.map(([outlet]) => [outlet, fb])) },
  };
}

/**
 * F&B revenue and covers of `from`..`to` over every outlet, from the fake's orders: the days, less
 * the refunds made in the month of the month's orders (a backfill of the month reads those orders;
 * a refund counts on its own date).
 */
export function expectedMonth(data: ToastData, month: { from: string; to: string }, addDays: (date: string, n: number) => string): { revenue: number; covers: number } {
  const e = { revenue: 0, covers: 0 };
  for (let d = month.from; d <= month.to; d = addDays(d, 1)) {
    for (const [outlet, restaurant] of OUTLET_RESTAURANT) {
      const day = expectedDay(data, restaurant, outletOf, outlet, d);
      e.revenue += day.netRevenue;
      e.covers += day.covers;
    }
  }
  const inMonth = (d: string) => d >= month.from && d <= month.to;
  for (const o of data.orders) {
    const date = String(o.businessDate).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
    if (!inMonth(date)) continue;
    for (const d of refundDates(o).filter(inMonth)) e.revenue += expectedRefund(o, d).netRevenue;
  }
  return e;
}
