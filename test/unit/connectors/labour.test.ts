import { affectedWeeks, EMPTY_RATES, overtimeRules, paidHours, rateOf, rateTable, toTimeRecords, type Punch } from '../../../shared/connectors/labour/index.js';

const NONE = overtimeRules.parse({});
const punch = (over: Partial<Punch> & Pick<Punch, 'id' | 'clockIn' | 'clockOut'>): Punch => ({ employeeRef: 'u1', employeeNumber: 'E1', department: 'FB', breaks: [], hourlyRate: 20, ...over });

describe('labour: hours and business dates', () => {
  it('keeps a shift over midnight on its start date, deducts unpaid breaks and keeps paid ones', () => {
    // 18:00 to 02:30 in Vienna (CET, UTC+1) = 8.5 h; 30 min unpaid deducted, 15 min paid kept: 8 h × 20 = 160.
    const [r] = toTimeRecords(
      [punch({ id: 'p1', clockIn: '2026-03-14T17:00:00Z', clockOut: '2026-03-15T01:30:00Z', breaks: [{ paid: false, start: '2026-03-14T21:00:00Z', end: '2026-03-14T21:30:00Z' }, { paid: true, minutes: 15 }] })],
      [],
      { timeZone: 'Europe/Vienna', overtime: NONE, rates: EMPTY_RATES, idPrefix: 't' },
    );
    expect(r).toEqual({ id: 't:punch:p1', employeeNumber: 'E1', department: 'FB', date: '2026-03-14', productiveHours: 8, nonProductiveHours: 0, labourCost: 160 });
  });

  it('dates a shift by the local clock-in, not the UTC one', () => {
    // 00:30 local on 15 March is 23:30 UTC on 14 March.
    const [r] = toTimeRecords([punch({ id: 'p2', clockIn: '2026-03-14T23:30:00Z', clockOut: '2026-03-15T03:30:00Z' })], [], { timeZone: 'Europe/Vienna', overtime: NONE, rates: EMPTY_RATES, idPrefix: 't' });
    expect(r).toMatchObject({ date: '2026-03-15', productiveHours: 4, labourCost: 80 });
  });

  it('counts the hours really worked across DST nights', () => {
    // Spring forward (29 March 2026, 02:00 → 03:00 in Vienna): 22:00 to 06:00 on the wall clock is 7 h.
    const spring = punch({ id: 's', clockIn: '2026-03-28T22:00:00+01:00', clockOut: '2026-03-29T06:00:00+02:00' });
    // Fall back (25 October 2026, 03:00 → 02:00): 22:00 to 06:00 on the wall clock is 9 h.
    const autumn = punch({ id: 'a', clockIn: '2026-10-24T22:00:00+02:00', clockOut: '2026-10-25T06:00:00+01:00' });
    expect(paidHours(spring)).toBe(7);
    expect(paidHours(autumn)).toBe(9);
    const records = toTimeRecords([spring, autumn], [], { timeZone: 'Europe/Vienna', overtime: overtimeRules.parse({ daily: [{ after: 8, multiplier: 1.5 }] }), rates: EMPTY_RATES, idPrefix: 't' });
    // Spring: 7 h × 20 = 140. Autumn: 8 × 20 + 1 × 1.5 × 20 = 190.
    expect(records.map((r) => [r.date, r.productiveHours, r.labourCost])).toEqual([
      ['2026-03-28', 7, 140],
      ['2026-10-24', 9, 190],
    ]);
  });

  it('never counts a negative shift or a break longer than the shift', () => {
    expect(paidHours(punch({ id: 'x', clockIn: '2026-03-14T10:00:00Z', clockOut: '2026-03-14T09:00:00Z' }))).toBe(0);
    expect(paidHours(punch({ id: 'y', clockIn: '2026-03-14T10:00:00Z', clockOut: '2026-03-14T11:00:00Z', breaks: [{ paid: false, minutes: 90 }] }))).toBe(0);
  });

  it('rounds hours to four decimals and cost to cents', () => {
    const [r] = toTimeRecords([punch({ id: 'm', clockIn: '2026-03-14T10:00:00Z', clockOut: '2026-03-14T10:20:00Z' })], [], { timeZone: 'UTC', overtime: NONE, rates: EMPTY_RATES, idPrefix: 't' });
    expect(r).toMatchObject({ productiveHours: 0.3333, labourCost: 6.67 });
  });
});

