import type { PmsRecord } from '../../../integrations/formats/pms/record.js';
import type { CanonicalBatch } from '../../connector.js';
import { businessDate, datesBetween } from '../../local-days.js';
import type { Reservation, Unit } from './schemas.js';
import type { ApaleoSettings, RevenueTarget } from './settings.js';

/** Reservations that hold a room: a cancelled or no-show reservation holds none, nor a status apaleo adds later. */
const STAYING = new Set(['Confirmed', 'InHouse', 'CheckedOut']);

export interface DayInput {
  settings: ApaleoSettings;
  /** Business dates to produce, inclusive. */
  from: string;
  to: string;
  /** Every reservation staying in the dates (any status; cancelled ones are skipped here). */
  reservations: readonly Reservation[];
  /** Every unit of the property, with its maintenance window when it has one. */
  units: readonly Unit[];
  timeZone: string;
  /** Today in the property's time zone: earlier dates are actuals, this one and later are on the books. */
  today: string;
}

/** A day's figures: the canonical pms record's, plus revenue by target. */
type Day = Required<Omit<PmsRecord, 'id' | 'date' | 'kind' | 'deleted'>> & { revenue: Map<string, number> };

const cents = (n: number) => Math.round(n * 100) / 100;
const targetKey = (t: RevenueTarget) => `${t.department}|${t.account}`;

/** Every revenue target of the settings, once each: a day's postings always name all of them, so a cancellation brings a department back to 0. */
function revenueTargets(settings: ApaleoSettings): RevenueTarget[] {
  const m = settings.revenueMapping;
  const all = [...Object.values(m.services), m.otherServices];
  return [...new Map(all.map((t) => [targetKey(t), t])).values()];
}

/** The revenue target of an apaleo service code (own keys only: a code like 'constructor' is just another unlisted code). */
function serviceTarget(settings: ApaleoSettings, serviceCode: string | undefined): RevenueTarget {
  const m = settings.revenueMapping;
  return serviceCode !== undefined && Object.hasOwn(m.services, serviceCode) ? m.services[serviceCode]! : m.otherServices;
}

/**
 * Nights a maintenance takes a unit out: its local dates from the start up to (not including) the
 * end's date, or the one date of a maintenance that starts and ends on the same day.
 */
function maintenanceDates(m: { from: string; to: string }, timeZone: string): { first: string; last: string } {
  const first = businessDate(m.from, timeZone);
  const end = businessDate(m.to, timeZone);
  return { first, last: end > first ? datesBetween(first, end).at(-2)! : first };
}

/**
 * The property's daily room statistics (`pms`, accommodation revenue included) and the revenue of the
 * services booked with the stays by department (`ams`, actual dates only)
 * for `from`..`to`, from apaleo's reservations (time slices) and units. A pure function of its input:
 * a re-run, a cancellation or a late change recomputes whole days under the same record ids.
 */
export function mapDays(input: DayInput): CanonicalBatch[] {
  const { settings, timeZone } = input;
  const excluded = new Set(settings.excludedUnitGroupIds);
  const complimentaryPlans = new Set(settings.complimentaryRatePlanCodes);
  const basis = settings.revenueBasis === 'net' ? 'netAmount' : 'grossAmount';
  const dates = datesBetween(input.from, input.to);
  const days = new Map<string, Day>(dates.map((d) => [d, { roomsAvailable: 0, outOfOrder: 0, roomsSold: 0, complimentary: 0, roomRevenue: 0, guests: 0, arrivals: 0, departures: 0, revenue: new Map() }]));
  const addRevenue = (date: string, target: RevenueTarget, value: number) => {
    const day = days.get(date);
    if (day) day.revenue.set(targetKey(target), (day.revenue.get(targetKey(target)) ?? 0) + value);
  };

  const rooms = input.units.filter((u) => !u.unitGroup || !excluded.has(u.unitGroup.id));
  for (const day of days.values()) day.roomsAvailable = rooms.length;
  for (const u of rooms) {
    const m = u.status.maintenance;
    if (!m) continue;
    const { first, last } = maintenanceDates(m, timeZone);
    for (const [date, day] of days) {
      if (date < first || date > last) continue;
      // apaleo: out of inventory leaves the house count; out of order stays in it (reports subtract it by the property's setting); out of service is still sellable.
      if (m.type === 'OutOfInventory') day.roomsAvailable -= 1;
      else if (m.type === 'OutOfOrder') day.outOfOrder += 1;
    }
  }

  for (const r of input.reservations) {
    if (!STAYING.has(r.status) || excluded.has(r.unitGroup.id)) continue;
    const arrival = days.get(businessDate(r.arrival, timeZone));
    if (arrival) arrival.arrivals += 1;
    const departure = days.get(businessDate(r.departure, timeZone));
    if (departure) departure.departures += 1;
    const guests = r.adults + (r.childrenAges?.length ?? 0);
    for (const slice of r.timeSlices ?? []) {
      for (const s of slice.includedServices ?? []) addRevenue(s.serviceDate, serviceTarget(settings, s.service.code), s.amount[basis]);
      const day = days.get(slice.serviceDate);
      if (!day) continue;
      const price = slice.baseAmount[basis];
      if (complimentaryPlans.has(slice.ratePlan.code ?? '') || slice.baseAmount.grossAmount === 0) day.complimentary += 1;
      else day.roomsSold += 1;
      day.roomRevenue += price;
      day.guests += guests;
    }
  }

  const p = settings.propertyId;
  const pms: Array<Record<string, unknown>> = [];
  const ams: Array<Record<string, unknown>> = [];
  const targets = revenueTargets(settings);
  for (const [date, d] of days) {
    const actual = date < input.today;
    pms.push({
      id: actual ? `apaleo:${p}:${date}` : `apaleo:${p}:${date}:otb`,
      date,
      kind: actual ? 'actual' : 'onTheBooks',
      roomsAvailable: Math.max(0, d.roomsAvailable),
      outOfOrder: d.outOfOrder,
      roomsSold: d.roomsSold,
      complimentary: d.complimentary,
      roomRevenue: cents(d.roomRevenue),
      guests: d.guests,
      arrivals: d.arrivals,
      departures: d.departures,
    });
    if (!actual) continue;
    for (const t of targets) {
      ams.push({ id: `apaleo:${p}:${date}:${t.department}:${t.account}`, date, account: t.account, department: t.department, amount: cents(d.revenue.get(targetKey(t)) ?? 0), kind: 'actual' });
    }
  }
  const batches: CanonicalBatch[] = [{ sourceType: 'pms', records: pms }];
  if (ams.length) batches.push({ sourceType: 'ams', records: ams });
  return batches;
}

/** The business dates a reservation touches: its nights, its services' dates, its arrival and departure days. */
export function datesOf(r: Reservation, timeZone: string): string[] {
  const out = new Set<string>([businessDate(r.arrival, timeZone), businessDate(r.departure, timeZone)]);
  for (const slice of r.timeSlices ?? []) {
    out.add(slice.serviceDate);
    for (const s of slice.includedServices ?? []) out.add(s.serviceDate);
  }
  const first = [...out].sort()[0]!;
  const last = [...out].sort().at(-1)!;
  return datesBetween(first, last);
}
