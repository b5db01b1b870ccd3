import { describe, expect, it } from '@jest/globals';
import { demoAccounts, demoBatches } from '../../../shared/integrations/demo-data.js';
import { FORMATS } from '../../../shared/integrations/formats/index.js';
import { parseBatch } from '../../../shared/integrations/parse.js';

const departments = [
  { code: 'ROOMS', usaliDepartment: 'rooms' },
  { code: 'HK', usaliDepartment: 'rooms' },
  { code: 'FB', usaliDepartment: 'fnb' },
  { code: 'AG', usaliDepartment: 'admin_general' },
];

describe('demo data generator', () => {
  const batches = demoBatches({ key: 'unit', roomsAvailable: 120, departments }, { today: '2026-03-10', historyDays: 40, aheadDays: 20 });

  it('is deterministic for a key and day', () => {
    expect(demoBatches({ key: 'unit', roomsAvailable: 120, departments }, { today: '2026-03-10', historyDays: 40, aheadDays: 20 })).toEqual(batches);
  });

  it('covers every source type with records valid against the canonical schemas', () => {
    expect(new Set(batches.map((b) => b.sourceType))).toEqual(new Set(['pos', 'frs', 'tms', 'pms', 'rms', 'snc', 'ams', 'utility', 'schedules']));
    for (const b of batches) {
      const parsed = parseBatch(FORMATS[b.sourceType], 'json', Buffer.from(JSON.stringify({ records: b.records })));
      expect(parsed.errors).toEqual([]);
      expect(parsed.records).toHaveLength(b.records.length);
    }
  });

  it('books AMS lines only on mapped accounts, and keeps rooms sold within rooms available', () => {
    const accounts = demoAccounts(departments);
    for (const r of batches.filter((b) => b.sourceType === 'ams').flatMap((b) => b.records)) expect(accounts[r.account as string]).toBeDefined();
    for (const r of batches.filter((b) => b.sourceType === 'pms').flatMap((b) => b.records)) expect(r.roomsSold as number).toBeLessThanOrEqual(120);
  });

  const recordsOf = (type: string, of = batches) => of.filter((b) => b.sourceType === type).flatMap((b) => b.records);

  it('meters electricity, gas and water every day of the history at hotel magnitudes per occupied room', () => {
    const pms = new Map(recordsOf('pms').filter((r) => r.kind === undefined).map((r) => [r.date as string, r.roomsSold as number]));
    const utility = recordsOf('utility');
    for (const resource of ['electricity', 'naturalGas', 'water']) {
      const daily = utility.filter((r) => r.resource === resource);
      expect(new Set(daily.map((r) => r.date))).toEqual(new Set(pms.keys()));
    }
    const nights = [...pms.values()].reduce((a, b) => a + b, 0);
    const total = (resource: string) => utility.filter((r) => r.resource === resource).reduce((a, r) => a + (r.quantity as number), 0);
    // Benchmarks of full-service hotels (see utilityReadings): energy 60–100 kWh and water 0.6–1 m³ per occupied room night.
    const gasKwh = (total('naturalGas') * 39.5) / 3.6;
    expect((total('electricity') + gasKwh) / nights).toBeGreaterThan(50);
    expect((total('electricity') + gasKwh) / nights).toBeLessThan(120);
    expect(total('water') / nights).toBeGreaterThan(0.5);
    expect(total('water') / nights).toBeLessThan(1.2);
  });

  it('reports waste by stream and laundry for each whole past month, and a refrigerant top-up once or twice a year', () => {
    const utility = recordsOf('utility');
    // History 2026-01-29 .. 2026-03-09: February is the one whole month that is over.
    expect(new Set(utility.filter((r) => r.period !== undefined && r.resource !== 'refrigerant').map((r) => `${r.period} ${r.resource} ${r.stream ?? ''}`))).toEqual(
      new Set(['2026-02 waste landfill', '2026-02 waste recycled', '2026-02 waste composted', '2026-02 waste incinerated', '2026-02 laundry ']),
    );
    const year = demoBatches({ key: 'unit', roomsAvailable: 120, departments }, { today: '2026-03-10', historyDays: 365, aheadDays: 1 });
    const topUps = recordsOf('utility', year).filter((r) => r.resource === 'refrigerant');
    expect(topUps.length).toBeGreaterThanOrEqual(1);
    expect(topUps.length).toBeLessThanOrEqual(2);
  });

  it("publishes shifts close to the punched hours, by the time records' employees, for the past weeks and the coming days", () => {
    const tms = recordsOf('tms');
    const shifts = recordsOf('schedules');
    const hoursOf = (r: Record<string, unknown>) => (Date.parse(`${r.end as string}Z`) - Date.parse(`${r.start as string}Z`)) / 3_600_000 - (r.unpaidBreakMinutes as number) / 60;
    const past = shifts.filter((r) => (r.start as string) < '2026-03-10');
    expect(new Set(past.map((r) => r.employeeNumber)).size).toBeGreaterThan(0);
    const employees = new Set(tms.map((r) => r.employeeNumber));
    for (const r of past) expect(employees.has(r.employeeNumber)).toBe(true);
    for (const r of shifts) expect(r.id as string).not.toContain(r.employeeNumber as string);
    const punched = tms.reduce((a, r) => a + (r.productiveHours as number), 0);
    const scheduled = past.reduce((a, r) => a + hoursOf(r), 0);
    expect(scheduled).not.toBe(punched);
    expect(Math.abs(scheduled - punched) / punched).toBeLessThan(0.1);
    const ahead = new Set(shifts.filter((r) => (r.start as string) >= '2026-03-10').map((r) => (r.start as string).slice(0, 10)));
    expect(ahead.size).toBe(14);
    expect(new Set(shifts.map((r) => r.department))).toEqual(new Set(departments.map((d) => d.code)));
  });
});
