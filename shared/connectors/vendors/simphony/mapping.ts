import { emptyDay, milli, PosDays, type OutletDay } from '../../pos-days.js';
import type { SimphonyGuestCheck } from './schemas.js';
import { outletsOfLocation, type SimphonyLocationSettings } from './settings.js';

/**
 * BI API guest checks → canonical `pos` records: one record per outlet and business date,
 * recomputed whole from the day's checks, so a check voided or reopened later changes its day's
 * figures and nothing else (sums and records: pos-days.ts).
 */

/**
 * The business date a check counts on: its closed business date once closed, else the date it was
 * opened on. A `busDt` query returns checks opened or closed on the date, so a check opened one day
 * and closed the next is returned for both and counts on the second only.
 */
export function countsOn(check: SimphonyGuestCheck): string | undefined {
  return (check.clsdFlag && check.clsdBusDt) || check.opnBusDt || undefined;
}

/** The outlet of a check: its revenue center's when mapped, else the location's. */
export function outletOf(check: SimphonyGuestCheck, location: SimphonyLocationSettings): string {
  const rvc = check.rvcNum;
  return (rvc !== null && rvc !== undefined && location.byRevenueCenter[String(rvc)]) || location.outlet || location.locRef;
}

/**
 * What one check adds to its outlet's day: `subTtl` (the check's sales after discounts, before tax)
 * the net revenue, the taxes' `taxCollTtl` the tax, `dscTtl` (negative: a reduction) the discounts as
 * a positive amount, `gstCnt` the covers. Voided items are already out of `subTtl`; a check voided
 * whole adds nothing but its count is kept off (no sales, no covers).
 */
export function checkContribution(check: SimphonyGuestCheck): OutletDay {
  const net = milli(check.subTtl);
  const voidedWhole = net === 0 && milli(check.vdTtl) !== 0;
  if (voidedWhole) return emptyDay();
  return {
    net,
    tax: (check.taxes ?? []).reduce((s, t) => s + milli(t.taxCollTtl), 0),
    discounts: Math.abs(milli(check.dscTtl)),
    covers: Math.max(0, check.gstCnt ?? 0),
    checks: 1,
  };
}

export function recordId(locRef: string, outlet: string, date: string): string {
  return `simphony:${locRef}:${outlet}:${date}`;
}

/**
 * The `pos` records of one location for the given business dates: every outlet of the location gets
 * a record for every date, zero included (a day whose only check was voided returns to 0).
 */
export function mapDays(location: SimphonyLocationSettings, dates: readonly string[], checks: readonly SimphonyGuestCheck[]): Array<Record<string, unknown>> {
  const wanted = new Set(dates);
  const days = new PosDays();
  const seen = new Set<string>();
  for (const check of checks) {
    const id = String(check.guestCheckId);
    // Asked day by day, a check opened and closed on different days is answered twice.
    if (seen.has(id)) continue;
    seen.add(id);
    const date = countsOn(check);
    if (date && wanted.has(date)) days.add(date, outletOf(check, location), checkContribution(check));
  }
  return days.records(wanted, outletsOfLocation(location), (outlet, date) => recordId(location.locRef, outlet, date));
}
