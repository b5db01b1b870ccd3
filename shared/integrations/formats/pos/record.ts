import { z } from 'zod';
import { code, count, isoDate, money, recordId, type CsvTypes } from '../common.js';

export const posRecord = z.strictObject({
  id: recordId,
  businessDate: isoDate,
  outlet: code.describe('Outlet or department code'),
  netRevenue: money.describe('Revenue net of tax and discounts'),
  tax: money.default(0),
  discounts: money.default(0),
  covers: count.default(0),
  checks: count.default(0),
  deleted: z.literal(false).optional(),
  lines: z
    .array(z.strictObject({ item: z.string().min(1).max(200), quantity: z.number().finite(), netAmount: money }))
    .max(10_000)
    .optional()
    .describe('Optional line items (kept for reference; aggregates use the totals)'),
});
export type PosRecord = z.infer<typeof posRecord>;

export const posCsv: CsvTypes = { numbers: ['netRevenue', 'tax', 'discounts', 'covers', 'checks'] };
