import { businessDate, wallClockUtc } from '../../../connectors/local-days.js';
import { SEALED_KIND, sealEmployee } from '../employee.js';
import type { FactShape, MappingContext, PersonalFields, PersonalPorts, PersonalTarget } from '../format.js';
import { department, RecordRejected } from '../mapping.js';
import type { ScheduleRecord } from './record.js';

const HOUR_MS = 3_600_000;
/** The longest shift accepted: a longer one is a data error (an end on the wrong day), not a plan. */
export const MAX_SHIFT_HOURS = 24;

/** A shift time as an instant: as given when it has a zone, else the property's wall clock. */
function instant(value: string, timeZone: string): number {
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : wallClockUtc(value, timeZone));
}

/**
 * Scheduled hours of a shift: start to end as elapsed time (instants, so a night over a DST change
 * counts the hours it really spans, as the labour module counts punches), minus unpaid breaks.
 */
export function shiftHours(r: Pick<ScheduleRecord, 'start' | 'end' | 'unpaidBreakMinutes'>, timeZone: string): number {
  const start = instant(r.start, timeZone);
  const end = instant(r.end, timeZone);
  if (!(end > start)) throw new RecordRejected('end', 'must be after start');
  const elapsed = (end - start) / HOUR_MS;
  if (elapsed > MAX_SHIFT_HOURS) throw new RecordRejected('end', `a shift is at most ${MAX_SHIFT_HOURS} hours`);
  if (r.unpaidBreakMinutes / 60 >= elapsed) throw new RecordRejected('unpaidBreakMinutes', 'as long as the shift or longer');
  return elapsed - r.unpaidBreakMinutes / 60;
}

/**
 * A scheduled shift as the `scheduledHours` of its department on its business date, on the books
 * (a plan, whatever its date). The business date is the record's, else its start's local date: the
 * labour module's rule for punches (punchDate), so a shift and the punch that works it meet on one day.
 */
export function scheduleFact(r: ScheduleRecord, ctx: MappingContext): FactShape {
  const timeZone = ctx.timeZone ?? 'UTC';
  const hours = shiftHours(r, timeZone);
  const date = r.date ?? businessDate(new Date(instant(r.start, timeZone)).toISOString(), timeZone);
  return { date, scenario: 'onTheBooks', contributions: [{ departmentId: department(ctx, r.department, 'department'), measures: { scheduledHours: hours } }] };
}

/** The employee number and shift id sealed under the employee's data key, as for time records. */
export async function sealSchedule(r: ScheduleRecord, target: PersonalTarget, ports: PersonalPorts): Promise<PersonalFields & { digest: unknown[] }> {
  const sealed = await sealEmployee(target, ports, { kind: SEALED_KIND.schedules, noun: 'scheduled shifts', employeeNumber: r.employeeNumber });
  return { ...sealed, digest: [sealed.employeeIndex, target.sourceRecordId] };
}
