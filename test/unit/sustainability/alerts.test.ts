import { describe, expect, it } from '@jest/globals';
import { SEED_FACTORS, consumptionSchema, factorTable } from '../../../shared/sustainability/index.js';
import { monthResult, type MonthResult } from '../../../shared/sustainability/report.js';
import { propertySettingsSchema } from '../../../shared/sustainability/property-facts.js';
import { addDays, digestLines, expectedConsumption, projections, type DayFigures } from '../../../shared/sustainability/alerts.js';
import { example, expectFigure } from './fixture.js';

/** GoGreen's alerts (shared/sustainability/alerts.ts): the worked example's month-end projection, and a synthetic spike found and named. */

const settings = propertySettingsSchema.parse({ areas: example.facts.areas, rooms: 120, country: 'GB' });
const table = factorTable(SEED_FACTORS, example.tenantFactors);
const kwhMonth = (month: string, kwh: number, guestNights: number) =>
  monthResult(settings, 120, table, { month, days: 1, consumption: consumptionSchema.parse({ electricity: { gridKwh: kwh } }), occupiedRooms: guestNights, guestNights }) as MonthResult;

describe('month-end projection', () => {
  const t = example.target;
  const baseline = new Map(t.baseline.consumption.map((c, i) => {
    const m = `${t.definition.baselineYear}-${String(i + 1).padStart(2, '0')}`;
    return [m, kwhMonth(m, c, t.baseline.guestNights[i]!)] as const;
  }));
  const mtd = t.monthToDate;

  it('equals the worked example: the days so far and the forecast guest nights against March’s target per guest night', () => {
    // Twenty days of March whose sums are the example's month to date.
    const days = Array.from({ length: mtd.daysElapsed }, (_, i) => kwhMonth(`2025-03-${String(i + 1).padStart(2, '0')}`, mtd.consumptionToDate / mtd.daysElapsed, i === 0 ? mtd.guestNightsToDate : 0));
    const [p] = projections([t.definition], () => baseline, { month: '2025-03', daysInMonth: mtd.daysInMonth, daysElapsed: mtd.daysElapsed, days, forecastGuestNights: mtd.forecastGuestNights });
    const e = t.expected.projection;
    expectFigure(p?.projectedConsumption, e.projectedConsumption as number, 'projected');
    expectFigure(p?.targetConsumption, e.targetConsumption as number, 'target');
    expectFigure(p?.targetPerGuestNight, t.expected.marchTargetPerGuestNight, 'target per guest night');
    expect(p?.aboveTarget).toBe(true);
    expect(digestLines(p ? [p] : [], [])).toEqual([expect.stringMatching(/^electricityKwh projected at 191088\.7 for 2025-03, above its target of 179138\.4$/)]);
  });

  it('projects nothing without a baseline or without days', () => {
    expect(projections([t.definition], () => new Map(), { month: '2025-03', daysInMonth: 31, daysElapsed: 5, days: [kwhMonth('2025-03-01', 1, 1)], forecastGuestNights: 0 })).toEqual([]);
    expect(projections([t.definition], () => baseline, { month: '2025-03', daysInMonth: 31, daysElapsed: 5, days: [], forecastGuestNights: 0 })).toEqual([]);
  });
});

describe('expected consumption and anomalies', () => {
  // 120 days: energy = 800 + 12 × occupied rooms + 40 × HDD exactly; water = 0.3 × rooms. A spike of +40 % on the last four days.
  const start = '2025-01-01';
  const days: DayFigures[] = Array.from({ length: 120 }, (_, i) => {
    const rooms = 60 + ((i * 37) % 50);
    const hdd = Math.max(0, 15.5 - (4 + (i % 9)));
    const spike = i >= 116 ? 1.4 : 1;
    return { date: addDays(start, i), energyKwh: (800 + 12 * rooms + 40 * hdd) * spike, waterM3: 0.3 * rooms, occupiedRooms: rooms };
  });
  const degree = days.map((d, i) => ({ date: d.date, hdd: Math.max(0, 15.5 - (4 + (i % 9))), cdd: 0 }));
  const asOf = addDays(start, 119);

  it('finds the spike as one anomaly of energy, none of water, and names it', () => {
    const [energy, water] = expectedConsumption(days, degree, { marginPct: 15, minDays: 3 }, asOf);
    expect(energy?.fittedDays).toBe(92);
    expect(energy?.r2).toBeCloseTo(1, 9);
    expect(energy?.anomalies).toEqual([{ resource: 'energyKwh', from: addDays(start, 116), to: asOf, days: 4, marginPct: 15, excess: expect.any(Number) }]);
    const excess = days.slice(116).reduce((s, d) => s + d.energyKwh - d.energyKwh / 1.4, 0);
    expect(energy?.anomalies[0]?.excess).toBeCloseTo(excess, 6);
    expect(water?.anomalies).toEqual([]);
    expect(energy?.comparison?.changePct).toBeGreaterThan(0);
    expect(digestLines([], [energy!, water!])).toEqual([`energyKwh above expected by more than 15 % for 4 days (${addDays(start, 116)} to ${asOf}), ${Math.round(excess * 10) / 10} in excess`]);
  });

  it('needs the rule’s N days: the four-day spike is no anomaly under minDays 5', () => {
    const [energy] = expectedConsumption(days, degree, { marginPct: 15, minDays: 5 }, asOf);
    expect(energy?.anomalies).toEqual([]);
  });

  it('has no model with fewer than 14 days before the window', () => {
    const [energy] = expectedConsumption(days.slice(80), degree, { marginPct: 15, minDays: 3 }, asOf);
    expect(energy).toMatchObject({ fittedDays: 12, comparison: null, anomalies: [] });
  });
});
