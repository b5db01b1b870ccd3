import { describe, expect, it } from '@jest/globals';
import { daysOfMonth, spreadCents } from '../../../shared/reporting/spread.js';
import { fold, type FoldPlan } from '../../../shared/reporting/fold.js';
import { statement } from '../../../shared/reporting/pnl.js';
import type { AggregateRecord, BucketSums, Series } from '../../../shared/reporting/model.js';
import { departmentMap, departments, REST } from './fixture.js';

const sum = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x * 100, 0)) / 100;

describe('spreading monthly figures over their days', () => {
  it('lists the days of a month, leap years included', () => {
    expect(daysOfMonth('2026-02')).toHaveLength(28);
    expect(daysOfMonth('2028-02').at(-1)).toBe('2028-02-29');
    expect(daysOfMonth('2026-03')[0]).toBe('2026-03-01');
    expect(daysOfMonth('2026-03')).toHaveLength(31);
  });

  it('splits evenly to the cent, the leftover cents on the first days, and keeps the sum exact', () => {
    expect(spreadCents(100, [1, 1, 1])).toEqual([33.34, 33.33, 33.33]);
    // €61,000 over March: 1,967.74 a day and 6 cents left over, one each on 1-6 March.
    const march = spreadCents(61_000, daysOfMonth('2026-03').map(() => 1));
    expect(march.slice(0, 7)).toEqual([1967.75, 1967.75, 1967.75, 1967.75, 1967.75, 1967.75, 1967.74]);
    expect(sum(march)).toBe(61_000);
    expect(spreadCents(-500, [1, 1, 1])).toEqual([-166.67, -166.67, -166.66]);
    expect(spreadCents(0.01, [1, 1, 1])).toEqual([0.01, 0, 0]);
    expect(spreadCents(0, [1, 1])).toEqual([0, 0]);
  });

  it('weights by the given weights, falls back to even without a usable one, and is deterministic', () => {
    expect(spreadCents(1000, [100, 100, 200])).toEqual([250, 250, 500]);
    expect(spreadCents(10, [1, 2])).toEqual([3.33, 6.67]);
    expect(spreadCents(10, [0, 0])).toEqual([5, 5]);
    expect(spreadCents(10, [Number.NaN, -1])).toEqual([5, 5]);
    const weights = daysOfMonth('2026-02').map((_, i) => 100 + (i % 7) * 13);
    const a = spreadCents(123_456.78, weights);
    expect(spreadCents(123_456.78, weights)).toEqual(a);
    expect(sum(a)).toBe(123_456.78);
    expect(a.every((x) => Math.round(x * 100) === x * 100)).toBe(true);
  });

  it('property-based: any amount and weights keep the exact sum in cents', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let n = 0; n < 500; n++) {
      const cents = Math.round((rnd() - 0.3) * 1e9);
      const days = 28 + Math.floor(rnd() * 4);
      const weights = Array.from({ length: days }, () => (rnd() < 0.1 ? 0 : rnd() * 500));
      const parts = spreadCents(cents / 100, weights);
      expect(parts.reduce((s, x) => s + Math.round(x * 100), 0)).toBe(cents);
    }
  });
});

