import { z } from 'zod';
import { count, isoDate, money, recordId, type SourceFormat } from './common.js';

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

export const rms: SourceFormat<RmsRecord> = {
  type: 'rms',
  title: 'RMS forecasts',
  description: 'Forecast per date: rooms, ADR and room revenue (the latest forecast for a date wins).',
  record: rmsRecord,
  csv: { numbers: ['rooms', 'adr', 'roomRevenue'] },
  example: {
    json: { records: [{ id: 'F-2026-04-01', date: '2026-04-01', rooms: 140, adr: 168.5, roomRevenue: 23590 }] },
    csv: 'id,date,rooms,adr,roomRevenue\nF-2026-04-01,2026-04-01,140,168.50,23590\n',
  },
};
