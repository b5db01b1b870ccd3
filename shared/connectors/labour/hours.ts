import { businessDate } from '../local-days.js';
import { addDays } from '../../reporting/periods.js';
import type { Punch, PunchBreak } from './model.js';

const HOUR_MS = 3_600_000;

/** Minutes of a break: from its instants when it has both, else its stated length; never negative. */
export function breakMinutes(b: PunchBreak): number {
  if (b.start && b.end) return Math.max(0, (Date.parse(b.end) - Date.parse(b.start)) / 60_000);
  return Math.max(0, b.minutes ?? 0);
}

/**
 * Paid hours of a punch: clock-in to clock-out as elapsed time (instants, so a night across a DST
 * change counts the hours really worked), minus unpaid breaks, never below zero. Paid breaks stay in.
 */
export function paidHours(p: Punch): number {
  const elapsed = Math.max(0, Date.parse(p.clockOut) - Date.parse(p.clockIn)) / HOUR_MS;
  const unpaid = p.breaks.filter((b) => !b.paid).reduce((sum, b) => sum + breakMinutes(b), 0) / 60;
  return Math.max(0, elapsed - unpaid);
}

/** The business date of a punch: its clock-in's local date, so a shift over midnight stays on its start date. */
export function punchDate(p: Punch, timeZone: string): string {
  return businessDate(p.clockIn, timeZone);
}

/** The first business date of the week `date` falls in, weeks starting on `weekStartsOn` (0 = Sunday). */
export function weekStart(date: string, weekStartsOn: number): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow - weekStartsOn + 7) % 7));
}

/**
 * The business dates a change on `dates` can alter: their whole weeks, because weekly overtime of a
 * later punch depends on the earlier ones. A connector re-reads these dates' punches before mapping.
 */
export function affectedWeeks(dates: Iterable<string>, weekStartsOn: number): { from: string; to: string } | undefined {
  let from: string | undefined;
  let to: string | undefined;
  for (const d of dates) {
    const start = weekStart(d, weekStartsOn);
    const end = addDays(start, 6);
    if (!from || start < from) from = start;
    if (!to || end > to) to = end;
  }
  return from && to ? { from, to } : undefined;
}
