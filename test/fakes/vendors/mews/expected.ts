import type { PmsOut } from '../../../../shared/connectors/vendors/mews/mapping.js';
import type { MewsDataset } from './dataset.js';

/**
 * What a hotel's figures are, computed straight from a fake Mews dataset without the connector's
 * code: the tests compare the connector's records (and the reports built from them) with these.
 */

type Obj = Record<string, unknown>;

const fmt = new Map<string, Intl.DateTimeFormat>();
const seen = new Map<string, string>();
/** The local calendar date of an instant (en-CA prints YYYY-MM-DD). */
export function localDateOf(instant: string, timeZone: string): string {
  const key = `${timeZone} ${instant}`;
  const known = seen.get(key);
  if (known) return known;
  let f = fmt.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    fmt.set(timeZone, f);
  }
  const date = f.format(new Date(instant));
  seen.set(key, date);
  return date;
}

/** A day's `pms` figures (the record without its id, date and kind). */
export type ExpectedDay = Omit<PmsOut, 'id' | 'date' | 'kind'>;

export interface ExpectationOptions {
  complimentaryRateIds: string[];
  /** Accounting category Code → department code (null: not revenue). */
  departmentByCode: Record<string, string | null>;
  amounts?: 'net' | 'gross';
}

const ROOM_TYPES = new Set(['Room', 'Suite', 'Apartment', 'Villa']);
const OCCUPYING = new Set(['Confirmed', 'Started', 'Processed']);

export function expectedRooms(d: MewsDataset): Set<string> {
  const roomCategories = new Set(d.resourceCategories.filter((c) => c.IsActive && c.ServiceId === d.serviceId && ROOM_TYPES.has(c.Type as string)).map((c) => c.Id));
  const assigned = new Set(d.resourceCategoryAssignments.filter((a) => a.IsActive && roomCategories.has(a.CategoryId)).map((a) => a.ResourceId));
  return new Set(d.resources.filter((r) => r.IsActive && assigned.has(r.Id)).map((r) => r.Id as string));
}

export function expectedDay(d: MewsDataset, date: string, o: ExpectationOptions): ExpectedDay {
  const tz = d.timeZone;
  const rooms = expectedRooms(d);
  const day: ExpectedDay = { roomsAvailable: rooms.size, outOfOrder: 0, roomsSold: 0, complimentary: 0, roomRevenue: 0, guests: 0, arrivals: 0, departures: 0 };
  for (const r of d.reservations) {
    if (!OCCUPYING.has(r.State as string) || r.ServiceId !== d.serviceId) continue;
    const a = localDateOf(r.ScheduledStartUtc as string, tz);
    const e = localDateOf(r.ScheduledEndUtc as string, tz);
    if (a === date) day.arrivals++;
    if (e === date) day.departures++;
    if (a <= date && date < e) {
      if (o.complimentaryRateIds.includes(r.RateId as string)) day.complimentary++;
      else day.roomsSold++;
      day.guests += (r.PersonCounts as Array<{ Count: number }>).reduce((s, p) => s + p.Count, 0);
    }
  }
  const ooo = new Set<string>();
  for (const b of d.resourceBlocks) {
    if (!b.IsActive || b.Type !== 'OutOfOrder' || !rooms.has(b.AssignedResourceId as string)) continue;
    const first = localDateOf(b.StartUtc as string, tz);
    const last = localDateOf(new Date(Date.parse(b.EndUtc as string) - 1).toISOString(), tz);
    if (first <= date && date <= last) ooo.add(b.AssignedResourceId as string);
  }
  day.outOfOrder = ooo.size;
  let cents = 0;
  for (const i of d.orderItems) {
    if (i.ServiceId !== d.serviceId || !['SpaceOrder', 'NightRebate'].includes(i.Type as string)) continue;
    if (!['Open', 'Closed'].includes(i.AccountingState as string) || localDateOf(i.ConsumedUtc as string, tz) !== date) continue;
    cents += Math.round(value(i, o) * 100);
  }
  day.roomRevenue = cents / 100;
  return day;
}

function value(i: Obj, o: ExpectationOptions): number {
  const a = i.Amount as { NetValue: number; GrossValue: number };
  return o.amounts === 'gross' ? a.GrossValue : a.NetValue;
}

/** Revenue by department code on `date` besides night prices (departments with any such item that day, even if all cancelled). */
export function expectedRevenue(d: MewsDataset, date: string, o: ExpectationOptions): Record<string, number> {
  const code = new Map(d.accountingCategories.map((a) => [a.Id as string, a.Code as string]));
  const sums = new Map<string, number>();
  for (const i of d.orderItems) {
    if (localDateOf(i.ConsumedUtc as string, d.timeZone) !== date) continue;
    // Night prices are the day's PMS room revenue, not an accounting posting on top of it.
    if (i.ServiceId === d.serviceId && ['SpaceOrder', 'NightRebate'].includes(i.Type as string)) continue;
    const dept = o.departmentByCode[code.get(i.AccountingCategoryId as string) ?? ''];
    if (dept === undefined) throw new Error(`test options map no department for category ${String(i.AccountingCategoryId)}`);
    if (dept === null) continue;
    const cents = ['Open', 'Closed'].includes(i.AccountingState as string) ? Math.round(value(i, o) * 100) : 0;
    sums.set(dept, (sums.get(dept) ?? 0) + cents);
  }
  return Object.fromEntries([...sums].map(([k, v]) => [k, v / 100]));
}
