import type { Principal } from '../access/principal.js';
import type { RequestMeta } from '../audit/emit.js';
import type { UtilityEntry } from '../integrations/formats/utility/record.js';
import { pathOf, UNITS_OF, WATER_SUPPLIES } from '../sustainability/consumption-measures.js';
import { REFRIGERANTS, WASTE_STREAMS } from '../sustainability/resources.js';

/**
 * The `consumption` kind of the upload centre (docs/planning.md, "Upload centre"; docs/gogreen.md,
 * "Inputs"): a year of monthly utility readings of a property, one template row per kind of
 * reading, in the canonical unit of its resource. An approved version is not a plan: its figures
 * are readings, imported as `utility` records through the same pipeline as manual entry.
 */

/** What a template row stands for: a utility reading without its month and quantity. */
type ReadingShape = Omit<UtilityEntry, 'id' | 'date' | 'period' | 'quantity' | 'calorificValue' | 'volumeCorrection'>;

/** Each kind of reading once, in canonical units (the first unit of UNITS_OF), qualifiers from the utility format's enums. */
const SHAPES: readonly Omit<ReadingShape, 'unit'>[] = [
  { resource: 'electricity', origin: 'grid' },
  { resource: 'electricity', origin: 'onSite' },
  { resource: 'electricity', origin: 'grid', certificates: true },
  { resource: 'districtHeat' },
  { resource: 'districtCooling' },
  { resource: 'naturalGas' },
  { resource: 'fuelOil' },
  { resource: 'lpg' },
  { resource: 'diesel' },
  ...WATER_SUPPLIES.map((supply) => ({ resource: 'water' as const, supply })),
  ...WASTE_STREAMS.map((stream) => ({ resource: 'waste' as const, stream })),
  ...REFRIGERANTS.map((gas) => ({ resource: 'refrigerant' as const, gas })),
  { resource: 'laundry' },
];

/** Template line (the reading's consumption path, e.g. `electricity.gridKwh`) → the reading it becomes. */
export const CONSUMPTION_READINGS: ReadonlyMap<string, ReadingShape> = new Map(
  SHAPES.map((s) => {
    const shape = { ...s, unit: UNITS_OF[s.resource][0] } as ReadingShape;
    return [pathOf(shape), shape];
  }),
);

/** The lines of a consumption template, in the order of the utility format's resources. */
export const CONSUMPTION_LINES: readonly string[] = [...CONSUMPTION_READINGS.keys()];

/**
 * The utility readings of a consumption version: one monthly reading per line and month with a
 * figure. Without an id: manual entry derives one per (month, path) (sustainability/inputs.ts
 * entryRecordId), so a later approved version, or a manual entry of the same month and path,
 * corrects this one in place.
 */
export function consumptionReadings(v: { year: number; rows: ReadonlyArray<{ line: string; months: ReadonlyArray<number | null> }> }): UtilityEntry[] {
  const out: UtilityEntry[] = [];
  for (const row of v.rows) {
    const shape = CONSUMPTION_READINGS.get(row.line);
    if (!shape) continue;
    row.months.forEach((quantity, m) => {
      if (quantity === null || quantity === undefined) return;
      out.push({ ...shape, period: `${v.year}-${String(m + 1).padStart(2, '0')}`, quantity } as UtilityEntry);
    });
  }
  return out;
}

/**
 * Where an approved consumption version's readings go: GoGreen's manual-entry import
 * (sustainability/inputs.ts), as the approver, so locked months hold them as pending adjustments
 * exactly as they hold any import's.
 */
export interface ConsumptionImport {
  importReadings(principal: Principal, propertyId: string, readings: readonly UtilityEntry[], meta: RequestMeta & { versionId: string }): Promise<unknown>;
}
