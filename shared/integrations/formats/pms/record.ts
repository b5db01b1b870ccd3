import { z } from 'zod';
import { count, isoDate, money, recordId, type CsvTypes } from '../common.js';

export const PMS_KINDS = ['actual', 'onTheBooks'] as const;

export const pmsRecord = z.strictObject({
  id: recordId,
  date: isoDate,
  kind: z.enum(PMS_KINDS).optional().describe('Defaults to actual for dates before the day of receipt, onTheBooks for that day and later'),
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

export const pmsCsv: CsvTypes = { numbers: ['roomsAvailable', 'outOfOrder', 'roomsSold', 'complimentary', 'roomRevenue', 'guests', 'arrivals', 'departures'] };
