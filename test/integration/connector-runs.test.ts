import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { itemsOf } from './integrations-helpers.js';
import { registerTestConnector } from '../../shared/connectors/registry.js';
import type { Connector } from '../../shared/connectors/connector.js';
import { FakeFeed, TOKEN, testFeed } from '../support/connector-feed.js';
import type { ConnectorStateItem } from '../../shared/connectors/runs/index.js';
import type { FactItem } from '../../shared/integrations/model.js';
import type { StoreCall } from '../../shared/platform/cosmos/store.js';
import { addDays } from '../../shared/reporting/periods.js';
import { localDateHour } from '../../shared/integrations/properties.js';

/**
 * Connector runs end to end through HTTP on the local host: the timer's first load in resumable
 * windows, run now from the watermark, a duplicate message, a crash between the import receipt and
 * the watermark write, vendor failures opening the circuit, and the four states.
 *
 * The connector is a tiny one defined for these tests (test/support/connector-feed.ts), registered
 * through the registry's test seam, against its fake vendor on a loopback port: that keeps the run
 * machinery's tests independent of any one vendor's mapping (each vendor's contract and fault tests
 * are theirs).
 */

const feed = new FakeFeed();

// The daily close may close yesterday at any hour of the test run.
const host = useTestHost({ BUS_MAX_DELIVERY_COUNT: '10', DAILY_CLOSE_HOUR: '0' });
let t: SeededTenant;
let other: SeededTenant;
let owner: string;
let propertyId: string;
let integrationId: string;
let today: string;
let unregister: () => void;

beforeAll(async () => {
  unregister = registerTestConnector(testFeed as unknown as Connector);
  await feed.start();
  t = await seedTenant(host);
  other = await seedTenant(host);
  owner = t.users.owner.token;
  propertyId = t.propertyIds[0] as string;
  // The first property is in Vienna.
  today = localDateHour(new Date(), 'Europe/Vienna').date;
  const before = new Date(Date.now() - 3600_000).toISOString();
  for (const [offset, sold] of [
    [-500, 11],
    [-390, 12],
    [-30, 40],
    [-2, 50],
    [-1, 60],
    [3, 20],
  ] as const) {
    const date = addDays(today, offset);
    feed.days.set(date, { date, roomsSold: sold, roomRevenue: sold * 100, updatedUtc: before });
  }
  const created = await host.request('POST', '/api/v1/integrations', {
    token: owner,
    body: { kind: 'pull', connector: 'runs-test-feed', propertyId, name: 'Test feed', settings: { baseUrl: feed.url }, credentials: { token: TOKEN } },
  });
  expect(created.status).toBe(201);
  integrationId = created.json.id;
});

afterAll(async () => {
  unregister();
  await feed.stop();
});

const status = async () => {
  const res = await host.request('GET', `/api/v1/integrations/${integrationId}/status`, { token: owner });
  if (res.status !== 200) throw new Error(`status: ${res.status} ${res.text}`);
  return res;
};

async function roomsSoldByDate(): Promise<Record<string, number>> {
  const facts = await itemsOf<FactItem>(host, 'facts', t.tenantId, 'fact');
  const out: Record<string, number> = {};
  for (const f of facts.filter((x) => x.integrationId === integrationId && !x.deleted)) {
    for (const c of f.contributions) if (c.measures.roomsSold !== undefined) out[f.date] = (out[f.date] ?? 0) + c.measures.roomsSold;
  }
  return out;
}

async function importsOfRun(runId: string): Promise<Array<{ id: string; webhookId: string; status: string }>> {
  const res = await host.request('GET', `/api/v1/integrations/${integrationId}/imports?limit=100`, { token: owner });
  expect(res.status).toBe(200);
  return (res.json.items as Array<{ id: string; webhookId: string; status: string }>).filter((i) => i.webhookId.startsWith(`connector:${runId}:`));
}

async function stateItem(): Promise<ConnectorStateItem> {
  const states = await itemsOf<ConnectorStateItem>(host, 'imports', t.tenantId, 'connectorState');
  return states.find((s) => s.integrationId === integrationId) as ConnectorStateItem;
}

/** Moves the stored watermark back, as if the integration had been running for a while (the change feed's window ends two minutes before now). */
async function rewindWatermark(to: string): Promise<void> {
  const state = await stateItem();
  await host.app.store.collection<ConnectorStateItem>('imports', t.tenantId).replace({ ...state, watermark: to });
}

