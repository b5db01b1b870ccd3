import type { z } from 'zod';

/**
 * What POS connectors share when they recompute days whole: one outlet's sums for one day, summed
 * in thousandths of the currency (whole numbers for every currency's minor unit) and converted once
 * per record so no rounding accumulates, and every outlet of a location written for every date,
 * zero included (a day whose only check was voided returns to 0).
 */

export const MILLI = 1000;
/** A decimal amount of the currency in thousandths. */
export const milli = (v: number | null | undefined) => Math.round((v ?? 0) * MILLI);

/** One outlet's sums for one day: money in whole units of a fraction of the currency (thousandths with `milli` and PosDays), covers and checks as counts. */
export interface OutletDay {
  net: number;
  tax: number;
  discounts: number;
  covers: number;
  checks: number;
}
export const emptyDay = (): OutletDay => ({ net: 0, tax: 0, discounts: 0, covers: 0, checks: 0 });

/** The sums of outlets' days, and the canonical `pos` records they make. */
export class PosDays {
  private readonly days = new Map<string, OutletDay>();

  add(date: string, outlet: string, c: OutletDay): void {
    const key = `${date} ${outlet}`;
    const into = this.days.get(key) ?? emptyDay();
    this.days.set(key, { net: into.net + c.net, tax: into.tax + c.tax, discounts: into.discounts + c.discounts, covers: into.covers + c.covers, checks: into.checks + c.checks });
  }

  /** A record for every date and outlet, sorted by date; `id` names the record (the same day always gets the same id). */
  records(dates: Iterable<string>, outlets: readonly string[], id: (outlet: string, date: string) => string): Array<Record<string, unknown>> {
    const records: Array<Record<string, unknown>> = [];
    for (const date of [...new Set(dates)].sort()) {
      for (const outlet of outlets) {
        const d = this.days.get(`${date} ${outlet}`) ?? emptyDay();
        records.push({ id: id(outlet, date), businessDate: date, outlet, netRevenue: d.net / MILLI, tax: d.tax / MILLI, discounts: d.discounts / MILLI, covers: d.covers, checks: d.checks });
      }
    }
    return records;
  }
}

/**
 * Settings check of connectors whose record ids name a location: an outlet code must belong to one
 * location, since two would write two records for one outlet and day. `places` are the settings'
 * locations at `at.path`, each with its key (`at.keyField`) and its outlets.
 */
export function oneLocationPerOutlet(
  ctx: z.RefinementCtx,
  at: { path: string; keyField: string; noun: string },
  places: ReadonlyArray<{ key: string; outlets: readonly string[] }>,
): void {
  const owner = new Map<string, string>();
  places.forEach((p, i) => {
    if (places.findIndex((x) => x.key === p.key) !== i) ctx.addIssue({ code: 'custom', path: [at.path, i, at.keyField], message: 'listed twice' });
    for (const outlet of p.outlets) {
      const other = owner.get(outlet);
      if (other !== undefined && other !== p.key) ctx.addIssue({ code: 'custom', path: [at.path, i], message: `outlet '${outlet}' is already an outlet of ${at.noun} ${other}` });
      owner.set(outlet, p.key);
    }
  });
}
