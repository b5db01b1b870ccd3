/**
 * What the reports know about properties and departments (read from identity's items), and the
 * sums folded from daily aggregates (integrations' USALI lines).
 */
import type { Driver, UsaliDepartment } from '../identity/tenants.js';
import { DEPARTMENTAL_LINES, PROPERTY_LINES } from '../integrations/model.js';

export type { Driver, UsaliDepartment };
export { DEPARTMENTAL_LINES, PROPERTY_LINES };

export interface PropertyInfo {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  /** Capacity: stands in for rooms available on days without PMS statistics. */
  roomsAvailable: number;
  /** Out-of-order rooms leave rooms available (USALI keeps them in by default). */
  excludeOutOfOrderFromAvailable: boolean;
  /** Local hour after which the previous business day is closed; undefined: the configured default. */
  dailyCloseHour?: number;
}

export interface DepartmentInfo {
  id: string;
  propertyId: string;
  code: string;
  name: string;
  usaliDepartment: UsaliDepartment;
  driver: Driver;
  standardHoursPerUnit: number | null;
  /** Housekeeping departments carry MPOR. */
  housekeeping: boolean;
}

/** Revenue-earning (profit-centre) departments: their revenue counts in RevPOLU. */
export const PROFIT_CENTRES: ReadonlySet<UsaliDepartment> = new Set(['rooms', 'fnb', 'other_operated', 'misc_income']);

/** The series a report compares: actuals, the AMS/RMS plans, and actuals of the aligned period last year. */
export const SERIES = ['actual', 'budget', 'forecast', 'lastYear'] as const;
export type Series = (typeof SERIES)[number];
export type Comparison = Exclude<Series, 'actual'>;
export const COMPARISONS: readonly Comparison[] = ['budget', 'forecast', 'lastYear'];

export type DepartmentalLine = (typeof DEPARTMENTAL_LINES)[number];
export type PropertyLine = (typeof PROPERTY_LINES)[number];

/** Sums of one department over one bucket of one series. */
export interface DeptSums {
  /** Actuals: POS and S&C revenue. Budget/forecast: AMS departmental revenue. */
  revenue: number;
  covers: number;
  productiveHours: number;
  nonProductiveHours: number;
  /** Actuals: TMS labour cost. Budget/forecast: AMS payroll & related. */
  labourCost: number;
  usali: Record<DepartmentalLine, number>;
  /** Distinct dates with at least one aggregate. */
  dates: Set<string>;
}

/** Property-level sums of one bucket of one series. */
export interface PropertySums {
  roomsAvailable: number;
  outOfOrder: number;
  roomsSold: number;
  complimentary: number;
  roomRevenue: number;
  guests: number;
  /** Dates that carried PMS/RMS statistics (rooms available falls back to capacity on the others). */
  statsDates: Set<string>;
  /** AMS revenue of rooms departments on dates where PMS/RMS room revenue also exists (the same money). */
  roomsRevenueOverlap: number;
  usali: Record<PropertyLine, number>;
  dates: Set<string>;
}

export function emptyDeptSums(): DeptSums {
  return {
    revenue: 0,
    covers: 0,
    productiveHours: 0,
    nonProductiveHours: 0,
    labourCost: 0,
    usali: { revenue: 0, costOfSales: 0, payrollAndRelated: 0, otherExpenses: 0 },
    dates: new Set(),
  };
}

export function emptyPropertySums(): PropertySums {
  return {
    roomsAvailable: 0,
    outOfOrder: 0,
    roomsSold: 0,
    complimentary: 0,
    roomRevenue: 0,
    guests: 0,
    statsDates: new Set(),
    roomsRevenueOverlap: 0,
    usali: Object.fromEntries(PROPERTY_LINES.map((l) => [l, 0])) as Record<PropertyLine, number>,
    dates: new Set(),
  };
}

/** The sums of one bucket of one series: per department, and the property level. */
export interface BucketSums {
  departments: Map<string, DeptSums>;
  property: PropertySums;
}

/** The subset of an aggregate item (integrations' `AggregateItem`) that reports read. */
export interface AggregateRecord {
  id: string;
  level: 'department' | 'property';
  propertyId: string;
  date: string;
  departmentId: string | null;
  scenario: string;
  usali?: Partial<Record<string, number>>;
  sources?: Partial<Record<string, number>>;
  factCount?: number;
  labourCostUnavailable?: number;
  [measure: string]: unknown;
}
