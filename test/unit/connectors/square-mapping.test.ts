import { describe, expect, it } from '@jest/globals';
import { businessDateOf, businessDayStart, coversOf, mapDays, orderContribution, returnsCount, startHourOf } from '../../../shared/connectors/vendors/square/mapping.js';
import type { SquareOrder } from '../../../shared/connectors/vendors/square/schemas.js';
import { squareSettings } from '../../../shared/connectors/vendors/square/settings.js';

/**
 * The Square mapping on hand-built orders whose figures are worked out here by hand, in cents:
 * net revenue = line totals − their tax + service charges net of tax; discounts, tax, covers from
 * metadata or cover items; checks; the business day of the location's zone with its start hour.
 */

const usd = (amount: number) => ({ amount, currency: 'USD' });
const settings = squareSettings.parse({
  locationIds: ['LA', 'NY'],
  outlets: { byLocation: { LA: 'REST', NY: 'BAR' }, byCatalogObject: { 'VAR-WINE': 'BAR' } },
  covers: { coverItemNames: ['Cover'] },
});

/** Burger 2 × 18.50 = 37.00, 15 % off (5.55) → 31.45 + 10 % tax 3.15 = 34.60; wine 9.50 + tax 0.95 = 10.45; service charge 5.00 untaxed; tip not on the order. */
const order: SquareOrder = {
  id: 'O-1',
  location_id: 'LA',
  state: 'COMPLETED',
  closed_at: '2026-03-14T05:30:00Z', // 22:30 on the 13th in Los Angeles (PDT, UTC−7)
  metadata: { covers: '3' },
  line_items: [
    { name: 'Burger', quantity: '2', catalog_object_id: 'VAR-BURGER', total_money: usd(3460), total_tax_money: usd(315), total_discount_money: usd(555) },
    { name: 'Glass of wine', quantity: '1', catalog_object_id: 'VAR-WINE', total_money: usd(1045), total_tax_money: usd(95), total_discount_money: usd(0) },
  ],
  service_charges: [{ total_money: usd(500), total_tax_money: usd(0) }],
};

