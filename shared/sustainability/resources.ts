import { z } from 'zod';

/**
 * What a hotel consumes in one period (a day or a month) and the units it is measured in
 * (docs/gogreen.md, "Resources and units"). Energy is counted in kWh on the gross calorific value
 * (GCV, "higher heating value"): the basis European and UK gas bills use, so a billed kWh enters
 * unchanged and a fuel measured by volume is converted with its gross calorific value.
 */

const quantity = z.number().finite().nonnegative();

/** Refrigerants whose top-ups we can weigh into CO2e with a seeded GWP (seed-factors.ts). */
export const REFRIGERANTS = ['R-32', 'R-134a', 'R-404A', 'R-407C', 'R-410A'] as const;
export type Refrigerant = (typeof REFRIGERANTS)[number];

export const WASTE_STREAMS = ['landfill', 'recycled', 'composted', 'incinerated'] as const;
export type WasteStream = (typeof WASTE_STREAMS)[number];

export const electricitySchema = z.strictObject({
  /** Bought from the grid without certificates. */
  gridKwh: quantity.default(0),
  /** Generated and used on site (solar, wind): renewable, no scope 2 emissions. */
  onSiteRenewableKwh: quantity.default(0),
  /** Bought from the grid with energy attribute certificates (GOs, REGOs): 0 market-based, grid factor location-based. */
  certifiedRenewableKwh: quantity.default(0),
  /** The supplier contract whose factor prices `gridKwh` market-based; without it the residual mix applies. */
  supplierContractId: z.string().min(1).max(100).optional(),
});

/** Natural gas as billed in kWh (gross CV), or as metered in m³ with the gas's gross calorific value. */
export const naturalGasSchema = z.union([
  z.strictObject({ kwh: quantity }),
  z.strictObject({
    m3: quantity,
    /** Gross calorific value in MJ/m³ (printed on the bill; about 39–40 in Great Britain). */
    calorificValueMjPerM3: z.number().finite().positive().max(60),
    /** Temperature and pressure correction of the meter volume (1.02264 on British bills); 1 when already corrected. */
    volumeCorrection: z.number().finite().positive().max(2).default(1),
  }),
]);

/**
 * A liquid fuel in kWh, or in litres with its gross calorific value in kWh per litre (from the
 * supplier's delivery note). No default calorific value is seeded (test/fixtures/sustainability/PROVENANCE.md).
 */
export const liquidFuelSchema = z.union([
  z.strictObject({ kwh: quantity }),
  z.strictObject({ litres: quantity, kwhPerLitre: z.number().finite().positive().max(20) }),
]);

export const waterSchema = z.strictObject({
  mainsM3: quantity.default(0),
  wellM3: quantity.default(0),
  /** Recorded, but outside every intensity (HWMI v2 draft). */
  recycledM3: quantity.default(0),
});

export const wasteSchema = z.strictObject({
  landfillKg: quantity.default(0),
  recycledKg: quantity.default(0),
  compostedKg: quantity.default(0),
  incineratedKg: quantity.default(0),
});

export const refrigerantTopUpSchema = z.strictObject({ gas: z.enum(REFRIGERANTS), kg: quantity });

/** One property's consumption in one period. Every resource is optional: absent = not consumed or not measured. */
export const consumptionSchema = z.strictObject({
  electricity: electricitySchema.optional(),
  districtHeatKwh: quantity.optional(),
  districtCoolingKwh: quantity.optional(),
  naturalGas: naturalGasSchema.optional(),
  fuelOil: liquidFuelSchema.optional(),
  lpg: liquidFuelSchema.optional(),
  diesel: liquidFuelSchema.optional(),
  water: waterSchema.optional(),
  waste: wasteSchema.optional(),
  refrigerants: z.array(refrigerantTopUpSchema).max(50).default([]),
  /** Outsourced laundry, kg of linen washed. */
  laundryKg: quantity.optional(),
});

export type Consumption = z.infer<typeof consumptionSchema>;
export type ConsumptionInput = z.input<typeof consumptionSchema>;
export type NaturalGas = z.infer<typeof naturalGasSchema>;
export type LiquidFuel = z.infer<typeof liquidFuelSchema>;

export const FUELS = ['naturalGas', 'fuelOil', 'lpg', 'diesel'] as const;
export type Fuel = (typeof FUELS)[number];

/** kWh (gross CV) of metered natural gas: m³ × volume correction × calorific value (MJ/m³) ÷ 3.6 MJ/kWh. */
export function gasKwh(gas: NaturalGas): number {
  if ('kwh' in gas) return gas.kwh;
  return (gas.m3 * gas.volumeCorrection * gas.calorificValueMjPerM3) / 3.6;
}

/** kWh (gross CV) of a liquid fuel: litres × kWh per litre. */
export function liquidFuelKwh(fuel: LiquidFuel): number {
  return 'kwh' in fuel ? fuel.kwh : fuel.litres * fuel.kwhPerLitre;
}

/** A fuel's kWh (gross CV), or 0 when it was not consumed. */
export function fuelKwh(c: Consumption, fuel: Fuel): number {
  const v = c[fuel];
  if (!v) return 0;
  return fuel === 'naturalGas' ? gasKwh(v as NaturalGas) : liquidFuelKwh(v as LiquidFuel);
}

export interface EnergyTotals {
  /** All electricity used: grid + certified renewable + on-site renewable. */
  electricityKwh: number;
  /** On-site plus certificate-backed renewable electricity. */
  renewableElectricityKwh: number;
  districtHeatKwh: number;
  districtCoolingKwh: number;
  /** Natural gas, fuel oil, LPG and diesel, gross CV. */
  fuelsKwh: number;
  totalKwh: number;
}

export function energyTotals(c: Consumption): EnergyTotals {
  const e = c.electricity;
  const electricityKwh = e ? e.gridKwh + e.onSiteRenewableKwh + e.certifiedRenewableKwh : 0;
  const renewableElectricityKwh = e ? e.onSiteRenewableKwh + e.certifiedRenewableKwh : 0;
  const districtHeatKwh = c.districtHeatKwh ?? 0;
  const districtCoolingKwh = c.districtCoolingKwh ?? 0;
  const fuelsKwh = FUELS.reduce((s, f) => s + fuelKwh(c, f), 0);
  return {
    electricityKwh,
    renewableElectricityKwh,
    districtHeatKwh,
    districtCoolingKwh,
    fuelsKwh,
    totalKwh: electricityKwh + districtHeatKwh + districtCoolingKwh + fuelsKwh,
  };
}

/** Water counted in intensities: mains + well (recycled water is excluded). */
export function countedWaterM3(c: Consumption): number {
  return c.water ? c.water.mainsM3 + c.water.wellM3 : 0;
}

export interface WasteTotals {
  totalKg: number;
  /** Recycled + composted; incineration (with or without energy recovery) is not counted as diverted. */
  divertedKg: number;
}

export function wasteTotals(c: Consumption): WasteTotals {
  const w = c.waste;
  if (!w) return { totalKg: 0, divertedKg: 0 };
  return { totalKg: w.landfillKg + w.recycledKg + w.compostedKg + w.incineratedKg, divertedKg: w.recycledKg + w.compostedKg };
}
