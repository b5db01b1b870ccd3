import { describe, expect, it } from '@jest/globals';
import { connectorStatus, instantAtLocal } from '../../../shared/connectors/runs/status.js';
import { stateOf } from './run-state-fixture.js';


// Vienna is UTC+1 in December: 06:00 local is 05:00Z, local midnight is 23:00Z the day before.
const VIENNA = 'Europe/Vienna';

describe('local wall times', () => {
  it('resolve in the property time zone, across DST', () => {
    expect(instantAtLocal('2026-12-05', '06:00', VIENNA).toISOString()).toBe('2026-12-05T05:00:00.000Z');
    expect(instantAtLocal('2026-07-05', '06:00', VIENNA).toISOString()).toBe('2026-07-05T04:00:00.000Z');
    expect(instantAtLocal('2026-12-05', '00:00', 'America/New_York').toISOString()).toBe('2026-12-05T05:00:00.000Z');
    expect(instantAtLocal('2026-12-05', '06:00', 'UTC').toISOString()).toBe('2026-12-05T06:00:00.000Z');
    // 02:30 does not exist on 2026-03-29 in Vienna (clocks jump 02:00 → 03:00): the instant after the gap.
    expect(instantAtLocal('2026-03-29', '02:30', VIENNA).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('the four states (expected 06:00 local, data offset 1 day)', () => {
  it('Waiting for data: before the expected time, yesterday not yet committed', () => {
    const s = connectorStatus(stateOf(), VIENNA, new Date('2026-12-05T04:30:00.000Z'));
    expect(s).toMatchObject({ state: 'Waiting for data', expectedDate: '2026-12-04', expectedBy: '2026-12-05T05:00:00.000Z', arrived: false });
  });

  it('Not updated: past the expected time without the data', () => {
    expect(connectorStatus(stateOf(), VIENNA, new Date('2026-12-05T05:00:00.000Z')).state).toBe('Not updated');
    expect(connectorStatus(stateOf(), VIENNA, new Date('2026-12-05T20:00:00.000Z')).state).toBe('Not updated');
  });

  it('Updated: the watermark passed the end of yesterday (local), before or after the expected time', () => {
    const state = stateOf({ watermark: '2026-12-04T23:00:00.000Z' });
    expect(connectorStatus(state, VIENNA, new Date('2026-12-05T03:00:00.000Z'))).toMatchObject({ state: 'Updated', arrived: true });
    expect(connectorStatus(state, VIENNA, new Date('2026-12-05T09:00:00.000Z')).state).toBe('Updated');
    // One minute short of local midnight is not yet.
    expect(connectorStatus(stateOf({ watermark: '2026-12-04T22:59:00.000Z' }), VIENNA, new Date('2026-12-05T09:00:00.000Z')).state).toBe('Not updated');
  });

  it('a backfill window still owing the expected date means it has not arrived', () => {
    const state = stateOf({
      watermark: '2026-12-05T04:00:00.000Z',
      backfill: { generation: 1, windows: [{ generation: 1, from: '2026-11-01', to: '2026-12-31', status: 'pending' }] },
    });
    expect(connectorStatus(state, VIENNA, new Date('2026-12-05T09:00:00.000Z')).state).toBe('Not updated');
    state.backfill.windows[0]!.status = 'done';
    expect(connectorStatus(state, VIENNA, new Date('2026-12-05T09:00:00.000Z')).state).toBe('Updated');
  });

  it('In progress: a run taken and within its lease, whatever else holds; a dead run is not', () => {
    const running = stateOf({ runs: [{ runId: 'r', kind: 'pull', from: 'a', to: 'b', queuedAt: '2026-12-05T08:59:00.000Z', startedAt: '2026-12-05T08:59:30.000Z' }] });
    expect(connectorStatus(running, VIENNA, new Date('2026-12-05T09:00:00.000Z')).state).toBe('In progress');
    expect(connectorStatus(running, VIENNA, new Date('2026-12-05T10:00:00.000Z')).state).toBe('Not updated');
    // Queued but not taken yet is not running.
    const queued = stateOf({ runs: [{ runId: 'r', kind: 'pull', from: 'a', to: 'b', queuedAt: '2026-12-05T08:59:00.000Z' }] });
    expect(connectorStatus(queued, VIENNA, new Date('2026-12-05T09:00:00.000Z')).state).toBe('Not updated');
  });

  it('a data offset of 0 expects today by the expected time', () => {
    const state = stateOf({ expectedArrival: { localTime: '18:00', dataOffsetDays: 0 }, watermark: '2026-12-05T16:30:00.000Z' });
    expect(connectorStatus(state, VIENNA, new Date('2026-12-05T16:00:00.000Z'))).toMatchObject({ state: 'Waiting for data', expectedDate: '2026-12-05', expectedBy: '2026-12-05T17:00:00.000Z' });
    expect(connectorStatus(state, VIENNA, new Date('2026-12-05T17:30:00.000Z')).state).toBe('Not updated');
    expect(connectorStatus({ ...state, watermark: '2026-12-05T17:00:00.000Z' }, VIENNA, new Date('2026-12-05T17:30:00.000Z')).state).toBe('Updated');
  });

  it('the next run: the queued one, the end of an open circuit, else the schedule', () => {
    const now = new Date('2026-12-05T09:10:00.000Z');
    expect(connectorStatus(stateOf({ lastScheduledAt: '2026-12-05T09:00:00.000Z' }), VIENNA, now).nextRunAt).toBe('2026-12-05T10:00:00.000Z');
    const failing = stateOf({ circuit: { state: 'failing', since: '2026-12-05T09:00:00.000Z', until: '2026-12-05T09:30:00.000Z' } });
    expect(connectorStatus(failing, VIENNA, now)).toMatchObject({ circuit: 'failing', nextRunAt: '2026-12-05T09:30:00.000Z' });
    const queued = stateOf({ runs: [{ runId: 'r', kind: 'pull', from: 'a', to: 'b', queuedAt: '2026-12-05T09:05:00.000Z' }] });
    expect(connectorStatus(queued, VIENNA, now).nextRunAt).toBe('2026-12-05T09:05:00.000Z');
  });
});
