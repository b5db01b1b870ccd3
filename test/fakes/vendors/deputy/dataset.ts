/**
 * A small Deputy install for the fake server: two locations (Company 1 is this hotel, in Vienna;
 * Company 2 another hotel), three areas, and timesheets chosen to exercise the labour rules: a meal
 * break (elapsed time above TotalTime), a shift over midnight, one starting after local midnight
 * (still the previous UTC day), the spring DST night, a Cost of 0 (rate table), a discarded one, one
 * in progress, one in the other hotel's area, and leave timesheets (as Deputy creates them for
 * approved leave) of a paid rule, of an unpaid rule, and of a paid rule without a Cost (rate table).
 */

export interface FakeTimesheet {
  Id: number;
  Employee: number;
  Date: string;
  StartTime: number;
  EndTime: number | null;
  TotalTime: number;
  Cost: number;
  OperationalUnit: number;
  IsInProgress: boolean;
  IsLeave: boolean;
  Discarded: boolean;
  TimeApproved: boolean;
  /** Leave timesheets: the LeaveRules Id. */
  LeaveRule?: number;
  Created: string;
  Modified: string;
}

export interface DeputyData {
  companies: Array<{ Id: number; CompanyName: string }>;
  areas: Array<{ Id: number; Company: number; OperationalUnitName: string; Active: boolean }>;
  employees: Array<{ Id: number; Company: number; FirstName: string; LastName: string; DisplayName: string; Active: boolean }>;
  timesheets: FakeTimesheet[];
  /** LeaveRules, with the fields of Deputy's LeaveRules page: Type 2 holiday, 7 unpaid, 1 sick; PaidLeave 1 paid, 0 unpaid. */
  leaveRules: Array<{ Id: number; Name: string; Type: number; PaidLeave: number; UnitType: number; Visible: boolean }>;
}

export const HOTEL = 1;
export const OTHER_HOTEL = 2;
export const KITCHEN = 11;
export const HOUSEKEEPING = 12;
export const OTHER_AREA = 21;
export const ANNUAL_LEAVE = 1;
export const UNPAID_LEAVE = 2;
export const SICK_LEAVE = 3;

const unix = (iso: string) => Date.parse(iso) / 1000;
const viennaDate = (iso: string) => `${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Vienna' }).format(new Date(iso))}T00:00:00+01:00`;
export const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** A timesheet from `start` to `end` (UTC) with `breakMinutes` unpaid, costed at `rate` per paid hour. */
function sheet(id: number, employee: number, area: number, rate: number, start: string, end: string | null, breakMinutes = 0, over: Partial<FakeTimesheet> = {}): FakeTimesheet {
  const total = end ? (Date.parse(end) - Date.parse(start)) / 3_600_000 - breakMinutes / 60 : 0;
  const modified = stamp(Date.parse(end ?? start) + 10 * 60_000);
  return { Id: id, Employee: employee, Date: viennaDate(start), StartTime: unix(start), EndTime: end ? unix(end) : null, TotalTime: total, Cost: Math.round(total * rate * 100) / 100, OperationalUnit: area, IsInProgress: end === null, IsLeave: false, Discarded: false, TimeApproved: true, Created: modified, Modified: modified, ...over };
}

