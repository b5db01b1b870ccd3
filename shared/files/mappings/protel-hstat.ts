import type { ReadyMapping } from './ready.js';

/**
 * A protel `hstat` daily house-statistics export as a German-language CSV (`;`, decimal comma,
 * Windows-1252). protel publishes no column list we could find: the headers are an assumption to
 * confirm against a real export in the preview (test/fixtures/files/README.md says so too).
 */
export const protelHstat: ReadyMapping = {
  title: 'protel hstat house statistics (CSV, German) → PMS',
  vendor: 'protel',
  mapping: {
    sourceType: 'pms',
    file: { kind: 'csv', delimiter: ';', encoding: 'windows-1252' },
    columns: [
      { column: 'Datum', field: 'date' },
      { column: 'Zimmer gesamt', field: 'roomsAvailable' },
      { column: 'Zimmer außer Betrieb', field: 'outOfOrder' },
      { column: 'Zimmer belegt', field: 'roomsSold' },
      { column: 'Zimmer gratis', field: 'roomsSold', negate: true },
      { column: 'Zimmer gratis', field: 'complimentary' },
      { column: 'Logisumsatz', field: 'roomRevenue' },
      { column: 'Personen', field: 'guests' },
      { column: 'Anreisen', field: 'arrivals' },
      { column: 'Abreisen', field: 'departures' },
    ],
    constants: {},
    dateFormat: 'dd.MM.yyyy',
    numbers: { decimal: ',', thousands: '.', currency: ['€', 'EUR'] },
    skip: [{ column: 'Datum', matches: '^(summe|gesamt|total)' }],
    id: { prefix: 'protel-hstat:', fields: ['date'] },
    combine: 'none',
  },
};
