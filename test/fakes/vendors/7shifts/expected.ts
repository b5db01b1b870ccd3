import type { SevenShiftsData } from './dataset.js';

/**
 * What the fake company's punches amount to per department code and business date, computed here
 * from the fake's objects (not by the connector's labour module): local dates by the zone's offset,
 * hours as elapsed time minus unpaid breaks, daily overtime ×`multiplier` after `after` hours per
 * employee and business date, wages in cents else the role rate.
 */
export interface ExpectOptions {
  timeZone: string;
  locationId: number;
  departmentCode: Record<number, string>;
  roleRates: Record<number, number>;
  daily?: { after: number; multiplier: number };
}

const localDate = (instant: string, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));

export function expectedLabour(data: SevenShiftsData, o: ExpectOptions): Map<string, { hours: number; cost: number }> {
  const out = new Map<string, { hours: number; cost: number }>();
  const worked = new Map<string, number>();
  const live = data.punches.filter((p) => p.location_id === o.locationId && !p.deleted && p.clocked_out).sort((a, b) => Date.parse(a.clocked_in) - Date.parse(b.clocked_in));
  for (const p of live) {
    const date = localDate(p.clocked_in, o.timeZone);
    const unpaidMs = p.breaks.filter((b) => !b.paid).reduce((s, b) => s + Date.parse(b.out) - Date.parse(b.in), 0);
    const hours = (Date.parse(p.clocked_out!) - Date.parse(p.clocked_in) - unpaidMs) / 3_600_000;
    const rate = p.hourly_wage > 0 ? p.hourly_wage / 100 : (o.roleRates[p.role_id] ?? 0);
    const key = `${p.user_id}|${date}`;
    const before = worked.get(key) ?? 0;
    worked.set(key, before + hours);
    const over = o.daily ? Math.max(0, before + hours - Math.max(before, o.daily.after)) : 0;
    const cost = (hours - over) * rate + over * rate * (o.daily?.multiplier ?? 1);
    const k = `${o.departmentCode[p.department_id]}|${date}`;
    const sum = out.get(k) ?? { hours: 0, cost: 0 };
    out.set(k, { hours: sum.hours + hours, cost: Math.round((sum.cost + cost) * 100) / 100 });
  }
  return out;
}

/**
 * The scheduled hours of the fake company's published, assigned, live shifts of a location per
 * department code and local start date, computed here from the fake's objects: start to end minus
 * unpaid breaks (by their instants, else their length).
 */
export function expectedSchedule(data: SevenShiftsData, o: Pick<ExpectOptions, 'timeZone' | 'locationId' | 'departmentCode'>): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of data.shifts) {
    if (s.location_id !== o.locationId || s.deleted || s.draft || s.open || s.user_id === null) continue;
    const unpaidMs = s.breaks.filter((b) => !b.paid).reduce((sum, b) => sum + (b.start && b.end ? Date.parse(b.end) - Date.parse(b.start) : (b.length ?? 0) * 60_000), 0);
    const hours = (Date.parse(s.end) - Date.parse(s.start) - unpaidMs) / 3_600_000;
    const k = `${o.departmentCode[s.department_id]}|${localDate(s.start, o.timeZone)}`;
    out.set(k, Math.round(((out.get(k) ?? 0) + hours) * 100) / 100);
  }
  return out;
}
