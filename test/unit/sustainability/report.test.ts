import { describe, expect, it } from '@jest/globals';
import { SEED_FACTORS, consumptionSchema, factorTable, type FactorEntry } from '../../../shared/sustainability/index.js';
import { againstTargets, buckets, monthResult, propertyPeriods, totalPeriods, type MonthResult } from '../../../shared/sustainability/report.js';
import { propertySettingsSchema } from '../../../shared/sustainability/property-facts.js';
import { statementLines } from '../../../shared/sustainability/statement.js';
import { example, expectFigure } from './fixture.js';

/**
 * The report's assembly (shared/sustainability/report.ts) on the worked example of docs/gogreen.md:
 * a property's settings, its month's consumption and PMS occupancy in, the hand-computed figures out;
 * months into years, properties into totals, factor flags, factor changes and targets.
 */

const settings = propertySettingsSchema.parse({ areas: example.facts.areas, rooms: example.facts.rooms, country: example.context.country });
const consumption = consumptionSchema.parse(example.consumption);
const table = factorTable(SEED_FACTORS, example.tenantFactors);
const march = { month: example.period, days: 31, consumption, occupiedRooms: example.facts.occupiedRooms, guestNights: example.facts.guestNights };

function figuresOf(actual: Record<string, number | null>, expected: Record<string, number>, label: string) {
  for (const [k, v] of Object.entries(expected)) expectFigure(actual[k], v, `${label}.${k}`);
}

describe('a property-month of the report', () => {
  it('equals the worked example, every metric', () => {
    const r = monthResult(settings, example.facts.rooms, table, march) as MonthResult;
    figuresOf(r.metrics.carbon as unknown as Record<string, number>, example.expected.carbon, 'carbon');
    figuresOf(r.metrics.energy as unknown as Record<string, number>, example.expected.energy, 'energy');
    figuresOf(r.metrics.water as unknown as Record<string, number>, example.expected.water, 'water');
    figuresOf(r.metrics.waste as unknown as Record<string, number>, example.expected.waste, 'waste');
    figuresOf(r.metrics.allocation as unknown as Record<string, number>, example.expected.allocation, 'allocation');
    expect(r.metrics.flag).toBe('green');
    expect(r.metrics.methodologyVersion).toMatch(/\S/);
  });

  it('prices grid electricity market-based with the settings’ supplier contract when the reading names none', () => {
    const { supplierContractId, ...electricity } = consumption.electricity as NonNullable<typeof consumption.electricity>;
    expect(supplierContractId).toBe('contract-example');
    const market = propertySettingsSchema.parse({ ...settings, scope2Basis: 'market', supplierContractId });
    const r = monthResult(market, example.facts.rooms, table, { ...march, consumption: { ...consumption, electricity } }) as MonthResult;
    expectFigure(r.metrics.carbon.scope2Kg, example.expected.market.scope2Kg, 'market scope2');
    expectFigure(r.metrics.carbon.totalKg, example.expected.market.totalKg, 'market total');
  });

  it('has no result for a month without recorded consumption', () => {
    expect(monthResult(settings, 120, table, { ...march, consumption: null })).toBeNull();
  });
});

describe('periods', () => {
  it('buckets a range by month and by year, clipped to the range', () => {
    expect(buckets('2025-02-15', '2025-04-10', 'month')).toEqual([
      { key: '2025-02', from: '2025-02-15', to: '2025-02-28', months: ['2025-02'] },
      { key: '2025-03', from: '2025-03-01', to: '2025-03-31', months: ['2025-03'] },
      { key: '2025-04', from: '2025-04-01', to: '2025-04-10', months: ['2025-04'] },
    ]);
    expect(buckets('2024-11-01', '2025-02-28', 'year').map((b) => [b.key, b.from, b.to, b.months.length])).toEqual([
      ['2024', '2024-11-01', '2024-12-31', 2],
      ['2025', '2025-01-01', '2025-02-28', 2],
    ]);
  });

  it('sums months into the year and recomputes the intensities from the sums; compares with last year', () => {
    const r = monthResult(settings, 120, table, march) as MonthResult;
    // The same hotel a year earlier used 10 % less of everything with the same occupancy.
    const scaled = consumptionSchema.parse({
      electricity: { gridKwh: 135000, onSiteRenewableKwh: 5400, certifiedRenewableKwh: 27000 },
      water: { mainsM3: 2511 },
    });
    const ly = monthResult(settings, 120, table, { ...march, month: '2024-03', consumption: scaled }) as MonthResult;
    const april = monthResult(settings, 120, table, { ...march, month: '2025-04', days: 30, occupiedRooms: 2000, guestNights: 3000 }) as MonthResult;
    const results = new Map([r, ly, april].map((x) => [x.month, x]));
    const { periods, total } = propertyPeriods(buckets('2025-03-01', '2025-04-30', 'year'), results, []);
    expect(periods).toHaveLength(1);
    const year = periods[0]!;
    expectFigure(year.metrics?.carbon.totalKg, 2 * example.expected.carbon.totalKg!, 'two months of carbon');
    expectFigure(year.metrics?.carbon.perOccupiedRoomKg, (2 * example.expected.carbon.roomsKg!) / (2790 + 2000), 'per occupied room over the year');
    expect(year.metrics?.denominators.days).toBe(61);
    expectFigure(year.lastYear?.water.countedM3, 2511, 'last year water');
    // Rooms' water per occupied room: two months of 2790 m³ over 4790 rooms now, one month of 2511 m³ (90 %) over 2790 rooms last year.
    const rooms = example.expected.water.roomsM3!;
    expectFigure(year.changeVsLastYearPct?.waterPerOccupiedRoomM3 ?? NaN, ((2 * rooms) / 4790 / ((0.9 * rooms) / 2790) - 1) * 100, 'water change');
    expect(total.metrics?.carbon.totalKg).toBe(year.metrics?.carbon.totalKg);
  });

  it('combines properties into a total, intensities from summed numerators and denominators', () => {
    const r = monthResult(settings, 120, table, march) as MonthResult;
    const half = monthResult(settings, 120, table, { ...march, occupiedRooms: 1395, guestNights: 2000 }) as MonthResult;
    const bs = buckets('2025-03-01', '2025-03-31', 'month');
    const total = totalPeriods([propertyPeriods(bs, new Map([[r.month, r]]), []), propertyPeriods(bs, new Map([[half.month, half]]), [])]);
    expectFigure(total?.periods[0]?.metrics?.carbon.perOccupiedRoomKg, (2 * example.expected.carbon.roomsKg!) / (2790 + 1395), 'group per occupied room');
    expect(total?.periods[0]?.metrics?.allocation).toBeNull();
  });
});

