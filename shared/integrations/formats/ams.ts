import { z } from 'zod';
import { code, isoDate, money, recordId, type SourceFormat } from './common.js';

export const AMS_KINDS = ['actual', 'budget', 'forecast'] as const;

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

export const ams: SourceFormat<AmsRecord> = {
  type: 'ams',
  title: 'Accounting postings',
  description: 'Ledger postings or trial-balance lines per period: account, department, amount, kind (actual, budget, forecast).',
  record: amsRecord,
  csv: { numbers: ['amount'] },
  example: {
    json: {
      records: [
        { id: 'GL-2026-03-4100-REST', period: '2026-03', account: '4100', department: 'REST', amount: 212400, kind: 'actual' },
        { id: 'BU-2026-03-5100-REST', period: '2026-03', account: '5100', department: 'REST', amount: 61000, kind: 'budget' },
        { id: 'GL-2026-03-14-7200', date: '2026-03-14', account: '7200', amount: 1850.75, kind: 'actual' },
      ],
    },
    csv: 'id,date,period,account,department,amount,kind\nGL-2026-03-4100-REST,,2026-03,4100,REST,212400,actual\nGL-2026-03-14-7200,2026-03-14,,7200,,1850.75,actual\n',
  },
};
