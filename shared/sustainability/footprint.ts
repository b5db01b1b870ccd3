import { z } from 'zod';
import { METHODOLOGY_VERSION } from './methodology.js';
import { gasKwh, liquidFuelKwh, type Consumption, type LiquidFuel, type NaturalGas } from './resources.js';
import {
  GWP_ASSESSMENTS,
  RESIDUAL_MIX,
  SCOPE2_BASES,
  selectFactor,
  worstFlag,
  type FactorActivity,
  type FactorFlag,
  type FactorOrigin,
  type FactorQuery,
  type FactorTable,
  type FactorUnit,
} from './factors.js';

/**
 * A property-period's carbon footprint by scope (docs/gogreen.md, "Footprint"): scope 1 = on-site
 * fuels and refrigerant top-ups; scope 2 = purchased electricity, heat and cooling; outsourced
 * laundry (scope 3, which HCMI includes) is kept apart so it can be shown separately.
 */

export const footprintContextSchema = z.strictObject({
  /** The property's country (ISO 3166-1 alpha-2): the grid of its location-based electricity factor. */
  country: z.string().regex(/^[A-Z]{2}$/),
  /** The calendar year of the period, which chooses the factors and their age flags. */
  periodYear: z.number().int().min(1990).max(2100),
  basis: z.enum(SCOPE2_BASES).default('location'),
  gwpAssessment: z.enum(GWP_ASSESSMENTS).default('AR5'),
});
export type FootprintContext = z.infer<typeof footprintContextSchema>;
export type FootprintContextInput = z.input<typeof footprintContextSchema>;

export type EmissionScope = 'scope1' | 'scope2' | 'laundry';

export interface AppliedFactor {
  kgCo2ePerUnit: number;
  unit: FactorUnit;
  year: number;
  source: string;
  origin: FactorOrigin | 'rule';
}

export interface EmissionLine {
  /** e.g. `electricity.grid`, `naturalGas`, `refrigerant.R-410A`, `laundry`. */
  activity: string;
  scope: EmissionScope;
  quantity: number;
  unit: FactorUnit;
  /** null when no factor was found (flag red). */
  kgCo2e: number | null;
  factor: AppliedFactor | null;
  flag: FactorFlag;
}

export interface Footprint {
  basis: FootprintContext['basis'];
  lines: EmissionLine[];
  /** Sums of the lines with a factor: with a red line they are lower bounds, and `flag` says so. */
  scope1Kg: number;
  scope2Kg: number;
  laundryKg: number;
  /** scope 1 + scope 2 + laundry: the HCMI footprint. */
  totalKg: number;
  flag: FactorFlag;
  methodologyVersion: string;
}

/** A zero-emission line that needs no factor: on-site renewables; certificate-backed electricity market-based. */
const ZERO_RULES = {
  onSite: 'On-site renewable generation: no purchased electricity, no scope 2 emissions',
  certificates: 'Energy attribute certificates: 0 kg CO2e/kWh market-based (GHG Protocol Scope 2 Guidance)',
};

/**
 * Prices each consumed resource with the factor table (selectFactor) and sums the lines by scope.
 * A resource not consumed has no line; one without a factor has a red line with null emissions.
 *
 * @example footprint(consumptionSchema.parse(reading), { country: 'DE', periodYear: 2025 }, factorTable(SEED_FACTORS, own))
 */
