import { describe, expect, it } from '@jest/globals';
import { isoBusinessDate, mapDays, orderContribution, orderRefunds, outletOf } from '../../../shared/connectors/vendors/toast/mapping.js';
import type { ToastOrder } from '../../../shared/connectors/vendors/toast/schemas.js';
import { toastSettings } from '../../../shared/connectors/vendors/toast/settings.js';

/** Toast orders → `pos` records: outlets, voided and deleted orders and checks, discounts, covers, sums without drift. */

const R = 'rest-guid';
const settings = toastSettings.parse({ restaurants: [{ guid: R, outlet: 'MAIN', byRevenueCenter: { 'rc-bar': 'BAR' }, byDiningOption: { 'do-ird': 'IRD' } }] });
const restaurant = settings.restaurants[0]!;

function order(over: Partial<ToastOrder> = {}): ToastOrder {
  return {
    guid: `o-${Math.random()}`,
    businessDate: 20260310,
    numberOfGuests: 2,
    diningOption: { guid: 'do-dine-in' },
    checks: [{ amount: 40, taxAmount: 4, appliedDiscounts: [{ discountAmount: 5 }], selections: [{ appliedDiscounts: [{ discountAmount: 1.5 }] }, { voided: true, appliedDiscounts: [{ discountAmount: 9 }] }] }],
    ...over,
  };
}

