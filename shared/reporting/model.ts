/**
 * What the reports know about properties and departments (read from identity's items), and the
 * sums folded from daily aggregates (integrations' USALI lines).
 */
import type { Driver, UsaliDepartment } from '../identity/property-items.js';
import { DEPARTMENTAL_LINES, PROPERTY_LINES } from '../integrations/measures.js';
import type { MonthlySpread, RoomsRevenueSource } from '../identity/property-settings.js';

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
  /** Source of record for rooms revenue, per day (property-settings.ts). */
  roomsRevenueSource: RoomsRevenueSource;
  /** How monthly AMS figures are spread over their month. */
  monthlySpread: MonthlySpread;
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
export type Series = 'actual' | 'budget' | 'forecast' | 'lastYear';
export type Comparison = Exclude<Series, 'actual'>;

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
  /** Whether the AMS posted revenue to the department in the bucket (even postings netting to zero). */
  amsRevenuePosted: boolean;
  /** FRS/TRS reservations of the dates, whether received before the day (on the books) or after. */
  bookings: Bookings;
  /** Distinct dates with at least one aggregate. */
  dates: Set<string>;
}

/** Table and F&B reservations: the ones held (and their covers), cancellations and no-shows. */
export interface Bookings {
  reservations: number;
  coversBooked: number;
  cancellations: number;
  noShows: number;
}

export function emptyBookings(): Bookings {
  return { reservations: 0, coversBooked: 0, cancellations: 0, noShows: 0 };
}

export function addBookings(into: Bookings, from: Bookings): void {
  into.reservations += from.reservations;
  into.coversBooked += from.coversBooked;
  into.cancellations += from.cancellations;
  into.noShows += from.noShows;
}

/** Property-level sums of one bucket of one series. */
export interface PropertySums {
  roomsAvailable: number;
  outOfOrder: number;
  roomsSold: number;
  complimentary: number;
  /** PMS room revenue (RMS in a forecast), as imported. */
  roomRevenue: number;
  guests: number;
  /** Dates that carried PMS/RMS statistics (rooms available falls back to capacity on the others). */
  statsDates: Set<string>;
  /** Rooms revenue as both reports count it: PMS/RMS and AMS combined day by day (`roomsRevenueOfDay`). */
  roomsRevenue: number;
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
    amsRevenuePosted: false,
    bookings: emptyBookings(),
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
    roomsRevenue: 0,
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
  /** Monthly figures (`YYYY-MM`), dated on the month's last day. */
  period?: string;
  usali?: Partial<Record<string, number>>;
  sources?: Partial<Record<string, number>>;
  factCount?: number;
  labourCostUnavailable?: number;
  [measure: string]: unknown;
}
