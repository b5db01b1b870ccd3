import type { AmsRecord } from '../../../integrations/formats/ams/record.js';
import type { PmsRecord } from '../../../integrations/formats/pms/record.js';
import type { PostingsRead } from './client.js';
import type { InventoryStatistics, RevenueInventoryStatistic } from './schemas.js';
import type { OperaSettings } from './settings.js';

/**
 * OHIP objects → canonical records. Pure: the same vendor state gives the same records, whose ids
 * derive from the hotel and the business date (and the department), so re-reading a date replaces
 * what an earlier run sent for it.
 */

/** Inventory statistics codes of the house-level figures requested with HouseCompRoomsYN / HousePeopleInHouseYN. */
export const INVENTORY_CODES = { complimentary: 'HouseCompRooms', guests: 'HousePeopleInHouse' } as const;

const cents = (n: number): number => Math.round(n * 100) / 100;
const count = (n: number | undefined): number => Math.max(0, Math.round(n ?? 0));

export function pmsRecordId(hotelId: string, date: string): string {
  return `opera:${hotelId}:pms:${date}`;
}

export function amsRecordId(hotelId: string, date: string, department: string): string {
  return `opera:${hotelId}:ams:${date}:${department}`;
}

/** House-level figures of the inventory statistics, by date then code (the first row carrying a code wins). */
function houseFigures(inventory: InventoryStatistics): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const report of inventory)
    for (const stat of report.statistics)
      for (const day of stat.statisticDate)
        for (const figure of day.inventory) {
          if (!figure.code.startsWith('House')) continue;
          const codes = out.get(day.statisticDate) ?? new Map<string, number>();
          if (!codes.has(figure.code)) codes.set(figure.code, figure.value);
          out.set(day.statisticDate, codes);
        }
  return out;
}

/**
 * One daily room-statistics record per business date the revenue inventory statistics cover. Rows
 * of one date (grouped by room type or market when OPERA is set up so) are summed. Rooms available
 * are the physical rooms: out-of-order rooms stay in them (the property decides in its reports);
 * out-of-service rooms are sellable and not counted apart. Dates from `today` on are on-the-books.
 */
export function pmsRecords(hotelId: string, today: string, stats: readonly RevenueInventoryStatistic[], inventory: InventoryStatistics): PmsRecord[] {
  const byDate = new Map<string, RevenueInventoryStatistic[]>();
  for (const row of stats) byDate.set(row.occupancyDate, [...(byDate.get(row.occupancyDate) ?? []), row]);
  const house = houseFigures(inventory);
  const sum = (rows: RevenueInventoryStatistic[], f: (r: RevenueInventoryStatistic) => number | undefined): number => rows.reduce((s, r) => s + (f(r) ?? 0), 0);
  return [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, rows]) => ({
      id: pmsRecordId(hotelId, date),
      date,
      kind: date < today ? ('actual' as const) : ('onTheBooks' as const),
      roomsAvailable: count(sum(rows, (r) => r.physicalRooms)),
      outOfOrder: count(sum(rows, (r) => r.ooRooms)),
      roomsSold: count(sum(rows, (r) => r.roomsSold)),
      complimentary: count(house.get(date)?.get(INVENTORY_CODES.complimentary)),
      roomRevenue: cents(sum(rows, (r) => r.roomRevenue)),
      guests: count(house.get(date)?.get(INVENTORY_CODES.guests)),
      arrivals: count(sum(rows, (r) => r.roomArrivals)),
      departures: count(sum(rows, (r) => r.roomDepartures)),
    }));
}

/** The department a transaction code's revenue goes to: the mapping by code, then by group, else the group itself. */
export function departmentOf(settings: Pick<OperaSettings, 'departments'>, transactionCode: string, group: string | undefined): string {
  return settings.departments[transactionCode] ?? (group !== undefined ? settings.departments[group] : undefined) ?? group ?? transactionCode;
}

/**
 * Revenue by department and business date from the financial postings of `from`..`to`: revenue
 * postings only (payments and wrappers are not revenue), on their revenue date (else their
 * transaction date). Room revenue codes are left out: their revenue is the `pms` record's room
 * revenue, and reports add rooms-department postings to it as adjustments (docs/kpis.md § Rooms
 * revenue), so posting them again would count them twice. A correction in OPERA is a new
 * (negative) posting, never a removed one, so a re-read date's sum already includes it.
 */
export function amsRecords(hotelId: string, settings: Pick<OperaSettings, 'departments' | 'revenueAccount'>, range: { from: string; to: string }, read: PostingsRead): AmsRecord[] {
  const sums = new Map<string, { date: string; department: string; cents: number }>();
  for (const p of read.postings) {
    if (p.transactionType !== 'Revenue' || !p.transactionCode || read.roomRevenueCodes.has(p.transactionCode)) continue;
    const date = p.revenueDate ?? p.transactionDate;
    if (!date || date < range.from || date > range.to) continue;
    const department = departmentOf(settings, p.transactionCode, read.groups.get(p.transactionCode));
    const key = `${date}|${department}`;
    const entry = sums.get(key) ?? { date, department, cents: 0 };
    // Summed in cents so the total does not depend on the order postings arrive in.
    entry.cents += Math.round((p.transactionAmount ?? p.postedAmount?.amount ?? 0) * 100);
    sums.set(key, entry);
  }
  return [...sums.values()]
    .sort((a, b) => (a.date === b.date ? (a.department < b.department ? -1 : 1) : a.date < b.date ? -1 : 1))
    .map((e) => ({ id: amsRecordId(hotelId, e.date, e.department), date: e.date, account: settings.revenueAccount, department: e.department, amount: e.cents / 100, kind: 'actual' as const }));
}
