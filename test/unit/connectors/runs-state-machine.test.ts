import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestStore, testKeyRing, type TestStore } from '../../support/store.js';
import { FakeFeed, TOKEN, testFeed } from '../../support/connector-feed.js';
import { loadConfig } from '../../../shared/platform/config.js';
import { processLog } from '../../../shared/platform/log.js';
import { LocalBroker } from '../../../shared/platform/local/broker.js';
import { Outbox } from '../../../shared/platform/outbox/outbox.js';
import { BlindIndex, FieldCipher } from '../../../shared/platform/crypto/field-cipher.js';
import type { Platform } from '../../../shared/platform/platform.js';
import { PropertyDirectory } from '../../../shared/identity/property-directory.js';
import { createIntegrations } from '../../../shared/integrations/index.js';
import { sealCredentials } from '../../../shared/integrations/service.js';
import type { IntegrationItem } from '../../../shared/integrations/model.js';
import { registerTestConnector } from '../../../shared/connectors/registry.js';
import type { Connector } from '../../../shared/connectors/connector.js';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import { VendorError } from '../../../shared/connectors/http/vendor-error.js';
import { ConnectorRuns, type ConnectorRunMessage, type ConnectorStateItem } from '../../../shared/connectors/runs/index.js';
import { RUN_LEASE_MS } from '../../../shared/connectors/runs/planner.js';
import { AzureBlobStore } from '../../../shared/platform/blob/azure-blob-store.js';

/**
 * The run state machine with an injected clock, on the real store, outbox, in-process broker and
 * import receiver: the timer's fan-out, leases, failures, the circuit's cool-down and its doubling,
 * and recovery. The messages the state queues are collected from the broker and handed to the
 * consumer by the test, so the clock moves only when the test moves it.
 */

const MIN = 60_000;
const log = processLog('error');
const feed = new FakeFeed();
const tenantId = randomUUID();
const propertyId = randomUUID();
const integrationId = `int_${randomBytes(12).toString('base64url')}`;
let t: TestStore;
let broker: LocalBroker;
let runs: ConnectorRuns;
let unregister: () => void;
let unregisterConcurrent: () => void;
let cipher: FieldCipher;
let clock = Date.parse('2026-12-05T09:00:00.000Z');
const queued: Array<{ messageId: string; body: ConnectorRunMessage }> = [];

beforeAll(async () => {
  unregister = registerTestConnector(testFeed as unknown as Connector);
  unregisterConcurrent = registerTestConnector(concurrentFeed);
  await feed.start();
  t = await startTestStore();
  const { keys } = testKeyRing(t.store);
  broker = new LocalBroker({ maxDeliveryCount: 10, retryDelayMs: 1, duplicateWindowMs: 600_000, maxConcurrentCalls: 4, maxConcurrentSessions: 4 });
  broker.subscribe('connector-runs', async (m) => {
    queued.push({ messageId: m.metadata.messageId, body: m.body as unknown as ConnectorRunMessage });
  });
  cipher = new FieldCipher(keys);
  const platform: Platform = {
    config: loadConfig({ LOCAL_KEK: randomBytes(32).toString('base64') }),
    log,
    store: t.store,
    bus: broker,
    keys,
    cipher,
    blindIndex: new BlindIndex(keys),
    outbox: new Outbox(t.store, broker, log),
    // Never reached: the runs here store only small bodies, which stay inline.
    blobs: new AzureBlobStore(() => Promise.reject(new Error('no Blob Storage in this test'))),
  };
  const properties = new PropertyDirectory(t.store);
  const integrations = createIntegrations(platform, { properties });
  // The vendor client's own circuit would refuse after a few failures: this test is about the integration's.
  runs = new ConnectorRuns(platform, {
    properties,
    receive: (r) => integrations.receiveBatches(r),
    now: () => new Date(clock),
    vendorHttp: { circuits: new Circuits({ failureThreshold: 1000, coolDownMs: 1 }), retry: { maxAttempts: 1 } },
  });
  const at = new Date(clock).toISOString();
  await t.store.collection('tenants', tenantId).create({ id: propertyId, tenantId, type: 'property', name: 'P', timezone: 'Europe/Vienna', currency: 'EUR', roomsAvailable: 100, settings: {}, createdAt: at, updatedAt: at });
  await createIntegration(integrationId, testFeed.manifest.id);
});

/** The feed connector with three backfill windows in flight at once. */
const concurrentFeed: Connector = {
  ...(testFeed as unknown as Connector),
  manifest: { ...testFeed.manifest, id: 'runs-test-feed-3', capabilities: { ...testFeed.manifest.capabilities, backfillConcurrency: 3 } } as Connector['manifest'],
};

