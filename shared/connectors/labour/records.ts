import { paidHours, punchDate, weekStart } from './hours.js';
import type { LeaveEntry, Punch, TimeRecord } from './model.js';
import { weigh } from './overtime.js';
import type { OvertimeRules, RateTable } from './settings.js';

export interface LabourOptions {
  /** The property's IANA time zone: business dates are its local dates. */
  timeZone: string;
  overtime: OvertimeRules;
  rates: RateTable;
  /** Prefix of record ids (e.g. `7shifts:<company>`): the vendor's punch id follows, never the employee number. */
  idPrefix: string;
}

/** Hours to four decimals (a minute is 0.0167 h) and money to cents, so sums of records stay exact enough to reconcile. */
const hours4 = (h: number) => Math.round(h * 10_000) / 10_000;
const cents = (m: number) => Math.round(m * 100) / 100;

/** The hourly rate of an employee: our per-employee rate, else the vendor's, else the role's, else the default, else 0. */
export function rateOf(entry: { employeeRef: string; role?: string; hourlyRate?: number }, rates: RateTable): number {
  return rates.byEmployee[entry.employeeRef] ?? entry.hourlyRate ?? (entry.role !== undefined ? rates.byRole[entry.role] : undefined) ?? rates.default ?? 0;
}

/**
 * Canonical `tms` records of punches and leave: one record per punch (productive hours, cost with
 * overtime) and one per paid leave entry (non-productive hours at the plain rate).
 *
 * Overtime accumulates per employee through their punches in clock-in order, per business date and
 * per week, so `punches` must hold every punch of each employee's weeks concerned (`affectedWeeks`):
 * the records of a week are a function of the whole week.
 *
 * @example
 *   toTimeRecords([{ id: 'p1', employeeRef: 'u1', employeeNumber: 'E1', department: 'FB', clockIn: '2026-03-14T17:00:00Z',
 *     clockOut: '2026-03-15T03:00:00Z', breaks: [{ paid: false, minutes: 30 }], hourlyRate: 20 }], [],
 *     { timeZone: 'UTC', overtime: { daily: [{ after: 8, multiplier: 1.5 }], weekly: [], weekStartsOn: 1 }, rates: EMPTY_RATES, idPrefix: 'x' })
 *   // → [{ id: 'x:punch:p1', date: '2026-03-14', productiveHours: 9.5, nonProductiveHours: 0, labourCost: 205, … }]  (8×20 + 1.5×1.5×20)
 */
export function toTimeRecords(punches: readonly Punch[], leave: readonly LeaveEntry[], options: LabourOptions): TimeRecord[] {
  const out: TimeRecord[] = [];
  const ordered = punches
    .map((p) => ({ p, date: punchDate(p, options.timeZone), hours: paidHours(p) }))
    .sort((a, b) => Date.parse(a.p.clockIn) - Date.parse(b.p.clockIn) || a.p.id.localeCompare(b.p.id));
  const dayHours = new Map<string, number>();
  const weekRegular = new Map<string, number>();
  for (const { p, date, hours } of ordered) {
    const dayKey = `${p.employeeRef}\u0000${date}`;
    const weekKey = `${p.employeeRef}\u0000${weekStart(date, options.overtime.weekStartsOn)}`;
    const w = weigh(hours, dayHours.get(dayKey) ?? 0, weekRegular.get(weekKey) ?? 0, options.overtime);
    dayHours.set(dayKey, (dayHours.get(dayKey) ?? 0) + hours);
    weekRegular.set(weekKey, (weekRegular.get(weekKey) ?? 0) + w.regular);
    out.push({
      id: `${options.idPrefix}:punch:${p.id}`,
      employeeNumber: p.employeeNumber,
      department: p.department,
      date,
      productiveHours: hours4(hours),
      nonProductiveHours: 0,
      labourCost: cents(w.weighted * rateOf(p, options.rates)),
    });
  }
  for (const l of leave) {
    if (!l.paid || l.hours <= 0) continue;
    out.push({
      id: `${options.idPrefix}:leave:${l.id}`,
      employeeNumber: l.employeeNumber,
      department: l.department,
      date: l.date,
      productiveHours: 0,
      nonProductiveHours: hours4(l.hours),
      labourCost: cents(l.hours * rateOf(l, options.rates)),
    });
  }
  return out;
}
