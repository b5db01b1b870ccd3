import type { SourceFormat } from '../format.js';
import { pmsFact } from './facts.js';
import { PMS_KINDS, pmsCsv, pmsRecord, type PmsRecord } from './record.js';

export const pms: SourceFormat<PmsRecord, 'pms'> = {
  type: 'pms',
  title: 'PMS daily statistics',
  description:
    'Daily room statistics: rooms available, out of order, sold, complimentary, room revenue, guests, arrivals, departures. The same fields are on-the-books figures for future dates.',
  record: pmsRecord,
  csv: pmsCsv,
  variants: PMS_KINDS,
  toFact: pmsFact,
  example: {
    json: {
      records: [
        { id: 'D-2026-03-14', date: '2026-03-14', roomsAvailable: 180, outOfOrder: 2, roomsSold: 151, complimentary: 3, roomRevenue: 24915, guests: 262, arrivals: 58, departures: 61 },
        { id: 'OTB-2026-05-01', date: '2026-05-01', kind: 'onTheBooks', roomsAvailable: 180, roomsSold: 97, roomRevenue: 16490 },
      ],
    },
    csv: 'id,date,kind,roomsAvailable,outOfOrder,roomsSold,complimentary,roomRevenue,guests,arrivals,departures\nD-2026-03-14,2026-03-14,,180,2,151,3,24915,262,58,61\nOTB-2026-05-01,2026-05-01,onTheBooks,180,,97,,16490,,,\n',
  },
};
