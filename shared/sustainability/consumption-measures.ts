import { REFRIGERANTS, WASTE_STREAMS, consumptionSchema, gasKwh, liquidFuelKwh, type Consumption, type Refrigerant, type WasteStream } from './resources.js';

/**
 * How consumption travels through the import pipeline (docs/gogreen.md, "Inputs"): each reading is
 * one quantity on a path into the core's Consumption (`electricity.gridKwh`, `waste.recycledKg`,
 * `refrigerants.R-410A.kg`, …) in its canonical unit (kWh gross CV, m³, kg). Facts carry them as
 * `utility.<path>` measures, aggregates and rollups sum them per path, and `consumptionOf` turns a
 * map of sums back into a Consumption. Gas in m³ and fuels in litres are converted to kWh at import
 * with the reading's own calorific value (the core's gasKwh / liquidFuelKwh), so sums are of kWh.
 */

/** What a reading measures: one resource, with its kind where the core tells kinds apart. */
export const UTILITY_RESOURCES = ['electricity', 'districtHeat', 'districtCooling', 'naturalGas', 'fuelOil', 'lpg', 'diesel', 'water', 'waste', 'refrigerant', 'laundry'] as const;
export type UtilityResource = (typeof UTILITY_RESOURCES)[number];

export const ELECTRICITY_ORIGINS = ['grid', 'onSite'] as const;
export const WATER_SUPPLIES = ['mains', 'well', 'recycled'] as const;
export type WaterSupply = (typeof WATER_SUPPLIES)[number];

export const UTILITY_UNITS = ['kWh', 'MWh', 'm3', 'l', 'kg', 't'] as const;
export type UtilityUnit = (typeof UTILITY_UNITS)[number];

/** The units each resource may be given in; the first is the canonical one it is stored in. */
export const UNITS_OF: Readonly<Record<UtilityResource, readonly UtilityUnit[]>> = {
  electricity: ['kWh', 'MWh'],
  districtHeat: ['kWh', 'MWh'],
  districtCooling: ['kWh', 'MWh'],
  naturalGas: ['kWh', 'MWh', 'm3'],
  fuelOil: ['kWh', 'MWh', 'l'],
  lpg: ['kWh', 'MWh', 'l'],
  diesel: ['kWh', 'MWh', 'l'],
  water: ['m3', 'l'],
  waste: ['kg', 't'],
  refrigerant: ['kg'],
  laundry: ['kg', 't'],
};

/** One reading as the utility source format and manual entry validate it. */
export interface UtilityReading {
  resource: UtilityResource;
  quantity: number;
  unit: UtilityUnit;
  /** Electricity: bought from the grid (default) or generated on site. */
  origin?: (typeof ELECTRICITY_ORIGINS)[number];
  /** Grid electricity backed by energy attribute certificates (GOs, REGOs). */
  certificates?: boolean;
  supply?: WaterSupply;
  stream?: WasteStream;
  gas?: Refrigerant;
  /** Natural gas in m³: MJ/m³ (gross); a liquid fuel in litres: kWh/l (gross). */
  calorificValue?: number;
  /** Natural gas in m³: the meter volume correction (default 1). */
  volumeCorrection?: number;
}

const FACTOR: Partial<Record<UtilityUnit, number>> = { MWh: 1000, t: 1000, l: 0.001 };

/** The path into Consumption a reading adds to. */
export function pathOf(r: Pick<UtilityReading, 'resource' | 'origin' | 'certificates' | 'supply' | 'stream' | 'gas'>): string {
  switch (r.resource) {
    case 'electricity':
      return r.origin === 'onSite' ? 'electricity.onSiteRenewableKwh' : r.certificates ? 'electricity.certifiedRenewableKwh' : 'electricity.gridKwh';
    case 'districtHeat':
      return 'districtHeatKwh';
    case 'districtCooling':
      return 'districtCoolingKwh';
    case 'naturalGas':
    case 'fuelOil':
    case 'lpg':
    case 'diesel':
      return `${r.resource}.kwh`;
    case 'water':
      return `water.${r.supply ?? 'mains'}M3`;
    case 'waste':
      return `waste.${r.stream as WasteStream}Kg`;
    case 'refrigerant':
      return `refrigerants.${r.gas as Refrigerant}.kg`;
    case 'laundry':
      return 'laundryKg';
  }
}

/**
 * A validated reading's quantity in its canonical unit (kWh, m³, kg): units scaled, gas in m³ and
 * fuels in litres converted by the core with the reading's calorific value.
 */
export function canonicalQuantity(r: UtilityReading): number {
  if (r.resource === 'naturalGas' && r.unit === 'm3') {
    return gasKwh({ m3: r.quantity, calorificValueMjPerM3: r.calorificValue as number, volumeCorrection: r.volumeCorrection ?? 1 });
  }
  if ((r.resource === 'fuelOil' || r.resource === 'lpg' || r.resource === 'diesel') && r.unit === 'l') {
    return liquidFuelKwh({ litres: r.quantity, kwhPerLitre: r.calorificValue as number });
  }
  return r.quantity * (FACTOR[r.unit] ?? 1);
}

/** Every path a Consumption can hold, in a stable order. */
export const CONSUMPTION_PATHS: readonly string[] = [
  'electricity.gridKwh',
  'electricity.onSiteRenewableKwh',
  'electricity.certifiedRenewableKwh',
  'districtHeatKwh',
  'districtCoolingKwh',
  'naturalGas.kwh',
  'fuelOil.kwh',
  'lpg.kwh',
  'diesel.kwh',
  ...['mains', 'well', 'recycled'].map((s) => `water.${s}M3`),
  ...WASTE_STREAMS.map((s) => `waste.${s}Kg`),
  ...REFRIGERANTS.map((g) => `refrigerants.${g}.kg`),
  'laundryKg',
];

/**
 * The Consumption of a map of quantities by path (an aggregate's or rollup's `utility`): a resource
 * appears when any of its paths does (a measured 0 included); other keys are ignored. Parsed by
 * the core's schema, so defaults (0 for an unmeasured kind of a measured resource) are the core's.
 */
export function consumptionOf(quantities: Readonly<Record<string, number>>): Consumption {
  const out: Record<string, unknown> = {};
  const refrigerants: Array<{ gas: string; kg: number }> = [];
  for (const path of CONSUMPTION_PATHS) {
    const v = quantities[path];
    if (v === undefined) continue;
    const parts = path.split('.');
    if (parts[0] === 'refrigerants') refrigerants.push({ gas: parts[1] as string, kg: v });
    else if (parts.length === 1) out[path] = v;
    else out[parts[0] as string] = { ...(out[parts[0] as string] as object | undefined), [parts[1] as string]: v };
  }
  return consumptionSchema.parse({ ...out, refrigerants });
}
