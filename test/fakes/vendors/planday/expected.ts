import type { PlandayData } from './dataset.js';

/**
 * What the fake portal's punch clock records amount to per department code and business date,
 * computed here from the fake's UTC instants (not by the connector's labour module or its
 * wall-clock reading): local dates by Intl, hours as elapsed time minus breaks (unpaid), daily
 * overtime ×`multiplier` after `after` hours per employee and business date, rates per employee else
 * the default.
 */
export interface ExpectOptions {
  departmentIds: number[];
  departmentCode: Record<number, string>;
  employeeRates: Record<number, number>;
  defaultRate: number;
  daily?: { after: number; multiplier: number };
  approvedOnly?: boolean;
}

const localDate = (instant: string, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));

export function expectedLabour(data: PlandayData, o: ExpectOptions): Map<string, { hours: number; cost: number }> {
  const out = new Map<string, { hours: number; cost: number }>();
  const worked = new Map<string, number>();
  const live = data.records
    .filter((r) => r.employeeId !== null && r.end && o.departmentIds.includes(r.departmentId) && (!o.approvedOnly || r.isApproved))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  for (const r of live) {
    const date = localDate(r.start, data.timeZone);
    const breakMs = r.breaks.reduce((s, b) => s + Date.parse(b.end) - Date.parse(b.start), 0);
    const hours = (Date.parse(r.end!) - Date.parse(r.start) - breakMs) / 3_600_000;
    const rate = o.employeeRates[r.employeeId!] ?? o.defaultRate;
    const key = `${r.employeeId}|${date}`;
    const before = worked.get(key) ?? 0;
    worked.set(key, before + hours);
    const over = o.daily ? Math.max(0, before + hours - Math.max(before, o.daily.after)) : 0;
    const cost = (hours - over) * rate + over * rate * (o.daily?.multiplier ?? 1);
    const k = `${o.departmentCode[r.departmentId]}|${date}`;
    const sum = out.get(k) ?? { hours: 0, cost: 0 };
    out.set(k, { hours: sum.hours + hours, cost: Math.round((sum.cost + cost) * 100) / 100 });
  }
  return out;
}
