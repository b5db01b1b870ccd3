import { toTimeRecords, type Punch, type TimeRecord } from '../../labour/index.js';
import { wallClockUtc } from '../../local-days.js';
import type { Employee, PunchClockBreak, PunchClockShift } from './schemas.js';
import type { PlandaySettings } from './settings.js';

/**
 * Planday punch clock records to canonical `tms` records, through the labour module: one record per
 * completed record of the property's departments (id `planday:punch:<record id>`, never the employee
 * number). Planday states punch times as local wall-clock times without an offset: they are read in
 * the property's time zone.
 */

export const RECORD_PREFIX = 'planday';

/** The employee number a time record carries: the employee's salary identifier, else the Planday employee id. */
export function employeeNumberOf(employeeId: number, employees: ReadonlyMap<number, Employee>): string {
  const given = employees.get(employeeId)?.salaryIdentifier?.trim();
  return given ? given : `planday-${employeeId}`;
}

/** Our department code of a Planday department: the mapping, else its Planday name, else its id. */
export function departmentCodeOf(departmentId: number, settings: PlandaySettings, names: ReadonlyMap<number, string>): string {
  return settings.departments[String(departmentId)] ?? names.get(departmentId) ?? `planday-${departmentId}`;
}

export interface Lookup {
  employees: ReadonlyMap<number, Employee>;
  departments: ReadonlyMap<number, string>;
  /** Punch clock breaks by record id. */
  breaks: ReadonlyMap<number, readonly PunchClockBreak[]>;
}

/** Whether a record counts: completed, of an employee, of one of the property's departments, approved when asked. */
export function counts(r: PunchClockShift, settings: PlandaySettings): r is PunchClockShift & { employeeId: number; startDateTime: string; endDateTime: string } {
  return (
    typeof r.employeeId === 'number' &&
    !!r.startDateTime &&
    !!r.endDateTime &&
    settings.departmentIds.includes(r.departmentId) &&
    (!settings.approvedOnly || r.isApproved === true)
  );
}

/** The labour module's punch of a record that counts. */
export function punchOf(r: PunchClockShift & { employeeId: number; startDateTime: string; endDateTime: string }, settings: PlandaySettings, lookup: Lookup, timeZone: string): Punch {
  return {
    id: String(r.id),
    employeeRef: String(r.employeeId),
    employeeNumber: employeeNumberOf(r.employeeId, lookup.employees),
    department: departmentCodeOf(r.departmentId, settings, lookup.departments),
    clockIn: wallClockUtc(r.startDateTime, timeZone),
    clockOut: wallClockUtc(r.endDateTime, timeZone),
    breaks: (lookup.breaks.get(r.id) ?? [])
      .filter((b) => b.startDateTime && b.endDateTime)
      .map((b) => ({ paid: settings.breaksPaid, start: wallClockUtc(b.startDateTime!, timeZone), end: wallClockUtc(b.endDateTime!, timeZone) })),
  };
}

/**
 * The records of a set of punch clock records that holds every record of each employee's weeks
 * concerned (the labour module's overtime needs whole weeks).
 */
export function timeRecords(records: readonly PunchClockShift[], settings: PlandaySettings, lookup: Lookup, timeZone: string): TimeRecord[] {
  const seen = new Set<number>();
  const punches: Punch[] = [];
  for (const r of records) {
    if (seen.has(r.id) || !counts(r, settings)) continue;
    seen.add(r.id);
    punches.push(punchOf(r, settings, lookup, timeZone));
  }
  return toTimeRecords(punches, [], { timeZone, overtime: settings.overtime, rates: settings.rates, idPrefix: RECORD_PREFIX });
}