export function footprint(consumption: Consumption, context: FootprintContextInput, table: FactorTable): Footprint {
  const ctx = footprintContextSchema.parse(context);
  const lines: EmissionLine[] = [];

  const priced = (activity: string, scope: EmissionScope, options: Array<{ quantity: number; query: Omit<FactorQuery, 'region'> }>) => {
    const first = options[0];
    if (!first || first.quantity === 0) return;
    for (const o of options) {
      const { entry, flag } = selectFactor(table, { ...o.query, region: ctx.country }, ctx.periodYear);
      if (!entry) continue;
      lines.push({
        activity,
        scope,
        quantity: o.quantity,
        unit: o.query.unit,
        kgCo2e: o.quantity * entry.kgCo2ePerUnit,
        factor: { kgCo2ePerUnit: entry.kgCo2ePerUnit, unit: entry.unit, year: entry.year, source: entry.source, origin: entry.origin },
        flag,
      });
      return;
    }
    lines.push({ activity, scope, quantity: first.quantity, unit: first.query.unit, kgCo2e: null, factor: null, flag: 'red' });
  };
  const zero = (activity: string, quantity: number, source: string) => {
    if (quantity === 0) return;
    lines.push({
      activity,
      scope: 'scope2',
      quantity,
      unit: 'kWh',
      kgCo2e: 0,
      factor: { kgCo2ePerUnit: 0, unit: 'kWh', year: ctx.periodYear, source, origin: 'rule' },
      flag: 'green',
    });
  };

  const e = consumption.electricity;
  if (e) {
    const grid =
      ctx.basis === 'location'
        ? { activity: 'electricity' as const, unit: 'kWh' as const, basis: 'location' as const }
        : { activity: 'electricity' as const, unit: 'kWh' as const, basis: 'market' as const, key: e.supplierContractId ?? RESIDUAL_MIX };
    priced('electricity.grid', 'scope2', [{ quantity: e.gridKwh, query: grid }]);
    if (ctx.basis === 'location') {
      // Location-based accounting ignores certificates: the kWh came from the same grid.
      priced('electricity.certifiedRenewable', 'scope2', [{ quantity: e.certifiedRenewableKwh, query: { activity: 'electricity', unit: 'kWh', basis: 'location' } }]);
    } else {
      zero('electricity.certifiedRenewable', e.certifiedRenewableKwh, ZERO_RULES.certificates);
    }
    zero('electricity.onSiteRenewable', e.onSiteRenewableKwh, ZERO_RULES.onSite);
  }
  priced('districtHeat', 'scope2', [{ quantity: consumption.districtHeatKwh ?? 0, query: { activity: 'districtHeat', unit: 'kWh' } }]);
  priced('districtCooling', 'scope2', [{ quantity: consumption.districtCoolingKwh ?? 0, query: { activity: 'districtCooling', unit: 'kWh' } }]);

  if (consumption.naturalGas) priced('naturalGas', 'scope1', gasOptions(consumption.naturalGas));
  for (const fuel of ['fuelOil', 'lpg', 'diesel'] as const) {
    const v = consumption[fuel];
    if (v) priced(fuel, 'scope1', liquidOptions(fuel, v));
  }
  for (const r of consumption.refrigerants) {
    priced(`refrigerant.${r.gas}`, 'scope1', [{ quantity: r.kg, query: { activity: 'refrigerant', unit: 'kg', key: r.gas, assessment: ctx.gwpAssessment } }]);
  }
  priced('laundry', 'laundry', [{ quantity: consumption.laundryKg ?? 0, query: { activity: 'laundry', unit: 'kg' } }]);

  const sum = (scope: EmissionScope) => lines.filter((l) => l.scope === scope).reduce((s, l) => s + (l.kgCo2e ?? 0), 0);
  const scope1Kg = sum('scope1');
  const scope2Kg = sum('scope2');
  const laundryKg = sum('laundry');
  return {
    basis: ctx.basis,
    lines,
    scope1Kg,
    scope2Kg,
    laundryKg,
    totalKg: scope1Kg + scope2Kg + laundryKg,
    flag: worstFlag(lines.map((l) => l.flag)),
    methodologyVersion: METHODOLOGY_VERSION,
  };
}

/** Metered gas prefers a per-m³ factor and falls back to a per-kWh (gross CV) one; billed kWh need a per-kWh factor. */
function gasOptions(gas: NaturalGas): Array<{ quantity: number; query: Omit<FactorQuery, 'region'> }> {
  const kwh = { quantity: gasKwh(gas), query: { activity: 'naturalGas' as FactorActivity, unit: 'kWh' as const } };
  return 'm3' in gas ? [{ quantity: gas.m3, query: { activity: 'naturalGas', unit: 'm3' } }, kwh] : [kwh];
}

function liquidOptions(fuel: 'fuelOil' | 'lpg' | 'diesel', v: LiquidFuel): Array<{ quantity: number; query: Omit<FactorQuery, 'region'> }> {
  const kwh = { quantity: liquidFuelKwh(v), query: { activity: fuel as FactorActivity, unit: 'kWh' as const } };
  return 'litres' in v ? [{ quantity: v.litres, query: { activity: fuel, unit: 'litre' } }, kwh] : [kwh];
}
