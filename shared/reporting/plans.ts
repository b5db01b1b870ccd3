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

/** A system port (no principal): the report has already checked the caller's access to these properties. */
export interface PlansPort {
  plansInForce(tenantId: string, propertyIds: readonly string[], fromYear: number, toYear: number): Promise<Record<string, PlansUsed>>;
}
