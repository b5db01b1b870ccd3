import { z } from 'zod';
import { code, isoDate, money, recordId, type CsvTypes } from '../common.js';

const AMS_KINDS = ['actual', 'budget', 'forecast'] as const;

export const amsRecord = z
  .strictObject({
    id: recordId,
    date: isoDate.optional().describe('Posting date'),
    period: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
      .optional()
      .describe('Accounting period (YYYY-MM) of a trial-balance line; spread over the period’s days by reports'),
    account: z.string().min(1).max(64).describe('GL account, mapped to a USALI line by the integration'),
    department: code.optional().describe('Department code; required for departmental USALI lines'),
    amount: money.describe('Revenue and income positive as earned; expenses positive as spent'),
    kind: z.enum(AMS_KINDS),
    deleted: z.literal(false).optional(),
  })
  .refine((r) => (r.date === undefined) !== (r.period === undefined), { message: 'exactly one of date or period is required', path: ['date'] });
export type AmsRecord = z.infer<typeof amsRecord>;

export const amsCsv: CsvTypes = { numbers: ['amount'] };
