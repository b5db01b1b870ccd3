import { z } from 'zod';
import { count, isoDate, money, recordId, type SourceFormat } from './common.js';

export const pmsRecord = z.strictObject({
  id: recordId,
  date: isoDate,
  kind: z
    .enum(['actual', 'onTheBooks'])
    .optional()
    .describe('Defaults to actual for dates before the day of receipt, onTheBooks for that day and later'),
  roomsAvailable: count,
  outOfOrder: count.default(0),
  roomsSold: count,
  complimentary: count.default(0).describe('Complimentary rooms: occupied, not sold'),
  roomRevenue: money,
  guests: count.default(0),
  arrivals: count.default(0),
  departures: count.default(0),
  deleted: z.literal(false).optional(),
});
export type PmsRecord = z.infer<typeof pmsRecord>;

export const pms: SourceFormat<PmsRecord> = {
  type: 'pms',
  title: 'PMS daily statistics',
  description:
    'Daily room statistics: rooms available, out of order, sold, complimentary, room revenue, guests, arrivals, departures. The same fields are on-the-books figures for future dates.',
  record: pmsRecord,
  csv: { numbers: ['roomsAvailable', 'outOfOrder', 'roomsSold', 'complimentary', 'roomRevenue', 'guests', 'arrivals', 'departures'] },
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
