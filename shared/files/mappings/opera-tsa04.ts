import type { ReadyMapping } from './ready.js';

/**
 * OPERA's TSA04 export (EXP_TSA04_VW, from the manager's report table rep_manager): generated in
 * the night audit for the business date before, one CSV row per room class with occupied, available,
 * out-of-order, complimentary and house-use rooms, arrivals and room revenue. Rows of one business
 * date are added into the day's PMS record; rooms sold are occupied rooms less complimentary and
 * house-use ones (OPERA counts both as occupied, we count neither as sold). Column names from
 * Oracle's data definition; see test/fixtures/files/README.md for what is read how.
 */
export const operaTsa04: ReadyMapping = {
  title: "OPERA TSA04 night-audit export (manager's report figures by room class) → PMS",
  vendor: 'Oracle OPERA',
  mapping: {
    sourceType: 'pms',
    file: { kind: 'csv', delimiter: ',', encoding: 'utf-8' },
    columns: [
      { column: 'BUSINESS_DATE', field: 'date' },
      { column: 'AVAIL_ROOM', field: 'roomsAvailable' },
      { column: 'OOO_ROOMS', field: 'outOfOrder' },
      { column: 'OCC_ROOM', field: 'roomsSold' },
      { column: 'COMP_ROOM', field: 'roomsSold', negate: true },
      { column: 'HOUSE_USE_ROOM', field: 'roomsSold', negate: true },
      { column: 'COMP_ROOM', field: 'complimentary' },
      { column: 'ARRIVAL_ROOM', field: 'arrivals' },
      { column: 'ROOM_REVENUE', field: 'roomRevenue' },
    ],
    constants: { kind: 'actual' },
    dateFormat: 'dd-MM-yy',
    numbers: { decimal: '.', thousands: '' },
    skip: [{ column: 'BUSINESS_DATE', matches: '^total' }],
    id: { prefix: 'opera-tsa04:', fields: ['date'] },
    combine: 'sum',
  },
};
