import { z } from 'zod';
import { code, count, isoDate, money, recordId, type SourceFormat } from './common.js';

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

export const pos: SourceFormat<PosRecord> = {
  type: 'pos',
  title: 'POS sales',
  description: 'Sales per business date and outlet: net revenue, tax, discounts, covers and checks; optional line items.',
  record: posRecord,
  csv: { numbers: ['netRevenue', 'tax', 'discounts', 'covers', 'checks'] },
  example: {
    json: {
      records: [
        { id: 'Z-2026-03-14-REST', businessDate: '2026-03-14', outlet: 'REST', netRevenue: 8450.5, tax: 760.55, discounts: 120, covers: 212, checks: 95 },
        { id: 'Z-2026-03-14-BAR', businessDate: '2026-03-14', outlet: 'BAR', netRevenue: 2310, covers: 0, checks: 188, lines: [{ item: 'Espresso', quantity: 40, netAmount: 120 }] },
        { id: 'Z-2026-03-13-BAR', deleted: true },
      ],
    },
    csv: 'id;businessDate;outlet;netRevenue;tax;discounts;covers;checks\r\nZ-2026-03-14-REST;2026-03-14;REST;8450.50;760.55;120;212;95\r\n"Z-2026-03-14-BAR";2026-03-14;BAR;2310;;;0;188\r\n',
  },
};
