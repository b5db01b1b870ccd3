import { z } from 'zod';
import { code, count, isoDate, money, recordId, type CsvTypes } from '../common.js';

export const sncRecord = z.strictObject({
  id: recordId,
  date: isoDate,
  department: code.describe('Department code receiving the F&B revenue (e.g. banqueting)'),
  rentalDepartment: code.optional().describe('Department code receiving the room-rental revenue; defaults to department'),
  status: z.enum(['definite', 'tentative', 'cancelled']).default('definite').describe('Only definite events count'),
  foodAndBeverageRevenue: money.default(0),
  roomRentalRevenue: money.default(0),
  attendees: count.default(0),
  groupRooms: count.default(0).describe('Rooms of the group block for this date'),
  deleted: z.literal(false).optional(),
});
export type SncRecord = z.infer<typeof sncRecord>;

export const sncCsv: CsvTypes = { numbers: ['foodAndBeverageRevenue', 'roomRentalRevenue', 'attendees', 'groupRooms'] };
