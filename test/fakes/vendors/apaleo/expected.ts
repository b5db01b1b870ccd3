import type { PmsRecord } from '../../../../shared/integrations/formats/pms/record.js';
import type { ApaleoData, Json } from './dataset.js';

/**
 * What the fake's data implies, worked out straight from apaleo's objects for a test to compare the
 * connector's output with: apaleo's local date-times carry the property's offset, so a business date
 * is the first ten characters; statuses, rate plan codes and amounts are read as apaleo states them.
 * Guest rooms exclude the meeting rooms (unit group MUC-MEET); rate plan COMP is complimentary.
 */
export type ExpectedDay = Required<Omit<PmsRecord, 'id' | 'date' | 'kind' | 'deleted'>> & { revenue: { FB: number; OTHER: number } };

const HOLDS_A_ROOM = ['Confirmed', 'InHouse', 'CheckedOut'];
const round = (n: number) => Math.round(n * 100) / 100;
const obj = (v: unknown) => v as Json;

export function expectedDay(data: ApaleoData, date: string): ExpectedDay {
  const rooms = data.units.filter((u) => obj(u.unitGroup).id !== 'MUC-MEET');
  const maintenanceOn = (u: Json, type: string) => {
    const m = obj(obj(u.status).maintenance ?? null);
    return !!m && m.type === type && String(m.from).slice(0, 10) <= date && date < String(m.to).slice(0, 10);
  };
  const day: ExpectedDay = {
    roomsAvailable: rooms.filter((u) => !maintenanceOn(u, 'OutOfInventory')).length,
    outOfOrder: rooms.filter((u) => maintenanceOn(u, 'OutOfOrder')).length,
    roomsSold: 0,
    complimentary: 0,
    roomRevenue: 0,
    guests: 0,
    arrivals: 0,
    departures: 0,
    revenue: { FB: 0, OTHER: 0 },
  };
  for (const r of data.reservations) {
    if (!HOLDS_A_ROOM.includes(String(r.status)) || obj(r.unitGroup).id === 'MUC-MEET') continue;
    if (String(r.arrival).slice(0, 10) === date) day.arrivals++;
    if (String(r.departure).slice(0, 10) === date) day.departures++;
    for (const s of r.timeSlices as Json[]) {
      for (const x of s.includedServices as Json[]) {
        if (x.serviceDate !== date) continue;
        const code = obj(x.service).code;
        day.revenue[code === 'BRKF' ? 'FB' : 'OTHER'] += Number(obj(x.amount).netAmount);
      }
      if (s.serviceDate !== date) continue;
      const base = obj(s.baseAmount);
      if (obj(s.ratePlan).code === 'COMP' || base.grossAmount === 0) day.complimentary++;
      else day.roomsSold++;
      day.roomRevenue += Number(base.netAmount);
      day.guests += Number(r.adults) + (r.childrenAges as unknown[]).length;
    }
  }
  day.roomRevenue = round(day.roomRevenue);
  day.revenue = { FB: round(day.revenue.FB), OTHER: round(day.revenue.OTHER) };
  return day;
}
