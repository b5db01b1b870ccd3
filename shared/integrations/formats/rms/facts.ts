import type { FactShape } from '../format.js';
import type { RmsRecord } from './record.js';

/** A date's forecast: a property-level snapshot (the latest forecast wins). */
export function rmsFact(r: RmsRecord): FactShape {
  const revenue = r.roomRevenue ?? Math.round(r.rooms * (r.adr ?? 0) * 100) / 100;
  return { date: r.date, scenario: 'forecast', contributions: [{ departmentId: null, snapshot: true, measures: { roomsSold: r.rooms, roomRevenue: revenue } }] };
}
