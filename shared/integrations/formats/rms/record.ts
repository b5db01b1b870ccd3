import { z } from 'zod';
import { count, isoDate, money, recordId, type CsvTypes } from '../common.js';

export const rmsRecord = z
  .strictObject({
    id: recordId,
    date: isoDate,
    rooms: count.describe('Forecast rooms sold'),
    adr: money.min(0).optional().describe('Forecast average daily rate'),
    roomRevenue: money.optional().describe('Forecast room revenue; rooms × adr when absent'),
    deleted: z.literal(false).optional(),
  })
  .refine((r) => r.adr !== undefined || r.roomRevenue !== undefined, { message: 'adr or roomRevenue is required', path: ['roomRevenue'] });
export type RmsRecord = z.infer<typeof rmsRecord>;

export const rmsCsv: CsvTypes = { numbers: ['rooms', 'adr', 'roomRevenue'] };
