import { z } from 'zod';
import { isoDate, recordId, type CsvTypes } from '../common.js';
import { liquidFuelSchema, naturalGasSchema, REFRIGERANTS, WASTE_STREAMS } from '../../../sustainability/resources.js';
import { ELECTRICITY_ORIGINS, UNITS_OF, UTILITY_RESOURCES, UTILITY_UNITS, WATER_SUPPLIES, type UtilityReading } from '../../../sustainability/consumption-measures.js';

/**
 * A meter or energy-management-system reading (docs/gogreen.md, "Inputs"): one resource's quantity
 * for a day or a month, in a unit of that resource. Enums and calorific-value bounds are the
 * GoGreen core's (shared/sustainability), so a reading the format accepts is one the core can use.
 */
const readingShape = {
  date: isoDate.optional().describe('The day the quantity was consumed (property-local)'),
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
    .optional()
    .describe('The month of a monthly reading (a bill, a monthly meter read); spread over its days by room nights'),
  resource: z.enum(UTILITY_RESOURCES).describe('What was consumed'),
  quantity: z.number().finite().nonnegative().max(1e12).describe('How much, in `unit`'),
  unit: z.enum(UTILITY_UNITS).describe('kWh or MWh (energy), m3 (water, or natural gas with calorificValue), l (water, or a liquid fuel with calorificValue), kg or t (waste, laundry; refrigerant in kg)'),
  meter: z.string().min(1).max(100).optional().describe("The meter's or sub-meter's reference (informational; give each meter's readings their own ids)"),
  origin: z.enum(ELECTRICITY_ORIGINS).optional().describe('Electricity: bought from the grid (default) or generated on site (renewable)'),
  certificates: z.boolean().optional().describe('Grid electricity backed by energy attribute certificates (GOs, REGOs): renewable, 0 market-based'),
  supply: z.enum(WATER_SUPPLIES).optional().describe('Water: mains (default), well, or recycled (recorded, outside intensities)'),
  stream: z.enum(WASTE_STREAMS).optional().describe('Waste: the stream (required for waste)'),
  gas: z.enum(REFRIGERANTS).optional().describe('Refrigerant: the gas topped up (required for refrigerant)'),
  calorificValue: z.number().optional().describe('Gross calorific value: MJ/m³ for natural gas in m3, kWh/l for a liquid fuel in l (required then)'),
  volumeCorrection: z.number().optional().describe('Natural gas in m3: the meter volume correction (1.02264 on British bills; default 1)'),
};

type Ctx = z.RefinementCtx;
const issue = (ctx: Ctx, path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });

/** Which qualifiers a resource takes, which it requires, and the core's calorific-value bounds. */
function checkReading(r: Omit<UtilityReading, 'unit'> & { unit: string; date?: string | undefined; period?: string | undefined }, ctx: Ctx): void {
  if ((r.date === undefined) === (r.period === undefined)) issue(ctx, 'date', 'exactly one of date or period is required');
  if (!UNITS_OF[r.resource].includes(r.unit as never)) issue(ctx, 'unit', `${r.resource} is given in ${UNITS_OF[r.resource].join(', ')}`);
  const only = (field: 'origin' | 'certificates' | 'supply' | 'stream' | 'gas', resource: string) => {
    if (r[field] !== undefined && r.resource !== resource) issue(ctx, field, `applies to ${resource} only`);
  };
  only('origin', 'electricity');
  only('certificates', 'electricity');
  only('supply', 'water');
  only('stream', 'waste');
  only('gas', 'refrigerant');
  if (r.origin === 'onSite' && r.certificates) issue(ctx, 'certificates', 'applies to grid electricity only (on-site generation is renewable without certificates)');
  if (r.resource === 'waste' && r.stream === undefined) issue(ctx, 'stream', `required for waste: one of ${WASTE_STREAMS.join(', ')}`);
  if (r.resource === 'refrigerant' && r.gas === undefined) issue(ctx, 'gas', `required for refrigerant: one of ${REFRIGERANTS.join(', ')}`);
  const gasByVolume = r.resource === 'naturalGas' && r.unit === 'm3';
  const fuelByVolume = ['fuelOil', 'lpg', 'diesel'].includes(r.resource) && r.unit === 'l';
  if (!gasByVolume && !fuelByVolume && r.calorificValue !== undefined) issue(ctx, 'calorificValue', 'applies to natural gas in m3 and liquid fuels in l only');
  if (!gasByVolume && r.volumeCorrection !== undefined) issue(ctx, 'volumeCorrection', 'applies to natural gas in m3 only');
  if (gasByVolume) {
    const parsed = naturalGasSchema.options[1].safeParse({ m3: r.quantity, calorificValueMjPerM3: r.calorificValue, ...(r.volumeCorrection !== undefined ? { volumeCorrection: r.volumeCorrection } : {}) });
    for (const i of parsed.error?.issues ?? []) issue(ctx, i.path[0] === 'volumeCorrection' ? 'volumeCorrection' : 'calorificValue', `${i.message} (MJ/m³, gross)`);
  }
  if (fuelByVolume) {
    const parsed = liquidFuelSchema.options[1].safeParse({ litres: r.quantity, kwhPerLitre: r.calorificValue });
    for (const i of parsed.error?.issues ?? []) issue(ctx, 'calorificValue', `${i.message} (kWh/l, gross)`);
  }
}

export const utilityRecord = z
  .strictObject({ id: recordId, ...readingShape, deleted: z.literal(false).optional() })
  .superRefine(checkReading);
export type UtilityRecord = z.infer<typeof utilityRecord>;

/**
 * A reading entered by hand (PUT /api/v1/sustainability/consumption/{propertyId}): the canonical
 * record, its id optional (sustainability/inputs.ts derives one from the day or month and the
 * resource, so entering the same thing again corrects it).
 */
export const utilityEntry = z.strictObject({ id: recordId.optional(), ...readingShape }).superRefine(checkReading);
export type UtilityEntry = z.infer<typeof utilityEntry>;

export const utilityCsv: CsvTypes = { numbers: ['quantity', 'calorificValue', 'volumeCorrection'], booleans: ['certificates'] };
