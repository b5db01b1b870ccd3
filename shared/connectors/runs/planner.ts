import { nextOccurrence } from '../../platform/ncrontab.js';
import { addDays, daysBetween } from '../../reporting/periods.js';
import type { BackfillWindow, ConnectorStateItem, QueuedRun } from './state.js';

const DAY_MS = 86_400_000;

/** The change feed is read up to this long before now: vendors commit a change a moment after they stamp it. */
export const SAFETY_LAG_MS = 2 * 60_000;
/** The first run loads this many business days back (last-year comparisons need a full year and a month)… */
export const FIRST_BACKFILL_DAYS_BACK = 400;
/** …and this many ahead (on-the-books). */
export const FIRST_BACKFILL_DAYS_AHEAD = 365;
/** The longest range one POST /backfill may ask for. */
export const MAX_BACKFILL_DAYS = 800;
/** A run not finished this long after it was queued or taken is taken to have died: the timer queues it again. */
export const RUN_LEASE_MS = 15 * 60_000;
/** Consecutive failed runs that open the circuit. */
export const FAILURES_TO_OPEN = 5;
const COOL_DOWN_BASE_MS = 15 * 60_000;
const COOL_DOWN_MAX_MS = 24 * 3600_000;

/**
 * The cool-down after `failures` consecutive failures: 15 minutes when the circuit opens, doubling
 * with each failed probe after it, at most a day.
 */
export function coolDownMs(failures: number): number {
  return Math.min(COOL_DOWN_MAX_MS, COOL_DOWN_BASE_MS * 2 ** Math.max(0, failures - FAILURES_TO_OPEN));
}

/** Business dates `from`..`to` (inclusive) cut into windows of at most `chunkDays`, oldest first. */
export function backfillWindows(from: string, to: string, chunkDays: number, generation: number): BackfillWindow[] {
  const size = Math.max(1, Math.floor(chunkDays));
  const out: BackfillWindow[] = [];
  for (let start = from; start <= to; start = addDays(start, size)) {
    const end = addDays(start, size - 1);
    out.push({ generation, from: start, to: end < to ? end : to, status: 'pending' });
  }
  return out;
}

/** The first run's range of business dates around the property's `today`. */
export function firstBackfillRange(today: string): { from: string; to: string } {
  return { from: addDays(today, -FIRST_BACKFILL_DAYS_BACK), to: addDays(today, FIRST_BACKFILL_DAYS_AHEAD) };
}

/** Days in a backfill range, both ends included. */
export function backfillDays(range: { from: string; to: string }): number {
  return daysBetween(range.from, range.to);
}

/**
 * The next change-feed window after `watermark`: at most `maxWindowDays` long and ending no later
 * than now minus the safety lag; undefined when there is nothing to read yet.
 */
