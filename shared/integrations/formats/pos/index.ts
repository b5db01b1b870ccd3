import type { SourceFormat } from '../format.js';
import { posFact } from './facts.js';
import { posCsv, posRecord, type PosRecord } from './record.js';

export const pos: SourceFormat<PosRecord, 'pos'> = {
  type: 'pos',
  title: 'POS sales',
  description: 'Sales per business date and outlet: net revenue, tax, discounts, covers and checks; optional line items.',
  record: posRecord,
  csv: posCsv,
  toFact: posFact,
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