describe('Square mapping', () => {
  it('splits an order by outlet: lines by catalog object, service charge, covers and the check at the location’s outlet', () => {
    const c = orderContribution(order, settings);
    expect(Object.fromEntries(c)).toEqual({
      REST: { net: 3145 + 500, tax: 315, discounts: 555, covers: 3, checks: 1 },
      BAR: { net: 950, tax: 95, discounts: 0, covers: 0, checks: 1 },
    });
    const noService = squareSettings.parse({ ...settings, serviceChargesAsRevenue: false });
    expect(orderContribution(order, noService).get('REST')?.net).toBe(3145);
  });

  it('reads covers from metadata, else from cover line items, else 0', () => {
    expect(coversOf(order, settings)).toBe(3);
    const withCoverItem: SquareOrder = { ...order, metadata: {}, line_items: [...order.line_items!, { name: 'cover', quantity: '4', total_money: usd(0) }] };
    expect(coversOf(withCoverItem, settings)).toBe(4);
    expect(coversOf({ ...order, metadata: { covers: 'lots' }, line_items: [] }, settings)).toBe(0);
  });

  it('places a check closed after midnight in the business day before, in the location’s zone', () => {
    // 01:30 on 2026-03-14 in New York (EDT, UTC−4) is before the 04:00 start: business date 13th.
    expect(businessDateOf('2026-03-14T05:30:00Z', 'America/New_York', 4)).toBe('2026-03-13');
    expect(businessDateOf('2026-03-14T08:00:00Z', 'America/New_York', 4)).toBe('2026-03-14');
    // The same instant is already the 14th in Vienna and in UTC: the location's zone decides.
    expect(businessDateOf('2026-03-14T05:30:00Z', 'Europe/Vienna', 4)).toBe('2026-03-14');
    expect(businessDateOf('2026-03-14T05:30:00Z', 'America/Los_Angeles', 0)).toBe('2026-03-13');
    expect(businessDayStart('2026-03-14', 'America/New_York', 4)).toBe('2026-03-14T08:00:00.000Z');
  });

  it('starts a location’s business day at the setting, else the hour after its latest closing past midnight, else 04:00', () => {
    const bar = { id: 'NY', business_hours: { periods: [{ day_of_week: 'FRI', start_local_time: '18:00:00', end_local_time: '2:30:00' }, { day_of_week: 'SAT', start_local_time: '18:00:00', end_local_time: '3:00:00' }] } };
    expect(startHourOf(bar, settings)).toBe(4); // latest closing 03:00 → 04:00
    expect(startHourOf({ ...bar, business_hours: { periods: [{ start_local_time: '20:00:00', end_local_time: '05:15:00' }] } }, settings)).toBe(7); // 05:15 → 06 → 07
    expect(startHourOf({ id: 'X', business_hours: { periods: [{ start_local_time: '07:00:00', end_local_time: '22:00:00' }] } }, settings)).toBe(4);
    expect(startHourOf({ id: 'X', business_hours: { periods: [{ start_local_time: '20:00:00', end_local_time: '1:00:00' }] } }, settings)).toBe(4);
    expect(startHourOf({ id: 'X' }, settings)).toBe(4);
    expect(startHourOf(bar, squareSettings.parse({ ...settings, businessDayStartHour: 0 }))).toBe(0);
  });

  it('writes every outlet for every date, zero included, with ids per outlet and date; cancelled and open orders count nothing', () => {
    const cancelled: SquareOrder = { ...order, id: 'O-2', state: 'CANCELED' };
    const open: SquareOrder = { ...order, id: 'O-3', state: 'OPEN', closed_at: undefined };
    const otherLocation: SquareOrder = { ...order, id: 'O-4', location_id: 'ELSEWHERE' };
    const records = mapDays({
      settings,
      merchantId: 'M1',
      currency: 'USD',
      dates: ['2026-03-13', '2026-03-14'],
      orders: [order, cancelled, open, otherLocation].map((o) => ({ order: o, timeZone: 'America/Los_Angeles', startHour: 4 })),
    });
    expect(records).toEqual([
      { id: 'square:M1:BAR:2026-03-13', businessDate: '2026-03-13', outlet: 'BAR', netRevenue: 9.5, tax: 0.95, discounts: 0, covers: 0, checks: 1 },
      { id: 'square:M1:REST:2026-03-13', businessDate: '2026-03-13', outlet: 'REST', netRevenue: 36.45, tax: 3.15, discounts: 5.55, covers: 3, checks: 1 },
      { id: 'square:M1:BAR:2026-03-14', businessDate: '2026-03-14', outlet: 'BAR', netRevenue: 0, tax: 0, discounts: 0, covers: 0, checks: 0 },
      { id: 'square:M1:REST:2026-03-14', businessDate: '2026-03-14', outlet: 'REST', netRevenue: 0, tax: 0, discounts: 0, covers: 0, checks: 0 },
    ]);
  });

  it('converts by the currency’s digits: yen have none', () => {
    const yen: SquareOrder = { ...order, service_charges: [], metadata: {}, line_items: [{ name: 'Ramen', quantity: '1', total_money: { amount: 1100, currency: 'JPY' }, total_tax_money: { amount: 100, currency: 'JPY' } }] };
    const [rest] = mapDays({ settings, merchantId: 'M1', currency: 'JPY', dates: ['2026-03-13'], orders: [{ order: yen, timeZone: 'America/Los_Angeles', startHour: 4 }] }).filter((r) => r.outlet === 'REST');
    expect(rest).toMatchObject({ netRevenue: 1000, tax: 100 });
  });

  describe('refunds and returns (a return order, on its own business date)', () => {
    /** Square's return order for a refund of the burgers (34.60, tax 3.15, discount 5.55) and 5.00 of the service charge, the next evening. */
    const refund: SquareOrder = {
      id: 'R-1',
      location_id: 'LA',
      state: 'COMPLETED',
      closed_at: '2026-03-15T03:00:00Z', // 20:00 on the 14th in Los Angeles
      returns: [
        {
          source_order_id: 'O-1',
          return_line_items: [{ name: 'Burger', quantity: '2', catalog_object_id: 'VAR-BURGER', total_money: usd(3460), total_tax_money: usd(315), total_discount_money: usd(555) }],
          return_service_charges: [{ total_money: usd(500), total_tax_money: usd(0) }],
        },
      ],
      refunds: [{ id: 'RF-1', status: 'APPROVED', created_at: '2026-03-15T03:00:00Z', amount_money: usd(3960) }],
    };

    it('subtracts returned lines net of tax and returned service charges; discounts stay; no check, no covers', () => {
      expect(Object.fromEntries(orderContribution(refund, settings))).toEqual({ REST: { net: -(3145 + 500), tax: -315, discounts: 0, covers: 0, checks: 0 } });
      // The tender refund is the same money as the return: only the return counts (not 39.60 again).
      const wine: SquareOrder = { ...refund, returns: [{ return_line_items: [{ name: 'Glass of wine', quantity: '1', catalog_object_id: 'VAR-WINE', total_money: usd(1045), total_tax_money: usd(95) }] }] };
      expect(Object.fromEntries(orderContribution(wine, settings))).toEqual({ BAR: { net: -950, tax: -95, discounts: 0, covers: 0, checks: 0 } });
      expect(orderContribution(refund, squareSettings.parse({ ...settings, serviceChargesAsRevenue: false })).get('REST')?.net).toBe(-3145);
    });

    it('a custom-amount refund lowers net revenue by its amount', () => {
      const custom: SquareOrder = { ...refund, returns: [{ return_line_items: [{ name: 'Custom Amount', quantity: '1', item_type: 'CUSTOM_AMOUNT', total_money: usd(1200), total_tax_money: usd(0) }] }] };
      expect(orderContribution(custom, settings).get('REST')).toEqual({ net: -1200, tax: 0, discounts: 0, covers: 0, checks: 0 });
    });

    it('a return whose refunds all failed or were rejected gives nothing back; a pending one, or an exchange without a refund, does', () => {
      expect(returnsCount({ ...refund, refunds: [{ status: 'FAILED' }, { status: 'REJECTED' }] })).toBe(false);
      expect(orderContribution({ ...refund, refunds: [{ status: 'FAILED' }] }, settings).size).toBe(0);
      expect(returnsCount({ ...refund, refunds: [{ status: 'FAILED' }, { status: 'PENDING' }] })).toBe(true);
      // An exchange: the burgers back, a salad (12.00 + 1.20 tax) sold, no money moved.
      const exchange: SquareOrder = { ...refund, refunds: undefined, line_items: [{ name: 'Salad', quantity: '1', catalog_object_id: 'VAR-SALAD', total_money: usd(1320), total_tax_money: usd(120), total_discount_money: usd(0) }] };
      expect(orderContribution(exchange, settings).get('REST')).toEqual({ net: 1200 - 3145 - 500, tax: 120 - 315, discounts: 0, covers: 0, checks: 1 });
    });

    it('counts on the return order’s business date, not the sale’s', () => {
      const records = mapDays({ settings, merchantId: 'M1', currency: 'USD', dates: ['2026-03-13', '2026-03-14'], orders: [order, refund].map((o) => ({ order: o, timeZone: 'America/Los_Angeles', startHour: 4 })) });
      const rest = records.filter((r) => r.outlet === 'REST');
      expect(rest).toEqual([
        { id: 'square:M1:REST:2026-03-13', businessDate: '2026-03-13', outlet: 'REST', netRevenue: 36.45, tax: 3.15, discounts: 5.55, covers: 3, checks: 1 },
        { id: 'square:M1:REST:2026-03-14', businessDate: '2026-03-14', outlet: 'REST', netRevenue: -36.45, tax: -3.15, discounts: 0, covers: 0, checks: 0 },
      ]);
    });
  });
});