async function createIntegration(id: string, connector: string) {
  const at = new Date(clock).toISOString();
  const integration: IntegrationItem = {
    id,
    tenantId,
    type: 'integration',
    kind: 'pull',
    connector,
    settings: { baseUrl: feed.url },
    sourceTypes: ['pms'],
    credentials: { fields: ['token'], rotatedAt: at },
    propertyId,
    sourceType: 'pms',
    name: 'Feed',
    format: 'json',
    mappings: { departments: {}, accounts: {} },
    enabled: true,
    acceptance: 'row-level',
    secrets: [],
    enc: { secrets: {}, credentials: await sealCredentials(cipher, tenantId, id, { token: TOKEN }) },
    createdAt: at,
    updatedAt: at,
    createdBy: 'test',
  };
  await t.store.collection<IntegrationItem>('imports', tenantId).create(integration);
}

afterAll(async () => {
  unregister();
  unregisterConcurrent();
  await feed.stop();
  await broker.close();
  await t.close();
});

async function state(id = integrationId): Promise<ConnectorStateItem> {
  const [s] = await t.store.collection('imports', tenantId).all<ConnectorStateItem>("SELECT * FROM c WHERE c.type = 'connectorState' AND c.integrationId = @id", { id });
  return s as ConnectorStateItem;
}

/** Runs the timer at the current clock and answers the messages it queued. */
async function sweep() {
  const before = queued.length;
  const result = await runs.sweep();
  await broker.idle();
  return { result, messages: queued.slice(before) };
}

const advance = (ms: number) => {
  clock += ms;
};

describe('the run state machine', () => {
  it('the timer creates the state once and queues one run at a time; a run whose lease ran out is queued again under a new message id', async () => {
    const first = await sweep();
    expect(first.result.initialised).toBe(1);
    expect(first.messages).toHaveLength(1);
    expect(first.messages[0]!.body).toMatchObject({ kind: 'backfill', generation: 1 });
    advance(MIN);
    expect((await sweep()).messages).toHaveLength(0);
    advance(RUN_LEASE_MS);
    const again = await sweep();
    expect(again.result.requeued).toBe(1);
    expect(again.messages[0]!.body.runId).toBe(first.messages[0]!.body.runId);
    expect(again.messages[0]!.messageId).not.toBe(first.messages[0]!.messageId);
    // The first message, late, is the same run: it runs once; the second then finds nothing to do.
    expect(await runs.run(first.messages[0]!.body, log)).toBe('succeeded');
    expect(await runs.run(again.messages[0]!.body, log)).toBe('skipped');
    expect((await state()).backfill.windows.filter((w) => w.status === 'done')).toHaveLength(1);
  });

  it('failures are counted and retried; the fifth opens the circuit for 15 minutes, each failed probe doubles it, a success closes it', async () => {
    feed.failWith = 503;
    // The chained next window is the one in flight.
    let message = queued.at(-1)!.body;
    for (let i = 1; i < 5; i++) {
      await expect(runs.run(message, log)).rejects.toBeInstanceOf(VendorError);
      expect((await state()).consecutiveFailures).toBe(i);
    }
    expect(await runs.run(message, log)).toBe('circuit-opened');
    let s = await state();
    expect(s.circuit).toEqual({ state: 'failing', since: new Date(clock).toISOString(), until: new Date(clock + 15 * MIN).toISOString() });
    expect(s.runs).toEqual([]);
    expect(s.lastError?.message).toBe('Test Vendor: server_error (HTTP 503) on POST /days');

    advance(10 * MIN);
    expect((await sweep()).messages).toHaveLength(0);
    advance(6 * MIN);
    const probe = await sweep();
    expect(probe.messages).toHaveLength(1);
    message = probe.messages[0]!.body;
    expect(await runs.run(message, log)).toBe('circuit-opened');
    s = await state();
    expect(s.consecutiveFailures).toBe(6);
    expect(s.circuit).toMatchObject({ state: 'failing', until: new Date(clock + 30 * MIN).toISOString() });

    feed.failWith = undefined;
    advance(29 * MIN);
    expect((await sweep()).messages).toHaveLength(0);
    advance(2 * MIN);
    const recovery = await sweep();
    expect(await runs.run(recovery.messages[0]!.body, log)).toBe('succeeded');
    s = await state();
    expect(s).toMatchObject({ consecutiveFailures: 0, circuit: { state: 'closed' }, lastRun: { outcome: 'succeeded' } });
    // The next pending window follows at once.
    expect(s.runs).toMatchObject([{ kind: 'backfill' }]);
  });

  it('the change feed starts at the watermark set when the state was created, and advances only after a run', async () => {
    let s = await state();
    expect(s.watermark).toBe('2026-12-05T09:00:00.000Z');
    // Finish the first load.
    while (s.runs.length > 0) {
      await broker.idle();
      expect(await runs.run(queued.at(-1)!.body, log)).toBe('succeeded');
      s = await state();
    }
    expect(s.backfill.windows.every((w) => w.status === 'done')).toBe(true);
    expect(s.watermark).toBe('2026-12-05T09:00:00.000Z');
    // The schedule is daily (midnight UTC): the next sweep after it reads the feed since the watermark.
    clock = Date.parse('2026-12-06T00:00:30.000Z');
    const pull = await sweep();
    expect(pull.messages[0]!.body).toMatchObject({ kind: 'pull', from: '2026-12-05T09:00:00.000Z', to: '2026-12-05T23:58:30.000Z' });
    expect(await runs.run(pull.messages[0]!.body, log)).toBe('succeeded');
    expect((await state()).watermark).toBe('2026-12-05T23:58:30.000Z');
  });
});

