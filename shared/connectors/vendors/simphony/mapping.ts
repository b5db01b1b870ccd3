import { emptyDay, milli, PosDays, type OutletDay } from '../../pos-days.js';
import type { SimphonyDailyTotals, SimphonyGuestCheck, SimphonyRevenueCenterTotals } from './schemas.js';
import { outletsOfLocation, type SimphonyLocationSettings } from './settings.js';

/**
 * BI API figures → canonical `pos` records: one record per outlet and business date, recomputed
 * whole (sums and records: pos-days.ts). A closed business date comes from its operations daily
 * totals (Oracle's own figures of the day, one small answer per date); the open date, whose totals
 * are still growing, from its guest checks, so a check voided or reopened later changes its day's
 * figures and nothing else.
 */

/**
 * The business date a check counts on: its closed business date once closed, else the date it was
 * opened on. A `busDt` query returns checks opened or closed on the date, so a check opened one day
 * and closed the next is returned for both and counts on the second only.
 */
export function countsOn(check: SimphonyGuestCheck): string | undefined {
  return (check.clsdFlag && check.clsdBusDt) || check.opnBusDt || undefined;
}

/** The outlet of a revenue center: its own when mapped, else the location's. */
export function outletOf(rvc: number | null | undefined, location: SimphonyLocationSettings): string {
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

/**
 * What one revenue center's daily totals add to its outlet's day: `netSlsTtl` the net revenue,
 * `taxCollTtl` the tax, item and subtotal discounts (`itmDscTtl`, `subDscTtl`, negative in Simphony)
 * as a positive amount, `gstCnt` the covers, `chkCnt` the checks. Voids (`vdTtl`) are already out
 * of net sales; the canonical record has no voids measure.
 */
export function totalsContribution(rvc: SimphonyRevenueCenterTotals): OutletDay {
  return {
    net: milli(rvc.netSlsTtl),
    tax: milli(rvc.taxCollTtl),
    discounts: Math.abs(milli(rvc.itmDscTtl)) + Math.abs(milli(rvc.subDscTtl)),
    covers: Math.max(0, rvc.gstCnt ?? 0),
    checks: Math.max(0, rvc.chkCnt ?? 0),
  };
}

export function recordId(locRef: string, outlet: string, date: string): string {
  return `simphony:${locRef}:${outlet}:${date}`;
}

/** What a location's dates were read from: the closed dates' daily totals, the open dates' guest checks. */
export interface LocationReads {
  totals: readonly SimphonyDailyTotals[];
  /** The dates whose guest checks were read (a check counts only on one of them). */
  checkDates: readonly string[];
  checks: readonly SimphonyGuestCheck[];
}

/**
 * The `pos` records of one location for the given business dates: every outlet of the location gets
 * a record for every date, zero included (a day whose only check was voided returns to 0).
 */
export function mapDays(location: SimphonyLocationSettings, dates: readonly string[], reads: LocationReads): Array<Record<string, unknown>> {
  const wanted = new Set(dates);
  const fromChecks = new Set(reads.checkDates.filter((d) => wanted.has(d)));
  const days = new PosDays();
  for (const day of reads.totals) {
    if (!wanted.has(day.busDt) || fromChecks.has(day.busDt)) continue;
    for (const rvc of day.revenueCenters) days.add(day.busDt, outletOf(rvc.rvcNum, location), totalsContribution(rvc));
  }
  const seen = new Set<string>();
  for (const check of reads.checks) {
    const id = String(check.guestCheckId);
    // Asked day by day, a check opened and closed on different days is answered twice.
    if (seen.has(id)) continue;
    seen.add(id);
    const date = countsOn(check);
    if (date && fromChecks.has(date)) days.add(date, outletOf(check.rvcNum, location), checkContribution(check));
  }
  return days.records(wanted, outletsOfLocation(location), (outlet, date) => recordId(location.locRef, outlet, date));
}
