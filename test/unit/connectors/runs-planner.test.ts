import { describe, expect, it } from '@jest/globals';
import {
  FAILURES_TO_OPEN,
  MAX_BACKFILL_CONCURRENCY,
  RUN_LEASE_MS,
  SAFETY_LAG_MS,
  backfillWindows,
  coolDownMs,
  firstBackfillRange,
  isCircuitOpen,
  isStale,
  nextPullAt,
  nextRun,
  nextRuns,
  pullWindow,
  runIdOf,
} from '../../../shared/connectors/runs/planner.js';
import { normaliseState, type ConnectorStateItem, type QueuedRun } from '../../../shared/connectors/runs/state.js';
import { stateOf as baseState } from './run-state-fixture.js';

const DAY = 86_400_000;

function stateOf(over: Partial<ConnectorStateItem> = {}): ConnectorStateItem {
  return baseState({ schedule: '0 */15 * * * *', watermark: '2026-12-01T00:00:00.000Z', createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z', ...over });
}

describe('pull windows', () => {
  it('run from the watermark to now minus the safety lag', () => {
    const now = new Date('2026-12-01T01:00:00.000Z');
    expect(pullWindow('2026-12-01T00:00:00.000Z', now, 90)).toEqual({ from: '2026-12-01T00:00:00.000Z', to: new Date(now.getTime() - SAFETY_LAG_MS).toISOString() });
  });

  it('are at most the vendor maximum interval long', () => {
    const w = pullWindow('2026-01-01T00:00:00.000Z', new Date('2026-12-01T00:00:00.000Z'), 90);
    expect(w).toEqual({ from: '2026-01-01T00:00:00.000Z', to: new Date(Date.parse('2026-01-01T00:00:00.000Z') + 90 * DAY).toISOString() });
  });

  it('are empty while the watermark is within the safety lag of now', () => {
    expect(pullWindow('2026-12-01T00:00:00.000Z', new Date(Date.parse('2026-12-01T00:00:00.000Z') + SAFETY_LAG_MS), 90)).toBeUndefined();
    expect(pullWindow('2026-12-01T00:00:00.000Z', new Date('2026-11-30T00:00:00.000Z'), 90)).toBeUndefined();
  });
});

describe('backfill windows', () => {
  it('cover the range exactly, oldest first, each at most chunk days, the last one cut at the end', () => {
    const ws = backfillWindows('2026-01-01', '2026-03-15', 31, 2);
    expect(ws).toEqual([
      { generation: 2, from: '2026-01-01', to: '2026-01-31', status: 'pending' },
      { generation: 2, from: '2026-02-01', to: '2026-03-03', status: 'pending' },
      { generation: 2, from: '2026-03-04', to: '2026-03-15', status: 'pending' },
    ]);
  });

  it('a single day is one window', () => {
    expect(backfillWindows('2026-05-05', '2026-05-05', 90, 1)).toEqual([{ generation: 1, from: '2026-05-05', to: '2026-05-05', status: 'pending' }]);
  });

  it('the first load spans 400 days back and 365 ahead of the property date', () => {
    const r = firstBackfillRange('2026-12-05');
    expect(r).toEqual({ from: '2025-10-31', to: '2027-12-05' });
    const ws = backfillWindows(r.from, r.to, 90, 1);
    expect(ws[0]?.from).toBe(r.from);
    expect(ws[ws.length - 1]?.to).toBe(r.to);
    // Contiguous: each window starts the day after the previous one ends.
    for (let i = 1; i < ws.length; i++) expect(Date.parse(`${ws[i]!.from}T00:00:00Z`) - Date.parse(`${ws[i - 1]!.to}T00:00:00Z`)).toBe(DAY);
    expect(ws).toHaveLength(Math.ceil(766 / 90));
  });
});

describe('what runs next', () => {
  const now = new Date('2026-12-01T06:00:00.000Z');

  it('pending backfill windows first, oldest first, with a run id naming their request', () => {
    const state = stateOf({
      backfill: {
        generation: 2,
        windows: [
          { generation: 1, from: '2026-01-01', to: '2026-03-31', status: 'done' },
          { generation: 1, from: '2026-04-01', to: '2026-06-29', status: 'pending' },
          { generation: 2, from: '2025-01-01', to: '2025-01-31', status: 'pending' },
        ],
      },
    });
    const run = nextRun(state, now, 90, 'timer');
    expect(run).toMatchObject({ kind: 'backfill', from: '2026-04-01', to: '2026-06-29', generation: 1, runId: 'int_AAAAAAAAAAAAAAAA:b1:2026-04-01:2026-06-29' });
    // Resume: once the first is done, the next pending one.
    state.backfill.windows[1]!.status = 'done';
    expect(nextRun(state, now, 90, 'chain')).toMatchObject({ kind: 'backfill', generation: 2, from: '2025-01-01', runId: 'int_AAAAAAAAAAAAAAAA:b2:2025-01-01:2025-01-31' });
  });

  it('the timer pulls from the watermark only when the schedule is due', () => {
    const state = stateOf({ lastScheduledAt: '2026-12-01T05:50:00.000Z' });
    expect(nextPullAt(state).toISOString()).toBe('2026-12-01T06:00:00.000Z');
    expect(nextRun(state, new Date('2026-12-01T05:59:00.000Z'), 90, 'timer')).toBeUndefined();
    const run = nextRun(state, now, 90, 'timer');
    expect(run).toMatchObject({ kind: 'pull', from: state.watermark, to: new Date(now.getTime() - SAFETY_LAG_MS).toISOString() });
    expect(run?.runId).toBe(runIdOf(state.integrationId, { kind: 'pull', from: run!.from, to: run!.to }));
  });

  it('the end of a run continues at once only while full windows wait (catch-up)', () => {
    const behind = stateOf({ watermark: '2026-06-01T00:00:00.000Z' });
    expect(nextRun(behind, now, 90, 'chain')).toMatchObject({ kind: 'pull', from: '2026-06-01T00:00:00.000Z', to: new Date(Date.parse('2026-06-01T00:00:00.000Z') + 90 * DAY).toISOString() });
    const current = stateOf({ watermark: '2026-12-01T05:00:00.000Z' });
    expect(nextRun(current, now, 90, 'chain')).toBeUndefined();
  });

  it('run-now reads the current change-feed window even with backfill pending', () => {
    const state = stateOf({ watermark: '2026-12-01T05:00:00.000Z', backfill: { generation: 1, windows: [{ generation: 1, from: '2026-01-01', to: '2026-01-31', status: 'pending' }] } });
    expect(nextRun(state, now, 90, 'now')).toMatchObject({ kind: 'pull', from: '2026-12-01T05:00:00.000Z' });
  });

  it('run-now of a connector without a change feed runs even when the watermark is current; with one it is up to date', () => {
    const current = stateOf({ watermark: new Date(now.getTime() - SAFETY_LAG_MS).toISOString() });
    expect(nextRun(current, now, 90, 'now')).toBeUndefined();
    expect(nextRun(current, now, 90, 'now', false)).toMatchObject({ kind: 'pull', from: current.watermark, to: now.toISOString() });
    // The timer and the chain keep their rules: nothing new to read.
    expect(nextRun(current, now, 90, 'chain', false)).toBeUndefined();
  });

  it('the same window is the same run id; another window or request is another', () => {
    const a = runIdOf('int_X', { kind: 'pull', from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T01:00:00.000Z' });
    expect(runIdOf('int_X', { kind: 'pull', from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T01:00:00.000Z' })).toBe(a);
    expect(runIdOf('int_X', { kind: 'pull', from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T01:00:01.000Z' })).not.toBe(a);
    expect(runIdOf('int_X', { kind: 'backfill', from: '2026-01-01', to: '2026-01-31', generation: 1 })).not.toBe(runIdOf('int_X', { kind: 'backfill', from: '2026-01-01', to: '2026-01-31', generation: 2 }));
  });
});

describe('leases and the circuit', () => {
  it('a queued or started run goes stale when its lease runs out', () => {
    const run = { runId: 'r', kind: 'pull' as const, from: 'a', to: 'b', queuedAt: '2026-12-01T00:00:00.000Z' };
    expect(isStale(run, new Date(Date.parse(run.queuedAt) + RUN_LEASE_MS - 1))).toBe(false);
    expect(isStale(run, new Date(Date.parse(run.queuedAt) + RUN_LEASE_MS))).toBe(true);
    // Taking the run renews the lease.
    expect(isStale({ ...run, startedAt: '2026-12-01T00:10:00.000Z' }, new Date(Date.parse(run.queuedAt) + RUN_LEASE_MS))).toBe(false);
  });

  it('the circuit is open until its cool-down ends, and the cool-down doubles with each failed probe', () => {
    const state = stateOf({ circuit: { state: 'failing', since: '2026-12-01T00:00:00.000Z', until: '2026-12-01T00:15:00.000Z' } });
    expect(isCircuitOpen(state, new Date('2026-12-01T00:14:59.000Z'))).toBe(true);
    expect(isCircuitOpen(state, new Date('2026-12-01T00:15:00.000Z'))).toBe(false);
    expect(coolDownMs(FAILURES_TO_OPEN)).toBe(15 * 60_000);
    expect(coolDownMs(FAILURES_TO_OPEN + 1)).toBe(30 * 60_000);
    expect(coolDownMs(FAILURES_TO_OPEN + 20)).toBe(DAY);
  });
});

describe('backfill windows side by side', () => {
  const now = new Date('2026-12-01T06:00:00.000Z');
  const windows = backfillWindows('2025-01-01', '2025-12-31', 89, 1);

  it('up to the concurrency, oldest first, skipping those in flight; no more while full', () => {
    const idle = stateOf({ backfill: { generation: 1, windows } });
    const three = nextRuns(idle, now, 89, 'timer', { concurrency: 3 });
    expect(three.map((r) => r.from)).toEqual(['2025-01-01', '2025-03-31', '2025-06-28']);
    expect(nextRuns({ ...idle, runs: three }, now, 89, 'chain', { concurrency: 3 })).toEqual([]);
    // The second finished (done, out of the runs): the fourth joins the two still in flight.
    const after = stateOf({ backfill: { generation: 1, windows: windows.map((w, i) => (i === 1 ? { ...w, status: 'done' as const } : w)) }, runs: [three[0]!, three[2]!] });
    expect(nextRuns(after, now, 89, 'chain', { concurrency: 3 }).map((r) => r.from)).toEqual(['2025-09-25']);
    // Without a concurrency, one at a time; an absurd one is bounded.
    expect(nextRuns(idle, now, 89, 'timer')).toHaveLength(1);
    const monthly = stateOf({ backfill: { generation: 1, windows: backfillWindows('2025-01-01', '2025-12-31', 30, 1) } });
    expect(nextRuns(monthly, now, 30, 'timer', { concurrency: 1000 })).toHaveLength(MAX_BACKFILL_CONCURRENCY);
  });

  it('the change feed waits until no window is in flight, and a pull runs alone', () => {
    const last = windows.at(-1)!;
    const inFlight: QueuedRun = { runId: runIdOf('int_AAAAAAAAAAAAAAAA', { kind: 'backfill', ...last }), kind: 'backfill', from: last.from, to: last.to, generation: 1, queuedAt: now.toISOString() };
    const behind = { watermark: '2026-06-01T00:00:00.000Z', backfill: { generation: 1, windows: windows.map((w) => (w === last ? w : { ...w, status: 'done' as const })) } };
    expect(nextRuns(stateOf({ ...behind, runs: [inFlight] }), now, 89, 'chain', { concurrency: 3 })).toEqual([]);
    expect(nextRuns(stateOf({ ...behind, runs: [inFlight] }), now, 89, 'now', { concurrency: 3 })).toEqual([]);
    const pull = nextRuns(stateOf({ watermark: '2026-06-01T00:00:00.000Z' }), now, 89, 'chain', { concurrency: 3 });
    expect(pull).toMatchObject([{ kind: 'pull' }]);
    expect(nextRuns(stateOf({ backfill: { generation: 1, windows }, runs: pull }), now, 89, 'timer', { concurrency: 3 })).toEqual([]);
  });

  it('a state stored with its one run as `queued` reads as one run in flight', () => {
    const run: QueuedRun = { runId: 'r', kind: 'pull', from: 'a', to: 'b', queuedAt: now.toISOString() };
    const legacy = { ...stateOf(), runs: undefined, queued: run } as unknown as ConnectorStateItem & { queued?: QueuedRun };
    const read = normaliseState(legacy);
    expect(read.runs).toEqual([run]);
    expect('queued' in read).toBe(false);
    expect(normaliseState({ ...stateOf(), runs: undefined } as unknown as ConnectorStateItem).runs).toEqual([]);
  });
});