describe('the first load', () => {
  it('the timer plans 400 days back and 365 ahead and runs it window after window; only the range is imported', async () => {
    await host.scheduler.trigger('connectorsDue');
    await host.app.broker?.idle();
    const s = (await status()).json;
    expect(s.backfill.pendingWindows).toBe(0);
    expect(s.backfill.doneWindows).toBe(Math.ceil(766 / 120));
    expect(s.recordsRead).toBe(5);
    expect(s.lastSuccessfulRun).toMatchObject({ kind: 'backfill' });
    expect(s.lastError).toBeNull();
    // Yesterday (offset 1) is read and everything after the first load's start is the change feed's.
    expect(s.state).toBe('Updated');
    expect(await roomsSoldByDate()).toEqual({
      [addDays(today, -390)]: 12,
      [addDays(today, -30)]: 40,
      [addDays(today, -2)]: 50,
      [addDays(today, -1)]: 60,
      [addDays(today, 3)]: 20,
    });
    // The vendor saw each window once, contiguous, oldest first.
    const windows = feed.requests.filter((r) => r.path === '/days');
    expect(windows).toHaveLength(7);
    expect(windows[0]!.from).toBe(addDays(today, -400));
    expect(windows[6]!.to).toBe(addDays(today, 365));
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.from).toBe(addDays(windows[i - 1]!.to, 1));
  });

  it('a second sweep queues nothing: the schedule is daily and the first load is done', async () => {
    const before = feed.requests.length;
    await host.scheduler.trigger('connectorsDue');
    await host.app.broker?.idle();
    expect(feed.requests.length).toBe(before);
  });
});

describe('the change feed', () => {
  it('run now reads from the watermark to now (less the safety lag), shows In progress while running, and advances the watermark after the import', async () => {
    const from = new Date(Date.now() - 30 * 60_000).toISOString();
    await rewindWatermark(from);
    const day = feed.days.get(addDays(today, -1))!;
    feed.days.set(day.date, { ...day, roomsSold: 65, updatedUtc: new Date(Date.parse(from) + 60_000).toISOString() });
    let release!: () => void;
    feed.hold = new Promise((resolve) => (release = resolve));
    const queued = await host.request('POST', `/api/v1/integrations/${integrationId}/runs`, { token: owner });
    expect(queued.status).toBe(202);
    const run = queued.json.run;
    expect(run).toMatchObject({ kind: 'pull', from, runId: `${integrationId}:${from}:${run.to}` });
    expect(Date.parse(run.to)).toBeLessThanOrEqual(Date.now() - 2 * 60_000);
    // A second request while it is queued answers the same run.
    const again = await host.request('POST', `/api/v1/integrations/${integrationId}/runs`, { token: owner });
    expect(again.json.run.runId).toBe(run.runId);
    for (let i = 0; i < 200 && feed.requests.at(-1)?.from !== from; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await status()).json.state).toBe('In progress');
    feed.hold = undefined;
    release();
    await host.app.broker?.idle();
    const s = (await status()).json;
    expect(s.watermark).toBe(run.to);
    expect(s.lastSuccessfulRun).toMatchObject({ runId: run.runId, kind: 'pull', recordsRead: 1 });
    expect(s.queuedRun).toBeNull();
    expect((await roomsSoldByDate())[day.date]).toBe(65);
    expect(await importsOfRun(run.runId)).toHaveLength(1);
  });

  it('a duplicate message of a finished run does nothing: no vendor call, no import', async () => {
    const s = (await status()).json;
    const runId = s.lastSuccessfulRun.runId as string;
    const [, from, to] = /^int_[A-Za-z0-9_-]{16}:(.+Z):(.+Z)$/.exec(runId)!;
    const calls = feed.requests.length;
    // Another message id: past the bus's duplicate detection, the consumer's own check must hold.
    await host.app.bus.publish('connector-runs', [{ messageId: `${runId}:again`, body: { tenantId: t.tenantId, integrationId, runId, kind: 'pull', from: from!, to: to! } }]);
    await host.app.broker?.idle();
    expect(feed.requests.length).toBe(calls);
    expect(await importsOfRun(runId)).toHaveLength(1);
    expect((await status()).json.watermark).toBe(s.watermark);
  });

  it('a crash after the import receipt but before the watermark write re-runs the same window: same imports, no duplicate, no gap', async () => {
    const from = new Date(Date.now() - 20 * 60_000).toISOString();
    await rewindWatermark(from);
    const day = feed.days.get(addDays(today, -2))!;
    feed.days.set(day.date, { ...day, roomsSold: 55, updatedUtc: new Date(Date.parse(from) + 60_000).toISOString() });
    let crashed = 0;
    host.app.store.faults = {
      async call<R>(call: StoreCall, proceed: () => Promise<R>): Promise<R> {
        const item = 'item' in call ? (call.item as Partial<ConnectorStateItem>) : undefined;
        if (call.method === 'replace' && item?.type === 'connectorState' && item.lastRun?.outcome === 'succeeded' && item.lastRun.runId.includes(from) && crashed === 0) {
          crashed += 1;
          throw new Error('the process died before the watermark was written');
        }
        return proceed();
      },
    };
    try {
      const queued = await host.request('POST', `/api/v1/integrations/${integrationId}/runs`, { token: owner });
      expect(queued.status).toBe(202);
      await host.app.broker?.idle();
      const run = queued.json.run;
      expect(crashed).toBe(1);
      // The vendor was asked for the same window twice; one import, processed once.
      expect(feed.requests.filter((r) => r.path === '/changes' && r.from === from && r.to === run.to)).toHaveLength(2);
      const imports = await importsOfRun(run.runId);
      expect(imports).toHaveLength(1);
      expect(imports[0]!.status).toBe('accepted');
      const s = (await status()).json;
      // No gap: the watermark is exactly the end of the window that was read.
      expect(s.watermark).toBe(run.to);
      expect(s.lastSuccessfulRun.runId).toBe(run.runId);
      expect((await roomsSoldByDate())[day.date]).toBe(55);
      expect(await itemsOf(host, 'facts', t.tenantId, 'fact').then((f) => f.filter((x) => x.sourceRecordId === `day-${day.date}`))).toHaveLength(1);
    } finally {
      host.app.store.faults = undefined;
    }
  });
});

