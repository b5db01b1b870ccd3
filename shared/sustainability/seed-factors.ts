import type { FactorEntry, GwpAssessment } from './factors.js';
import type { Refrigerant } from './resources.js';

/**
 * The public factors every tenant starts with, each with its source and data year. Where each
 * number was read, how it was checked and which factors we could not verify (and so left out):
 * test/fixtures/sustainability/PROVENANCE.md. A tenant adds or overrides factors in its own table.
 */

const DESNZ_2024 =
  'UK Government GHG Conversion Factors for Company Reporting 2024 (DESNZ), flat file v1.1';

/** Scope 1 fuels: DESNZ 2024, kg CO2e per unit (CO2 + CH4 + N2O at AR5 GWPs, as DESNZ publishes them). */
const FUELS: FactorEntry[] = [
  { activity: 'naturalGas', region: '*', unit: 'm3', kgCo2ePerUnit: 2.06318, year: 2024, source: `${DESNZ_2024}: Fuels > Gaseous fuels > Natural gas (100% mineral blend), cubic metres` },
  { activity: 'lpg', region: '*', unit: 'litre', kgCo2ePerUnit: 1.55713, year: 2024, source: `${DESNZ_2024}: Fuels > Gaseous fuels > LPG, litres` },
  { activity: 'fuelOil', region: '*', unit: 'litre', kgCo2ePerUnit: 3.17493, year: 2024, source: `${DESNZ_2024}: Fuels > Liquid fuels > Fuel oil, litres` },
  { activity: 'diesel', region: '*', unit: 'litre', kgCo2ePerUnit: 2.66155, year: 2024, source: `${DESNZ_2024}: Fuels > Liquid fuels > Diesel (100% mineral diesel), litres` },
];

/** Scope 2, Great Britain: DESNZ 2024 (location-based grid electricity; district heat and steam). */
const GB: FactorEntry[] = [
  { activity: 'electricity', basis: 'location', region: 'GB', unit: 'kWh', kgCo2ePerUnit: 0.20705, year: 2024, source: `${DESNZ_2024}: UK electricity > Electricity generated, kWh` },
  { activity: 'districtHeat', region: 'GB', unit: 'kWh', kgCo2ePerUnit: 0.17965, year: 2024, source: `${DESNZ_2024}: Heat and steam > District heat and steam, kWh` },
];

/**
 * Location-based grid electricity of European countries: Ember's yearly country overview,
 * emissions intensity of generation in g CO2e/kWh, data year 2023 (read in the copy that
 * thegreenwebfoundation/co2.js republishes as data/output/average-intensities.json). Ember's
 * intensities are of generation in the country, not of consumption (imports are not netted).
 */
const EMBER_2023_G_PER_KWH: Record<string, number> = {
  AT: 110.81,
  BE: 138.11,
  CH: 34.84,
  CZ: 449.72,
  DE: 380.95,
  DK: 151.65,
  ES: 174.05,
  FI: 79.16,
  FR: 56.04,
  GR: 336.57,
  HU: 204.19,
  IE: 290.81,
  IT: 330.72,
  NL: 267.62,
  NO: 30.08,
  PL: 661.93,
  PT: 165.55,
  SE: 40.7,
};
const EMBER: FactorEntry[] = Object.entries(EMBER_2023_G_PER_KWH).map(([region, g]) => ({
  activity: 'electricity',
  basis: 'location',
  region,
  unit: 'kWh',
  kgCo2ePerUnit: g / 1000,
  year: 2023,
  source: `Ember, yearly electricity data, country overview: emissions intensity ${g} gCO2e/kWh (data year 2023)`,
}));

/**
 * GWP-100 of the single-component HFCs: IPCC AR5 WG1 chapter 8, table 8.A.1 (2013) and IPCC AR6
 * WG1 chapter 7, table 7.SM.7 (2021).
 */
export const COMPONENT_GWP: Record<GwpAssessment, Record<'R-32' | 'R-125' | 'R-134a' | 'R-143a', number>> = {
  AR5: { 'R-32': 677, 'R-125': 3170, 'R-134a': 1300, 'R-143a': 4800 },
  AR6: { 'R-32': 771, 'R-125': 3740, 'R-134a': 1530, 'R-143a': 5810 },
};

/** Mass fractions of the blends (ASHRAE Standard 34 designations). */
export const BLEND_COMPOSITION: Record<Refrigerant, Partial<Record<'R-32' | 'R-125' | 'R-134a' | 'R-143a', number>>> = {
  'R-32': { 'R-32': 1 },
  'R-134a': { 'R-134a': 1 },
  'R-410A': { 'R-32': 0.5, 'R-125': 0.5 },
  'R-404A': { 'R-125': 0.44, 'R-143a': 0.52, 'R-134a': 0.04 },
  'R-407C': { 'R-32': 0.23, 'R-125': 0.25, 'R-134a': 0.52 },
};

/** A blend's GWP is the mass-weighted sum of its components' GWPs (the convention of the Kigali Amendment and the EU F-gas Regulation). */
export function blendGwp(gas: Refrigerant, assessment: GwpAssessment): number {
  const parts = Object.entries(BLEND_COMPOSITION[gas]) as Array<[keyof (typeof COMPONENT_GWP)['AR5'], number]>;
  // Rounded to 0.01: the mass fractions are decimal, and 0.23 × 771 must not print as 177.33000000000001.
  return Math.round(parts.reduce((s, [c, share]) => s + share * COMPONENT_GWP[assessment][c], 0) * 100) / 100;
}

const REPORT_YEAR: Record<GwpAssessment, number> = { AR5: 2013, AR6: 2021 };
const REPORT_SOURCE: Record<GwpAssessment, string> = {
  AR5: 'IPCC AR5 WG1 (2013), ch. 8, table 8.A.1, GWP-100',
  AR6: 'IPCC AR6 WG1 (2021), ch. 7, table 7.SM.7, GWP-100',
};

const REFRIGERANT_GWPS: FactorEntry[] = (['AR5', 'AR6'] as const).flatMap((assessment) =>
  (Object.keys(BLEND_COMPOSITION) as Refrigerant[]).map((gas) => ({
    activity: 'refrigerant' as const,
    region: '*',
    key: gas,
    assessment,
    unit: 'kg' as const,
    kgCo2ePerUnit: blendGwp(gas, assessment),
    year: REPORT_YEAR[assessment],
    source:
      Object.keys(BLEND_COMPOSITION[gas]).length === 1
        ? REPORT_SOURCE[assessment]
        : `${REPORT_SOURCE[assessment]} of the components, weighted by the ASHRAE 34 mass fractions`,
  })),
);

/** The seeded table. */
export const SEED_FACTORS: readonly FactorEntry[] = [...FUELS, ...GB, ...EMBER, ...REFRIGERANT_GWPS];
