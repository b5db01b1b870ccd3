import { z } from 'zod';
import { code, count, isoDate, recordId, type CsvTypes } from '../common.js';

const RESERVATION_STATUSES = ['confirmed', 'seated', 'completed', 'cancelled', 'noShow'] as const;

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

export const reservationCsv: CsvTypes = { numbers: ['covers'] };
