import type { Principal } from '../access/principal.js';
import type { RequestMeta } from '../audit/emit.js';
import { utilityEntry, type UtilityEntry } from '../integrations/formats/utility/record.js';
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

/**
 * Gas and liquid fuels may be given by volume instead, as bills state them: a volume line and the
 * line of its gross calorific value for the same month (the core converts, as for any reading).
 * A month gives a resource in kWh or by volume, not both (they would be one reading).
 */
const BY_VOLUME: ReadonlyArray<{ line: string; calorific: string; resource: 'naturalGas' | 'fuelOil' | 'lpg' | 'diesel'; unit: 'm3' | 'l' }> = [
  { line: 'naturalGas.m3', calorific: 'naturalGas.calorificValueMjPerM3', resource: 'naturalGas', unit: 'm3' },
  ...(['fuelOil', 'lpg', 'diesel'] as const).map((resource) => ({ line: `${resource}.litres`, calorific: `${resource}.kwhPerLitre`, resource, unit: 'l' as const })),
];

/** The lines of a consumption template: the reading paths in the utility format's order, then the volume lines with their calorific values. */
export const CONSUMPTION_LINES: readonly string[] = [...CONSUMPTION_READINGS.keys(), ...BY_VOLUME.flatMap((v) => [v.line, v.calorific])];

type Figures = { year: number; rows: ReadonlyArray<{ line: string; months: ReadonlyArray<number | null> }> };

const periodOf = (year: number, m: number) => `${year}-${String(m + 1).padStart(2, '0')}`;
const present = (x: number | null | undefined): x is number => x !== null && x !== undefined;

/** Each reading of the version with the line and month (0-based) it came from. */
function readingsOf(v: Figures): Array<{ line: string; month: number; reading: UtilityEntry }> {
  const byLine = new Map(v.rows.map((r) => [r.line, r.months]));
  const out: Array<{ line: string; month: number; reading: UtilityEntry }> = [];
  for (const row of v.rows) {
    const shape = CONSUMPTION_READINGS.get(row.line);
    const volume = BY_VOLUME.find((b) => b.line === row.line);
    row.months.forEach((quantity, month) => {
      if (!present(quantity)) return;
      const period = periodOf(v.year, month);
      if (shape) out.push({ line: row.line, month, reading: { ...shape, period, quantity } as UtilityEntry });
      if (volume) {
        const calorificValue = byLine.get(volume.calorific)?.[month];
        out.push({ line: row.line, month, reading: { resource: volume.resource, unit: volume.unit, period, quantity, ...(present(calorificValue) ? { calorificValue } : {}) } });
      }
    });
  }
  return out;
}

/**
 * What a consumption version's figures cannot be, by line and month (0-based), found at upload:
 * each reading checked by the utility format's own schema (a volume without its calorific value, a
 * calorific value out of the core's bounds), a resource given both in kWh and by volume in a month,
 * and a calorific value without the volume it converts.
 */
export function consumptionProblems(v: Figures): Array<{ line: string; month: number; message: string }> {
  const problems: Array<{ line: string; month: number; message: string }> = [];
  for (const { line, month, reading } of readingsOf(v)) {
    const parsed = utilityEntry.safeParse(reading);
    for (const i of parsed.error?.issues ?? []) problems.push({ line, month, message: i.path[0] === 'calorificValue' && reading.calorificValue === undefined ? `needs its ${BY_VOLUME.find((b) => b.line === line)?.calorific} in the same month` : `${String(i.path[0] ?? 'reading')}: ${i.message}` });
  }
  const byLine = new Map(v.rows.map((r) => [r.line, r.months]));
  for (const b of BY_VOLUME) {
    for (let month = 0; month < 12; month++) {
      const volume = byLine.get(b.line)?.[month];
      if (present(volume) && present(byLine.get(`${b.resource}.kwh`)?.[month])) problems.push({ line: b.line, month, message: `${b.resource} is given in kWh (${b.resource}.kwh) or by volume, not both in a month` });
      if (!present(volume) && present(byLine.get(b.calorific)?.[month])) problems.push({ line: b.calorific, month, message: `a calorific value without ${b.line} in the same month` });
    }
  }
  return problems;
}

/**
 * The utility readings of a consumption version: one monthly reading per reading line (or volume
 * line) and month with a figure. Without an id: manual entry derives one per (month, path)
 * (sustainability/inputs.ts entryRecordId), so a later approved version, or a manual entry of the
 * same month and path, corrects this one in place.
 */
export function consumptionReadings(v: Figures): UtilityEntry[] {
  return readingsOf(v).map((r) => r.reading);
}

/**
 * Where an approved consumption version's readings go: GoGreen's manual-entry import
 * (sustainability/inputs.ts), as the approver, so locked months hold them as pending adjustments
 * exactly as they hold any import's.
 */
export interface ConsumptionImport {
  /** `withdrawn`: the superseded version's readings, removed where `readings` does not give them again. */
  importReadings(principal: Principal, propertyId: string, readings: readonly UtilityEntry[], meta: RequestMeta & { versionId: string }, withdrawn: readonly UtilityEntry[]): Promise<unknown>;
}