describe('folding monthly AMS figures', () => {
  const budget = (usali: Record<string, number>, departmentId: string | null = REST.id, period = '2026-03'): AggregateRecord => ({
    id: `agg:p1:2026-03-31:${departmentId ?? '_property'}:budget:month`,
    level: departmentId ? 'department' : 'property',
    propertyId: 'p1',
    date: '2026-03-31',
    departmentId,
    scenario: 'budget',
    period,
    usali,
    sources: { ams: 1 },
    factCount: 1,
  });
  const plan = (from: string, to: string, over: Partial<FoldPlan> = {}): FoldPlan => ({ from, to, granularity: 'month', alignment: 'calendar', series: new Set<Series>(['actual', 'budget']), ...over });
  const bucketOf = (items: AggregateRecord[], p: FoldPlan, series: Series = 'budget') => {
    const f = fold(items, p, departmentMap);
    return f.sums.get(series)?.get(f.buckets[0]!.key) as BucketSums;
  };

  it('gives a range that misses the month-end its share of the month (10 of 31 days)', () => {
    const b = bucketOf([budget({ revenue: 61_000, costOfSales: 18_000 })], plan('2026-03-01', '2026-03-10'));
    const d = b.departments.get(REST.id)!;
    // 61,000 ÷ 31 = 1,967.74 and 6 cents left over (1-6 March): 10 days = 19,677.46.
    expect(Math.round(d.revenue * 100) / 100).toBe(19_677.46);
    // 18,000 ÷ 31 = 580.64 and 16 cents left over (1-16 March): 10 days = 5,806.50.
    expect(Math.round(d.usali.costOfSales * 100) / 100).toBe(5_806.5);
    expect(d.dates.size).toBe(10);
  });

  it('adds up to the month exactly over the whole month, and over ranges that split it', () => {
    const items = [budget({ revenue: 61_000 })];
    const whole = bucketOf(items, plan('2026-03-01', '2026-03-31')).departments.get(REST.id)!.revenue;
    expect(Math.round(whole * 100) / 100).toBe(61_000);
    const first = bucketOf(items, plan('2026-03-01', '2026-03-14')).departments.get(REST.id)!.revenue;
    const rest = bucketOf(items, plan('2026-03-15', '2026-03-31')).departments.get(REST.id)!.revenue;
    expect(Math.round((first + rest) * 100)).toBe(6_100_000);
  });

  it('weights by rooms available when the property asks for it (capacity on days without PMS statistics)', () => {
    // 1-15 March: 1,000 rooms (capacity); 16-31 March: 500 rooms (renovation) → 15,000 + 8,000 = 23,000 room-days.
    const pms: AggregateRecord[] = daysOfMonth('2026-03')
      .slice(15)
      .map((date) => ({ id: `p:${date}`, level: 'property', propertyId: 'p1', date, departmentId: null, scenario: 'actual', sources: { pms: 1 }, roomsAvailable: 500 }));
    const items = [...pms, budget({ revenue: 23_000 })];
    const p = plan('2026-03-01', '2026-03-15', { monthlySpread: 'roomsAvailable', capacity: 1000 });
    expect(bucketOf(items, p).departments.get(REST.id)!.revenue).toBeCloseTo(15_000, 6);
    // Evenly instead: 23,000 ÷ 31 = 741.93 and 29 cents left over (1-29 March): 15 × 741.94 = 11,129.10.
    expect(bucketOf(items, plan('2026-03-01', '2026-03-15')).departments.get(REST.id)!.revenue).toBeCloseTo(11_129.1, 6);
  });

  it('spreads property-level lines too (the P&L of half a month shows half the utilities)', () => {
    const b = bucketOf([budget({ utilities: 3_100 }, null)], plan('2026-03-01', '2026-03-15'));
    expect(b.property.usali.utilities).toBeCloseTo(1_500, 6);
  });
});

describe('P&L departmental revenue', () => {
  it('an AMS posting that nets to zero is still a posting: POS revenue does not stand in', () => {
    const items: AggregateRecord[] = [
      { id: 'a', level: 'department', propertyId: 'p1', date: '2026-03-14', departmentId: REST.id, scenario: 'actual', sources: { pos: 1 }, revenue: 5_000 },
      { id: 'b', level: 'department', propertyId: 'p1', date: '2026-03-15', departmentId: REST.id, scenario: 'actual', sources: { ams: 2 }, usali: { revenue: 0 } },
    ];
    const f = fold(items, { from: '2026-03-14', to: '2026-03-15', granularity: 'month', alignment: 'calendar', series: new Set<Series>(['actual']) }, departmentMap);
    const sums = f.sums.get('actual')?.get(f.buckets[0]!.key) as BucketSums;
    const v = statement(sums, { departments, capacity: 100, excludeOutOfOrder: false, days: 2, statisticsRequired: true });
    expect(v.get('revenue.foodAndBeverage')).toBe(0);
  });
});

describe('spreading by last year’s daily pattern', () => {
  it('weighs each day by the actual revenue of the same calendar day a year before, evenly without it', () => {
    const budget: AggregateRecord = { id: 'm', level: 'department', propertyId: 'p1', date: '2026-02-28', departmentId: REST.id, scenario: 'budget', period: '2026-02', usali: { revenue: 2_800 }, sources: { ams: 1 } };
    // February 2025: the restaurant earned 300 a day on 1-14 and 100 a day on 15-28 (PMS room revenue counts too).
    const ly: AggregateRecord[] = daysOfMonth('2025-02').map((date, i) => ({ id: `ly${i}`, level: 'department', propertyId: 'p1', date, departmentId: REST.id, scenario: 'actual', sources: { pos: 1 }, revenue: i < 14 ? 200 : 100 }));
    const rooms: AggregateRecord[] = daysOfMonth('2025-02')
      .slice(0, 14)
      .map((date, i) => ({ id: `pms${i}`, level: 'property', propertyId: 'p1', date, departmentId: null, scenario: 'actual', sources: { pms: 1 }, roomRevenue: 100 }));
    const plan = (monthlySpread: FoldPlan['monthlySpread']): FoldPlan => ({ from: '2026-02-01', to: '2026-02-14', granularity: 'month', alignment: 'calendar', series: new Set<Series>(['budget']), monthlySpread });
    const share = (items: AggregateRecord[], p: FoldPlan) => {
      const f = fold(items, p, departmentMap);
      return (f.sums.get('budget')?.get(f.buckets[0]!.key) as BucketSums).departments.get(REST.id)!.revenue;
    };
    // Weights 300 × 14 and 100 × 14: the first half gets 3/4 of 2,800.
    expect(share([budget, ...ly, ...rooms], plan('lastYear'))).toBeCloseTo(2_100, 6);
    expect(share([budget], plan('lastYear'))).toBeCloseTo(1_400, 6);
    expect(share([budget, ...ly, ...rooms], plan('even'))).toBeCloseTo(1_400, 6);
  });
});
