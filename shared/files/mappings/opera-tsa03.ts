import type { ReadyMapping } from './ready.js';

/**
 * OPERA's TSA03 export (EXP_TSA03_VW): generated in the night audit for the business date before,
 * one CSV row per room type with the property's rooms, out-of-order rooms, occupied ("definite")
 * rooms, guests and room revenue. Rows of one business date are added into the day's PMS record.
 * Column names from Oracle's data definition; see test/fixtures/files/README.md.
 */
export const operaTsa03: ReadyMapping = {
  title: 'OPERA TSA03 night-audit export (rooms and room revenue by room type) → PMS',
  vendor: 'Oracle OPERA',
  mapping: {
    sourceType: 'pms',
    file: { kind: 'csv', delimiter: ',', encoding: 'utf-8' },
    columns: [
      { column: 'BUSINESS_DATE', field: 'date' },
      { column: 'EXISTING_ROOM', field: 'roomsAvailable' },
      { column: 'OO_ROOM', field: 'outOfOrder' },
      { column: 'NO_OF_DEFINITE_ROOM', field: 'roomsSold' },
      { column: 'NO_OF_GUESTS', field: 'guests' },
      { column: 'TOTAL_ROOM_REVENUE', field: 'roomRevenue' },
    ],
    constants: { kind: 'actual' },
    dateFormat: 'dd-MM-yy',
    numbers: { decimal: '.', thousands: '' },
    skip: [{ column: 'BUSINESS_DATE', matches: '^total' }],
    id: { prefix: 'opera-tsa03:', fields: ['date'] },
    combine: 'sum',
  },
};