describe('labour: overtime', () => {
  const rules = overtimeRules.parse({ daily: [{ after: 12, multiplier: 2 }, { after: 8, multiplier: 1.5 }], weekly: [{ after: 40, multiplier: 1.5 }], weekStartsOn: 1 });
  const at = (id: string, date: string, from: string, to: string, over: Partial<Punch> = {}) => punch({ id, clockIn: `${date}T${from}:00Z`, clockOut: `${date}T${to}:00Z`, ...over });

  it('applies daily tiers, then weekly over the regular hours, each hour once, and starts a new week on Monday', () => {
    const week = [
      at('mon', '2026-03-09', '07:00', '20:00'), // 13 h: 8 + 4 × 1.5 + 1 × 2 = 16 weighted → 320; regular 8
      at('tue', '2026-03-10', '08:00', '17:00'), // 9 h: 8 + 1.5 → 190; regular 16
      at('wed', '2026-03-11', '08:00', '17:00'), // 190; regular 24
      at('thu', '2026-03-12', '08:00', '17:00'), // 190; regular 32
      at('fri', '2026-03-13', '08:00', '17:00'), // 190; regular 40
      at('sat', '2026-03-14', '08:00', '14:00'), // 6 h beyond 40 regular: 6 × 1.5 × 20 = 180
      at('mon2', '2026-03-16', '08:00', '16:00'), // new week: 8 × 20 = 160
    ];
    // Given out of order: accumulation follows clock-in.
    const records = toTimeRecords([...week].reverse(), [], { timeZone: 'UTC', overtime: rules, rates: EMPTY_RATES, idPrefix: 't' });
    expect(Object.fromEntries(records.map((r) => [r.id.replace('t:punch:', ''), r.labourCost]))).toEqual({ mon: 320, tue: 190, wed: 190, thu: 190, fri: 190, sat: 180, mon2: 160 });
  });

  it('adds up a split shift on one business date toward the daily threshold, per employee', () => {
    const rates = rateTable.parse({ byRole: { Server: 15 } });
    const records = toTimeRecords(
      [
        at('a', '2026-03-10', '09:00', '14:00', { employeeRef: 'u2', hourlyRate: undefined, role: 'Server' }), // 5 h × 15 = 75
        at('b', '2026-03-10', '17:00', '22:00', { employeeRef: 'u2', hourlyRate: undefined, role: 'Server' }), // 3 × 15 + 2 × 1.5 × 15 = 90
        at('c', '2026-03-10', '17:00', '22:00', { employeeRef: 'u3' }), // another employee: 5 × 20 = 100
      ],
      [],
      { timeZone: 'UTC', overtime: rules, rates, idPrefix: 't' },
    );
    expect(records.map((r) => r.labourCost)).toEqual([75, 90, 100]);
  });

  it('tells which weeks a change touches', () => {
    expect(affectedWeeks(['2026-03-15', '2026-03-09'], 1)).toEqual({ from: '2026-03-09', to: '2026-03-15' });
    expect(affectedWeeks(['2026-03-15'], 0)).toEqual({ from: '2026-03-15', to: '2026-03-21' });
    expect(affectedWeeks([], 1)).toBeUndefined();
  });
});

describe('labour: rates and leave', () => {
  const rates = rateTable.parse({ byEmployee: { u1: 30 }, byRole: { Cook: 18 }, default: 12 });

  it('takes our employee rate, then the vendor rate, then the role rate, then the default, else nothing', () => {
    expect(rateOf({ employeeRef: 'u1', role: 'Cook', hourlyRate: 20 }, rates)).toBe(30);
    expect(rateOf({ employeeRef: 'u2', role: 'Cook', hourlyRate: 20 }, rates)).toBe(20);
    expect(rateOf({ employeeRef: 'u2', role: 'Cook' }, rates)).toBe(18);
    expect(rateOf({ employeeRef: 'u2', role: 'Host' }, rates)).toBe(12);
    expect(rateOf({ employeeRef: 'u2' }, EMPTY_RATES)).toBe(0);
  });

  it('turns paid leave into non-productive hours at the plain rate and drops unpaid leave', () => {
    const records = toTimeRecords(
      [],
      [
        { id: 'l1', employeeRef: 'u2', employeeNumber: 'E2', department: 'HK', role: 'Cook', date: '2026-03-11', hours: 8, paid: true },
        { id: 'l2', employeeRef: 'u2', employeeNumber: 'E2', department: 'HK', date: '2026-03-12', hours: 8, paid: false },
      ],
      { timeZone: 'UTC', overtime: overtimeRules.parse({ daily: [{ after: 4, multiplier: 2 }] }), rates, idPrefix: 't' },
    );
    expect(records).toEqual([{ id: 't:leave:l1', employeeNumber: 'E2', department: 'HK', date: '2026-03-11', productiveHours: 0, nonProductiveHours: 8, labourCost: 144 }]);
  });

  it('refuses settings outside the schema', () => {
    expect(overtimeRules.safeParse({ daily: [{ after: 8, multiplier: 0.5 }] }).success).toBe(false);
    expect(rateTable.safeParse({ byRole: { Cook: -1 } }).success).toBe(false);
    expect(rateTable.safeParse({ perHour: 1 }).success).toBe(false);
  });
});
