import type { SourceFormat } from '../format.js';
import { sncFact } from './facts.js';
import { sncCsv, sncRecord, type SncRecord } from './record.js';

export const snc: SourceFormat<SncRecord, 'snc'> = {
  type: 'snc',
  title: 'Sales & catering events and groups',
  description: 'Events and groups per date: F&B and room-rental revenue, attendees, group rooms.',
  record: sncRecord,
  csv: sncCsv,
  toFact: sncFact,
  example: {
    json: {
      records: [
        { id: 'EV-3391-D1', date: '2026-03-21', department: 'BANQ', status: 'definite', foodAndBeverageRevenue: 12600, roomRentalRevenue: 1800, attendees: 140, groupRooms: 45 },
      ],
    },
    csv: 'id,date,department,rentalDepartment,status,foodAndBeverageRevenue,roomRentalRevenue,attendees,groupRooms\nEV-3391-D1,2026-03-21,BANQ,,definite,12600,1800,140,45\n',
  },
};
