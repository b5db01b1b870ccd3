import type { FactShape, MappingContext } from '../format.js';
import { department, timeScenario } from '../mapping.js';
import type { ReservationRecord } from './record.js';

/** A reservation of an outlet, on the books until its day has passed. */
export function reservationFact(r: ReservationRecord, ctx: MappingContext): FactShape {
  // Booked covers count the reservations still held; cancellations and no-shows are counted apart.
  const measures = r.status === 'cancelled' ? { cancellations: 1 } : r.status === 'noShow' ? { noShows: 1 } : { reservations: 1, reservedCovers: r.covers };
  return {
    date: r.date,
    scenario: timeScenario(ctx, r.date),
    contributions: [{ departmentId: department(ctx, r.outlet, 'outlet'), measures }],
  };
}
