import { amsRecords, departmentOf, pmsRecords } from '../../../shared/connectors/vendors/opera/mapping.js';
import { financialPostings, inventoryStatistics, revenueInventoryStatistics } from '../../../shared/connectors/vendors/opera/schemas.js';
import { operaSettings } from '../../../shared/connectors/vendors/opera/settings.js';

const settings = operaSettings.parse({ gatewayUrl: 'https://gw.example.com', hotelId: 'H1', externalSystemCode: 'PMI', departments: { '2100': 'BAR', SPA: 'WELLNESS' } });

describe('OPERA mapping: daily room statistics', () => {
  // Two rows for one date (OPERA set up to group by market) and one for the next, figures as strings as OHIP sends them.
  const stats = revenueInventoryStatistics.parse({
    revInvStats: [
      { occupancyDate: '2026-03-01', physicalRooms: '60', ooRooms: '1', osRooms: '2', roomsSold: '30', roomRevenue: '3000.10', roomArrivals: '8', roomDepartures: '5', marketCode: 'LEIS' },
      { occupancyDate: '2026-03-01', physicalRooms: '60', ooRooms: '1', roomsSold: '20', roomRevenue: '2500.25', roomArrivals: '4', roomDepartures: '6', marketCode: 'CORP' },
      { occupancyDate: '2026-03-02', physicalRooms: '120', ooRooms: '0', roomsSold: '95', roomRevenue: '11400', roomArrivals: '30', roomDepartures: '10', futureField: 'ignored' },
    ],
  }).revInvStats;
  const inventory = inventoryStatistics.parse([
    {
      statistics: [
        {
          statCode: 'H1',
          statCategoryCode: 'HotelCode',
          statisticDate: [
            { statisticDate: '2026-03-01', inventory: [{ code: 'HouseCompRooms', value: '3' }, { code: 'HousePeopleInHouse', value: 88 }] },
            { statisticDate: '2026-03-02', inventory: [{ code: 'HousePeopleInHouse', value: 170 }] },
          ],
        },
        { statCode: 'STD', statCategoryCode: 'HotelRoomCode', statisticDate: [{ statisticDate: '2026-03-01', inventory: [{ code: 'SequenceId', value: '1' }] }] },
      ],
    },
  ]);

  it('sums the rows of a date, takes complimentary rooms and persons from the house figures, and dates from today on are on-the-books', () => {
    const records = pmsRecords('H1', '2026-03-02', stats, inventory);
    expect(records).toEqual([
      { id: 'opera:H1:pms:2026-03-01', date: '2026-03-01', kind: 'actual', roomsAvailable: 120, outOfOrder: 2, roomsSold: 50, complimentary: 3, roomRevenue: 5500.35, guests: 88, arrivals: 12, departures: 11 },
      { id: 'opera:H1:pms:2026-03-02', date: '2026-03-02', kind: 'onTheBooks', roomsAvailable: 120, outOfOrder: 0, roomsSold: 95, complimentary: 0, roomRevenue: 11400, guests: 170, arrivals: 30, departures: 10 },
    ]);
  });

  it('gives a date the same id on every read, whatever else the read covers', () => {
    const alone = pmsRecords('H1', '2026-03-02', stats.filter((s) => s.occupancyDate === '2026-03-02'), inventory);
    expect(alone[0]!.id).toBe(pmsRecords('H1', '2026-03-02', stats, inventory)[1]!.id);
  });

  it('refuses a figure that is not a number instead of writing NaN', () => {
    expect(() => revenueInventoryStatistics.parse({ revInvStats: [{ occupancyDate: '2026-03-01', roomsSold: 'twelve' }] })).toThrow(/not a number/);
  });
});

describe('OPERA mapping: revenue by department', () => {
  const page = financialPostings.parse({
    journalPostings: {
      postings: [
        { transactionNo: 1, transactionCode: '1000', transactionType: 'Revenue', transactionAmount: 100.1, transactionDate: '2026-03-01', revenueDate: '2026-03-01' },
        { transactionNo: 2, transactionCode: '1000', transactionType: 'Revenue', transactionAmount: 0.2, transactionDate: '2026-03-01' },
        { transactionNo: 3, transactionCode: '2000', transactionType: 'Revenue', postedAmount: { amount: 40 }, transactionDate: '2026-03-01' },
        { transactionNo: 4, transactionCode: '2100', transactionType: 'Revenue', transactionAmount: 12.5, transactionDate: '2026-03-01' },
        { transactionNo: 5, transactionCode: '3000', transactionType: 'Revenue', transactionAmount: 80, transactionDate: '2026-03-02T00:00:00' },
        // A correction is a negative posting; a payment is not revenue; the revenue date wins over the transaction date.
        { transactionNo: 6, transactionCode: '2000', transactionType: 'Revenue', transactionAmount: -15, transactionDate: '2026-03-02', revenueDate: '2026-03-01' },
        { transactionNo: 7, transactionCode: '9000', transactionType: 'Payment', transactionAmount: -300, transactionDate: '2026-03-01' },
        { transactionNo: 8, transactionCode: '2000', transactionType: 'Revenue', transactionAmount: 999, transactionDate: '2026-02-28' },
      ],
      transactionCodes: [
        { transactionCode: '1000', transactionGroup: 'ROOM' },
        { transactionCode: '2000', transactionGroup: 'FB' },
        { transactionCode: '2100', transactionGroup: 'FB' },
        { transactionCode: '3000', transactionGroup: 'SPA' },
        { transactionCode: '9000', transactionGroup: 'PAY' },
      ],
    },
    hasMore: false,
  });
  const read = {
    postings: page.journalPostings!.postings,
    groups: new Map(page.journalPostings!.transactionCodes.map((c) => [c.transactionCode!, c.transactionGroup!])),
    roomRevenueCodes: new Set<string>(),
  };

  it('maps a code by the code, then by its group, else files it under its group', () => {
    expect(departmentOf(settings, '2100', 'FB')).toBe('BAR');
    expect(departmentOf(settings, '3000', 'SPA')).toBe('WELLNESS');
    expect(departmentOf(settings, '2000', 'FB')).toBe('FB');
    expect(departmentOf(settings, '7777', undefined)).toBe('7777');
  });

  it('sums revenue postings by business date and department, in cents, within the range', () => {
    expect(amsRecords('H1', settings, { from: '2026-03-01', to: '2026-03-02' }, read)).toEqual([
      { id: 'opera:H1:ams:2026-03-01:BAR', date: '2026-03-01', account: 'REVENUE', department: 'BAR', amount: 12.5, kind: 'actual' },
      { id: 'opera:H1:ams:2026-03-01:FB', date: '2026-03-01', account: 'REVENUE', department: 'FB', amount: 25, kind: 'actual' },
      { id: 'opera:H1:ams:2026-03-01:ROOM', date: '2026-03-01', account: 'REVENUE', department: 'ROOM', amount: 100.3, kind: 'actual' },
      { id: 'opera:H1:ams:2026-03-02:WELLNESS', date: '2026-03-02', account: 'REVENUE', department: 'WELLNESS', amount: 80, kind: 'actual' },
    ]);
  });

  it('leaves the room revenue codes out: that revenue is the pms record’s room revenue', () => {
    const lines = amsRecords('H1', settings, { from: '2026-03-01', to: '2026-03-02' }, { ...read, roomRevenueCodes: new Set(['1000']) });
    expect(lines.map((l) => l.department)).toEqual(['BAR', 'FB', 'WELLNESS']);
  });
});
