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

/** The business date of an instant (UTC or with an offset). */
export function businessDate(instant: string, timeZone: string): string {
  return localParts(Date.parse(instant), timeZone).date;
}

/**
 * The UTC instant at which the local calendar day `date` begins in `timeZone`, to the second
 * (`…:00Z`, no fractional part). Found by correcting a UTC guess with the zone's offset at that
 * guess, minutes included (half-hour zones), three times (the later passes settle days on which the
 * offset changes).
 */
export function dayStartUtc(date: string, timeZone: string): string {
  const target = Date.parse(`${date}T00:00:00Z`);
  let guess = target;
  for (let i = 0; i < 3; i++) {
    const local = localParts(guess, timeZone);
    const shown = Date.parse(`${local.date}T${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}:00Z`);
    guess += target - shown;
  }
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/** Every date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
