import type { Item } from '../../platform/cosmos/store.js';
import type { OutboxCarrier } from '../../platform/outbox/outbox.js';

/** A window of the vendor's change feed (ISO instants, `to` exclusive) or of business dates (YYYY-MM-DD, both inclusive). */
export type RunKind = 'pull' | 'backfill';

/** A run of an integration on the `connector-runs` queue (or running), as the state records it. */
export interface QueuedRun {
  runId: string;
  kind: RunKind;
  from: string;
  to: string;
  /** Backfill runs: the request (generation) the window belongs to. */
  generation?: number;
  queuedAt: string;
  /** Set by the consumer when it takes the run: "In progress" while the lease lasts. */
  startedAt?: string;
}

/** One resumable window of a backfill plan, over business dates. */
export interface BackfillWindow {
  /** Which backfill request planned it: 1 is the first run's, then one more per POST /backfill. */
  generation: number;
  from: string;
  to: string;
  status: 'pending' | 'done';
  doneAt?: string;
  recordsRead?: number;
}

export type RunOutcome = 'succeeded' | 'failed' | 'skipped';

/** When a day's data is expected, judged in the property's time zone (d2o's expected arrival and data offset). */
export interface ExpectedArrival {
  /** Local wall time, HH:MM. */
  localTime: string;
  /** The business date expected by then is today minus this many days (1: yesterday's data by the morning). */
  dataOffsetDays: number;
}

/**
 * The run state of one pull (or pull-backed vendor-push) integration. Id `connector-state:<integrationId>`,
 * in the `imports` container beside the integration, carrying its property (the container's scope).
 * Every change is an ETag-conditional write; the queue messages it implies ride in the same write.
 */
export interface ConnectorStateItem extends Item, OutboxCarrier {
  type: 'connectorState';
  integrationId: string;
  propertyId: string;
  connector: string;
  /** NCRONTAB (six fields, UTC) of the scheduled pull; the connector's default unless changed. */
  schedule: string;
  /** The vendor change-feed instant up to which everything read has been handed to the import pipeline. */
  watermark: string;
  /** The last scheduled pull's planning instant: the schedule's next occurrence counts from here. */
  lastScheduledAt?: string;
  backfill: { generation: number; windows: BackfillWindow[] };
  /**
   * The runs queued or running, oldest first: one change-feed window, or up to the connector's
   * `backfillConcurrency` backfill windows, never both (planner.ts nextRuns).
   */
  runs: QueuedRun[];
  consecutiveFailures: number;
  circuit: { state: 'closed' } | { state: 'failing'; since: string; until: string };
  lastSuccessfulRun?: { runId: string; kind: RunKind; completedAt: string; recordsRead: number; importIds: string[] };
  lastRun?: { runId: string; kind: RunKind; outcome: RunOutcome; at: string };
  /** Vendor objects read over the integration's life. */
  recordsRead: number;
  /** Sanitised: a status, a kind, never a credential, URL query or vendor body. */
  lastError?: { at: string; runId: string; message: string };
  expectedArrival: ExpectedArrival;
  createdAt: string;
  updatedAt: string;
}

export const DEFAULT_EXPECTED_ARRIVAL: ExpectedArrival = { localTime: '06:00', dataOffsetDays: 1 };

/**
 * A state as stored, read into the current shape: states written before backfill windows could run
 * side by side carry their one run as `queued`.
 */
export function normaliseState(item: ConnectorStateItem & { queued?: QueuedRun }): ConnectorStateItem {
  if (Array.isArray(item.runs) && item.queued === undefined) return item;
  const { queued, ...rest } = item;
  return { ...rest, runs: item.runs ?? (queued ? [queued] : []) };
}

export function connectorStateId(integrationId: string): string {
  return `connector-state:${integrationId}`;
}

/** What the `connector-runs` queue carries: one window of one integration. */
export interface ConnectorRunMessage {
  tenantId: string;
  integrationId: string;
  runId: string;
  kind: RunKind;
  from: string;
  to: string;
  generation?: number;
}
