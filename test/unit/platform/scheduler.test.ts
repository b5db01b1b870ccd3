import { describe, expect, it } from '@jest/globals';
import type { Timer } from '@azure/functions';
import { LocalScheduler } from '../../../shared/platform/local/scheduler.js';
import { isValidNcrontab, nextOccurrence } from '../../../shared/platform/ncrontab.js';

describe('NCRONTAB', () => {
  it('takes six fields (seconds first) in UTC', () => {
    expect(isValidNcrontab('0 */5 * * * *')).toBe(true);
    expect(isValidNcrontab('*/5 * * * *')).toBe(false);
    expect(isValidNcrontab('not a schedule')).toBe(false);
    expect(nextOccurrence('0 30 2 * * *', new Date('2026-03-29T01:00:00Z')).toISOString()).toBe('2026-03-29T02:30:00.000Z');
    expect(nextOccurrence('15 0 * * * *', new Date('2026-01-01T00:00:20Z')).toISOString()).toBe('2026-01-01T01:00:15.000Z');
  });
});

describe('LocalScheduler', () => {
  it('honours runOnStartup, fires on schedule, never overlaps a run, and flags late runs as past due', async () => {
    const calls: Timer[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const scheduler = new LocalScheduler(
      [
        {
          name: 'every-second',
          schedule: '* * * * * *',
          runOnStartup: true,
          run: async (timer) => {
            concurrent += 1;
            maxConcurrent = Math.max(maxConcurrent, concurrent);
            calls.push(timer);
            // Slower than the schedule: the next occurrence must wait, and then start late.
            await new Promise((r) => setTimeout(r, 1600));
            concurrent -= 1;
          },
        },
      ],
      () => undefined,
    );
    scheduler.start();
    await new Promise((r) => setTimeout(r, 4200));
    await scheduler.stop();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[0]?.isPastDue).toBe(false);
    expect(maxConcurrent).toBe(1);
    expect(calls.slice(1).some((c) => c.isPastDue)).toBe(true);
    for (const c of calls) expect(Date.parse(c.scheduleStatus.next)).toBeGreaterThan(0);
  });

  it('reports handler failures and keeps going', async () => {
    const errors: string[] = [];
    const scheduler = new LocalScheduler(
      [{ name: 'boom', schedule: '0 0 0 1 1 *', runOnStartup: false, run: async () => Promise.reject(new Error('boom')) }],
      (job, err) => errors.push(`${job}: ${(err as Error).message}`),
    );
    await scheduler.trigger('boom');
    await scheduler.trigger('boom');
    await scheduler.stop();
    expect(errors).toEqual(['boom: boom', 'boom: boom']);
  });
});
