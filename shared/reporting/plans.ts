/**
 * Which planning versions a report used (docs/planning.md, "What reports use"): planning owns the
 * versions and tells reports through this port, so reporting imports nothing of planning.
 */

/** An approved version in force for one year of the report's range. */
export interface PlanUsed {
  versionId: string;
  number: number;
  year: number;
  approvedAt: string;
}

/** Per kind, the versions in force for the years the range touches (empty: no approved version, sources only). */
export interface PlansUsed {
  budget: PlanUsed[];
  forecast: PlanUsed[];
  targets: PlanUsed[];
  actuals: PlanUsed[];
}

/** Approved KPI targets of a property: department id → KPI → month (`YYYY-MM`) → target. */
export type DepartmentTargets = Record<string, Record<string, Record<string, number>>>;

/** A system port (no principal): the report has already checked the caller's access to these properties. */
export interface PlansPort {
  /** The versions in force of these properties for the years `fromYear`–`toYear` (one query). */
  plansInForce(tenantId: string, propertyIds: readonly string[], fromYear: number, toYear: number): Promise<Record<string, PlansUsed>>;
  /**
   * The versions in force of these properties for the years `fromYear`–`toYear`, and the targets of
   * the approved targets versions among them: `reads` store round trips (one, two with targets).
   */
  versionsInForce(tenantId: string, propertyIds: readonly string[], fromYear: number, toYear: number): Promise<{ plans: Record<string, PlansUsed>; targets: Record<string, DepartmentTargets>; reads: number }>;
}

/**
 * The target of each KPI over `from`–`to`: the monthly targets of the months the range touches,
 * weighted by the days of each month inside the range (a KPI target is a rate, so it is averaged,
 * never summed). Months without a target don't count; a KPI without any is left out.
 */
export function targetsOver(kpis: Record<string, Record<string, number>>, from: string, to: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kpi, months] of Object.entries(kpis)) {
    let weighted = 0;
    let days = 0;
    for (const [month, target] of Object.entries(months)) {
      const first = `${month}-01`;
      const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
      const start = first > from ? first : from;
      const end = last < to ? last : to;
      if (start > end) continue;
      const n = Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1;
      weighted += target * n;
      days += n;
    }
    if (days > 0) out[kpi] = Math.round((weighted / days) * 10_000) / 10_000;
  }
  return out;
}
