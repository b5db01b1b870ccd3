import { describe, expect, it } from '@jest/globals';
import {
  BLEND_COMPOSITION,
  SEED_FACTORS,
  blendGwp,
  consumptionSchema,
  factorEntrySchema,
  factorTable,
  footprint,
  selectFactor,
  worstFlag,
  type FactorEntry,
} from '../../../shared/sustainability/index.js';

const table = factorTable(SEED_FACTORS);
const gbGrid = { activity: 'electricity', unit: 'kWh', region: 'GB', basis: 'location' } as const;

describe('factor flags', () => {
  it('is red when no factor exists: the line has no emissions and the footprint is flagged', () => {
    const c = consumptionSchema.parse({ electricity: { gridKwh: 1000 }, districtCoolingKwh: 500, laundryKg: 200 });
    const fp = footprint(c, { country: 'GB', periodYear: 2025 }, table);
    expect(fp.lines.find((l) => l.activity === 'districtCooling')).toMatchObject({ kgCo2e: null, factor: null, flag: 'red' });
    expect(fp.lines.find((l) => l.activity === 'laundry')).toMatchObject({ kgCo2e: null, flag: 'red' });
    expect(fp.flag).toBe('red');
    // The known lines still count: the total is a lower bound the flag warns about.
    expect(fp.totalKg).toBeCloseTo(1000 * 0.20705, 9);
  });

  it('is red for a country without a grid factor and for market-based electricity without contract or residual mix', () => {
    const c = consumptionSchema.parse({ electricity: { gridKwh: 1000 } });
    expect(footprint(c, { country: 'US', periodYear: 2025 }, table).flag).toBe('red');
    expect(footprint(c, { country: 'GB', periodYear: 2025, basis: 'market' }, table).flag).toBe('red');
  });

  it('is red for gas billed in kWh: no per-kWh gas factor is seeded, and a tenant factor clears it', () => {
    const c = consumptionSchema.parse({ naturalGas: { kwh: 10000 } });
    expect(footprint(c, { country: 'DE', periodYear: 2025 }, table).flag).toBe('red');
    const own: FactorEntry = { activity: 'naturalGas', region: 'DE', unit: 'kWh', kgCo2ePerUnit: 0.2, year: 2025, source: 'test factor' };
    const fp = footprint(c, { country: 'DE', periodYear: 2025 }, factorTable(SEED_FACTORS, [own]));
    expect(fp).toMatchObject({ flag: 'green', scope1Kg: 2000 });
  });

  it('is amber when the factor is more than two years older than the period, green up to two', () => {
    expect(selectFactor(table, gbGrid, 2026)).toMatchObject({ flag: 'green', entry: { year: 2024 } });
    expect(selectFactor(table, gbGrid, 2027)).toMatchObject({ flag: 'amber', entry: { year: 2024 } });
    const c = consumptionSchema.parse({ electricity: { gridKwh: 1000 } });
    expect(footprint(c, { country: 'DE', periodYear: 2026 }, table).flag).toBe('amber');
    expect(footprint(c, { country: 'DE', periodYear: 2025 }, table).flag).toBe('green');
  });

  it('never ages a GWP: it belongs to an assessment report, not to a year', () => {
    const c = consumptionSchema.parse({ refrigerants: [{ gas: 'R-32', kg: 2 }] });
    const ar5 = footprint(c, { country: 'FR', periodYear: 2030 }, table);
    expect(ar5).toMatchObject({ flag: 'green', scope1Kg: 2 * 677 });
    expect(footprint(c, { country: 'FR', periodYear: 2030, gwpAssessment: 'AR6' }, table).scope1Kg).toBe(2 * 771);
  });

  it('worstFlag: red over amber over green', () => {
    expect(worstFlag([])).toBe('green');
    expect(worstFlag(['green', 'amber'])).toBe('amber');
    expect(worstFlag(['amber', 'red', 'green'])).toBe('red');
  });
});

