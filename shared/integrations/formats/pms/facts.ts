import type { FactShape, MappingContext } from '../format.js';
import { timeScenario } from '../mapping.js';
import type { PmsRecord } from './record.js';

/** A day's room statistics: a property-level snapshot, actual or on the books (each kept as its own variant). */
export function pmsFact(r: PmsRecord, ctx: MappingContext): FactShape {
  const scenario = r.kind ?? timeScenario(ctx, r.date);
  return {
    date: r.date,
    scenario,
    variant: scenario,
    contributions: [
      {
        departmentId: null,
        snapshot: true,
        measures: {
          roomsAvailable: r.roomsAvailable,
          outOfOrder: r.outOfOrder,
          roomsSold: r.roomsSold,
          complimentary: r.complimentary,
          roomRevenue: r.roomRevenue,
          guests: r.guests,
          arrivals: r.arrivals,
          departures: r.departures,
        },
      },
    ],
  };
}