export function deputyDataset(): DeputyData {
  return {
    companies: [
      { Id: HOTEL, CompanyName: 'North Hotel' },
      { Id: OTHER_HOTEL, CompanyName: 'South Hotel' },
    ],
    areas: [
      { Id: KITCHEN, Company: HOTEL, OperationalUnitName: 'Kitchen', Active: true },
      { Id: HOUSEKEEPING, Company: HOTEL, OperationalUnitName: 'Housekeeping', Active: true },
      { Id: OTHER_AREA, Company: OTHER_HOTEL, OperationalUnitName: 'Housekeeping', Active: true },
    ],
    employees: [
      { Id: 501, Company: HOTEL, FirstName: 'Ada', LastName: 'Kitchen', DisplayName: 'Ada K', Active: true },
      { Id: 502, Company: HOTEL, FirstName: 'Bo', LastName: 'Rooms', DisplayName: 'Bo R', Active: true },
      { Id: 503, Company: HOTEL, FirstName: 'Cy', LastName: 'Former', DisplayName: 'Cy F', Active: false },
    ],
    timesheets: [
      // 06:00–15:00 Vienna (CET), 30 min meal break: 8.5 paid hours at 18.
      sheet(1001, 501, KITCHEN, 18, '2026-03-10T05:00:00Z', '2026-03-10T14:00:00Z', 30),
      // 16:00–00:30 Vienna, over midnight.
      sheet(1002, 501, KITCHEN, 18, '2026-03-11T15:00:00Z', '2026-03-11T23:30:00Z'),
      // 08:00–12:00 Vienna, no cost in Deputy: the rate table's area rate.
      sheet(1003, 502, HOUSEKEEPING, 0, '2026-03-10T07:00:00Z', '2026-03-10T11:00:00Z'),
      // 00:30–07:30 Vienna on 12 March (23:30 UTC on the 11th).
      sheet(1004, 503, HOUSEKEEPING, 14, '2026-03-11T23:30:00Z', '2026-03-12T06:30:00Z'),
      // 22:00–06:00 Vienna over the spring DST change: 7 hours.
      sheet(1005, 501, KITCHEN, 18, '2026-03-28T21:00:00Z', '2026-03-29T04:00:00Z'),
      // Another hotel's area: not this property.
      sheet(1006, 502, OTHER_AREA, 14, '2026-03-10T07:00:00Z', '2026-03-10T15:00:00Z'),
      // Discarded in Deputy.
      sheet(1007, 502, HOUSEKEEPING, 14, '2026-03-13T07:00:00Z', '2026-03-13T15:00:00Z', 0, { Discarded: true }),
      // Still clocked on.
      sheet(1008, 502, HOUSEKEEPING, 14, '2026-03-29T07:00:00Z', null),
      // Annual leave, a timesheet in Deputy: not worked time but paid, 8 non-productive hours at 14.
      sheet(1009, 502, HOUSEKEEPING, 14, '2026-03-16T07:00:00Z', '2026-03-16T15:00:00Z', 0, { IsLeave: true, LeaveRule: ANNUAL_LEAVE }),
      // Unpaid leave: nothing.
      sheet(1010, 501, KITCHEN, 18, '2026-03-17T07:00:00Z', '2026-03-17T15:00:00Z', 0, { IsLeave: true, LeaveRule: UNPAID_LEAVE, Cost: 0 }),
      // Sick leave (paid), no Cost in Deputy: 4 non-productive hours at the rate table's housekeeping rate.
      sheet(1011, 502, HOUSEKEEPING, 0, '2026-03-18T07:00:00Z', '2026-03-18T11:00:00Z', 0, { IsLeave: true, LeaveRule: SICK_LEAVE }),
    ],
    leaveRules: [
      { Id: ANNUAL_LEAVE, Name: 'Annual Leave', Type: 2, PaidLeave: 1, UnitType: 0, Visible: true },
      { Id: UNPAID_LEAVE, Name: 'Unpaid Leave', Type: 7, PaidLeave: 0, UnitType: 0, Visible: true },
      { Id: SICK_LEAVE, Name: 'Sick Leave', Type: 1, PaidLeave: 1, UnitType: 0, Visible: true },
    ],
  };
}

/**
 * What the fake's timesheets amount to per department code and business date, computed here from
 * the fake's objects (not by the connector's labour module): local dates in Vienna, paid hours as
 * TotalTime, the rate Cost/TotalTime else the area rate, daily overtime ×`multiplier` after `after`
 * hours per employee and date.
 */
export function expectedLabour(data: DeputyData, o: { areas: number[]; departmentCode: Record<number, string>; areaRates: Record<number, number>; daily: { after: number; multiplier: number } }): Map<string, { hours: number; cost: number }> {
  const out = new Map<string, { hours: number; cost: number }>();
  const worked = new Map<string, number>();
  const live = data.timesheets.filter((t) => o.areas.includes(t.OperationalUnit) && !t.Discarded && !t.IsLeave && t.EndTime).sort((a, b) => a.StartTime - b.StartTime);
  for (const t of live) {
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Vienna' }).format(new Date(t.StartTime * 1000));
    const hours = t.TotalTime;
    const rate = t.Cost > 0 ? t.Cost / t.TotalTime : (o.areaRates[t.OperationalUnit] ?? 0);
    const key = `${t.Employee}|${date}`;
    const before = worked.get(key) ?? 0;
    worked.set(key, before + hours);
    const over = Math.max(0, before + hours - Math.max(before, o.daily.after));
    const cost = (hours - over) * rate + over * rate * o.daily.multiplier;
    const k = `${o.departmentCode[t.OperationalUnit]}|${date}`;
    const sum = out.get(k) ?? { hours: 0, cost: 0 };
    out.set(k, { hours: sum.hours + hours, cost: Math.round((sum.cost + cost) * 100) / 100 });
  }
  return out;
}

/**
 * Paid leave per department code and business date, from the fake's objects: leave timesheets of a
 * rule with PaidLeave 1, their TotalTime as non-productive hours at Cost/TotalTime, else the area
 * rate; no overtime.
 */
export function expectedLeave(data: DeputyData, o: { areas: number[]; departmentCode: Record<number, string>; areaRates: Record<number, number> }): Map<string, { hours: number; cost: number }> {
  const out = new Map<string, { hours: number; cost: number }>();
  const paid = new Set(data.leaveRules.filter((r) => r.PaidLeave === 1).map((r) => r.Id));
  for (const t of data.timesheets) {
    if (!o.areas.includes(t.OperationalUnit) || t.Discarded || !t.IsLeave || t.LeaveRule === undefined || !paid.has(t.LeaveRule)) continue;
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Vienna' }).format(new Date(t.StartTime * 1000));
    const rate = t.Cost > 0 ? t.Cost / t.TotalTime : (o.areaRates[t.OperationalUnit] ?? 0);
    const k = `${o.departmentCode[t.OperationalUnit]}|${date}`;
    const sum = out.get(k) ?? { hours: 0, cost: 0 };
    out.set(k, { hours: sum.hours + t.TotalTime, cost: Math.round((sum.cost + t.TotalTime * rate) * 100) / 100 });
  }
  return out;
}
