import type { PmsRecord } from '../../../integrations/formats/pms/record.js';
import type { AccountingCategory, OrderItem, Reservation, ResourceBlock } from './schemas.js';
import { departmentOf, type MewsSettings } from './settings.js';
import { businessDate, datesBetween, dayStartUtc } from '../../local-days.js';
import { addDays } from './time.js';

/**
 * From Mews objects to our canonical `pms` and `ams` records. Pure: the same objects give the same
 * records, and every record id is derived from the enterprise and the business date, so
 * recomputing a day replaces its record instead of adding one.
 */

/** Reservation states that hold a room (operations/reservations.md, Service order state). */
export const OCCUPYING_STATES = ['Confirmed', 'Started', 'Processed'] as const;
/** Every service order state, so a change feed sees cancellations too. */
export const ALL_STATES = ['Inquired', 'Confirmed', 'Started', 'Processed', 'Canceled', 'Optional', 'Requested'] as const;
/** Order item types that are the price of a night (and its rebate): room revenue. */
const ROOM_ITEM_TYPES = new Set(['SpaceOrder', 'NightRebate']);
/** Accounting states that carry revenue (Inactive: optional reservations' items; Canceled: gone). */
const REVENUE_STATES = new Set(['Open', 'Closed']);

export interface Inventory {
  enterpriseId: string;
  timeZone: string;
  /** Active resources in a room category of the accommodation service. */
  roomIds: ReadonlySet<string>;
  accountingCategories: ReadonlyMap<string, AccountingCategory>;
}

export interface DayInputs {
  /** Reservations of the accommodation service colliding with the dates (any state: only occupying ones count). */
  reservations: readonly Reservation[];
  /** Order items consumed on the dates (every service, every state). */
  orderItems: readonly OrderItem[];
  /** Resource blocks colliding with the dates. */
  blocks: readonly ResourceBlock[];
}

/** A canonical `pms` record with every field set. */
export type PmsOut = Required<Omit<PmsRecord, 'deleted'>>;

export interface AmsOut {
  id: string;
  date: string;
  account: string;
  department: string;
  amount: number;
  kind: 'actual';
}

export function pmsRecordId(enterpriseId: string, date: string): string {
  return `mews:${enterpriseId}:pms:${date}`;
}

export function amsRecordId(enterpriseId: string, date: string, department: string, account: string): string {
  return `mews:${enterpriseId}:ams:${date}:${department}:${account}`;
}

/** Money in cents while summing, so the sum does not depend on the order items arrive in. */
const cents = (v: number) => Math.round(v * 100);

function amountOf(item: OrderItem, settings: MewsSettings): number {
  return settings.amounts === 'gross' ? item.Amount.GrossValue : item.Amount.NetValue;
}

/** The business dates a reservation touches: its nights, and its departure day. */
export function reservationDates(r: Pick<Reservation, 'ScheduledStartUtc' | 'ScheduledEndUtc'>, timeZone: string): string[] {
  const arrival = businessDate(r.ScheduledStartUtc, timeZone);
  const departure = businessDate(r.ScheduledEndUtc, timeZone);
  return departure < arrival ? [arrival] : datesBetween(arrival, departure);
}

/** The business dates a resource block overlaps (end exclusive). */
export function blockDates(b: Pick<ResourceBlock, 'StartUtc' | 'EndUtc'>, timeZone: string): string[] {
  const first = businessDate(b.StartUtc, timeZone);
  const last = businessDate(new Date(Date.parse(b.EndUtc) - 1).toISOString(), timeZone);
  return last < first ? [first] : datesBetween(first, last);
}

export function orderItemDate(item: Pick<OrderItem, 'ConsumedUtc'>, timeZone: string): string {
  return businessDate(item.ConsumedUtc, timeZone);
}

/**
 * The records of `dates`, each recomputed whole from `inputs`: one `pms` record per date, and for
 * dates before `today` one `ams` record per department that had any order item that day other
 * than night prices (those are the `pms` room revenue); a department whose items were all
 * cancelled gets 0, replacing what it had. Future revenue is not posted: it is on the books in the
 * `pms` record.
 */