describe('factor selection', () => {
  const entry = (over: Partial<FactorEntry>): FactorEntry => ({ activity: 'districtHeat', region: 'DE', unit: 'kWh', kgCo2ePerUnit: 0.1, year: 2022, source: 's', ...over });

  it('takes the latest year not after the period, or the earliest when all are newer', () => {
    const t = factorTable([entry({ year: 2021, kgCo2ePerUnit: 0.21 }), entry({ year: 2023, kgCo2ePerUnit: 0.23 }), entry({ year: 2026, kgCo2ePerUnit: 0.26 })]);
    const q = { activity: 'districtHeat', unit: 'kWh', region: 'DE' } as const;
    expect(selectFactor(t, q, 2025).entry?.kgCo2ePerUnit).toBe(0.23);
    expect(selectFactor(t, q, 2030).entry?.kgCo2ePerUnit).toBe(0.26);
    expect(selectFactor(t, q, 2019)).toMatchObject({ flag: 'green', entry: { kgCo2ePerUnit: 0.21 } });
  });

  it("uses the tenant's own entries before the seed's, and the region's own before '*' entries, whatever their years", () => {
    const q = { activity: 'districtHeat', unit: 'kWh', region: 'DE' } as const;
    const seed = [entry({ year: 2023, kgCo2ePerUnit: 0.1 }), entry({ region: '*', year: 2024, kgCo2ePerUnit: 0.3 })];
    expect(selectFactor(factorTable(seed), q, 2025).entry).toMatchObject({ kgCo2ePerUnit: 0.1, region: 'DE' });
    expect(selectFactor(factorTable(seed), { ...q, region: 'AT' }, 2025).entry).toMatchObject({ kgCo2ePerUnit: 0.3, region: '*' });
    const own = factorTable(seed, [entry({ region: '*', year: 2021, kgCo2ePerUnit: 0.2 })]);
    // The tenant's older factor still wins, and its age shows as amber.
    expect(selectFactor(own, q, 2025)).toMatchObject({ flag: 'amber', entry: { kgCo2ePerUnit: 0.2, origin: 'tenant' } });
  });

  it('rejects entries without what their activity needs, and unknown fields', () => {
    expect(factorEntrySchema.safeParse({ activity: 'refrigerant', region: '*', unit: 'kg', kgCo2ePerUnit: 1, year: 2020, source: 's' }).success).toBe(false);
    expect(factorEntrySchema.safeParse({ activity: 'electricity', region: 'DE', unit: 'kWh', kgCo2ePerUnit: 1, year: 2020, source: 's' }).success).toBe(false);
    expect(factorEntrySchema.safeParse({ activity: 'electricity', basis: 'market', region: 'DE', unit: 'kWh', kgCo2ePerUnit: 1, year: 2020, source: 's' }).success).toBe(false);
    expect(factorEntrySchema.safeParse({ ...entry({}), note: 'x' }).success).toBe(false);
    expect(factorEntrySchema.safeParse(entry({ region: 'Germany' })).success).toBe(false);
  });
});

describe('seeded factors', () => {
  it('are valid entries, each with a source and year, one per activity, region, key, basis, assessment, unit and year', () => {
    for (const f of SEED_FACTORS) expect(factorEntrySchema.parse(f)).toEqual(f);
    const keys = SEED_FACTORS.map((f) => [f.activity, f.region, f.key, f.basis, f.assessment, f.unit, f.year].join('|'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('blend GWPs are the mass-weighted sums of IPCC component GWPs and match the published rounded blend values', () => {
    for (const gas of Object.keys(BLEND_COMPOSITION) as Array<keyof typeof BLEND_COMPOSITION>) {
      expect(Object.values(BLEND_COMPOSITION[gas]).reduce((s, x) => s + (x ?? 0), 0)).toBeCloseTo(1, 12);
    }
    // AR5 blends as DESNZ lists them (rounded), AR6 blends as IIR lists them (rounded): PROVENANCE.md.
    expect(Math.round(blendGwp('R-410A', 'AR5'))).toBe(1924);
    expect(Math.round(blendGwp('R-404A', 'AR5'))).toBe(3943);
    expect(Math.round(blendGwp('R-407C', 'AR5'))).toBe(1624);
    expect(Math.round(blendGwp('R-410A', 'AR6'))).toBe(2256);
    expect(Math.round(blendGwp('R-404A', 'AR6'))).toBe(4728);
    expect(Math.round(blendGwp('R-407C', 'AR6'))).toBe(1908);
    expect(blendGwp('R-134a', 'AR5')).toBe(1300);
    expect(blendGwp('R-407C', 'AR6')).toBe(1907.93);
  });
});