describe('Toast mapping', () => {
  it('maps an order to its revenue center, else its dining option, else the restaurant', () => {
    expect(outletOf(order({ revenueCenter: { guid: 'rc-bar' }, diningOption: { guid: 'do-ird' } }), restaurant)).toBe('BAR');
    expect(outletOf(order({ revenueCenter: { guid: 'rc-unmapped' }, diningOption: { guid: 'do-ird' } }), restaurant)).toBe('IRD');
    expect(outletOf(order({ revenueCenter: null }), restaurant)).toBe('MAIN');
    const bare = toastSettings.parse({ restaurants: [{ guid: R }] }).restaurants[0]!;
    expect(outletOf(order(), bare)).toBe(R);
  });

  it('counts a check’s amount as net, its tax, the discounts of the check and of its selections that stand, the guests as covers', () => {
    expect(orderContribution(order())).toEqual({ net: 40_000, tax: 4_000, discounts: 6_500, covers: 2, checks: 1 });
  });

  it('leaves out voided and deleted orders, and voided and deleted checks', () => {
    expect(orderContribution(order({ voided: true }))).toBeUndefined();
    expect(orderContribution(order({ deleted: true }))).toBeUndefined();
    expect(orderContribution(order({ checks: [{ amount: 10, voided: true }, { amount: 20, deleted: true }] }))).toBeUndefined();
    const split = orderContribution(order({ checks: [{ amount: 10, taxAmount: 1 }, { amount: 20, voided: true }] }))!;
    expect(split).toMatchObject({ net: 10_000, tax: 1_000, checks: 1, covers: 2 });
  });

  it('writes every outlet of every date asked for, zero included, with ids per restaurant, outlet and date; a repeated order counts once; sums do not drift', () => {
    const o = order({ revenueCenter: { guid: 'rc-bar' }, checks: Array.from({ length: 10 }, () => ({ amount: 0.1, taxAmount: 0.01 })) });
    const rs = mapDays(restaurant, ['2026-03-10', '2026-03-11'], [
      { order: o, askedFor: '2026-03-10' },
      { order: o, askedFor: '2026-03-10' },
      { order: order({ businessDate: 20260309 }), askedFor: '2026-03-10' },
    ]);
    expect(rs.map((r) => r.id)).toEqual(['toast:rest-guid:BAR:2026-03-10', 'toast:rest-guid:IRD:2026-03-10', 'toast:rest-guid:MAIN:2026-03-10', 'toast:rest-guid:BAR:2026-03-11', 'toast:rest-guid:IRD:2026-03-11', 'toast:rest-guid:MAIN:2026-03-11']);
    expect(rs[0]).toEqual({ id: 'toast:rest-guid:BAR:2026-03-10', businessDate: '2026-03-10', outlet: 'BAR', netRevenue: 1, tax: 0.1, discounts: 0, covers: 2, checks: 10 });
    // The order of the 9th is not the 10th's, though it came with that date's answer.
    expect(rs[2]).toMatchObject({ netRevenue: 0, checks: 0 });
    expect(isoBusinessDate(20260310)).toBe('2026-03-10');
    expect(isoBusinessDate(null)).toBeUndefined();
  });

  it('refuses settings where an outlet belongs to two restaurants', () => {
    const r = toastSettings.safeParse({ restaurants: [{ guid: 'a', outlet: 'BAR' }, { guid: 'b', byRevenueCenter: { rc: 'BAR' } }] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("outlet 'BAR' is already an outlet of restaurant a");
  });

  describe('refunds (refundDetails on selections and service charges, the payment’s refund)', () => {
    /** A check of 40.00 + 4.00 tax: the schnitzel (24.50 + 2.45 tax) refunded two days later, with 3.00 of the service charge (+0.30 tax). */
    const refunded = (over: Partial<ToastOrder> = {}): ToastOrder =>
      order({
        guid: 'o-refunded',
        revenueCenter: { guid: 'rc-bar' },
        checks: [
          {
            amount: 40,
            taxAmount: 4,
            selections: [{ price: 24.5, refundDetails: { refundAmount: 24.5, taxRefundAmount: 2.45, refundTransaction: { guid: 'txn-1' } } }, { price: 12.5 }],
            appliedServiceCharges: [{ chargeAmount: 3, refundDetails: { refundAmount: 3, taxRefundAmount: 0.3, refundTransaction: { guid: 'txn-1' } } }],
            payments: [{ amount: 44, refund: { refundAmount: 30.25, refundBusinessDate: 20260312, refundTransaction: { guid: 'txn-1' } } }],
          },
        ],
        ...over,
      });

    it('subtracts the refunded items’ pre-tax amounts and their tax on the refund’s business date; the payment’s refund is the same money', () => {
      expect(Object.fromEntries(orderRefunds(refunded()))).toEqual({ '2026-03-12': { net: -27_500, tax: -2_750, discounts: 0, covers: 0, checks: 0 } });
      // The sale's own day is untouched.
      expect(orderContribution(refunded())).toMatchObject({ net: 40_000, tax: 4_000, checks: 1 });
    });

    it('an amount refunded without items counts its refundAmount, split into net and tax in the check’s proportion', () => {
      const amountOnly = refunded({ checks: [{ amount: 40, taxAmount: 4, selections: [{ price: 40 }], payments: [{ amount: 44, refund: { refundAmount: 11, refundBusinessDate: 20260311, refundTransaction: { guid: 'txn-2' } } }] }] });
      expect(orderRefunds(amountOnly).get('2026-03-11')).toEqual({ net: -10_000, tax: -1_000, discounts: 0, covers: 0, checks: 0 });
    });

    it('writes a record per order and refund date at the order’s outlet, beside the days, whatever dates were asked for', () => {
      const rs = mapDays(restaurant, ['2026-03-10'], [{ order: refunded(), askedFor: '2026-03-10' }]);
      expect(rs.find((r) => r.outlet === 'BAR' && r.businessDate === '2026-03-10')).toMatchObject({ netRevenue: 40, tax: 4, checks: 1 });
      expect(rs.filter((r) => String(r.id).includes(':refund:'))).toEqual([
        { id: 'toast:rest-guid:refund:o-refunded:2026-03-12', businessDate: '2026-03-12', outlet: 'BAR', netRevenue: -27.5, tax: -2.75, discounts: 0, covers: 0, checks: 0 },
      ]);
    });

    it('a refund of an order or check voided later returns to 0 under the same id; without a date of its own it falls on the order’s day', () => {
      expect(Object.fromEntries(orderRefunds(refunded({ voided: true })))).toEqual({ '2026-03-12': { net: 0, tax: 0, discounts: 0, covers: 0, checks: 0 } });
      const undated = refunded({ checks: [{ amount: 10, taxAmount: 1, selections: [{ refundDetails: { refundAmount: 10, taxRefundAmount: 1 } }] }] });
      expect(orderRefunds(undated).get('2026-03-10')).toMatchObject({ net: -10_000, tax: -1_000 });
      // A voided selection's refund details are not money back.
      const voidedLine = refunded({ checks: [{ amount: 10, taxAmount: 1, selections: [{ voided: true, refundDetails: { refundAmount: 10, taxRefundAmount: 1 } }] }] });
      expect(orderRefunds(voidedLine).size).toBe(0);
    });
  });
});
