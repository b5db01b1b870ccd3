import { z } from 'zod';
import { code, isoDate, recordId, type CsvTypes } from '../common.js';

/** A shift's start or end: an instant (`Z` or an offset) or the property's wall clock (no offset). */
const shiftTime = z.iso
  .datetime({ offset: true, local: true })
  .describe('ISO 8601 date-time: with Z or an offset (an instant), or without (the property’s local wall clock, read in its time zone)');

export const scheduleRecord = z.strictObject({
  id: recordId.describe("The scheduling system's shift id (must not embed the employee number); a re-sent shift replaces the earlier one"),
  employeeNumber: z.string().min(1).max(64).describe('Personal data: stored encrypted under the employee’s data key'),
  department: code,
  role: z.string().min(1).max(100).optional().describe('The role or position scheduled (informational)'),
  date: isoDate.optional().describe('The business date the shift belongs to; absent: the local date of its start (a shift over midnight stays on the day it starts)'),
  start: shiftTime,
  end: shiftTime,
  unpaidBreakMinutes: z.number().finite().min(0).max(1440).default(0).describe('Planned unpaid breaks, in minutes: not scheduled hours'),
  deleted: z.literal(false).optional(),
});
export type ScheduleRecord = z.infer<typeof scheduleRecord>;

export const scheduleCsv: CsvTypes = { numbers: ['unpaidBreakMinutes'] };
