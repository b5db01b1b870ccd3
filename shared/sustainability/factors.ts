import { z } from 'zod';
import { REFRIGERANTS } from './resources.js';

/**
 * The emission-factor table (docs/gogreen.md, "Emission factors"): one entry per activity, region
 * (country or grid), key (refrigerant gas, supplier contract) and year, each with its source. A
 * tenant's own entries sit beside the seeded public ones (seed-factors.ts) and replace them where
 * they exist (selectFactor).
 */

export const FACTOR_ACTIVITIES = ['electricity', 'districtHeat', 'districtCooling', 'naturalGas', 'fuelOil', 'lpg', 'diesel', 'refrigerant', 'laundry'] as const;
export type FactorActivity = (typeof FACTOR_ACTIVITIES)[number];

/** What a factor multiplies: kWh are gross CV for fuels (resources.ts). */
export const FACTOR_UNITS = ['kWh', 'm3', 'litre', 'kg'] as const;
export type FactorUnit = (typeof FACTOR_UNITS)[number];

/** Scope 2 accounting basis (GHG Protocol Scope 2 Guidance): location-based is our default. */
export const SCOPE2_BASES = ['location', 'market'] as const;
export type Scope2Basis = (typeof SCOPE2_BASES)[number];

export const GWP_ASSESSMENTS = ['AR5', 'AR6'] as const;
export type GwpAssessment = (typeof GWP_ASSESSMENTS)[number];

/** The key of a market-based residual-mix factor (for grid electricity bought without a supplier contract factor). */
export const RESIDUAL_MIX = 'residual-mix';

export const factorEntrySchema = z
  .strictObject({
    activity: z.enum(FACTOR_ACTIVITIES),
    /** ISO 3166-1 alpha-2 country (or grid) code, or `*` for a factor that holds anywhere (fuels, GWPs). */
    region: z.string().regex(/^([A-Z]{2}|\*)$/),
    /**
     * Refrigerant: the gas. Market-based electricity: the supplier contract id, or `residual-mix`.
     * Absent for every other factor.
     */
    key: z.string().min(1).max(100).optional(),
    /** Electricity only: which scope 2 basis the factor belongs to. */
    basis: z.enum(SCOPE2_BASES).optional(),
    /** Refrigerants only: the IPCC assessment report the GWP comes from. */
    assessment: z.enum(GWP_ASSESSMENTS).optional(),
    unit: z.enum(FACTOR_UNITS),
    /** kg CO2e per unit (a refrigerant's GWP-100 is kg CO2e per kg). */
    kgCo2ePerUnit: z.number().finite().nonnegative(),
    /** The year the factor describes (the data year), which the amber flag compares with the period. */
    year: z.number().int().min(1990).max(2100),
    /** Publication, table and row the value was taken from, enough to find it again. */
    source: z.string().min(1).max(500),
  })
  .refine((f) => f.activity !== 'refrigerant' || (f.key !== undefined && (REFRIGERANTS as readonly string[]).includes(f.key) && f.assessment !== undefined), {
    message: 'a refrigerant factor names its gas (key) and its assessment report',
  })
  .refine((f) => f.activity !== 'electricity' || f.basis !== undefined, { message: 'an electricity factor names its basis' })
  .refine((f) => f.activity !== 'electricity' || f.basis !== 'market' || f.key !== undefined, {
    message: 'a market-based factor names its supplier contract or residual-mix',
  });

export type FactorEntry = z.infer<typeof factorEntrySchema>;

/** Where an entry comes from: the seeded public table, or the tenant's own (which replaces the seed's). */
export type FactorOrigin = 'seed' | 'tenant';
export interface TableEntry extends FactorEntry {
  origin: FactorOrigin;
}
export type FactorTable = readonly TableEntry[];

/** Builds a table from the seed and the tenant's entries. */
export function factorTable(seed: readonly FactorEntry[], tenant: readonly FactorEntry[] = []): FactorTable {
  return [...seed.map((e) => ({ ...e, origin: 'seed' as const })), ...tenant.map((e) => ({ ...e, origin: 'tenant' as const }))];
}

/** green: a factor of the period's year or up to two years older; amber: older than that; red: none. */
export type FactorFlag = 'green' | 'amber' | 'red';

/** A factor is outdated when its year is more than this many years before the period's year. */
export const MAX_FACTOR_AGE_YEARS = 2;

export interface FactorQuery {
  activity: FactorActivity;
  unit: FactorUnit;
  /** The property's country (grid); entries for `*` match any region, after the region's own. */
  region: string;
  key?: string;
  basis?: Scope2Basis;
  assessment?: GwpAssessment;
}

export interface FactorChoice {
  entry: TableEntry | null;
  flag: FactorFlag;
}

/**
 * The factor for a period year. The candidates are the first non-empty group of: the tenant's
 * entries for the region, the tenant's `*` entries, the seed's entries for the region, the seed's
 * `*` entries — a tenant's own factor replaces the public ones, and a country's factor a generic
 * one. Among them, the latest year not after the period (or, when every entry is newer, the
 * earliest: a newer factor is no reason for amber).
 *
 * @example selectFactor(table, { activity: 'electricity', unit: 'kWh', region: 'GB', basis: 'location' }, 2025)
 */
export function selectFactor(table: FactorTable, q: FactorQuery, periodYear: number): FactorChoice {
  const matches = table.filter(
    (e) =>
      e.activity === q.activity &&
      e.unit === q.unit &&
      (e.region === q.region || e.region === '*') &&
      e.key === q.key &&
      e.basis === q.basis &&
      e.assessment === q.assessment,
  );
  const groups = (['tenant', 'seed'] as const).flatMap((origin) => [q.region, '*'].map((region) => matches.filter((e) => e.origin === origin && e.region === region)));
  const pool = groups.find((g) => g.length > 0);
  if (!pool) return { entry: null, flag: 'red' };
  const past = pool.filter((e) => e.year <= periodYear);
  const candidates = past.length > 0 ? past : pool;
  const best = candidates.reduce((a, b) => (past.length > 0 ? (b.year > a.year ? b : a) : b.year < a.year ? b : a));
  // A GWP is a property of the gas in an assessment report, not a statistic of a year: it never ages.
  return { entry: best, flag: q.activity === 'refrigerant' ? 'green' : factorAgeFlag(best.year, periodYear) };
}

/** amber when the factor's year is more than two years before the period's year. */
export function factorAgeFlag(factorYear: number, periodYear: number): FactorFlag {
  return periodYear - factorYear > MAX_FACTOR_AGE_YEARS ? 'amber' : 'green';
}

/** The worst of several flags: red over amber over green. */
export function worstFlag(flags: Iterable<FactorFlag>): FactorFlag {
  let worst: FactorFlag = 'green';
  for (const f of flags) {
    if (f === 'red') return 'red';
    if (f === 'amber') worst = 'amber';
  }
  return worst;
}
