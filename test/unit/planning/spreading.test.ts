import { describe, expect, it } from '@jest/globals';
import { SPREAD_METHODS, spreadMonth } from '../../../shared/planning/spreading.js';

const amounts = (days: Array<{ amount: number }>) => days.map((d) => d.amount);
const total = (days: Array<{ amount: number }>) => Math.round(days.reduce((s, d) => s + d.amount * 100, 0)) / 100;
const ones = (n: number) => new Array<number>(n).fill(1);

describe('spreadMonth: a monthly figure as days, exact to the cent', () => {
  it('offers the five methods', () => {
    expect([...SPREAD_METHODS]).toEqual(['even', 'roomsAvailable', 'lastYear', 'roomNights', 'covers']);
  });

  it('a 31-day month: 3,100.00 evenly is 100.00 a day, dated 1 to 31 January', () => {
    const days = spreadMonth(3100, '2027-01', ones(31));
    expect(days).toHaveLength(31);
    expect(days[0]).toEqual({ date: '2027-01-01', amount: 100 });
    expect(days[30]).toEqual({ date: '2027-01-31', amount: 100 });
    expect(total(days)).toBe(3100);
  });

  it('a 30-day month: 1,000.00 is 33.33 a day and 10 cents left, one each on 1–10 June', () => {
    const days = spreadMonth(1000, '2027-06', ones(30));
    expect(amounts(days)).toEqual([...new Array(10).fill(33.34), ...new Array(20).fill(33.33)]);
    expect(days.at(-1)?.date).toBe('2027-06-30');
    expect(total(days)).toBe(1000);
  });

  it('February of a leap year has 29 days (290.00 → 10.00 each), of another year 28', () => {
    const leap = spreadMonth(290, '2028-02', ones(29));
    expect(leap.at(-1)).toEqual({ date: '2028-02-29', amount: 10 });
    expect(total(leap)).toBe(290);
    expect(spreadMonth(280, '2027-02', ones(28)).at(-1)).toEqual({ date: '2027-02-28', amount: 10 });
    expect(() => spreadMonth(290, '2027-02', ones(29))).toThrow(RangeError);
  });

  it('a negative amount: the mirror of the positive one, leftover cents on the same days', () => {
    const days = spreadMonth(-1000, '2027-06', ones(30));
    expect(amounts(days)).toEqual([...new Array(10).fill(-33.34), ...new Array(20).fill(-33.33)]);
    expect(total(days)).toBe(-1000);
  });

  it('places the remainder on the largest dropped fraction: 100.00 with the 1st weighing 3 of 33', () => {
    // 10,000 cents × 3/33 = 909.09 (fraction .09), × 1/33 = 303.03 (.03): 909 + 30 × 303 = 9,999, the cent left goes to the 1st.
    const days = spreadMonth(100, '2027-03', [3, ...ones(30)]);
    expect(days[0]?.amount).toBe(9.1);
    expect(amounts(days).slice(1)).toEqual(new Array(30).fill(3.03));
    expect(total(days)).toBe(100);
    expect(spreadMonth(100, '2027-03', [3, ...ones(30)])).toEqual(days);
  });

  it('spreads evenly when no weight is usable (zeros: a method without data for the month)', () => {
    expect(spreadMonth(1000, '2027-06', new Array(30).fill(0))).toEqual(spreadMonth(1000, '2027-06', ones(30)));
    expect(spreadMonth(1000, '2027-06', [-1, Number.NaN, ...new Array(28).fill(0)])).toEqual(spreadMonth(1000, '2027-06', ones(30)));
  });
});
