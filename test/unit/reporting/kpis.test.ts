import { describe, expect, it } from '@jest/globals';
import {
  coversPerLabourHour,
  earnedHours,
  hoursVariance,
  hpor,
  labourCostPct,
  mpor,
  productivity,
  productivityIndex,
  ratio,
  revenuePerLabourHour,
  revPolu,
  departmentFigures,
  totalFigures,
  figuresVariance,
} from '../../../shared/reporting/kpis.js';
import { fold, type FoldPlan } from '../../../shared/reporting/fold.js';
import type { AggregateRecord, BucketSums, Series } from '../../../shared/reporting/model.js';
import { revenueProductivity, revenueProductivityCsv } from '../../../shared/reporting/revenue-productivity.js';
import { actuals, budget, lastYear, ledger, departments, departmentMap, property, AG, FO, HK, REST } from './fixture.js';

const plan = (over: Partial<FoldPlan> = {}): FoldPlan => ({
  from: '2026-03-14',
  to: '2026-03-15',
  granularity: 'month',
  alignment: 'calendar',
  series: new Set<Series>(['actual', 'budget', 'forecast', 'lastYear']),
  ...over,
});

function bucket(items: AggregateRecord[], series: Series, over: Partial<FoldPlan> = {}): BucketSums {
  const folded = fold(items, plan(over), departmentMap);
  return folded.sums.get(series)?.get(folded.buckets[0]!.key) as BucketSums;
}

describe('KPI formulas (docs/kpis.md worked examples)', () => {
  it('computes each KPI from its inputs', () => {
    expect(mpor(800, 1600)).toBe(30);
    expect(hpor(1600, 1600)).toBe(1);
    expect(productivity(2000, 400)).toBe(5);
    expect(revPolu(256_000, 1600)).toBe(160);
    expect(revenuePerLabourHour(64_000, 400)).toBe(160);
    expect(labourCostPct(19_200, 64_000)).toBe(30);
    expect(coversPerLabourHour(2000, 400)).toBe(5);
    expect(earnedHours(1600, 0.5)).toBe(800);
    expect(productivityIndex(800, 760)).toBeCloseTo(1.0526, 4);
    expect(hoursVariance(760, 800)).toBe(-40);
  });

  it('answers null, never NaN or Infinity, over a zero denominator', () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(mpor(120, 0)).toBeNull();
    expect(hpor(0, 0)).toBeNull();
    expect(labourCostPct(500, 0)).toBeNull();
    expect(productivityIndex(null, 10)).toBeNull();
    expect(earnedHours(100, null)).toBeNull();
    expect(hoursVariance(10, null)).toBeNull();
  });
});