export function dayRecords(dates: readonly string[], inputs: DayInputs, inventory: Inventory, settings: MewsSettings, today: string): { pms: PmsOut[]; ams: AmsOut[] } {
  const tz = inventory.timeZone;
  const wanted = new Set(dates);
  const pms = new Map<string, PmsOut>();
  for (const date of wanted) {
    pms.set(date, {
      id: pmsRecordId(inventory.enterpriseId, date),
      date,
      kind: date < today ? 'actual' : 'onTheBooks',
      roomsAvailable: inventory.roomIds.size,
      outOfOrder: 0,
      roomsSold: 0,
      complimentary: 0,
      roomRevenue: 0,
      guests: 0,
      arrivals: 0,
      departures: 0,
    });
  }
  const complimentaryRates = new Set(settings.complimentaryRateIds);
  const occupying = new Set<string>(OCCUPYING_STATES);
  const counted = new Set<string>();
  for (const r of inputs.reservations) {
    if (!occupying.has(r.State) || r.ServiceId !== settings.serviceId || counted.has(r.Id)) continue;
    counted.add(r.Id);
    const arrival = businessDate(r.ScheduledStartUtc, tz);
    const departure = businessDate(r.ScheduledEndUtc, tz);
    const guests = r.PersonCounts.reduce((s, p) => s + p.Count, 0);
    const arrivalDay = pms.get(arrival);
    if (arrivalDay) arrivalDay.arrivals += 1;
    const departureDay = pms.get(departure);
    if (departureDay) departureDay.departures += 1;
    for (let night = arrival; night < departure; night = addDays(night, 1)) {
      const day = pms.get(night);
      if (!day) continue;
      if (complimentaryRates.has(r.RateId)) day.complimentary += 1;
      else day.roomsSold += 1;
      day.guests += guests;
    }
  }
  const outOfOrder = new Map<string, Set<string>>();
  for (const b of inputs.blocks) {
    if (!b.IsActive || b.Type !== 'OutOfOrder' || !inventory.roomIds.has(b.AssignedResourceId)) continue;
    for (const date of blockDates(b, tz)) {
      if (!wanted.has(date)) continue;
      const rooms = outOfOrder.get(date) ?? new Set<string>();
      rooms.add(b.AssignedResourceId);
      outOfOrder.set(date, rooms);
    }
  }
  for (const [date, rooms] of outOfOrder) pms.get(date)!.outOfOrder = rooms.size;

  const roomRevenue = new Map<string, number>();
  const departments = new Map<string, Map<string, number>>();
  const seenItems = new Set<string>();
  for (const item of inputs.orderItems) {
    if (seenItems.has(item.Id)) continue;
    seenItems.add(item.Id);
    const date = orderItemDate(item, tz);
    if (!wanted.has(date)) continue;
    const value = REVENUE_STATES.has(item.AccountingState) ? cents(amountOf(item, settings)) : 0;
    if (item.ServiceId === settings.serviceId && ROOM_ITEM_TYPES.has(item.Type)) {
      // Night prices are the pms record's room revenue; reports add rooms-department postings to
      // it as adjustments (docs/kpis.md § Rooms revenue), so posting them again would count them twice.
      roomRevenue.set(date, (roomRevenue.get(date) ?? 0) + value);
      continue;
    }
    if (date >= today) continue;
    const category = item.AccountingCategoryId ? inventory.accountingCategories.get(item.AccountingCategoryId) : undefined;
    const department = departmentOf(settings, category);
    if (department === null) continue;
    const byDept = departments.get(date) ?? new Map<string, number>();
    byDept.set(department, (byDept.get(department) ?? 0) + value);
    departments.set(date, byDept);
  }
  for (const [date, value] of roomRevenue) pms.get(date)!.roomRevenue = value / 100;

  const ams: AmsOut[] = [];
  for (const [date, byDept] of [...departments].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [department, value] of [...byDept].sort(([a], [b]) => a.localeCompare(b))) {
      ams.push({ id: amsRecordId(inventory.enterpriseId, date, department, settings.revenueAccount), date, account: settings.revenueAccount, department, amount: value / 100, kind: 'actual' });
    }
  }
  return { pms: [...pms.values()].sort((a, b) => a.date.localeCompare(b.date)), ams };
}

/** The UTC interval covering the business dates `from`..`to` (end exclusive). */
export function utcInterval(from: string, to: string, timeZone: string): { StartUtc: string; EndUtc: string } {
  return { StartUtc: dayStartUtc(from, timeZone), EndUtc: dayStartUtc(addDays(to, 1), timeZone) };
}
