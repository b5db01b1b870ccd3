import { z } from 'zod';
import { code, count, isoDate, money, recordId, type SourceFormat } from './common.js';

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

export const snc: SourceFormat<SncRecord> = {
  type: 'snc',
  title: 'Sales & catering events and groups',
  description: 'Events and groups per date: F&B and room-rental revenue, attendees, group rooms.',
  record: sncRecord,
  csv: { numbers: ['foodAndBeverageRevenue', 'roomRentalRevenue', 'attendees', 'groupRooms'] },
  example: {
    json: {
      records: [
        { id: 'EV-3391-D1', date: '2026-03-21', department: 'BANQ', status: 'definite', foodAndBeverageRevenue: 12600, roomRentalRevenue: 1800, attendees: 140, groupRooms: 45 },
      ],
    },
    csv: 'id,date,department,rentalDepartment,status,foodAndBeverageRevenue,roomRentalRevenue,attendees,groupRooms\nEV-3391-D1,2026-03-21,BANQ,,definite,12600,1800,140,45\n',
  },
};
