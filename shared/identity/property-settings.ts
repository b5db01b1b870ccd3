import { z } from 'zod';

/**
 * Property settings that decide how reports read the imported figures (docs/kpis.md). They live on
 * the property item with the other property settings and change through `PATCH /properties/{id}`.
 */

/**
 * Which system is the source of record for rooms revenue, decided per day:
 * - `pms`: the PMS room revenue (RMS in a forecast) is the rooms revenue; AMS postings to rooms
 *   departments add to it as adjustments (rebates, corrections, allowances).
 * - `ams`: on a day with any AMS posting to a rooms department (even one netting to zero) the
 *   postings are the rooms revenue; on the other days the PMS (RMS) figure stands in.
 */
export const ROOMS_REVENUE_SOURCES = ['pms', 'ams'] as const;
export type RoomsRevenueSource = (typeof ROOMS_REVENUE_SOURCES)[number];

/**
 * How an AMS figure sent for a whole month (`period: YYYY-MM`) is spread over the month's days:
 * - `even`: the same share each day;
 * - `roomsAvailable`: in proportion to each day's PMS rooms available (the property's capacity
 *   on days without PMS statistics);
 * - `lastYear`: in proportion to the actual revenue of the same calendar day a year before (PMS
 *   room revenue plus POS/S&C revenue): evenly when that year has none.
 */
export const MONTHLY_SPREADS = ['even', 'roomsAvailable', 'lastYear'] as const;
export type MonthlySpread = (typeof MONTHLY_SPREADS)[number];

export const roomsRevenueSourceSchema = z
  .enum(ROOMS_REVENUE_SOURCES)
  .describe('Source of record for rooms revenue, per day: pms (AMS postings are adjustments on top) or ams (AMS postings replace the PMS figure on days they exist)');
export const monthlySpreadSchema = z
  .enum(MONTHLY_SPREADS)
  .describe("How monthly AMS figures (period YYYY-MM) are spread over the days of the month: even, weighted by rooms available, or by last year's daily revenue");

/** The defaults a property without the setting runs on. */
export const DEFAULT_ROOMS_REVENUE_SOURCE: RoomsRevenueSource = 'pms';
export const DEFAULT_MONTHLY_SPREAD: MonthlySpread = 'even';
