import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { DEPARTMENTAL_LINES, PROPERTY_LINES } from '../integrations/measures.js';
import type { SpreadMethod } from './spreading.js';
import { CONSUMPTION_LINES } from './consumption-kind.js';

/**
 * Planning versions (docs/planning.md, "Upload centre"): what a version is, the lines each kind
 * holds, and the items stored for them in the `planning` container.
 */

/**
 * `actuals`: manual actuals, for a property-month no source system delivers. `consumption`: a year
 * of monthly utility readings, imported as GoGreen readings on approval (consumption-kind.ts).
 */
export const PLAN_KINDS = ['budget', 'forecast', 'targets', 'actuals', 'consumption'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

/**
 * `invalid`: an upload that failed validation, recorded with its report so nothing sent is lost;
 * it never moves on. The others follow the workflow (workflow.ts).
 */
export const VERSION_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'locked', 'invalid'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/**
 * Statistics a budget, forecast or manual-actuals version may carry beside the USALI lines: only
 * what the fact pipeline carries for every scenario and reports fold (fold.ts: department covers
 * and hours, property rooms available and sold), so a planned statistic reaches the same KPIs as a
 * measured one.
 */
export const DEPARTMENT_STATISTICS = ['covers', 'productiveHours'] as const;
export const PROPERTY_STATISTICS = ['roomsAvailable', 'roomsSold'] as const;
/** Statistics counted in whole units (rooms, covers): spread over days in whole units, not cents. */
export const WHOLE_UNITS: ReadonlySet<string> = new Set(['covers', 'roomsAvailable', 'roomsSold']);

/** The department KPIs a targets version sets (the names of the R&P figures they compare with). */
export const TARGET_KPIS = ['productivityTotal', 'revenuePerLabourHour', 'labourCostPct', 'hpor', 'mpor', 'coversPerLabourHour'] as const;

export const DEPARTMENT_ROWS_BY_KIND: Record<PlanKind, readonly string[]> = {
  budget: [...DEPARTMENTAL_LINES, ...DEPARTMENT_STATISTICS],
  forecast: [...DEPARTMENTAL_LINES, ...DEPARTMENT_STATISTICS],
  actuals: [...DEPARTMENTAL_LINES, ...DEPARTMENT_STATISTICS],
  targets: TARGET_KPIS,
  consumption: [],
};

export const PROPERTY_ROWS_BY_KIND: Record<PlanKind, readonly string[]> = {
  budget: [...PROPERTY_LINES, ...PROPERTY_STATISTICS],
  forecast: [...PROPERTY_LINES, ...PROPERTY_STATISTICS],
  actuals: [...PROPERTY_LINES, ...PROPERTY_STATISTICS],
  targets: [],
  consumption: CONSUMPTION_LINES,
};

/** One line of a version: a department's (or, `departmentId` null, the property's) figure per month; null = no figure. */
export interface PlanRow {
  departmentId: string | null;
  line: string;
  /** January to December of the version's year. */
  months: Array<number | null>;
}

/** One finding of an upload's validation, where a spreadsheet user finds it. */
export interface UploadIssue {
  /** The file's row (CSV line, sheet row); 0 for the file as a whole. */
  row: number;
  column?: string;
  message: string;
}

export interface VersionHistoryEntry {
  status: VersionStatus;
  at: string;
  by: string;
  comment?: string;
}

export interface PlanVersionItem extends Item, OutboxCarrier {
  type: 'planVersion';
  propertyId: string;
  year: number;
  kind: PlanKind;
  /** 1, 2, … per (property, year, kind), in upload order (invalid uploads count: each is kept). */
  number: number;
  status: VersionStatus;
  spread: SpreadMethod;
  rows: PlanRow[];
  issues: UploadIssue[];
  file: { name: string | null; format: 'csv' | 'xlsx'; bytes: number };
  author: string;
  comment?: string;
  createdAt: string;
  updatedAt: string;
  submittedBy?: string;
  submittedAt?: string;
  approvedBy?: string;
  approvedAt?: string;
  history: VersionHistoryEntry[];
}

/**
 * The version in force for a (property, year, kind): what reports use. One item per (property, year,
 * kind), only ever replaced under its ETag, so two approvals racing for it cannot both move it
 * (docs/planning.md, "Workflow").
 */
export interface PlanInForceItem extends Item {
  type: 'planInForce';
  propertyId: string;
  year: number;
  kind: PlanKind;
  /** null while the first approval of this property, year and kind is writing its facts (`switching`): reports use none yet. */
  versionId: string | null;
  number: number;
  approvedAt: string;
  approvedBy: string;
  /**
   * The approval under way: taken (under the ETag) before the version's status changes and its facts
   * are written, cleared when the pointer moves. Another approval meanwhile is refused (409); a claim
   * older than the lease is one whose approval was interrupted, and may be taken over.
   */
  switching?: { versionId: string; by: string; since: string };
}

export const versionId = (propertyId: string, year: number, kind: PlanKind, number: number): string => `pv_${propertyId}_${year}_${kind}_${number}`;
export const inForceId = (propertyId: string, year: number, kind: PlanKind): string => `plan-in-force:${propertyId}:${year}:${kind}`;

export const MONTHS = 12;

/** `YYYY-MM` of month index `m` (0-based) of `year`. */
export const periodOf = (year: number, m: number): string => `${year}-${String(m + 1).padStart(2, '0')}`;
