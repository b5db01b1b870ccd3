import { describe, expect, it } from '@jest/globals';
import { scheduleFact, shiftHours } from '../../../shared/integrations/formats/schedules/facts.js';
import { RecordRejected } from '../../../shared/integrations/formats/mapping.js';
import type { ScheduleRecord } from '../../../shared/integrations/formats/schedules/record.js';

const ctx = { mappings: { departments: { HK: 'dep-hk', REST: 'dep-rest' }, accounts: {} }, receivedDate: '2026-03-01', timeZone: 'Europe/Vienna' };
const shift = (over: Partial<ScheduleRecord>): ScheduleRecord => ({ id: 'S1', employeeNumber: 'E1', department: 'HK', start: '2026-03-14T07:00', end: '2026-03-14T15:30', unpaidBreakMinutes: 30, ...over });

describe('schedules format: a shift to scheduled hours', () => {
  it('counts start to end minus unpaid breaks, local times read in the property zone', () => {
    expect(scheduleFact(shift({}), ctx)).toEqual({ date: '2026-03-14', scenario: 'onTheBooks', contributions: [{ departmentId: 'dep-hk', measures: { scheduledHours: 8 } }] });
    // The same shift stated as instants (CET is UTC+1 in March before the change).
    expect(shiftHours(shift({ start: '2026-03-14T06:00:00Z', end: '2026-03-14T15:30:00+01:00' }), 'Europe/Vienna')).toBe(8);
  });

  it('puts a shift over midnight on the day it starts, unless the record names its business date', () => {
    const night = shift({ start: '2026-03-14T22:00', end: '2026-03-15T06:00', unpaidBreakMinutes: 0 });
    expect(scheduleFact(night, ctx)).toMatchObject({ date: '2026-03-14', contributions: [{ measures: { scheduledHours: 8 } }] });
    // 00:30 local on the 15th is 23:30 UTC on the 14th: the local date counts.
    expect(scheduleFact(shift({ start: '2026-03-14T23:30:00Z', end: '2026-03-15T06:30:00Z', unpaidBreakMinutes: 0 }), ctx).date).toBe('2026-03-15');
    expect(scheduleFact({ ...night, date: '2026-03-15' }, ctx).date).toBe('2026-03-15');
  });

  it('counts the hours a night over the spring DST change really spans', () => {
    // 22:00 → 06:00 Vienna on 28/29 March 2026: clocks skip 02:00–03:00, so 7 hours.
    expect(shiftHours(shift({ start: '2026-03-28T22:00', end: '2026-03-29T06:00', unpaidBreakMinutes: 0 }), 'Europe/Vienna')).toBe(7);
    expect(shiftHours(shift({ start: '2026-10-24T22:00', end: '2026-10-25T06:00', unpaidBreakMinutes: 0 }), 'Europe/Vienna')).toBe(9);
  });

  it('reads wall-clock times as UTC without a property zone', () => {
    expect(scheduleFact(shift({ start: '2026-03-14T23:00', end: '2026-03-15T01:00', unpaidBreakMinutes: 0 }), { ...ctx, timeZone: undefined })).toMatchObject({ date: '2026-03-14' });
  });

  it('rejects what cannot be a planned shift, naming the field', () => {
    const rejected = (r: ScheduleRecord) => {
      try {
        scheduleFact(r, ctx);
      } catch (err) {
        return err instanceof RecordRejected ? err.field : 'other';
      }
      return 'accepted';
    };
    expect(rejected(shift({ end: '2026-03-14T07:00' }))).toBe('end');
    expect(rejected(shift({ end: '2026-03-16T07:00' }))).toBe('end');
    expect(rejected(shift({ unpaidBreakMinutes: 510 }))).toBe('unpaidBreakMinutes');
    expect(rejected(shift({ department: 'SPA' }))).toBe('department');
    expect(rejected(shift({ end: '2026-03-15T07:00' }))).toBe('accepted');
  });
});
