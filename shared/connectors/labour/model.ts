/**
 * Vendor-neutral time-keeping input: what every labour connector (7shifts, Planday, Deputy …) turns
 * its own objects into before the labour module computes hours and cost. The module never sees a
 * name; `employeeNumber` is the one personal identifier, carried into the canonical `tms` record,
 * whose pipeline seals it under the employee's key.
 */

/** A break inside a punch: by its instants, or by its length when the vendor gives only that. */
export interface PunchBreak {
  paid: boolean;
  start?: string;
  end?: string;
  minutes?: number;
}

/** One clock-in/clock-out of one employee in one department. */
export interface Punch {
  /** The vendor's id of the punch (stable across edits): the record id derives from it. */
  id: string;
  /** The vendor's id of the employee: the key of the rate table and of overtime accumulation. */
  employeeRef: string;
  /** The employee number the `tms` record carries (personal data, sealed by the pipeline). */
  employeeNumber: string;
  /** Our department code (the integration maps it to a department). */
  department: string;
  /** The vendor's role or position, for role rates. */
  role?: string;
  /** ISO 8601 instants with offset or Z. */
  clockIn: string;
  clockOut: string;
  breaks: readonly PunchBreak[];
  /** Hourly wage the vendor states for this punch, in the property's currency; absent: the rate table decides. */
  hourlyRate?: number;
}

/** Paid or unpaid absence (holiday, sickness, training) stated in hours on a business date. */
export interface LeaveEntry {
  id: string;
  employeeRef: string;
  employeeNumber: string;
  department: string;
  role?: string;
  /** Business date, YYYY-MM-DD. */
  date: string;
  hours: number;
  /** Unpaid leave is neither paid hours nor cost: it produces no record. */
  paid: boolean;
  hourlyRate?: number;
}

/** The canonical `tms` record (shared/integrations/formats/tms/record.ts) a punch or leave entry becomes. */
export interface TimeRecord {
  id: string;
  employeeNumber: string;
  department: string;
  date: string;
  productiveHours: number;
  nonProductiveHours: number;
  labourCost: number;
}
