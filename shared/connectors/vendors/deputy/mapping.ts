import { toTimeRecords, type LeaveEntry, type Punch, type TimeRecord } from '../../labour/index.js';
import { businessDate } from '../../local-days.js';
import type { Timesheet } from './schemas.js';
import type { DeputySettings } from './settings.js';

/**
 * Deputy timesheets to canonical `tms` records, through the labour module: one record per finished
 * timesheet (id `deputy:<install host>:punch:<timesheet id>`, never the employee number), a deletion
 * for a discarded one. A leave timesheet of a paid leave rule is paid leave: non-productive hours
 * (id `…:leave:<timesheet id>`); unpaid leave and timesheets still in progress produce nothing.
 */

const instant = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/**
 * The employee number a time record carries. Deputy's Employee resource documents no employee or
 * payroll number, so the Deputy Employee id stands in (prefixed, so it cannot collide with another
 * source's numbers).
 */
export function employeeNumberOf(employeeId: number): string {
  return `deputy-${employeeId}`;
}

/** Our department code of a Deputy area: the mapping, else the area's Deputy name, else its id. */
export function departmentCodeOf(areaId: number, settings: DeputySettings, areaNames: ReadonlyMap<number, string>): string {
  return settings.departments[String(areaId)] ?? areaNames.get(areaId) ?? `deputy-${areaId}`;
}

export function recordPrefix(settings: DeputySettings): string {
  return `deputy:${new URL(settings.installUrl).hostname}`;
}

/**
 * The labour module's punch of a finished timesheet; undefined for one in progress, leave or
 * discarded. Deputy states paid hours (`TotalTime`) rather than break instants: the gap between the
 * elapsed time and the paid hours is the unpaid break.
 */
export function punchOf(t: Timesheet, settings: DeputySettings, areaNames: ReadonlyMap<number, string>): Punch | undefined {
  if (t.Discarded || t.IsLeave || t.IsInProgress || !t.EndTime) return undefined;
  const elapsedMinutes = (t.EndTime - t.StartTime) / 60;
  const unpaidMinutes = Math.max(0, elapsedMinutes - t.TotalTime * 60);
  return {
    ...whoAndRate(t, settings, areaNames),
    clockIn: instant(t.StartTime),
    clockOut: instant(t.EndTime),
    breaks: unpaidMinutes > 0.5 ? [{ paid: false, minutes: Math.round(unpaidMinutes) }] : [],
  };
}

/** What worked time and leave share: the timesheet's ids, employee, department, role (the area) and, with `vendorCosts`, Deputy's rate `Cost ÷ TotalTime`. */
function whoAndRate(t: Timesheet, settings: DeputySettings, areaNames: ReadonlyMap<number, string>) {
  const rate = settings.vendorCosts && t.Cost && t.TotalTime > 0 ? t.Cost / t.TotalTime : undefined;
  return {
    id: String(t.Id),
    employeeRef: String(t.Employee),
    employeeNumber: employeeNumberOf(t.Employee),
    department: departmentCodeOf(t.OperationalUnit, settings, areaNames),
    role: String(t.OperationalUnit),
    ...(rate !== undefined ? { hourlyRate: rate } : {}),
  };
}

/**
 * The labour module's leave entry of a leave timesheet (`IsLeave`): its paid hours (`TotalTime`) on
 * the local date of its start, paid when its leave rule is one of `paidRules` (LeaveRules
 * `PaidLeave` 1). Deputy creates these timesheets for approved leave; the rate is the timesheet's
 * `Cost ÷ TotalTime` as for worked time, else our rate table. Undefined when not a leave timesheet.
 */
export function leaveOf(t: Timesheet, settings: DeputySettings, areaNames: ReadonlyMap<number, string>, paidRules: ReadonlySet<number>, timeZone: string): LeaveEntry | undefined {
  if (!t.IsLeave || t.Discarded || t.IsInProgress) return undefined;
  return {
    ...whoAndRate(t, settings, areaNames),
    date: businessDate(instant(t.StartTime), timeZone),
    hours: t.TotalTime,
    paid: t.LeaveRule != null && paidRules.has(t.LeaveRule),
  };
}

/**
 * The records of a set of timesheets that holds every timesheet of each employee's weeks concerned
 * (the labour module's overtime needs whole weeks); discarded timesheets become deletions.
 */
export function timeRecords(
  timesheets: readonly Timesheet[],
  settings: DeputySettings,
  areaNames: ReadonlyMap<number, string>,
  timeZone: string,
  paidRules: ReadonlySet<number> = new Set(),
): Array<TimeRecord | { id: string; deleted: true }> {
  const prefix = recordPrefix(settings);
  const live: Punch[] = [];
  const leave: LeaveEntry[] = [];
  const deletions: Array<{ id: string; deleted: true }> = [];
  const seen = new Set<number>();
  for (const t of timesheets) {
    if (seen.has(t.Id)) continue;
    seen.add(t.Id);
    if (t.Discarded) deletions.push({ id: `${prefix}:${t.IsLeave ? 'leave' : 'punch'}:${t.Id}`, deleted: true });
    else if (!settings.approvedOnly || t.TimeApproved) {
      const punch = punchOf(t, settings, areaNames);
      if (punch) live.push(punch);
      const entry = leaveOf(t, settings, areaNames, paidRules, timeZone);
      if (entry) leave.push(entry);
    }
  }
  return [...toTimeRecords(live, leave, { timeZone, overtime: settings.overtime, rates: settings.rates, idPrefix: prefix }), ...deletions];
}
