import { describe, expect, it } from '@jest/globals';
import { degreeDays, detectAnomalies, fitConsumptionModel, normalisedComparison, predict, spreadReading, type ModelDay } from '../../../shared/sustainability/index.js';

/** A synthetic year: 365 days of known drivers (a deterministic sequence, no randomness in the test). */
function syntheticYear(model: { a: number; b: number; c: number; d: number }, noise = (_i: number) => 0): ModelDay[] {
  const temps = Array.from({ length: 365 }, (_, i) => 12 - 10 * Math.cos((2 * Math.PI * i) / 365) + 3 * Math.sin(i * 1.7));
  const dd = degreeDays(temps.map((t, i) => ({ date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), meanTempC: t })), { heatingBaseC: 15.5, coolingBaseC: 18 });
  return dd.map((d, i) => {
    const occupiedRooms = 60 + ((i * 37) % 50);
    const drivers = { date: d.date, occupiedRooms, hdd: d.hdd, cdd: d.cdd };
    return { ...drivers, consumption: predict(model, drivers) + noise(i) };
  });
}

describe('expected consumption', () => {
  it('recovers the coefficients of a noiseless series exactly', () => {
    const truth = { a: 1200, b: 14, c: 55, d: 80 };
    const m = fitConsumptionModel(syntheticYear(truth));
    expect(m.a).toBeCloseTo(truth.a, 6);
    expect(m.b).toBeCloseTo(truth.b, 6);
    expect(m.c).toBeCloseTo(truth.c, 6);
    expect(m.d).toBeCloseTo(truth.d, 6);
    expect(m.r2).toBeCloseTo(1, 9);
    expect(m).toMatchObject({ n: 365, constantDrivers: [] });
  });

  it('fits through symmetric noise close to the truth', () => {
    const truth = { a: 1200, b: 14, c: 55, d: 80 };
    const m = fitConsumptionModel(syntheticYear(truth, (i) => (i % 2 === 0 ? 40 : -40)));
    expect(Math.abs(m.b - truth.b)).toBeLessThan(0.5);
    expect(Math.abs(m.c - truth.c)).toBeLessThan(2);
    expect(m.r2 as number).toBeGreaterThan(0.95);
  });

  it('leaves out a driver that never varies (a winter without cooling)', () => {
    const days = syntheticYear({ a: 500, b: 10, c: 30, d: 0 }).map((d) => ({ ...d, cdd: 0 }));
    const m = fitConsumptionModel(days);
    expect(m).toMatchObject({ d: 0, constantDrivers: ['cdd'] });
    expect(m.c).toBeCloseTo(30, 6);
    expect(() => fitConsumptionModel(days.slice(0, 5))).toThrow(RangeError);
  });

  it('compares this year with what last year’s model expects for this year’s occupancy and weather', () => {
    const model = fitConsumptionModel(syntheticYear({ a: 1000, b: 10, c: 50, d: 0 }));
    const thisYear = syntheticYear({ a: 900, b: 9, c: 45, d: 0 }).slice(0, 31);
    const c = normalisedComparison(model, thisYear);
    expect(c.changePct).toBeCloseTo(-10, 6);
    expect(c.difference).toBeCloseTo(c.actual - c.expected, 9);
  });

  it('finds a known spike: four days 30 % above expected in a flat series', () => {
    const days = Array.from({ length: 30 }, (_, i) => ({ date: `2025-06-${String(i + 1).padStart(2, '0')}`, expected: 1000, actual: i >= 11 && i <= 14 ? 1300 : 1000 + (i % 3) * 20 }));
    expect(detectAnomalies(days, { marginPct: 15, minDays: 3 })).toEqual([{ from: '2025-06-12', to: '2025-06-15', days: 4, excess: 1200, methodologyVersion: expect.any(String) }]);
    expect(detectAnomalies(days, { marginPct: 15, minDays: 5 })).toEqual([]);
    expect(detectAnomalies(days, { marginPct: 35, minDays: 1 })).toEqual([]);
  });

  it('a missing day breaks a run, and days may come unsorted', () => {
    const over = (date: string) => ({ date, expected: 100, actual: 200 });
    const days = [over('2025-01-05'), over('2025-01-01'), over('2025-01-02'), over('2025-01-04')];
    expect(detectAnomalies(days, { minDays: 2 }).map((a) => [a.from, a.to])).toEqual([
      ['2025-01-01', '2025-01-02'],
      ['2025-01-04', '2025-01-05'],
    ]);
    expect(detectAnomalies(days, { minDays: 3 })).toEqual([]);
  });

  it('degree days use configurable bases and refuse a cooling base below the heating base', () => {
    expect(degreeDays([{ date: '2025-01-01', meanTempC: 10 }], { heatingBaseC: 18 })).toEqual([{ date: '2025-01-01', hdd: 8, cdd: 0 }]);
    expect(() => degreeDays([], { heatingBaseC: 20, coolingBaseC: 18 })).toThrow();
  });
});

describe('spreading a reading over days', () => {
  const days = [
    { date: '2025-01-01', occupiedRooms: 50, hdd: 10, cdd: 0 },
    { date: '2025-01-02', occupiedRooms: 100, hdd: 0, cdd: 0 },
    { date: '2025-01-03', occupiedRooms: 0, hdd: 0, cdd: 0 },
  ];

  it('by the model’s expected consumption of each day, summing to the reading to the cent', () => {
    // Expected: 100 + 2·50 + 10·10 = 300; 100 + 2·100 = 300; 100 → weights 3 : 3 : 1.
    const spread = spreadReading(700, days, { a: 100, b: 2, c: 10, d: 0 });
    expect(spread).toEqual([
      { date: '2025-01-01', amount: 300 },
      { date: '2025-01-02', amount: 300 },
      { date: '2025-01-03', amount: 100 },
    ]);
    expect(spreadReading(1000, days, { a: 100, b: 2, c: 10, d: 0 }).reduce((s, d) => s + Math.round(d.amount * 100), 0)).toBe(100000);
  });

  it('by occupied rooms without a model, evenly without any weight, and never below zero', () => {
    expect(spreadReading(300, days).map((d) => d.amount)).toEqual([100, 200, 0]);
    expect(spreadReading(3, days.map((d) => ({ ...d, occupiedRooms: 0 }))).map((d) => d.amount)).toEqual([1, 1, 1]);
    expect(spreadReading(100, days, { a: -50, b: 1, c: 0, d: 0 }).map((d) => d.amount)).toEqual([0, 100, 0]);
  });
});
