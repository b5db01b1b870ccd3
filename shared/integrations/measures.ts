/**
 * The vocabulary facts are written in: scenarios, USALI lines, measures, what one fact contributes
 * to a day, and an integration's code mappings. Source formats map their records into it, so it
 * imports nothing of theirs.
 */

export type Scenario = 'actual' | 'budget' | 'forecast' | 'onTheBooks';

/** USALI 11th-edition summary lines that AMS accounts map to. Departmental lines need a department. */
export const DEPARTMENTAL_LINES = ['revenue', 'costOfSales', 'payrollAndRelated', 'otherExpenses'] as const;
export const PROPERTY_LINES = [
  'miscellaneousIncome',
  'administrativeAndGeneral',
  'informationAndTelecommunications',
  'salesAndMarketing',
  'propertyOperationAndMaintenance',
  'utilities',
  'managementFees',
  'nonOperatingIncome',
  'nonOperatingExpenses',
  'replacementReserve',
] as const;
export const USALI_LINES = [...DEPARTMENTAL_LINES, ...PROPERTY_LINES] as const;
export type UsaliLine = (typeof USALI_LINES)[number];

export function isDepartmentalLine(line: UsaliLine): boolean {
  return (DEPARTMENTAL_LINES as readonly string[]).includes(line);
}

/** Department-level measures: flows, summed over facts. Money in currency units, hours in hours. */
export const DEPARTMENT_MEASURES = [
  'revenue',
  'tax',
  'discounts',
  'covers',
  'checks',
  'reservations',
  'reservedCovers',
  'cancellations',
  'noShows',
  'eventAttendees',
  'productiveHours',
  'nonProductiveHours',
  'labourCost',
  /** Hours of published shifts (the `schedules` format), on the books. */
  'scheduledHours',
] as const;
export type DepartmentMeasure = (typeof DEPARTMENT_MEASURES)[number];

/** Property-level statistics. PMS and RMS figures are snapshots (the latest record of a date wins); groupRooms is a flow. */
export const PROPERTY_MEASURES = [
  'roomsAvailable',
  'outOfOrder',
  'roomsSold',
  'complimentary',
  'roomRevenue',
  'guests',
  'arrivals',
  'departures',
  'groupRooms',
] as const;
export type PropertyMeasure = (typeof PROPERTY_MEASURES)[number];

/**
 * Utility consumption (GoGreen): `utility.<path>` at the property level, in kWh, m³ or kg, summed in
 * hundredths. shared/sustainability/consumption-measures.ts names them (the path into the core's
 * Consumption); the pipeline only carries them into the aggregates' `utility` map.
 */
export const UTILITY_PREFIX = 'utility.';
export type UtilityMeasure = `utility.${string}`;

type Measure = DepartmentMeasure | PropertyMeasure | `usali.${UsaliLine}` | UtilityMeasure;

/** Measures summed in hundredths (money, hours) so sums don't depend on the order facts are read in. */
export const FRACTIONAL: ReadonlySet<string> = new Set([
  'revenue',
  'tax',
  'discounts',
  'productiveHours',
  'nonProductiveHours',
  'labourCost',
  'scheduledHours',
  'roomRevenue',
  ...USALI_LINES.map((l) => `usali.${l}`),
]);

/** Whether a measure is summed in hundredths: FRACTIONAL's, and every utility quantity. */
export function isFractional(measure: string): boolean {
  return FRACTIONAL.has(measure) || measure.startsWith(UTILITY_PREFIX);
}

/** What one fact adds to one (department or property, scenario) of its date. */
export interface Contribution {
  /** null: property level. */
  departmentId: string | null;
  measures: Partial<Record<Measure, number>>;
  /** Snapshot contributions replace each other (latest wins) instead of adding up. */
  snapshot?: boolean;
  /** A figure for a whole month (`YYYY-MM`, AMS trial-balance lines): aggregated apart, spread over the month by reports. */
  period?: string;
}

export interface IntegrationMappings {
  /** Source department/outlet code → the property's department id. */
  departments: Record<string, string>;
  /** AMS GL account → USALI line. */
  accounts: Record<string, UsaliLine>;
}
