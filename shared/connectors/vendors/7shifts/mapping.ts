import { breakMinutes, toTimeRecords, type Punch, type TimeRecord } from '../../labour/index.js';
import type { Shift, TimePunch, User } from './schemas.js';
import type { SevenShiftsSettings } from './settings.js';

/**
 * 7shifts punches to canonical `tms` records, through the labour module: one record per completed
 * punch (id `7shifts:<company>:punch:<punch id>`, never the employee number), a deletion for a
 * deleted punch.
 */

/**
 * An instant as 7shifts writes it: list answers carry ISO 8601 with an offset; webhook payloads also
 * carry `YYYY-MM-DD HH:MM:SS` without a zone (read as UTC, like the list answers' `+00:00`).
 */
export function instantOf(s: string): string {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{1,2}$/.test(s) ? `${s.replace(' ', 'T').replace(/:(\d)$/, ':0$1')}Z` : s;
}

/** The employee number a time record carries: the company's own `employee_id`, else the 7shifts user id. */
export function employeeNumberOf(userId: number, users: ReadonlyMap<number, User>): string {
  const given = users.get(userId)?.employee_id?.trim();
  return given ? given : `7shifts-${userId}`;
}

/** Our department code of a 7shifts department: the mapping, else its 7shifts name, else its id. */
export function departmentCodeOf(departmentId: number | null | undefined, settings: SevenShiftsSettings, names: ReadonlyMap<number, string>): string {
  if (departmentId === null || departmentId === undefined) return '7shifts-none';
  return settings.departments[String(departmentId)] ?? names.get(departmentId) ?? `7shifts-${departmentId}`;
}

export function recordPrefix(settings: SevenShiftsSettings): string {
  return `7shifts:${settings.companyId}`;
}

/** The labour module's punch of a completed, live 7shifts punch; undefined for an open or deleted one. */
export function punchOf(p: TimePunch, settings: SevenShiftsSettings, users: ReadonlyMap<number, User>, departments: ReadonlyMap<number, string>): Punch | undefined {
  if (p.deleted || !p.clocked_out) return undefined;
  const wage = settings.vendorWages && p.hourly_wage ? p.hourly_wage / 100 : undefined;
  return {
    id: String(p.id),
    employeeRef: String(p.user_id),
    employeeNumber: employeeNumberOf(p.user_id, users),
    department: departmentCodeOf(p.department_id, settings, departments),
    ...(p.role_id ? { role: String(p.role_id) } : {}),
    clockIn: instantOf(p.clocked_in),
    clockOut: instantOf(p.clocked_out),
    breaks: (p.breaks ?? []).filter((b) => !b.deleted).map((b) => ({ paid: b.paid, ...(b.in && b.out ? { start: instantOf(b.in_iso ?? b.in), end: instantOf(b.out_iso ?? b.out) } : {}) })),
    ...(wage !== undefined ? { hourlyRate: wage } : {}),
  };
}

export interface Lookup {
  users: ReadonlyMap<number, User>;
  departments: ReadonlyMap<number, string>;
}

/**
 * The records of a set of punches that holds every punch of each employee's weeks concerned (the
 * labour module's overtime needs whole weeks); deleted punches become deletions.
 */
export function timeRecords(punches: readonly TimePunch[], settings: SevenShiftsSettings, lookup: Lookup, timeZone: string): Array<TimeRecord | { id: string; deleted: true }> {
  const prefix = recordPrefix(settings);
  const live: Punch[] = [];
  const deletions: Array<{ id: string; deleted: true }> = [];
  const seen = new Set<number>();
  for (const p of punches) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    if (p.deleted) deletions.push({ id: `${prefix}:punch:${p.id}`, deleted: true });
    else if (!settings.approvedOnly || p.approved) {
      const punch = punchOf(p, settings, lookup.users, lookup.departments);
      if (punch) live.push(punch);
    }
  }
  return [...toTimeRecords(live, [], { timeZone, overtime: settings.overtime, rates: settings.rates, idPrefix: prefix }), ...deletions];
}

/** The canonical `schedules` record (shared/integrations/formats/schedules/record.ts) a 7shifts shift becomes. */
export interface ScheduleRecord {
  id: string;
  employeeNumber: string;
  department: string;
  role?: string;
  start: string;
  end: string;
  unpaidBreakMinutes: number;
}

/**
 * Published 7shifts shifts to canonical `schedules` records (id `7shifts:<company>:shift:<shift id>`,
 * never the employee number): instants as 7shifts states them (UTC), the format puts each on its
 * start's business date; planned breaks not marked paid are unpaid, by the labour module's
 * breakMinutes (instants, else the stated length). A deleted shift is a deletion; a draft, an open
 * (unassigned) shift and one of another location produce nothing, since nobody is scheduled on it.
 */
export function scheduleRecords(shifts: readonly Shift[], settings: SevenShiftsSettings, lookup: Lookup): Array<ScheduleRecord | { id: string; deleted: true }> {
  const prefix = recordPrefix(settings);
  const out = new Map<number, ScheduleRecord | { id: string; deleted: true }>();
  for (const s of shifts) {
    const id = `${prefix}:shift:${s.id}`;
    // A shift seen deleted anywhere stays deleted for this batch, whatever order the reads came in.
    if (s.deleted) out.set(s.id, { id, deleted: true });
    if (s.deleted || out.has(s.id) || s.draft || s.open || !s.user_id || !settings.locationIds.includes(s.location_id)) continue;
    const unpaid = (s.breaks ?? []).filter((b) => b.paid !== true).reduce((sum, b) => sum + breakMinutes({ paid: false, ...(b.start && b.end ? { start: instantOf(b.start), end: instantOf(b.end) } : {}), ...(b.length != null ? { minutes: b.length } : {}) }), 0);
    out.set(s.id, {
      id,
      employeeNumber: employeeNumberOf(s.user_id, lookup.users),
      department: departmentCodeOf(s.department_id, settings, lookup.departments),
      ...(s.role_id ? { role: String(s.role_id) } : {}),
      start: instantOf(s.start),
      end: instantOf(s.end),
      unpaidBreakMinutes: Math.round(unpaid * 100) / 100,
    });
  }
  return [...out.values()];
}
