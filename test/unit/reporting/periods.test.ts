import { describe, expect, it } from '@jest/globals';
import { addDays, bucketOf, bucketsOf, fromLastYear, isIsoDate, isoWeek, lastYearOf, localDateTime } from '../../../shared/reporting/periods.js';

describe('ISO weeks', () => {
  it.each([
    ['2026-12-31', 2026, 53],
    ['2027-01-03', 2026, 53],
    ['2027-01-04', 2027, 1],
    ['2020-12-31', 2020, 53],
    ['2021-01-03', 2020, 53],
    ['2024-12-30', 2025, 1],
    ['2026-01-01', 2026, 1],
    ['2026-03-14', 2026, 11],
  ])('%s is in %i-W%i', (date, year, week) => {
    expect(isoWeek(date)).toEqual({ year, week });
  });

  it('buckets a range across the year boundary into week 53 and week 1, clipped to the range', () => {
    expect(bucketsOf('2026-12-30', '2027-01-05', 'week')).toEqual([
      { key: '2026-W53', from: '2026-12-30', to: '2027-01-03' },
      { key: '2027-W01', from: '2027-01-04', to: '2027-01-05' },
    ]);
  });
});

describe('buckets', () => {
  it('splits months, quarters and years at their boundaries', () => {
    expect(bucketsOf('2026-01-30', '2026-03-01', 'month').map((b) => [b.key, b.from, b.to])).toEqual([
      ['2026-01', '2026-01-30', '2026-01-31'],
      ['2026-02', '2026-02-01', '2026-02-28'],
      ['2026-03', '2026-03-01', '2026-03-01'],
    ]);
    expect(bucketOf('2028-02-10', 'month').to).toBe('2028-02-29');
    expect(bucketsOf('2026-03-31', '2026-04-01', 'quarter').map((b) => b.key)).toEqual(['2026-Q1', '2026-Q2']);
    expect(bucketsOf('2025-12-31', '2026-01-01', 'year').map((b) => b.key)).toEqual(['2025', '2026']);
    expect(bucketsOf('2026-03-14', '2026-03-16', 'day').map((b) => b.key)).toEqual(['2026-03-14', '2026-03-15', '2026-03-16']);
  });
});

describe('last year', () => {
  it('aligns by calendar date, mapping 29 February to 28 February', () => {
    expect(lastYearOf('2026-03-14', 'calendar')).toBe('2025-03-14');
    expect(lastYearOf('2028-02-29', 'calendar')).toBe('2027-02-28');
    expect(fromLastYear('2025-03-14', 'calendar')).toBe('2026-03-14');
  });

  it('aligns by weekday 364 days back', () => {
    expect(lastYearOf('2026-03-14', 'weekday')).toBe('2025-03-15');
    expect(new Date('2025-03-15T00:00:00Z').getUTCDay()).toBe(new Date('2026-03-14T00:00:00Z').getUTCDay());
    expect(fromLastYear('2025-03-15', 'weekday')).toBe('2026-03-14');
  });
});

describe('dates and time zones', () => {
  it('accepts only real dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-2-1')).toBe(false);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('one instant is a different business date on each side of the date line', () => {
    const instant = new Date('2026-03-15T18:00:00Z');
    expect(localDateTime(instant, 'Pacific/Auckland')).toEqual({ date: '2026-03-16', hour: 7 });
    expect(localDateTime(instant, 'America/Los_Angeles')).toEqual({ date: '2026-03-15', hour: 11 });
    expect(localDateTime(new Date('2026-12-31T23:30:00Z'), 'Asia/Tokyo')).toEqual({ date: '2027-01-01', hour: 8 });
  });
});
