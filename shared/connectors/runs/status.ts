import { addDays } from '../../reporting/periods.js';
import { localDateHour, safeTimeZone } from '../../integrations/properties.js';
import { isStale, nextPullAt, isCircuitOpen } from './planner.js';
import type { ConnectorStateItem } from './state.js';

/** d2o's import states of an interface. */
export type ImportState = 'Updated' | 'In progress' | 'Waiting for data' | 'Not updated';

/** Minutes east of UTC of `timeZone` at `at`. */
function offsetMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? '0');
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
}

/**
 * The instant a local wall time (`date` at `time`, HH:MM) happens in `timeZone`. A time skipped by
 * a DST jump resolves to the instant after the gap; a repeated one to its first occurrence.
 */
export function instantAtLocal(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  let guess = wall - offsetMinutes(wall, timeZone) * 60_000;
  // A second pass settles the offset when the first guess fell on the other side of a transition.
  guess = wall - offsetMinutes(guess, timeZone) * 60_000;
  return new Date(guess);
}

export interface ConnectorStatus {
  state: ImportState;
  /** The business date expected today (today minus the data offset), property-local. */
  expectedDate: string;
  /** When that date's data is expected (the expected local time today). */
  expectedBy: string;
  /** Whether everything up to the end of the expected date (or the expected time, if earlier) is committed. */
  arrived: boolean;
  circuit: 'closed' | 'failing';
  nextRunAt: string | null;
}

/**
 * The four states of an integration at `now`:
 * - **In progress**: a run has been taken and its lease has not run out;
 * - **Updated**: the committed watermark has passed the end of the expected business date (for an
 *   offset of 0, today's expected time) and no backfill window still owes that date, i.e. today's
 *   expected data arrived;
 * - **Waiting for data**: not yet, but the expected local time has not come;
 * - **Not updated**: the expected time has passed without the data.
 */
export function connectorStatus(state: ConnectorStateItem, timeZone: string, now: Date): ConnectorStatus {
  const tz = safeTimeZone(timeZone);
  const today = localDateHour(now, tz).date;
  const expectedDate = addDays(today, -state.expectedArrival.dataOffsetDays);
  const expectedBy = instantAtLocal(today, state.expectedArrival.localTime, tz);
  const endOfExpected = instantAtLocal(addDays(expectedDate, 1), '00:00', tz);
  const due = Math.min(endOfExpected.getTime(), expectedBy.getTime());
  // The first load (or a requested backfill) still owing the expected date means it has not arrived,
  // whatever the watermark says: the watermark starts where the first load's reading began.
  const owed = state.backfill.windows.some((w) => w.status === 'pending' && w.from <= expectedDate && expectedDate <= w.to);
  const arrived = Date.parse(state.watermark) >= due && !owed;
  const live = state.runs.filter((r) => !isStale(r, now));
  const running = live.some((r) => r.startedAt !== undefined);
  const value: ImportState = running ? 'In progress' : arrived ? 'Updated' : now.getTime() < expectedBy.getTime() ? 'Waiting for data' : 'Not updated';
  const open = isCircuitOpen(state, now);
  let next: Date | null;
  if (live.length > 0) next = new Date(Math.min(...live.map((r) => Date.parse(r.startedAt ?? r.queuedAt))));
  else if (open && state.circuit.state === 'failing') next = new Date(state.circuit.until);
  else next = nextPullAt(state);
  return {
    state: value,
    expectedDate,
    expectedBy: expectedBy.toISOString(),
    arrived,
    circuit: open ? 'failing' : 'closed',
    nextRunAt: next.toISOString(),
  };
}
