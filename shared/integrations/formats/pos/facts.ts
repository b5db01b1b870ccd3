import type { FactShape, MappingContext } from '../format.js';
import { department } from '../mapping.js';
import type { PosRecord } from './record.js';

/** A day's sales of an outlet, as actuals of the outlet's department. */
export function posFact(r: PosRecord, ctx: MappingContext): FactShape {
  return {
    date: r.businessDate,
    scenario: 'actual',
    contributions: [
      {
        departmentId: department(ctx, r.outlet, 'outlet'),
        measures: { revenue: r.netRevenue, tax: r.tax, discounts: r.discounts, covers: r.covers, checks: r.checks },
      },
    ],
  };
}