describe('factor flags and factor changes', () => {
  it('flags a missing factor red (laundry without the tenant’s factor) and names the line', () => {
    const seedOnly = factorTable(SEED_FACTORS);
    const r = monthResult(settings, 120, seedOnly, march) as MonthResult;
    const { periods } = propertyPeriods(buckets('2025-03-01', '2025-03-31', 'month'), new Map([[r.month, r]]), []);
    expect(periods[0]?.flag).toBe('red');
    expect(periods[0]?.flaggedLines).toEqual([{ activity: 'laundry', flag: 'red', factorYear: null, months: ['2025-03'] }]);
    // Without the laundry factor the total is a lower bound: the laundry line is missing from it.
    expectFigure(r.metrics.carbon.totalKg, example.expected.carbon.totalKg! - example.expected.lines.laundry!, 'total without laundry');
  });

  it('flags a factor more than two years older than the period amber', () => {
    const later = monthResult(settings, 120, table, { ...march, month: '2027-03' }) as MonthResult;
    const { periods } = propertyPeriods(buckets('2027-03-01', '2027-03-31', 'month'), new Map([[later.month, later]]), []);
    expect(periods[0]?.flag).toBe('amber');
    expect(periods[0]?.flaggedLines.map((l) => [l.activity, l.flag, l.factorYear])).toContainEqual(['electricity.grid', 'amber', 2024]);
  });

  it('a changed factor reprices the month (reports price at read time)', () => {
    const own: FactorEntry = { activity: 'electricity', basis: 'location', region: 'GB', unit: 'kWh', kgCo2ePerUnit: 0.25, year: 2025, source: 'test' };
    const r = monthResult(settings, 120, factorTable(SEED_FACTORS, [...example.tenantFactors, own]), march) as MonthResult;
    const before = example.expected.lines['electricity.grid']! + example.expected.lines['electricity.certifiedRenewable']!;
    expectFigure(r.metrics.carbon.scope2Kg, example.expected.carbon.scope2Kg! - before + 180000 * 0.25, 'scope 2 with the tenant factor');
  });
});

describe('targets in the report', () => {
  const t = example.target;
  const monthOf = (month: string, kwh: number, guestNights: number) =>
    monthResult(settings, 120, table, { month, days: 30, consumption: consumptionSchema.parse({ electricity: { gridKwh: kwh } }), occupiedRooms: guestNights, guestNights }) as MonthResult;

  it('compares the period’s months with the monthly targets per guest night of the worked example', () => {
    const baseline = new Map(t.baseline.consumption.map((c, i) => {
      const m = `${t.definition.baselineYear}-${String(i + 1).padStart(2, '0')}`;
      return [m, monthOf(m, c, t.baseline.guestNights[i]!)] as const;
    }));
    const actuals = t.actuals.map((a) => monthOf(a.month, a.consumption, a.guestNights));
    const [cmp] = againstTargets([t.definition], actuals, () => baseline);
    expectFigure(cmp?.actual, t.expected.progress.actualConsumption, 'actual');
    expectFigure(cmp?.target, t.expected.progress.targetConsumption, 'target');
    expectFigure(cmp?.variance, t.expected.progress.variance, 'variance');
    expect(cmp?.aboveTarget).toBe(true);
  });

  it('says so when the baseline year has no data', () => {
    const [cmp] = againstTargets([t.definition], [monthOf('2025-01', 1, 1)], () => new Map());
    expect(cmp).toMatchObject({ missingBaseline: true, aboveTarget: false });
  });
});

describe('annual statement', () => {
  it('lays the metrics out in the HCMI/HWMI sections', () => {
    const r = monthResult(settings, 120, table, march) as MonthResult;
    const lines = statementLines(r.metrics);
    expect(new Set(lines.map((l) => l.section))).toEqual(new Set(['HCMI', 'HWMI', 'Energy', 'Waste', 'Inputs']));
    expectFigure(lines.find((l) => l.line === 'Footprint per occupied room')?.value, example.expected.carbon.perOccupiedRoomKg!, 'HCMI per occupied room');
    expectFigure(lines.find((l) => l.line === 'Water per occupied room')?.value, example.expected.water.perOccupiedRoomM3!, 'HWMI per occupied room');
  });
});