describe('failures, the circuit and the four states', () => {
  it('vendor failures are recorded sanitised; the fifth opens the circuit; the status is Not updated past the expected time', async () => {
    const before = await status();
    // Expected at local midnight: the expected time has always passed.
    const patched = await host.request('PATCH', `/api/v1/integrations/${integrationId}/run-settings`, {
      token: owner,
      headers: { 'if-match': before.headers.get('etag')! },
      body: { expectedArrival: { localTime: '00:00' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.expectedArrival).toEqual({ localTime: '00:00', dataOffsetDays: 1 });
    const stale = await host.request('PATCH', `/api/v1/integrations/${integrationId}/run-settings`, { token: owner, headers: { 'if-match': before.headers.get('etag')! }, body: { schedule: '0 0 * * * *' } });
    expect(stale.status).toBe(412);

    feed.failWith = 401;
    const yesterday = addDays(today, -1);
    const asked = await host.request('POST', `/api/v1/integrations/${integrationId}/backfill`, { token: owner, body: { from: addDays(today, -3), to: yesterday } });
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({ generation: 2, windows: 1, run: { kind: 'backfill', from: addDays(today, -3), to: yesterday } });
    await host.app.broker?.idle();
    const s = (await status()).json;
    expect(s).toMatchObject({ circuit: 'failing', consecutiveFailures: 5, state: 'Not updated', queuedRun: null });
    expect(s.lastError.message).toContain('HTTP 401');
    expect(s.lastError.message).not.toContain(TOKEN);
    expect(JSON.stringify(s)).not.toContain(TOKEN);
    expect(s.backfill.pendingWindows).toBe(1);
    // The circuit ended the run: nothing dead-lettered, and the timer leaves the vendor alone.
    expect(host.app.broker?.deadLettered('connector-runs') ?? []).toHaveLength(0);
    const calls = feed.requests.length;
    await host.scheduler.trigger('connectorsDue');
    await host.app.broker?.idle();
    expect(feed.requests.length).toBe(calls);
    // The daily digest of yesterday names the late connector.
    await host.scheduler.trigger('reportsDailyClose');
    const digest = await host.request('GET', `/api/v1/reports/daily-digest?propertyId=${propertyId}&date=${yesterday}`, { token: owner });
    expect(digest.status).toBe(200);
    expect(digest.json.lateConnectors).toEqual([{ integrationId, name: 'Test feed', connector: 'runs-test-feed' }]);
  });

  it('run now closes the circuit; the pending backfill follows; Updated again; the run outcomes are audited', async () => {
    feed.failWith = undefined;
    const queued = await host.request('POST', `/api/v1/integrations/${integrationId}/runs`, { token: owner });
    expect(queued.status).toBe(202);
    await host.app.broker?.idle();
    const s = (await status()).json;
    expect(s).toMatchObject({ circuit: 'closed', consecutiveFailures: 0, state: 'Updated' });
    expect(s.backfill.pendingWindows).toBe(0);
    expect(s.lastSuccessfulRun.kind).toBe('backfill');
    const actions = async (action: string) => {
      const res = await host.request('GET', `/api/v1/audit?action=${action}&limit=200`, { token: owner });
      expect(res.status).toBe(200);
      return (res.json.items as Array<{ target?: { id: string } }>).filter((i) => i.target?.id === integrationId);
    };
    expect(await actions('connector.run_failed')).toHaveLength(5);
    expect(await actions('connector.circuit_opened')).toHaveLength(1);
    expect(await actions('connector.circuit_closed')).toHaveLength(1);
    expect(await actions('connector.backfill_requested')).toHaveLength(2);
    expect(await actions('connector.run_requested')).toHaveLength(3);
    expect(await actions('connector.settings_changed')).toHaveLength(1);
  });
});

describe('a backfill before the first run', () => {
  it('is the first load instead of the default 400 + 365 days', async () => {
    const created = await host.request('POST', '/api/v1/integrations', {
      token: owner,
      body: { kind: 'pull', connector: 'runs-test-feed', propertyId: t.propertyIds[1], name: 'Second feed', settings: { baseUrl: feed.url }, credentials: { token: TOKEN } },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const before = feed.requests.length;
    const range = { from: addDays(today, -3), to: addDays(today, -1) };
    const asked = await host.request('POST', `/api/v1/integrations/${id}/backfill`, { token: owner, body: range });
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({ generation: 1, windows: 1, run: { kind: 'backfill', ...range } });
    await host.app.broker?.idle();
    expect(feed.requests.slice(before)).toEqual([{ path: '/days', ...range }]);
    const s = await host.request('GET', `/api/v1/integrations/${id}/status`, { token: owner });
    expect(s.json.backfill).toMatchObject({ pendingWindows: 0, doneWindows: 1 });
  });
});

describe('input and access', () => {
  it('a backfill names valid dates, to ≥ from, at most 800 days, and nothing else', async () => {
    const post = (body: unknown) => host.request('POST', `/api/v1/integrations/${integrationId}/backfill`, { token: owner, body });
    const reversed = await post({ from: '2026-02-01', to: '2026-01-01' });
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.json.errors)).toContain('body.to');
    expect((await post({ from: '2024-01-01', to: '2026-06-01' })).status).toBe(400);
    expect((await post({ from: '2026-13-01', to: '2026-12-01' })).status).toBe(400);
    expect((await post({ from: '2026-01-01', to: '2026-01-02', extra: 1 })).status).toBe(400);
  });

  it("another tenant's integration is not found; the end user may not run it; a webhook integration has no run status", async () => {
    expect((await host.request('GET', `/api/v1/integrations/${integrationId}/status`, { token: other.users.owner.token })).status).toBe(404);
    expect((await host.request('POST', `/api/v1/integrations/${integrationId}/runs`, { token: other.users.owner.token })).status).toBe(404);
    expect((await host.request('POST', `/api/v1/integrations/${integrationId}/runs`, { token: t.users.endUser.token })).status).toBe(403);
    const webhook = await host.request('POST', '/api/v1/integrations', { token: owner, body: { propertyId, sourceType: 'pos', name: 'Webhook' } });
    expect((await host.request('GET', `/api/v1/integrations/${webhook.json.id}/status`, { token: owner })).status).toBe(404);
  });

  it('one state item per integration, carrying its property', async () => {
    const states = (await itemsOf<ConnectorStateItem>(host, 'imports', t.tenantId, 'connectorState')).filter((x) => x.integrationId === integrationId);
    expect(states).toHaveLength(1);
    expect(states[0]).toMatchObject({ id: `connector-state:${integrationId}`, propertyId, integrationId, connector: 'runs-test-feed' });
  });
});
