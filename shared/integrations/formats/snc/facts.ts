import type { Contribution } from '../../measures.js';
import type { FactShape, MappingContext } from '../format.js';
import { department, timeScenario } from '../mapping.js';
import type { SncRecord } from './record.js';

/** An event day: F&B and room-rental revenue to their departments, group rooms to the property; only definite events count. */
export function sncFact(r: SncRecord, ctx: MappingContext): FactShape {
  const counts = r.status === 'definite';
  const fnb = department(ctx, r.department, 'department');
  const rental = r.rentalDepartment ? department(ctx, r.rentalDepartment, 'rentalDepartment') : fnb;
  const contributions: Contribution[] = [];
  if (counts) {
    if (rental === fnb) {
      contributions.push({ departmentId: fnb, measures: { revenue: r.foodAndBeverageRevenue + r.roomRentalRevenue, eventAttendees: r.attendees } });
    } else {
      contributions.push({ departmentId: fnb, measures: { revenue: r.foodAndBeverageRevenue, eventAttendees: r.attendees } });
      contributions.push({ departmentId: rental, measures: { revenue: r.roomRentalRevenue } });
    }
    contributions.push({ departmentId: null, measures: { groupRooms: r.groupRooms } });
  }
  return { date: r.date, scenario: timeScenario(ctx, r.date), contributions };
}
