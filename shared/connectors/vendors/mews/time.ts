import { addDays } from '../../../reporting/periods.js';

export { addDays };

/**
 * One formatter per zone: a backfill converts hundreds of thousands of instants, and building an
 * Intl.DateTimeFormat costs far more than using one.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(instant: number, timeZone: string): { date: string; hour: number; minute: number } {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')), minute: Number(get('minute')) };
}

/** The business date (the enterprise's local calendar date) of a UTC instant. */
export function businessDate(instantUtc: string, timeZone: string): string {
  return localParts(Date.parse(instantUtc), timeZone).date;
}

/**
 * The UTC instant at which the local calendar day `date` begins in `timeZone`. Found by correcting
 * a UTC guess with the zone's offset at that guess, twice (the second pass settles days on which
 * the offset changes).
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

/** `start` plus `months` calendar months (the Connector API's "max length 3 months"). */
export function plusMonths(instantUtc: string, months: number): string {
  const d = new Date(instantUtc);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().replace('.000Z', 'Z');
}

/** Sorted distinct dates split into runs of consecutive days, each at most `maxDays` long. */
export function dateRuns(dates: Iterable<string>, maxDays: number): Array<{ from: string; to: string }> {
  const sorted = [...new Set(dates)].sort();
  const runs: Array<{ from: string; to: string; days: number }> = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    if (last && addDays(last.to, 1) === d && last.days < maxDays) {
      last.to = d;
      last.days += 1;
    } else runs.push({ from: d, to: d, days: 1 });
  }
  return runs.map(({ from, to }) => ({ from, to }));
}