describe('R&P figures from the fixture', () => {
  const items = [...actuals, ...ledger, ...budget, ...lastYear];
  const actual = bucket(items, 'actual');

  it('housekeeping: MPOR 800 h × 60 ÷ 1,600 rooms = 30 min, earned 800 h, index 1.0526', () => {
    expect(departmentFigures(HK, actual, true)).toEqual({
      revenue: 0,
      roomsSold: 1600,
      covers: 0,
      // Guests are a property statistic: a department driven by rooms sold shows only its own volume.
      guests: null,
      reservations: null,
      coversBooked: null,
      cancellations: null,
      noShows: null,
      productiveHours: 760,
      nonProductiveHours: 40,
      paidHours: 800,
      labourCost: 16_000,
      output: 1600,
      productivityTotal: 2,
      productivityOperational: 2.1053,
      revPOLU: null,
      revenuePerLabourHour: 0,
      labourCostPct: null,
      hpor: 0.5,
      mpor: 30,
      coversPerLabourHour: null,
      earnedHours: 800,
      productivityIndex: 1.0526,
      hoursVariance: -40,
      dataDays: 2,
    });
  });

  it('restaurant: 2,000 covers ÷ 400 h = 5 covers/h, labour cost 30 %, AMS month-end revenue not double counted', () => {
    const f = departmentFigures(REST, actual, true);
    expect(f).toMatchObject({
      revenue: 64_000,
      covers: 2000,
      paidHours: 400,
      productivityTotal: 5,
      productivityOperational: 5.5556,
      revenuePerLabourHour: 160,
      labourCost: 19_200,
      labourCostPct: 30,
      coversPerLabourHour: 5,
      earnedHours: 500,
      productivityIndex: 1.3889,
      hoursVariance: -140,
      hpor: null,
      mpor: null,
    });
  });

  it('front office over its standard; a department without a driver has no earned hours', () => {
    expect(departmentFigures(FO, actual, true)).toMatchObject({ paidHours: 320, hpor: 0.2, earnedHours: 160, productivityIndex: 0.5333, hoursVariance: 140 });
    expect(departmentFigures(AG, actual, true)).toMatchObject({ paidHours: 80, output: 0, earnedHours: null, productivityIndex: null, hoursVariance: null, dataDays: 1 });
  });

  it('shows a department only its own driver volume: no rooms sold or guests on an A&G or restaurant row', () => {
    expect(departmentFigures(AG, actual, true)).toMatchObject({ roomsSold: null, guests: null, covers: 0 });
    expect(departmentFigures(REST, actual, true)).toMatchObject({ roomsSold: null, guests: null, covers: 2000 });
    expect(departmentFigures(FO, actual, true)).toMatchObject({ roomsSold: 1600, guests: null });
    expect(departmentFigures({ ...FO, driver: 'guests' }, actual, true)).toMatchObject({ roomsSold: null, guests: 2500 });
    expect(totalFigures(departments, actual, true)).toMatchObject({ roomsSold: 1600, guests: 2500 });
  });

  it('property total: revenue €256,000, RevPOLU 160, labour cost 17.66 %, HPOR 1, MPOR 30', () => {
    expect(totalFigures(departments, actual, true)).toEqual({
      revenue: 256_000,
      roomsSold: 1600,
      covers: 2000,
      guests: 2500,
      reservations: 0,
      coversBooked: 0,
      cancellations: 0,
      noShows: 0,
      productiveHours: 1500,
      nonProductiveHours: 100,
      paidHours: 1600,
      labourCost: 45_200,
      output: 256_000,
      productivityTotal: 160,
      productivityOperational: 170.6667,
      revPOLU: 160,
      revenuePerLabourHour: 160,
      labourCostPct: 17.6563,
      hpor: 1,
      mpor: 30,
      coversPerLabourHour: 5,
      earnedHours: 1460,
      productivityIndex: 1.0282,
      hoursVariance: -40,
      dataDays: 2,
    });
  });

  it('omits labour cost (not zeroes it) without payroll.read', () => {
    const f = totalFigures(departments, actual, false);
    expect(f).not.toHaveProperty('labourCost');
    expect(f).not.toHaveProperty('labourCostPct');
    expect(f.revenue).toBe(256_000);
  });

  it('compares with the budget (AMS revenue and payroll)', () => {
    const b = bucket(items, 'budget');
    const total = totalFigures(departments, b, true);
    expect(total).toMatchObject({ revenue: 240_000, labourCost: 70_000, paidHours: 0, productivityTotal: null, dataDays: 1 });
    const v = figuresVariance(totalFigures(departments, actual, true), total);
    expect(v.revenue).toBe(16_000);
    expect(v.labourCost).toBe(-24_800);
    expect(v.productivityTotal).toBeNull();
    expect(figuresVariance(departmentFigures(REST, actual, true), departmentFigures(REST, b, true))).toMatchObject({ revenue: 4000, labourCost: -800 });
  });

  it('compares with last year, calendar-aligned and weekday-aligned', () => {
    const calendar = totalFigures(departments, bucket(items, 'lastYear'), true);
    expect(calendar).toMatchObject({ revenue: 204_000, roomsSold: 1400, covers: 1800, paidHours: 360 });
    // 2026-03-14 (Saturday) ↔ 2025-03-15 (Saturday); 2026-03-15 ↔ 2025-03-16, which has no data.
    const weekday = totalFigures(departments, bucket(items, 'lastYear', { alignment: 'weekday' }), true);
    expect(weekday).toMatchObject({ revenue: 102_000, roomsSold: 700, covers: 900, dataDays: 1 });
  });

  it('combines RMS and AMS forecast rooms revenue by the source of record: pms adds the AMS as an adjustment, ams replaces that day', () => {
    const forecast: AggregateRecord[] = [
      { id: 'f1', level: 'property', propertyId: 'p1', date: '2026-03-14', departmentId: null, scenario: 'forecast', sources: { rms: 1 }, roomsSold: 760, roomRevenue: 91_200 },
      { id: 'f2', level: 'property', propertyId: 'p1', date: '2026-03-15', departmentId: null, scenario: 'forecast', sources: { rms: 1 }, roomsSold: 800, roomRevenue: 96_000 },
      { id: 'f3', level: 'department', propertyId: 'p1', date: '2026-03-14', departmentId: FO.id, scenario: 'forecast', sources: { ams: 1 }, usali: { revenue: -1_200 } },
    ];
    const pms = bucket(forecast, 'forecast');
    expect(departmentFigures(FO, pms, true).revenue).toBe(-1_200);
    expect(totalFigures(departments, pms, true).revenue).toBe(91_200 - 1_200 + 96_000);
    const ams = bucket(forecast, 'forecast', { roomsRevenueSource: 'ams' });
    // 03-14 takes the AMS figure, 03-15 (no AMS posting) the RMS one.
    expect(totalFigures(departments, ams, true).revenue).toBe(-1_200 + 96_000);
  });

  it('counts reservations held, covers booked, cancellations and no-shows for F&B rows, on the books or received after the day', () => {
    const booked: AggregateRecord[] = [
      { id: 'r1', level: 'department', propertyId: 'p1', date: '2026-03-14', departmentId: REST.id, scenario: 'onTheBooks', sources: { trs: 3 }, reservations: 2, reservedCovers: 7, cancellations: 1, noShows: 0 },
      { id: 'r2', level: 'department', propertyId: 'p1', date: '2026-03-15', departmentId: REST.id, scenario: 'actual', sources: { trs: 2, pos: 1 }, reservations: 1, reservedCovers: 4, noShows: 1, covers: 30 },
      { id: 'r3', level: 'department', propertyId: 'p1', date: '2026-03-15', departmentId: REST.id, scenario: 'budget', sources: { ams: 1 }, usali: { revenue: 10 } },
    ];
    const a = bucket(booked, 'actual');
    expect(departmentFigures(REST, a, true)).toMatchObject({ covers: 30, reservations: 3, coversBooked: 11, cancellations: 1, noShows: 1 });
    expect(totalFigures(departments, a, true)).toMatchObject({ reservations: 3, coversBooked: 11, cancellations: 1, noShows: 1 });
    expect(departmentFigures(FO, a, true)).toMatchObject({ reservations: null, coversBooked: null });
    // No source plans reservations: null in a budget, not 0.
    expect(departmentFigures(REST, bucket(booked, 'budget'), true, true)).toMatchObject({ reservations: null, coversBooked: null });
  });

  it('an empty period has zero sums, null ratios and no data days', () => {
    const empty = bucket([], 'actual');
    const t = totalFigures(departments, empty, true);
    expect(t).toMatchObject({ revenue: 0, paidHours: 0, productivityTotal: null, revPOLU: null, hpor: null, mpor: null, labourCostPct: null, productivityIndex: null, dataDays: 0 });
    expect(departmentFigures(HK, empty, true)).toMatchObject({ earnedHours: 0, productivityIndex: null, hoursVariance: 0 });
    expect(JSON.stringify(t)).not.toMatch(/NaN|Infinity/);
  });

  it('partial data: a day with hours but no rooms sold gives null per-room ratios', () => {
    const only = bucket(actuals.filter((a) => a.departmentId === HK.id && a.date === '2026-03-14'), 'actual', { to: '2026-03-14' });
    expect(departmentFigures(HK, only, true)).toMatchObject({ paidHours: 400, roomsSold: 0, mpor: null, hpor: null, dataDays: 1 });
  });

  it('buckets by week across the ISO year boundary', () => {
    const items2: AggregateRecord[] = ['2026-12-31', '2027-01-03', '2027-01-04'].map((date, i) => ({
      id: `x${i}`,
      level: 'department',
      propertyId: 'p1',
      date,
      departmentId: REST.id,
      scenario: 'actual',
      sources: { pos: 1 },
      revenue: 100 * (i + 1),
    }));
    const folded = fold(items2, plan({ from: '2026-12-28', to: '2027-01-10', granularity: 'week' }), departmentMap);
    const section = revenueProductivity(property, departments, folded, { comparisons: [], payroll: false });
    expect(section.periods.map((p) => [p.key, p.total.actual.revenue])).toEqual([
      ['2026-W53', 300],
      ['2027-W01', 300],
    ]);
    expect(section.total.total.actual.revenue).toBe(600);
  });
});

describe('R&P CSV', () => {
  it('has a header with units, one row per series, and escapes names', () => {
    const folded = fold([...actuals, ...budget], plan(), departmentMap);
    const named = { ...property, name: '=Harbour, "Old Town"' };
    const section = revenueProductivity(named, departments, folded, { comparisons: ['budget'], payroll: false });
    const csv = revenueProductivityCsv([section], false);
    const [header, first] = csv.split('\r\n');
    expect(header).toContain('revenue (EUR)');
    expect(header).toContain('paid hours (h)');
    expect(header).toContain('MPOR (min/room)');
    expect(header).not.toContain('labour cost');
    expect(first!.startsWith(`"'=Harbour, ""Old Town"""`)).toBe(true);
    expect(csv).toContain(',variance vs budget,');
  });
});
