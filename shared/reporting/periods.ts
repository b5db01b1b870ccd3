/**
 * Calendar arithmetic on business dates (`YYYY-MM-DD`). A business date is already in the
 * property's local terms, so bucketing never converts time zones: only "what is today at the
 * property" (the daily close) needs the property's time zone.
 */

export type Granularity = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type LastYearAlignment = 'calendar' | 'weekday';

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date in `YYYY-MM-DD` form (2026-02-30 is not). */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

function toEpochDay(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Days from `from` to `to` inclusive. */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from) + 1;
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
function isoWeekday(date: string): number {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** ISO 8601 week: the week belongs to the year of its Thursday (2026-12-31 is 2026-W53, 2027-01-03 too). */
export function isoWeek(date: string): { year: number; week: number } {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((toEpochDay(thursday) - toEpochDay(`${year}-01-01`)) / 7) + 1;
  return { year, week };
}

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

export interface Bucket {
  key: string;
  /** First and last date of the bucket inside the requested range. */
  from: string;
  to: string;
}

/** The bucket a date falls in, unclipped. */
export function bucketOf(date: string, granularity: Granularity): Bucket {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  switch (granularity) {
    case 'day':
      return { key: date, from: date, to: date };
    case 'week': {
      const { year, week } = isoWeek(date);
      const monday = addDays(date, 1 - isoWeekday(date));
      return { key: `${year}-W${String(week).padStart(2, '0')}`, from: monday, to: addDays(monday, 6) };
    }
    case 'month':
      return { key: date.slice(0, 7), from: `${date.slice(0, 7)}-01`, to: lastDayOfMonth(y, m) };
    case 'quarter': {
      const q = Math.floor((m - 1) / 3) + 1;
      const first = (q - 1) * 3 + 1;
      return { key: `${y}-Q${q}`, from: `${y}-${String(first).padStart(2, '0')}-01`, to: lastDayOfMonth(y, first + 2) };
    }
    case 'year':
      return { key: String(y), from: `${y}-01-01`, to: `${y}-12-31` };
  }
}

/** The buckets covering `from`..`to`, in order, each clipped to the range. */
export function bucketsOf(from: string, to: string, granularity: Granularity): Bucket[] {
  const out: Bucket[] = [];
  let date = from;
  while (date <= to) {
    const b = bucketOf(date, granularity);
    const clipped = { key: b.key, from: b.from < from ? from : b.from, to: b.to > to ? to : b.to };
    out.push(clipped);
    date = addDays(b.to, 1);
  }
  return out;
}

/** Same date one year earlier; 29 February maps to 28 February. */
function minusOneYear(date: string): string {
  const y = Number(date.slice(0, 4)) - 1;
  const md = date.slice(5);
  const candidate = `${y}-${md}`;
  return isIsoDate(candidate) ? candidate : `${y}-02-28`;
}

function plusOneYear(date: string): string {
  const y = Number(date.slice(0, 4)) + 1;
  const candidate = `${y}-${date.slice(5)}`;
  return isIsoDate(candidate) ? candidate : `${y}-02-28`;
}

/** The comparison date last year: the same calendar date, or the same weekday 52 weeks (364 days) back. */
export function lastYearOf(date: string, alignment: LastYearAlignment): string {
  return alignment === 'weekday' ? addDays(date, -364) : minusOneYear(date);
}

/** The inverse of `lastYearOf`: which current date a last-year date stands in for. */
export function fromLastYear(date: string, alignment: LastYearAlignment): string {
  return alignment === 'weekday' ? addDays(date, 364) : plusOneYear(date);
}

/** The calendar date and hour at an instant in an IANA time zone. */
export function localDateTime(instant: Date, timeZone: string): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