export function pullWindow(watermark: string, now: Date, maxWindowDays: number): { from: string; to: string } | undefined {
  const from = Date.parse(watermark);
  const to = Math.min(from + maxWindowDays * DAY_MS, now.getTime() - SAFETY_LAG_MS);
  if (!(to > from)) return undefined;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** Whether a window is as long as the vendor allows: more is waiting behind it, so the next one follows at once. */
function isFull(window: { from: string; to: string }, maxWindowDays: number): boolean {
  return Date.parse(window.to) - Date.parse(window.from) >= maxWindowDays * DAY_MS;
}

/**
 * The run id of a window: the queue's message id, and the key the receiver derives import ids from,
 * so a duplicate message, a re-run after a crash and a second timer instance all land on the same
 * imports. A backfill window also names its request: asking again for the same dates is new work.
 */
export function runIdOf(integrationId: string, run: Pick<QueuedRun, 'kind' | 'from' | 'to' | 'generation'>): string {
  return run.kind === 'pull' ? `${integrationId}:${run.from}:${run.to}` : `${integrationId}:b${run.generation ?? 1}:${run.from}:${run.to}`;
}

/** When the schedule next asks for a pull. */
export function nextPullAt(state: Pick<ConnectorStateItem, 'schedule' | 'lastScheduledAt' | 'createdAt'>): Date {
  return nextOccurrence(state.schedule, new Date(state.lastScheduledAt ?? state.createdAt));
}

/** Who asks for the next run: the timer (honours the schedule), the end of a run (continues only pending work), or a user's run-now (the current change-feed window). */
export type Trigger = 'timer' | 'chain' | 'now';

/**
 * Backfill windows of one integration run side by side when its connector does not say otherwise
 * (capabilities.backfillConcurrency): one at a time, the vendor's rate limits being the manifest's
 * to know.
 */
export const DEFAULT_BACKFILL_CONCURRENCY = 1;
/** Whatever a manifest says, no more windows of one integration are in flight at once. */
export const MAX_BACKFILL_CONCURRENCY = 8;

export interface PlanOptions {
  /** Backfill windows in flight at most (the connector's backfillConcurrency). */
  concurrency?: number;
  /** The connector's capabilities.changeFeed (default true). */
  changeFeed?: boolean;
}

/**
 * The runs to queue next, beside those already in flight (`state.runs`), oldest first; empty when
 * none. Pending backfill windows come first (oldest first, every generation), up to `concurrency`
 * in flight; the change feed only when nothing is in flight (its window starts at the watermark,
 * which only a finished run moves): on the schedule for the timer, at once while a catch-up leaves
 * full windows behind, and whenever a user asks (even with backfill pending).
 */
export function nextRuns(state: ConnectorStateItem, now: Date, maxWindowDays: number, trigger: Trigger, options: PlanOptions = {}): QueuedRun[] {
  const queuedAt = now.toISOString();
  const busy = state.runs;
  if (busy.some((r) => r.kind === 'pull')) return [];
  if (trigger !== 'now') {
    const taken = new Set(busy.map((r) => r.runId));
    const pending = state.backfill.windows.filter((w) => w.status === 'pending' && !taken.has(runIdOf(state.integrationId, { kind: 'backfill', ...w })));
    const limit = Math.min(MAX_BACKFILL_CONCURRENCY, Math.max(1, Math.floor(options.concurrency ?? DEFAULT_BACKFILL_CONCURRENCY)));
    if (pending.length > 0 || busy.length > 0)
      return pending.slice(0, Math.max(0, limit - busy.length)).map((w) => {
        const run = { kind: 'backfill' as const, from: w.from, to: w.to, generation: w.generation };
        return { runId: runIdOf(state.integrationId, run), ...run, queuedAt };
      });
  }
  if (busy.length > 0) return [];
  // Without a change feed a pull re-reads recent dates whatever its window, so run-now is never
  // "up to date": it runs up to now (the window then only names the run).
  const changeFeed = options.changeFeed ?? true;
  const window = pullWindow(state.watermark, now, maxWindowDays) ?? (trigger === 'now' && !changeFeed && Date.parse(state.watermark) < now.getTime() ? { from: state.watermark, to: now.toISOString() } : undefined);
  if (!window) return [];
  if (trigger === 'timer' && nextPullAt(state).getTime() > now.getTime()) return [];
  if (trigger === 'chain' && !isFull(window, maxWindowDays)) return [];
  const run = { kind: 'pull' as const, ...window };
  return [{ runId: runIdOf(state.integrationId, run), ...run, queuedAt }];
}

/** The one run to queue next when one run at a time is wanted (run-now), or undefined. */
export function nextRun(state: ConnectorStateItem, now: Date, maxWindowDays: number, trigger: Trigger, changeFeed = true): QueuedRun | undefined {
  return nextRuns(state, now, maxWindowDays, trigger, { changeFeed })[0];
}

/** A queued run whose lease ran out (its consumer died, or its message was lost): to be queued again. */
export function isStale(run: QueuedRun, now: Date): boolean {
  return Date.parse(run.startedAt ?? run.queuedAt) + RUN_LEASE_MS <= now.getTime();
}

/** The circuit is open at `now`: no run is scheduled until its cool-down ends. */
export function isCircuitOpen(state: Pick<ConnectorStateItem, 'circuit'>, now: Date): boolean {
  return state.circuit.state === 'failing' && Date.parse(state.circuit.until) > now.getTime();
}
