import type { ReadyMapping } from './ready.js';

/**
 * A protel revenue export as XML: one `<revenue date="…">` document per business day with a
 * `<line>` per revenue code (code, group, net amount). As for hstat, protel publishes no schema we
 * could find: the element names are an assumption to confirm in the preview.
 */
export const protelRevenueXml: ReadyMapping = {
  title: 'protel revenue export (XML, net revenue by revenue code) → AMS',
  vendor: 'protel',
  mapping: {
    sourceType: 'ams',
    file: { kind: 'xml', recordElement: 'line' },
    columns: [
      { column: '/@date', field: 'date' },
      { column: 'code', field: 'account' },
      { column: 'net', field: 'amount' },
    ],
    constants: { kind: 'actual' },
    dateFormat: 'yyyy-MM-dd',
    numbers: { decimal: '.', thousands: '' },
    skip: [],
    id: { prefix: 'protel-rev:', fields: ['date', 'account'] },
    combine: 'sum',
  },
};
