import type { ReadyMapping } from './ready.js';

/**
 * OPERA's GDPDU 2 Transaction Summary export (GDPDU_REV_SUM_DAY, the German audit export): per
 * posting date and transaction code the gross, net and VAT amounts, `;`-separated, dates DD.MM.YYYY,
 * amounts with a decimal comma and `.` thousands (Oracle's FM999G999G999G999D00 under the German
 * settings the export's index file declares). Revenue lines (FLAG 01) become AMS lines by
 * transaction code; payments, paid-outs and non-revenue codes are left out.
 */
export const operaGdpduRevenue: ReadyMapping = {
  title: 'OPERA GDPDU 2 transaction summary (net revenue by transaction code) → AMS',
  vendor: 'Oracle OPERA',
  mapping: {
    sourceType: 'ams',
    file: { kind: 'csv', delimiter: ';', encoding: 'utf-8' },
    columns: [
      { column: 'POST_DATE', field: 'date' },
      { column: 'TRX_CODE', field: 'account' },
      { column: 'NET_AMT', field: 'amount' },
    ],
    constants: { kind: 'actual' },
    dateFormat: 'dd.MM.yyyy',
    numbers: { decimal: ',', thousands: '.' },
    skip: [{ column: 'FLAG', notEquals: '01' }],
    id: { prefix: 'opera-gdpdu2:', fields: ['date', 'account'] },
    combine: 'sum',
  },
};
