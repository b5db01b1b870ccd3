import { safeTimeZone } from '../integrations/properties.js';
import { addDays } from '../reporting/periods.js';

/**
 * A vendor's instants against a property's business dates (its local calendar days), for every
 * connector: vendors state instants in UTC or with an offset, our records are per business date.
 * An unknown zone reads as UTC, as everywhere a property's zone is read (safeTimeZone).
 */

/**
 * One formatter per zone: a backfill converts hundreds of thousands of instants, and building an
 * Intl.DateTimeFormat costs far more than using one.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: safeTimeZone(timeZone), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(instant: number, timeZone: string): { date: string; hour: number; minute: number } {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')), minute: Number(get('minute')) };
}

const HOUR_MS = 3_600_000;
/** Hours remembered per zone before the memo starts afresh (a few years of hours). */
const MAX_MEMO_HOURS = 100_000;

/**
 * The local date of each UTC hour already seen, per zone (null: the hour straddles local midnight
 * or an offset change). A backfill converts every instant of a year's vendor objects, and formatting
 * each was 8 % of a Mews backfill's main thread; they fall in a few thousand hours.
 */
const hourDates = new Map<string, Map<number, string | null>>();

/** Minutes the wall clock shows ahead of UTC at a whole-minute instant. */
function offsetAt(instant: number, timeZone: string): { date: string; offset: number } {
  const l = localParts(instant, timeZone);
  const wall = Date.parse(`${l.date}T${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}:00Z`);
  return { date: l.date, offset: wall - instant };
}

/**
 * The one local date of a whole UTC hour, or null. With the same offset at its first and last minute
 * the zone did not change it within (none changes twice in an hour), so the wall clock ran straight
 * and a date at both ends is the date throughout.
 */
function dateOfHour(hour: number, timeZone: string): string | null {
  const first = offsetAt(hour * HOUR_MS, timeZone);
  const last = offsetAt(hour * HOUR_MS + HOUR_MS - 60_000, timeZone);
  return first.offset === last.offset && first.date === last.date ? first.date : null;
}

/** The business date of an instant (UTC or with an offset). */
export function businessDate(instant: string, timeZone: string): string {
  const at = Date.parse(instant);
  if (!Number.isFinite(at)) return localParts(at, timeZone).date;
  const hour = Math.floor(at / HOUR_MS);
  let memo = hourDates.get(timeZone);
  if (!memo) hourDates.set(timeZone, (memo = new Map()));
  let date = memo.get(hour);
  if (date === undefined) {
    if (memo.size >= MAX_MEMO_HOURS) memo.clear();
    date = dateOfHour(hour, timeZone);
    memo.set(hour, date);
  }
  return date ?? localParts(at, timeZone).date;
}

/**
 * The UTC instant at which the local calendar day `date` begins in `timeZone`, to the second
 * (`…:00Z`, no fractional part).
 */
export function dayStartUtc(date: string, timeZone: string): string {
  return wallClockUtc(`${date}T00:00`, timeZone);
}

/**
 * The UTC instant (`…Z`, to the second) at which the wall clock of `timeZone` shows `local`
 * (`YYYY-MM-DDTHH:MM[:SS]`, no offset: vendors that state local times, Planday's punch clock). Found
 * by correcting a UTC guess with the zone's offset at that guess, minutes included (half-hour zones),
 * three times (the later passes settle days on which the offset changes); a time a DST change skips
 * or repeats gets one of its readings, an hour apart.
 */
export function wallClockUtc(local: string, timeZone: string): string {
  const [, minute, seconds = '00'] = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2}))?/.exec(local) ?? [];
  const target = Date.parse(`${minute ?? local}:00Z`);
  let guess = target;
  for (let i = 0; i < 3; i++) {
    const l = localParts(guess, timeZone);
    const shown = Date.parse(`${l.date}T${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}:00Z`);
    guess += target - shown;
  }
  return new Date(guess + Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Every date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
