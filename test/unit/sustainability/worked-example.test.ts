import { describe, expect, it } from '@jest/globals';
import {
  METHODOLOGY_VERSION,
  SEED_FACTORS,
  consumptionSchema,
  degreeDays,
  factorTable,
  footprint,
  metrics,
  monthEndProjection,
  progressToDate,
  yearTargets,
} from '../../../shared/sustainability/index.js';
import { example, expectFigure } from './fixture.js';

/** Every figure of docs/gogreen.md's worked example, from the same fixture. */
const table = factorTable(SEED_FACTORS, example.tenantFactors);
const consumption = consumptionSchema.parse(example.consumption);

describe('worked example (docs/gogreen.md)', () => {
  const fp = footprint(consumption, example.context, table);
  const m = metrics(consumption, fp, example.facts);

  it('prices each line with the seeded or tenant factor and flags none', () => {
    const lines = Object.fromEntries(fp.lines.map((l) => [l.activity, l.kgCo2e]));
    expect(Object.keys(lines).sort()).toEqual(Object.keys(example.expected.lines).sort());
    for (const [activity, kg] of Object.entries(example.expected.lines)) expectFigure(lines[activity], kg, activity);
    expect(fp.lines.every((l) => l.flag === 'green')).toBe(true);
    expect(fp.flag).toBe('green');
    expect(fp.lines.find((l) => l.activity === 'naturalGas')).toMatchObject({ unit: 'm3', quantity: 20000, factor: { kgCo2ePerUnit: 2.06318, year: 2024, origin: 'seed' } });
    expect(fp.lines.find((l) => l.activity === 'laundry')?.factor?.origin).toBe('tenant');
  });

  it('totals scopes, allocates by floor area and computes the HCMI intensities', () => {
    for (const [k, v] of Object.entries(example.expected.carbon)) expectFigure(m.carbon[k as keyof typeof m.carbon], v, `carbon.${k}`);
    for (const [k, v] of Object.entries(example.expected.allocation)) expectFigure(m.allocation?.[k as keyof NonNullable<typeof m.allocation>], v, `allocation.${k}`);
    expect(m.methodologyVersion).toBe(METHODOLOGY_VERSION);
    expect(fp.methodologyVersion).toBe(METHODOLOGY_VERSION);
  });

  it('computes energy, water and waste intensities (recycled water outside them)', () => {
    for (const [k, v] of Object.entries(example.expected.energy)) expectFigure(m.energy[k as keyof typeof m.energy], v, `energy.${k}`);
    for (const [k, v] of Object.entries(example.expected.water)) expectFigure(m.water[k as keyof typeof m.water], v, `water.${k}`);
    for (const [k, v] of Object.entries(example.expected.waste)) expectFigure(m.waste[k as keyof typeof m.waste], v, `waste.${k}`);
  });

  it('market-based: the supplier contract prices grid electricity and certificates count zero', () => {
    const market = footprint(consumption, { ...example.context, basis: 'market' }, table);
    const mm = metrics(consumption, market, example.facts);
    expectFigure(market.scope2Kg, example.expected.market.scope2Kg, 'market scope2');
    expectFigure(market.totalKg, example.expected.market.totalKg, 'market total');
    expectFigure(mm.carbon.perOccupiedRoomKg, example.expected.market.perOccupiedRoomKg, 'market per occupied room');
    expect(market.lines.find((l) => l.activity === 'electricity.certifiedRenewable')).toMatchObject({ kgCo2e: 0, factor: { origin: 'rule' } });
    expect(market.basis).toBe('market');
  });

  it('monthly targets, progress to date and the month-end projection', () => {
    const t = example.target;
    const targets = yearTargets(t.definition, t.baseline, t.year);
    expectFigure(targets.reduction, t.expected.reduction, 'reduction');
    expectFigure(targets.baselinePerGuestNight, t.expected.baselinePerGuestNight, 'baseline per guest night');
    expectFigure(targets.annualTarget, t.expected.annualTarget, 'annual target');
    const march = targets.months[2];
    expectFigure(march?.targetConsumption, t.expected.marchTargetConsumption, 'March target');
    expectFigure(march?.targetPerGuestNight, t.expected.marchTargetPerGuestNight, 'March target per guest night');

    const progress = progressToDate(targets, t.actuals);
    expect(progress).toMatchObject(t.expected.progress);

    const projection = monthEndProjection(t.monthToDate, march?.targetPerGuestNight ?? null);
    for (const [k, v] of Object.entries(t.expected.projection)) {
      if (typeof v === 'boolean') expect(projection[k as keyof typeof projection]).toBe(v);
      else expectFigure(projection[k as keyof typeof projection] as number, v, `projection.${k}`);
    }
  });

  it('degree days from the mean temperatures', () => {
    expect(degreeDays(example.degreeDays.series, example.degreeDays.bases)).toEqual(example.degreeDays.expected);
  });
});
