import { localDateHour, safeTimeZone } from '../../../integrations/properties.js';
import { addDays } from '../../../reporting/periods.js';

export { addDays };

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The business date (local calendar date in the property's time zone) of an apaleo date-time (offset
 * included). The formatter is kept per time zone: building one costs about half a millisecond, and a
 * year's backfill asks for tens of thousands of dates.
 */
export function localDate(instant: string, timeZone: string): string {
  let f = dateFormats.get(timeZone);
  if (!f) dateFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone: safeTimeZone(timeZone), year: 'numeric', month: '2-digit', day: '2-digit' })));
  // en-CA formats a date as YYYY-MM-DD.
  return f.format(new Date(instant));
}

/** The dates `from`..`to` inclusive. */
export function datesIn(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The instant local midnight of `date` begins in `timeZone`, as apaleo wants it: UTC, no fractional
 * seconds (its date-time parameters reject them). Two passes settle the offset across a DST change.
 */
export function startOfLocalDay(date: string, timeZone: string): string {
  const target = Date.parse(`${date}T00:00:00Z`);
  let guess = target;
  for (let i = 0; i < 2; i++) {
    const local = localDateHour(new Date(guess), timeZone);
    const minutes = new Date(guess).getUTCMinutes();
    const shownAsUtc = Date.parse(`${local.date}T${String(local.hour).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:00Z`);
    guess += target - shownAsUtc;
  }
  return apaleoInstant(new Date(guess));
}

/** An instant in apaleo's date-time form: UTC, seconds precision. */
export function apaleoInstant(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
