import type { RoomsRevenueSource } from '../identity/property-settings.js';

/** What one day of one series knows about rooms revenue, from each source. */
export interface RoomsRevenueDay {
  /**
   * The operational figure: PMS room revenue (RMS in a forecast; none in a budget), plus POS/S&C
   * revenue booked to rooms departments on actual days.
   */
  operational: number;
  /** AMS revenue postings to rooms departments that day (monthly lines: the day's share). */
  ams: number;
  /** Whether the AMS posted to a rooms department that day at all: postings netting to zero still count. */
  amsPosted: boolean;
}

/**
 * The rooms revenue of one day — the one rule both R&P and the P&L use (docs/kpis.md §Rooms
 * revenue), applied day by day so one day's posting never decides another day's source.
 *
 * - Source of record `pms`: the operational figure, with AMS postings added as adjustments.
 * - Source of record `ams`: the AMS postings on a day the AMS posted any; the operational figure
 *   on the other days (a month not closed in the ledger yet).
 *
 * @example roomsRevenueOfDay({ operational: 18_000, ams: -500, amsPosted: true }, 'pms') // 17_500
 * @example roomsRevenueOfDay({ operational: 18_000, ams: 20_000, amsPosted: true }, 'ams') // 20_000
 */
export function roomsRevenueOfDay(day: RoomsRevenueDay, source: RoomsRevenueSource): number {
  if (source === 'ams' && day.amsPosted) return day.ams;
  return day.operational + day.ams;
}
