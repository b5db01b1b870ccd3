import type { Platform } from '../../platform/platform.js';
import type { Principal } from '../../access/principal.js';
import type { Log } from '../../platform/log.js';
import type { PendingMessage } from '../../platform/outbox/outbox.js';
import { isStoreError } from '../../platform/cosmos/errors.js';
import { errorMessage } from '../../platform/log.js';
import { authorize } from '../../access/authorize.js';
import { actorOf, auditEvent, type EventActor, type RequestMeta } from '../../audit/emit.js';
import { ProblemError, badRequest, conflict, notFound } from '../../http/problem.js';
import { checkIfMatch } from '../../http/etag.js';
import { localDateHour, safeTimeZone, type PropertyDirectory } from '../../integrations/properties.js';
import { kindOf, type IntegrationItem } from '../../integrations/model.js';
import { readIntegration } from '../../integrations/service.js';
import type { CanonicalBatch, Connector } from '../connector.js';
import { connectorById } from '../registry.js';
import { openConnectorItem, vendorHttpFor } from '../integration-context.js';
import { VendorError } from '../http/vendor-error.js';
import type { VendorHttpOptions } from '../http/vendor-http.js';
import { processCircuits, type Circuits } from '../http/circuit.js';
import { sanitisedError } from './errors.js';
import {
  FAILURES_TO_OPEN,
  MAX_BACKFILL_DAYS,
  backfillDays,
  backfillWindows,
  coolDownMs,
  firstBackfillRange,
  isCircuitOpen,
  isStale,
  nextRun,
  nextRuns,
  type PlanOptions,
} from './planner.js';
import { connectorStatus, type ConnectorStatus } from './status.js';
import {
  DEFAULT_EXPECTED_ARRIVAL,
  connectorStateId,
  normaliseState,
  type ConnectorRunMessage,
  type ConnectorStateItem,
  type ExpectedArrival,
  type QueuedRun,
} from './state.js';

/** The import pipeline's door for canonical batches: import records and their queue messages, import ids derived from `runKey`. */
export type ReceiveBatches = (input: { integration: IntegrationItem; runKey: string; batches: CanonicalBatch[] }) => Promise<{ importIds: string[] }>;

export interface ConnectorRunsDeps {
  properties: PropertyDirectory;
  receive: ReceiveBatches;
  /** Options of the framework's vendor HTTP client beyond vendor, circuit and token (timeouts, retry policy). */
  vendorHttp?: Partial<Omit<VendorHttpOptions, 'vendor' | 'circuitKey' | 'tokenRequest'>>;
  /** The clock of state changes and status (tests inject one). */
  now?: () => Date;
}

/** The actor of scheduled runs in the audit trail. */
const RUNS_ACTOR: EventActor = { type: 'system', id: 'connector-runs' };

/** How often a state write is retried when another writer changed the item since it was read. */
const MAX_CONFLICTS = 5;

export type RunOutcomeOf = 'succeeded' | 'failed' | 'circuit-opened' | 'skipped';

export interface SweepResult {
  initialised: number;
  queued: number;
  requeued: number;
  skipped: number;
}

/** A connector integration the timer looks at: the integration item's fields it needs. */
type IntegrationRef = Pick<IntegrationItem, 'id' | 'tenantId' | 'propertyId' | 'kind' | 'connector' | 'enabled'>;

export interface RunStatusView extends ConnectorStatus {
  integrationId: string;
  connector: string;
  timezone: string;
  schedule: string;
  expectedArrival: ExpectedArrival;
  watermark: string;
  lastSuccessfulRun: { runId: string; kind: 'pull' | 'backfill'; completedAt: string; recordsRead: number } | null;
  lastRun: { runId: string; kind: 'pull' | 'backfill'; outcome: 'succeeded' | 'failed' | 'skipped'; at: string } | null;
  recordsRead: number;
  lastError: { at: string; runId: string; message: string } | null;
  consecutiveFailures: number;
  backfill: { pendingWindows: number; doneWindows: number; pending: Array<{ from: string; to: string }> };
  queuedRun: { runId: string; kind: 'pull' | 'backfill'; from: string; to: string; queuedAt: string; startedAt?: string } | null;
}