describe('backfill windows side by side (backfillConcurrency 3)', () => {
  const id = `int_${randomBytes(12).toString('base64url')}`;
  const mine = (messages: typeof queued) => messages.filter((m) => m.body.integrationId === id);

  it('queues up to three windows at once, oldest first; each is done only after its own batches, in any order; a finished window makes room for the next', async () => {
    await createIntegration(id, concurrentFeed.manifest.id);
    const first = mine((await sweep()).messages);
    expect(first.map((m) => m.body.kind)).toEqual(['backfill', 'backfill', 'backfill']);
    let s = await state(id);
    expect(s.runs.map((r) => r.runId)).toEqual(first.map((m) => m.body.runId));
    expect(first.map((m) => m.body.from)).toEqual(s.backfill.windows.slice(0, 3).map((w) => w.from));
    // Full: the timer adds nothing while three are in flight.
    expect(mine((await sweep()).messages)).toHaveLength(0);

    // The second window finishes first: only it is done; the fourth is queued beside the two others.
    const before = queued.length;
    expect(await runs.run(first[1]!.body, log)).toBe('succeeded');
    await broker.idle();
    s = await state(id);
    expect(s.backfill.windows.map((w) => w.status).slice(0, 4)).toEqual(['pending', 'done', 'pending', 'pending']);
    const fourth = mine(queued.slice(before));
    expect(fourth.map((m) => m.body.from)).toEqual([s.backfill.windows[3]!.from]);
    expect(s.runs.map((r) => r.runId)).toEqual([first[0]!.body.runId, first[2]!.body.runId, fourth[0]!.body.runId]);
    // A duplicate of the finished one does nothing.
    expect(await runs.run(first[1]!.body, log)).toBe('skipped');

    // The rest concurrently (the state writes race and retry on their ETags), until nothing is in flight.
    let wave = [first[0]!, first[2]!, fourth[0]!];
    while (wave.length > 0) {
      const mark = queued.length;
      expect(await Promise.all(wave.map((m) => runs.run(m.body, log)))).toEqual(wave.map(() => 'succeeded'));
      await broker.idle();
      wave = mine(queued.slice(mark));
      expect((await state(id)).runs.length).toBeLessThanOrEqual(3);
    }
    s = await state(id);
    expect(s.runs).toEqual([]);
    expect(s.backfill.windows.every((w) => w.status === 'done')).toBe(true);
    expect(s.recordsRead).toBe(s.backfill.windows.reduce((n, w) => n + (w.recordsRead ?? 0), 0));
  });

  it('after a crash every window whose lease ran out is queued again under its run id; a newer backfill request tops the runs up', async () => {
    const asked = await runs.sweep();
    expect(asked.queued + asked.requeued).toBe(0);
    const s = await state(id);
    // Three windows taken, then the process died.
    const at = new Date(clock).toISOString();
    const windows = s.backfill.windows.slice(0, 3).map((w) => ({ ...w, status: 'pending' as const }));
    const taken = windows.map((w) => ({ runId: `${id}:b${w.generation}:${w.from}:${w.to}`, kind: 'backfill' as const, from: w.from, to: w.to, generation: w.generation, queuedAt: at, startedAt: at }));
    await t.store.collection<ConnectorStateItem>('imports', tenantId).for(s).replace({ ...s, runs: taken, backfill: { ...s.backfill, windows: [...windows, ...s.backfill.windows.slice(3)] } });
    advance(RUN_LEASE_MS);
    const again = await sweep();
    expect(mine(again.messages).map((m) => m.body.runId)).toEqual(taken.map((r) => r.runId));
    const after = await state(id);
    expect(after.runs.every((r) => r.startedAt === undefined && r.queuedAt === new Date(clock).toISOString())).toBe(true);
    for (const m of mine(again.messages)) expect(await runs.run(m.body, log)).toBe('succeeded');
    expect((await state(id)).backfill.windows.every((w) => w.status === 'done')).toBe(true);
  });
});
