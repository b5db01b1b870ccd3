import { daysOfMonth } from '../../../reporting/spread.js';
import { canonicalQuantity, pathOf } from '../../../sustainability/consumption-measures.js';
import { UTILITY_PREFIX } from '../../measures.js';
import type { FactShape } from '../format.js';
import type { UtilityRecord } from './record.js';

/**
 * A reading, at the property level, as the actual consumption of its day; a monthly reading is
 * filed under its month's last day as a monthly figure (like an AMS trial-balance line), which the
 * consumption read port spreads over the month's days. Quantities are in their canonical unit.
 */
export function utilityFact(r: UtilityRecord): FactShape {
  const date = r.date ?? (daysOfMonth(r.period as string).at(-1) as string);
  const measure = `${UTILITY_PREFIX}${pathOf(r)}` as const;
  return { date, scenario: 'actual', contributions: [{ departmentId: null, measures: { [measure]: canonicalQuantity(r) }, ...(r.period ? { period: r.period } : {}) }] };
}