/**
 * The `connector-runs` message of a queued run. Its id is the run id and the instant it was queued:
 * a copy of the same queueing (the outbox relay publishing again) is dropped by the bus's duplicate
 * detection, while queueing the same run again (after a failure, a lost message or an expired lease)
 * is not mistaken for one. Either way the consumer runs only a run the state has in flight.
 */
export function runMessage(tenantId: string, integrationId: string, run: QueuedRun, correlationId?: string): PendingMessage {
  const body: ConnectorRunMessage = { tenantId, integrationId, runId: run.runId, kind: run.kind, from: run.from, to: run.to };
  if (run.generation !== undefined) body.generation = run.generation;
  const m: PendingMessage = { queue: 'connector-runs', messageId: `${run.runId}@${Date.parse(run.queuedAt)}`, subject: 'connector-run', body: { ...body } };
  if (correlationId) m.correlationId = correlationId;
  return m;
}

/** Whether the integration's data comes (also) from scheduled pulls: pull integrations, and vendor-push ones whose vendor does not replay missed events. */
/** How the planner treats a connector's runs: its backfill concurrency and whether it has a change feed. */
function planOptions(connector: Connector): PlanOptions {
  const { backfillConcurrency, changeFeed } = connector.manifest.capabilities;
  return { ...(backfillConcurrency !== undefined ? { concurrency: backfillConcurrency } : {}), changeFeed: changeFeed ?? true };
}

/** The state with the run `runId` changed by `change` (undefined drops it). */
function withRun(state: ConnectorStateItem, runId: string, change: (run: QueuedRun) => QueuedRun | undefined): ConnectorStateItem {
  return { ...state, runs: state.runs.flatMap((r) => (r.runId === runId ? (change(r) ?? []) : [r])) };
}

function isPulled(item: Pick<IntegrationItem, 'kind' | 'connector'>, connector: Connector | undefined): connector is Connector {
  if (!connector || !connector.manifest.capabilities.pull) return false;
  const kind = kindOf(item);
  return kind === 'pull' || kind === 'vendor-push';
}

/**
 * Scheduled pulls and backfills of connector integrations: the timer's fan-out, the queue consumer
 * that runs one window, run-now, backfill requests and the status of each integration. The state of
 * an integration is one item (ConnectorStateItem) changed only by ETag-conditional writes, each
 * carrying the queue message and audit events it implies (outbox), so a run is queued exactly when
 * the state says it is.
 */
export class ConnectorRuns {
  private readonly now: () => Date;
  /** The vendor client's in-process circuits (per integration), which run-now resets with the stored one. */
  private readonly circuits: Circuits;

  constructor(
    private readonly platform: Platform,
    private readonly deps: ConnectorRunsDeps,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.circuits = deps.vendorHttp?.circuits ?? processCircuits;
  }

  /** The partition of an integration's run state, as the container's topology places the item. */
  private states(tenantId: string, propertyId: string) {
    return this.platform.store.collection<ConnectorStateItem>('imports', tenantId).for({ type: 'connectorState', propertyId });
  }

  private async readState(integration: Pick<IntegrationItem, 'id' | 'tenantId' | 'propertyId'>): Promise<ConnectorStateItem | undefined> {
    const item = await this.states(integration.tenantId, integration.propertyId).read(connectorStateId(integration.id));
    return item?.type === 'connectorState' ? normaliseState(item) : undefined;
  }

  private async timeZoneOf(tenantId: string, propertyId: string): Promise<string> {
    return safeTimeZone((await this.deps.properties.property(tenantId, propertyId))?.timezone);
  }

  private event(tenantId: string, actor: EventActor, meta: RequestMeta, action: string, integrationId: string, details: Record<string, string | number | boolean | null>, outcome: 'success' | 'failure' = 'success') {
    return auditEvent(this.platform.cipher, { ...meta, tenantId, actor, action, target: { type: 'integration', id: integrationId }, details, outcome });
  }

  /** Writes `next` over `current` (ETag-conditional) with its messages; undefined when someone else wrote first. */
  private async write(current: ConnectorStateItem, next: ConnectorStateItem, messages: PendingMessage[]): Promise<ConnectorStateItem | undefined> {
    try {
      return await this.platform.outbox.commit('imports', 'replace', { ...next, updatedAt: this.now().toISOString() }, messages, current._etag);
    } catch (err) {
      if (isStoreError(err, 'precondition_failed')) return undefined;
      throw err;
    }
  }

