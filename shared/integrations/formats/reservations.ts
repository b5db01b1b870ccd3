import { z } from 'zod';
import { code, count, isoDate, recordId, type SourceFormat } from './common.js';

export const RESERVATION_STATUSES = ['confirmed', 'seated', 'completed', 'cancelled', 'noShow'] as const;

export const reservationRecord = z.strictObject({
  id: recordId,
  date: isoDate,
  outlet: code.describe('Outlet (restaurant) code'),
  covers: count,
  status: z.enum(RESERVATION_STATUSES),
  channel: z.string().min(1).max(64).optional().describe('Booking channel, e.g. phone, web, walk-in'),
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .optional()
    .describe('Local time, HH:MM'),
  deleted: z.literal(false).optional(),
});
export type ReservationRecord = z.infer<typeof reservationRecord>;

const example = {
  json: {
    records: [
      { id: 'R-10021', date: '2026-03-20', outlet: 'REST', covers: 4, status: 'confirmed', channel: 'web', time: '19:30' },
      { id: 'R-10022', date: '2026-03-20', outlet: 'REST', covers: 2, status: 'cancelled', channel: 'phone' },
    ],
  },
  csv: 'id,date,outlet,covers,status,channel,time\nR-10021,2026-03-20,REST,4,confirmed,web,19:30\nR-10022,2026-03-20,REST,2,cancelled,phone,\n',
};

export const frs: SourceFormat<ReservationRecord> = {
  type: 'frs',
  title: 'F&B reservations',
  description: 'Reservations of F&B outlets: date, outlet, covers, status, channel.',
  record: reservationRecord,
  csv: { numbers: ['covers'] },
  example,
};

export const trs: SourceFormat<ReservationRecord> = {
  type: 'trs',
  title: 'Table reservations',
  description: 'Table reservations: date, outlet, covers, status, channel, optional time.',
  record: reservationRecord,
  csv: { numbers: ['covers'] },
  example,
};