  /**
   * Applies `change` to the current state until the conditional write succeeds: the change is
   * computed again from what another writer left. `change` answers undefined to leave it as it is
   * (and the update answers undefined), or a result without `next` to answer without writing.
   */
  private async update<R>(
    integration: Pick<IntegrationItem, 'id' | 'tenantId' | 'propertyId'>,
    change: (state: ConnectorStateItem) => Promise<{ next?: ConnectorStateItem; messages: PendingMessage[]; result: R } | undefined>,
  ): Promise<{ state: ConnectorStateItem; result: R } | undefined> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const current = await this.readState(integration);
      if (!current) return undefined;
      const planned = await change(current);
      if (!planned) return undefined;
      // Nothing to change: the answer stands on the state as read.
      if (!planned.next) return { state: current, result: planned.result };
      const written = await this.write(current, planned.next, planned.messages);
      if (written) return { state: written, result: planned.result };
    }
    throw new ProblemError({ status: 503, title: 'Service Unavailable', detail: 'The run state kept changing; try again.' });
  }

  /**
   * The state of a connector integration, created on first sight (the timer's, or a run or backfill
   * request's): the schedule of its connector, the watermark at now (what happened before is the
   * first load's), and the first load itself, 400 business days back and 365 ahead, in windows of the
   * connector's maximum interval. The first window is queued by the same write.
   */
  private async ensureState(integration: IntegrationItem, connector: Connector, actor: EventActor, meta: RequestMeta = {}, firstLoad?: { from: string; to: string }): Promise<ConnectorStateItem> {
    return (await this.createState(integration, connector, actor, meta, firstLoad)).state;
  }

  /** ensureState, saying whether this call created the state (with `firstLoad` as its first load, when given). */
  private async createState(
    integration: IntegrationItem,
    connector: Connector,
    actor: EventActor,
    meta: RequestMeta,
    firstLoad?: { from: string; to: string },
  ): Promise<{ state: ConnectorStateItem; created: boolean }> {
    const existing = await this.readState(integration);
    if (existing) return { state: existing, created: false };
    const now = this.now();
    const state = this.initialState(integration, connector, now, await this.timeZoneOf(integration.tenantId, integration.propertyId), firstLoad);
    const first = nextRuns(state, now, connector.manifest.capabilities.maxWindowDays, 'chain', planOptions(connector));
    state.runs = first;
    const windows = state.backfill.windows;
    const range = { from: windows[0]?.from ?? null, to: windows.at(-1)?.to ?? null };
    const messages = [
      await this.event(integration.tenantId, actor, meta, 'connector.backfill_requested', integration.id, { ...range, generation: 1, windows: windows.length, firstLoad: true }),
    ];
    for (const run of first) messages.push(runMessage(integration.tenantId, integration.id, run, meta.correlationId));
    try {
      return { state: await this.platform.outbox.commit('imports', 'create', state, messages), created: true };
    } catch (err) {
      // Another instance (or request) created it first: theirs stands.
      if (!isStoreError(err, 'conflict')) throw err;
      const raced = await this.readState(integration);
      if (!raced) throw err;
      return { state: raced, created: false };
    }
  }

  /** A new integration's state: its connector's schedule, the watermark at now, the first load planned (by default 400 days back, 365 ahead). */
  private initialState(integration: IntegrationItem, connector: Connector, now: Date, timeZone: string, firstLoad?: { from: string; to: string }): ConnectorStateItem {
    const range = firstLoad ?? firstBackfillRange(localDateHour(now, timeZone).date);
    const windows = backfillWindows(range.from, range.to, connector.manifest.capabilities.maxWindowDays, 1);
    return {
      id: connectorStateId(integration.id),
      tenantId: integration.tenantId,
      type: 'connectorState',
      integrationId: integration.id,
      propertyId: integration.propertyId,
      connector: connector.manifest.id,
      schedule: connector.manifest.capabilities.defaultSchedule,
      watermark: now.toISOString(),
      backfill: { generation: 1, windows },
      runs: [],
      consecutiveFailures: 0,
      circuit: { state: 'closed' },
      recordsRead: 0,
      expectedArrival: { ...DEFAULT_EXPECTED_ARRIVAL },
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
  }

  /**
   * The timer: every enabled connector integration that pulls gets its state (and first load) on
   * first sight; then whatever is due is queued: pending backfill windows up to the connector's
   * concurrency, else the change feed when the schedule says so. A queued run whose lease ran out is
   * queued again (same run id, new message id). Integrations whose circuit is open are left alone
   * until the cool-down ends. A platform job: one cross-partition read of the connector integrations and
   * one of their states.
   */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { initialised: 0, queued: 0, requeued: 0, skipped: 0 };
    const integrations = await this.platform.store.scan<IntegrationRef>(
      'imports',
      "SELECT c.id, c.tenantId, c.propertyId, c.kind, c.connector, c.enabled FROM c WHERE c.type = 'integration' AND IS_DEFINED(c.connector)",
      {},
      100_000,
    );
    const states = await this.platform.store.scan<ConnectorStateItem>('imports', "SELECT * FROM c WHERE c.type = 'connectorState'", {}, 100_000);
    const byIntegration = new Map(states.map((s) => [`${s.tenantId}/${s.integrationId}`, s]));
    for (const ref of integrations) {
      const connector = ref.connector ? connectorById(ref.connector) : undefined;
      if (!ref.enabled || !isPulled(ref, connector)) {
        result.skipped += 1;
        continue;
      }
      try {
        const known = byIntegration.get(`${ref.tenantId}/${ref.id}`);
        if (!known) {
          await this.ensureState(await readIntegration(this.platform, ref.tenantId, ref.id), connector, RUNS_ACTOR);
          result.initialised += 1;
          continue;
        }
        const outcome = await this.queueDue(ref, connector);
        if (outcome === 'queued') result.queued += 1;
        else if (outcome === 'requeued') result.requeued += 1;
        else result.skipped += 1;
      } catch (err) {
        result.skipped += 1;
        this.platform.log.error('connector sweep failed for an integration', { tenantId: ref.tenantId, integrationId: ref.id, error: errorMessage(err) });
      }
    }
    return result;
  }

  private async queueDue(ref: IntegrationRef, connector: Connector): Promise<'queued' | 'requeued' | 'none'> {
    const done = await this.update<'queued' | 'requeued'>(ref, async (state) => {
      const now = this.now();
      if (isCircuitOpen(state, now)) return undefined;
      // A run whose consumer died or whose message was lost: the same run again, a fresh lease.
      const requeued = state.runs.filter((r) => isStale(r, now)).map((r) => ({ runId: r.runId }));
      let next: ConnectorStateItem = state;
      const messages: PendingMessage[] = [];
      for (const { runId } of requeued)
        next = withRun(next, runId, (r) => {
          const again: QueuedRun = { ...r, queuedAt: now.toISOString() };
          delete again.startedAt;
          messages.push(runMessage(state.tenantId, state.integrationId, again));
          return again;
        });
      const added = nextRuns(next, now, connector.manifest.capabilities.maxWindowDays, 'timer', planOptions(connector));
      if (requeued.length === 0 && added.length === 0) return undefined;
      next = { ...next, runs: [...next.runs, ...added] };
      if (added.some((r) => r.kind === 'pull')) next.lastScheduledAt = now.toISOString();
      for (const run of added) messages.push(runMessage(state.tenantId, state.integrationId, run));
      return { next, messages, result: requeued.length > 0 ? 'requeued' : 'queued' };
    });
    return done?.result ?? 'none';
  }

  /**
   * The `connector-runs` consumer: runs the window the message names if the state still has it in
   * flight (a duplicate or superseded message does nothing), hands the records to the
   * import pipeline under the run id, and only then advances the watermark or marks the backfill
   * window done. A crash in between runs the same window again: the import ids derive from the run
   * id, so nothing is imported twice and nothing is skipped.
   *
   * A failure of the vendor or of the connector is recorded (sanitised) and counted; the message is
   * retried by the bus until the count opens the circuit, which ends the run: nothing is scheduled
   * until the cool-down has passed. Store failures are only retried.
   */
  async run(message: ConnectorRunMessage, log: Log): Promise<RunOutcomeOf> {
    let integration: IntegrationItem;
    try {
      integration = await readIntegration(this.platform, message.tenantId, message.integrationId);
    } catch (err) {
      if (err instanceof ProblemError && err.status === 404) return 'skipped';
      throw err;
    }
    const started = await this.update<QueuedRun>(integration, async (state) => {
      const queued = state.runs.find((r) => r.runId === message.runId);
      if (!queued || isCircuitOpen(state, this.now())) return undefined;
      const taken: QueuedRun = { ...queued, startedAt: this.now().toISOString() };
      return { next: withRun(state, taken.runId, () => taken), messages: [], result: taken };
    });
    if (!started) {
      log.debug('connector run skipped: not the queued run', { runId: message.runId });
      return 'skipped';
    }
    const run = started.result;

    let pulled: { batches: CanonicalBatch[]; objectsRead: number };
    let maxWindowDays: number;
    let options: PlanOptions;
    try {
      const opened = await openConnectorItem(this.platform, integration);
      const connector = opened.connector;
      maxWindowDays = connector.manifest.capabilities.maxWindowDays;
      options = planOptions(connector);
      const timeZone = await this.timeZoneOf(integration.tenantId, integration.propertyId);
      const ctx = { settings: opened.settings, credentials: opened.credentials, http: vendorHttpFor(opened, { ...this.deps.vendorHttp, circuits: this.circuits }), timeZone, today: localDateHour(this.now(), timeZone).date };
      pulled = run.kind === 'pull' ? await connector.pull(ctx, { from: run.from, to: run.to }) : await connector.backfill(ctx, { from: run.from, to: run.to });
    } catch (err) {
      if (!(err instanceof VendorError) && !(err instanceof ProblemError)) log.warn('connector failed while mapping', { runId: run.runId, error: errorMessage(err) });
      return this.failed(integration, run, err);
    }

    // Store failures from here on are retried as they are: the same run, the same import ids. The
    // receiver refusing the batches (a source type the integration does not feed) is the connector's.
    let receipt: { importIds: string[] };
    try {
      receipt = await this.deps.receive({ integration, runKey: run.runId, batches: pulled.batches });
    } catch (err) {
      if (isStoreError(err)) throw err;
      log.warn('the import pipeline refused the connector batches', { runId: run.runId, error: errorMessage(err) });
      return this.failed(integration, run, err);
    }
    const done = await this.update<true>(integration, async (state) => {
      if (!state.runs.some((r) => r.runId === run.runId)) return undefined;
      const now = this.now();
      const next: ConnectorStateItem = withRun(state, run.runId, () => undefined);
      if (run.kind === 'pull') {
        if (Date.parse(run.to) > Date.parse(state.watermark)) next.watermark = run.to;
      } else {
        next.backfill = {
          ...state.backfill,
          windows: state.backfill.windows.map((w) =>
            w.status === 'pending' && w.generation === run.generation && w.from === run.from && w.to === run.to ? { ...w, status: 'done', doneAt: now.toISOString(), recordsRead: pulled.objectsRead } : w,
          ),
        };
      }
      next.recordsRead = state.recordsRead + pulled.objectsRead;
      next.lastSuccessfulRun = { runId: run.runId, kind: run.kind, completedAt: now.toISOString(), recordsRead: pulled.objectsRead, importIds: receipt.importIds.slice(0, 50) };
      next.lastRun = { runId: run.runId, kind: run.kind, outcome: 'succeeded', at: now.toISOString() };
      next.consecutiveFailures = 0;
      const messages: PendingMessage[] = [];
      if (state.circuit.state === 'failing') {
        next.circuit = { state: 'closed' };
        messages.push(await this.event(state.tenantId, RUNS_ACTOR, {}, 'connector.circuit_closed', state.integrationId, { runId: run.runId }));
      }
      const following = nextRuns(next, now, maxWindowDays, 'chain', options);
      next.runs = [...next.runs, ...following];
      for (const r of following) messages.push(runMessage(state.tenantId, state.integrationId, r));
      return { next, messages, result: true };
    });
    return done ? 'succeeded' : 'skipped';
  }

  /** Records a failed run; rethrows (the bus retries) unless this failure opened the circuit. */
  private async failed(integration: IntegrationItem, run: QueuedRun, err: unknown): Promise<RunOutcomeOf> {
    const message = sanitisedError(err);
    const recorded = await this.update<boolean>(integration, async (state) => {
      if (!state.runs.some((r) => r.runId === run.runId)) return undefined;
      const now = this.now();
      const failures = state.consecutiveFailures + 1;
      const next: ConnectorStateItem = {
        ...state,
        consecutiveFailures: failures,
        lastError: { at: now.toISOString(), runId: run.runId, message },
        lastRun: { runId: run.runId, kind: run.kind, outcome: 'failed', at: now.toISOString() },
      };
      const messages = [
        await this.event(state.tenantId, RUNS_ACTOR, {}, 'connector.run_failed', state.integrationId, { runId: run.runId, kind: run.kind, failures, error: message }, 'failure'),
      ];
      const opens = failures >= FAILURES_TO_OPEN;
      if (opens) {
        const until = new Date(now.getTime() + coolDownMs(failures)).toISOString();
        next.circuit = { state: 'failing', since: state.circuit.state === 'failing' ? state.circuit.since : now.toISOString(), until };
        // The runs end here (one still running finds itself dropped when it finishes); after the
        // cool-down the timer plans afresh from the pending windows and the watermark.
        next.runs = [];
        messages.push(await this.event(state.tenantId, RUNS_ACTOR, {}, 'connector.circuit_opened', state.integrationId, { runId: run.runId, failures, until }));
        return { next, messages, result: opens };
      }
      return {
        next: withRun(next, run.runId, (r) => {
          const again = { ...r };
          delete again.startedAt;
          return again;
        }),
        messages,
        result: opens,
      };
    });
    if (recorded?.result) return 'circuit-opened';
    throw err;
  }

  /** An integration of the principal's tenant that pulls, with its connector; 404 otherwise, 403 outside the principal's properties. */
  private async pulledIntegration(principal: Principal, integrationId: string, permission: 'imports.read' | 'integrations.manage') {
    const integration = await readIntegration(this.platform, principal.tenantId, integrationId);
    authorize(principal, permission, { tenantId: integration.tenantId, propertyId: integration.propertyId, kind: 'integration' });
    const connector = integration.connector ? connectorById(integration.connector) : undefined;
    if (!isPulled(integration, connector)) throw notFound('connector integration');
    return { integration, connector };
  }

  /**
   * Run now: queues the current change-feed window (from the watermark to now) and closes an open
   * circuit, since a person asked. A run already queued or running is answered instead of a second.
   */
  async runNow(principal: Principal, integrationId: string, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<{ run: QueuedRun; state: ConnectorStateItem }> {
    const { integration, connector } = await this.pulledIntegration(principal, integrationId, 'integrations.manage');
    if (!integration.enabled) throw conflict('This integration is disabled; enable it to run it.');
    await this.ensureState(integration, connector, actorOf(principal), meta);
    const done = await this.update<QueuedRun>(integration, async (state) => {
      checkIfMatch(ifMatch, state);
      const now = this.now();
      const live = state.runs.find((r) => !isStale(r, now));
      if (live) return { messages: [], result: live };
      // Runs whose lease ran out are dropped: their windows stay pending, planned again after this one.
      const idle: ConnectorStateItem = { ...state, runs: [] };
      const run = nextRun(idle, now, connector.manifest.capabilities.maxWindowDays, 'now', connector.manifest.capabilities.changeFeed ?? true);
      if (!run) throw conflict('The integration is up to date: there is nothing new to read yet.');
      const next: ConnectorStateItem = { ...idle, runs: [run], circuit: { state: 'closed' } };
      const messages = [await this.event(state.tenantId, actorOf(principal), meta, 'connector.run_requested', integrationId, { runId: run.runId, from: run.from, to: run.to })];
      if (state.circuit.state === 'failing') messages.push(await this.event(state.tenantId, actorOf(principal), meta, 'connector.circuit_closed', integrationId, { runId: run.runId, reason: 'run requested' }));
      messages.push(runMessage(state.tenantId, integrationId, run, meta.correlationId));
      return { next, messages, result: run };
    });
    if (!done) throw notFound('connector integration');
    // This instance's vendor client lets the asked-for run through too; other instances' circuits cool down on their own (a minute).
    this.circuits.succeeded(integration.id);
    return { run: done.result, state: done.state };
  }

  /**
   * Adds a backfill of business dates `from`..`to` to the plan, as a new generation of windows (asking
   * again for the same dates is new work: a re-import after a mapping change). Its first windows are
   * queued at once as far as the connector's concurrency leaves room (none beside a change-feed run);
   * the others follow as windows finish. Asked before the
   * integration's first run, the range replaces the default first load.
   */
  async requestBackfill(
    principal: Principal,
    integrationId: string,
    range: { from: string; to: string },
    ifMatch: string | undefined,
    meta: RequestMeta = {},
  ): Promise<{ generation: number; windows: number; run: QueuedRun | undefined; state: ConnectorStateItem }> {
    if (range.to < range.from) throw badRequest('The range ends before it starts.', [{ field: 'body.to', message: 'must not be before from' }]);
    if (backfillDays(range) > MAX_BACKFILL_DAYS) throw badRequest(`A backfill covers at most ${MAX_BACKFILL_DAYS} days.`, [{ field: 'body.to', message: `at most ${MAX_BACKFILL_DAYS} days after from` }]);
    const { integration, connector } = await this.pulledIntegration(principal, integrationId, 'integrations.manage');
    if (!integration.enabled) throw conflict('This integration is disabled; enable it to backfill it.');
    // Asked before the first run: the range asked for is the first load, instead of the default one.
    const first = await this.createState(integration, connector, actorOf(principal), meta, range);
    if (first.created) return { generation: 1, windows: first.state.backfill.windows.length, run: first.state.runs[0], state: first.state };
    const done = await this.update<{ generation: number; windows: number; run: QueuedRun | undefined }>(integration, async (state) => {
      checkIfMatch(ifMatch, state);
      const now = this.now();
      const generation = state.backfill.generation + 1;
      const windows = backfillWindows(range.from, range.to, connector.manifest.capabilities.maxWindowDays, generation);
      // Done windows are history: the most recent ones are kept for the status, pending ones all.
      const kept = state.backfill.windows.filter((w) => w.status === 'pending').concat(state.backfill.windows.filter((w) => w.status === 'done').slice(-100));
      // Runs whose lease ran out are dropped (their windows stay pending) and planned again here.
      const next: ConnectorStateItem = { ...state, runs: state.runs.filter((r) => !isStale(r, now)), backfill: { generation, windows: [...kept, ...windows] } };
      const messages = [
        await this.event(state.tenantId, actorOf(principal), meta, 'connector.backfill_requested', integrationId, { from: range.from, to: range.to, generation, windows: windows.length, firstLoad: false }),
      ];
      const added = nextRuns(next, now, connector.manifest.capabilities.maxWindowDays, 'chain', planOptions(connector));
      next.runs = [...next.runs, ...added];
      for (const run of added) messages.push(runMessage(state.tenantId, integrationId, run, meta.correlationId));
      return { next, messages, result: { generation, windows: windows.length, run: added[0] } };
    });
    if (!done) throw notFound('connector integration');
    return { ...done.result, state: done.state };
  }

  /** Changes the schedule and the expected arrival (If-Match against the status's ETag); audited with before and after. */
  async changeSettings(
    principal: Principal,
    integrationId: string,
    patch: { schedule?: string; expectedArrival?: Partial<ExpectedArrival> },
    ifMatch: string | undefined,
    meta: RequestMeta = {},
  ): Promise<{ view: RunStatusView; state: ConnectorStateItem }> {
    const { integration, connector } = await this.pulledIntegration(principal, integrationId, 'integrations.manage');
    await this.ensureState(integration, connector, actorOf(principal), meta);
    const done = await this.update<true>(integration, async (state) => {
      checkIfMatch(ifMatch, state);
      const next: ConnectorStateItem = {
        ...state,
        schedule: patch.schedule ?? state.schedule,
        expectedArrival: { ...state.expectedArrival, ...patch.expectedArrival },
      };
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      if (next.schedule !== state.schedule) changes.schedule = { before: state.schedule, after: next.schedule };
      if (JSON.stringify(next.expectedArrival) !== JSON.stringify(state.expectedArrival)) changes.expectedArrival = { before: state.expectedArrival, after: next.expectedArrival };
      if (Object.keys(changes).length === 0) return { messages: [], result: true };
      const event = await auditEvent(this.platform.cipher, { ...meta, tenantId: state.tenantId, actor: actorOf(principal), action: 'connector.settings_changed', target: { type: 'integration', id: integrationId }, changes });
      return { next, messages: [event], result: true };
    });
    if (!done) throw notFound('connector integration');
    return { view: this.viewOf(done.state, await this.timeZoneOf(integration.tenantId, integration.propertyId)), state: done.state };
  }

  /** The status of one connector integration: the four states, last successful run, next run, records read, last error. */
  async status(principal: Principal, integrationId: string): Promise<{ view: RunStatusView; state: ConnectorStateItem }> {
    const { integration, connector } = await this.pulledIntegration(principal, integrationId, 'imports.read');
    const timezone = await this.timeZoneOf(integration.tenantId, integration.propertyId);
    // Reading changes nothing: before the timer's first sight, the status is that of the state it will create.
    const state = (await this.readState(integration)) ?? this.initialState(integration, connector, this.now(), timezone);
    return { view: this.viewOf(state, timezone), state };
  }

  private viewOf(state: ConnectorStateItem, timezone: string): RunStatusView {
    const status = connectorStatus(state, timezone, this.now());
    const pending = state.backfill.windows.filter((w) => w.status === 'pending');
    // The oldest run in flight (backfill windows may run several at once; pending counts them all).
    const queuedRun = state.runs[0];
    const view: RunStatusView = {
      integrationId: state.integrationId,
      connector: state.connector,
      timezone,
      schedule: state.schedule,
      expectedArrival: state.expectedArrival,
      ...status,
      watermark: state.watermark,
      lastSuccessfulRun: state.lastSuccessfulRun
        ? { runId: state.lastSuccessfulRun.runId, kind: state.lastSuccessfulRun.kind, completedAt: state.lastSuccessfulRun.completedAt, recordsRead: state.lastSuccessfulRun.recordsRead }
        : null,
      lastRun: state.lastRun ?? null,
      recordsRead: state.recordsRead,
      lastError: state.lastError ?? null,
      consecutiveFailures: state.consecutiveFailures,
      backfill: { pendingWindows: pending.length, doneWindows: state.backfill.windows.length - pending.length, pending: pending.slice(0, 20).map((w) => ({ from: w.from, to: w.to })) },
      queuedRun: queuedRun ? { runId: queuedRun.runId, kind: queuedRun.kind, from: queuedRun.from, to: queuedRun.to, queuedAt: queuedRun.queuedAt, ...(queuedRun.startedAt ? { startedAt: queuedRun.startedAt } : {}) } : null,
    };
    return view;
  }

  /** System port (the daily digest): the connector integrations of a property that are "Not updated" at `now`. */
  async lateConnectors(tenantId: string, propertyId: string, now: Date): Promise<Array<{ integrationId: string; name: string; connector: string }>> {
    const states = (
      await this.platform.store.collection<ConnectorStateItem>('imports', tenantId).all<ConnectorStateItem>("SELECT * FROM c WHERE c.type = 'connectorState' AND c.propertyId = @propertyId", { propertyId })
    ).map(normaliseState);
    if (states.length === 0) return [];
    const timezone = await this.timeZoneOf(tenantId, propertyId);
    const late: Array<{ integrationId: string; name: string; connector: string }> = [];
    for (const state of states) {
      if (connectorStatus(state, timezone, now).state !== 'Not updated') continue;
      const integration = await readIntegration(this.platform, tenantId, state.integrationId).catch((err: unknown) => {
        if (err instanceof ProblemError && err.status === 404) return undefined;
        throw err;
      });
      if (!integration?.enabled) continue;
      late.push({ integrationId: state.integrationId, name: integration.name, connector: state.connector });
    }
    return late.sort((a, b) => a.name.localeCompare(b.name));
  }
}
