import { prng } from '../../../../shared/integrations/demo-data.js';
import { addDays } from '../../../../shared/reporting/periods.js';
import { exampleOf } from './spec.js';

/**
 * The fake apaleo's data: the examples of apaleo's own documents (the Munich demo property, its
 * units A.101/A.102, the reservation XPGMSXGF-1 with its time slices and breakfast) as templates,
 * extended deterministically (a seeded generator, no clock) to a property with a stay history and
 * on-the-books reservations around `today`.
 */

export type Json = Record<string, unknown>;

export interface ApaleoData {
  property: Json;
  /** Inventory v1 UnitModel objects (maintenance with from/to). */
  units: Json[];
  /** Booking v1 ReservationModel objects with their time slices. */
  reservations: Json[];
}

export interface DatasetOptions {
  /** First and last business dates with stays. */
  from: string;
  to: string;
  /** The property's today: stays before it are checked out, after it confirmed. */
  today: string;
  /** Guest rooms (default 24). Two meeting rooms are added on top. */
  rooms?: number;
  seed?: string;
}

export { addDays };

const offsets = new Map<string, string>();

/** "+01:00"/"+02:00": the property's UTC offset on a date, read from the platform's time-zone data (memoised: formatters are slow to build). */
export function offsetOn(date: string, timeZone: string): string {
  const key = `${timeZone} ${date}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(`${date}T12:00:00Z`)).find((p) => p.type === 'timeZoneName')!.value;
    offset = /GMT([+-]\d{2}:\d{2})?/.exec(name)![1] ?? '+00:00';
    offsets.set(key, offset);
  }
  return offset;
}

const money = (n: number) => Math.round(n * 100) / 100;
const amount = (gross: number, vatPercent: number) => ({ grossAmount: money(gross), netAmount: money(gross / (1 + vatPercent / 100)), vatType: vatPercent === 7 ? 'Reduced' : 'Normal', vatPercent, currency: 'EUR' });

export function dataset(options: DatasetOptions): ApaleoData {
  const rand = prng(options.seed ?? 'apaleo');
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const property = exampleOf('PropertyModel');
  const tz = String(property.timeZone);
  const at = (date: string, time: string) => `${date}T${time}${offsetOn(date, tz)}`;

  const unitExamples = (exampleOf('UnitListModel').units as Json[]).map((u) => u as Json);
  const groups = unitExamples.map((u) => u.unitGroup as Json);
  const meetingGroup = { id: 'MUC-MEET', code: 'MEET', name: 'Meeting room', description: 'Meeting room' };
  const maintenances: Record<number, { type: string; from: string; to: string }> = {
    0: { type: 'OutOfService', from: addDays(options.today, -10), to: addDays(options.today, -7) },
    1: { type: 'OutOfOrder', from: addDays(options.today, -20), to: addDays(options.today, -15) },
    5: { type: 'OutOfInventory', from: addDays(options.from, 3), to: addDays(options.from, 6) },
  };
  const rooms = options.rooms ?? 24;
  const units: Json[] = [];
  for (let i = 0; i < rooms + 2; i++) {
    const template = unitExamples[i % unitExamples.length]!;
    const meeting = i >= rooms;
    const m = maintenances[i];
    units.push({
      id: i < unitExamples.length ? template.id : `MUC-U${String(i).padStart(3, '0')}`,
      name: meeting ? `M.${i - rooms + 1}` : `A.${101 + i}`,
      description: { en: meeting ? 'Meeting room' : `Room ${101 + i}` },
      property: template.property,
      unitGroup: meeting ? meetingGroup : groups[i % groups.length],
      status: {
        isOccupied: false,
        condition: 'Clean',
        ...(m ? { maintenance: { id: `${String(template.id)}-M${i}`, type: m.type, from: at(m.from, '10:00:00'), to: at(m.to, '10:00:00'), description: 'Scheduled maintenance' } } : {}),
      },
      maxPersons: 2,
      created: '2019-01-01T00:00:00Z',
    });
  }

  const template = exampleOf('ReservationModel');
  const breakfast = ((template.timeSlices as Json[])[0]!.includedServices as Json[])[0]!.service as Json;
  const parking = { id: 'MUC-PARK', code: 'PARK', name: 'Parking', description: 'Parking space' };
  const plans = {
    FLEX: { id: 'MUC-FLEX', code: 'FLEX', name: 'Flexible', description: 'Flexible with breakfast', isSubjectToCityTax: false },
    NONREF: { id: 'MUC-NONREF', code: 'NONREF', name: 'Non Refundable', description: 'Non Refundable', isSubjectToCityTax: false },
    COMP: { id: 'MUC-COMP', code: 'COMP', name: 'Complimentary', description: 'House use and complimentary', isSubjectToCityTax: false },
  };
  const reservations: Json[] = [];
  let n = 0;
  for (const unit of units) {
    const meeting = (unit.unitGroup as Json).id === meetingGroup.id;
    for (let arrival = addDays(options.from, -int(0, 3)); ; ) {
      arrival = addDays(arrival, int(0, 2));
      const nights = meeting ? 1 : int(1, 4);
      const departure = addDays(arrival, nights);
      if (arrival > options.to) break;
      const p = rand();
      const plan = p < 0.05 ? plans.COMP : p < 0.3 ? plans.NONREF : plans.FLEX;
      const adults = int(1, 2);
      const childrenAges = rand() < 0.2 ? [6] : [];
      const parks = rand() < 0.1;
      const s = rand();
      const past = departure < options.today;
      const status = s < 0.08 ? 'Canceled' : past && s < 0.11 ? 'NoShow' : past ? 'CheckedOut' : arrival < options.today ? 'InHouse' : 'Confirmed';
      const id = `APLO${String(++n).padStart(4, '0')}-1`;
      const created = `${addDays(arrival, -int(1, 60))}T10:00:00Z`;
      const timeSlices: Json[] = [];
      let total = 0;
      const taxes = new Map<number, { net: number; gross: number }>();
      const addTax = (a: ReturnType<typeof amount>) => {
        const t = taxes.get(a.vatPercent) ?? { net: 0, gross: 0 };
        taxes.set(a.vatPercent, { net: t.net + a.netAmount, gross: t.gross + a.grossAmount });
      };
      for (let d = arrival; d < departure; d = addDays(d, 1)) {
        const gross = plan === plans.COMP ? 0 : 80 + int(0, 60) + (new Date(`${d}T00:00:00Z`).getUTCDay() % 6 === 5 ? 20 : 0);
        const services: Json[] = [];
        if (plan === plans.FLEX) services.push({ service: breakfast, serviceDate: addDays(d, 1), count: adults, amount: amount(15 * adults, 19), bookedAsExtra: false });
        if (parks) services.push({ service: parking, serviceDate: d, count: 1, amount: amount(10, 19), bookedAsExtra: true });
        const sliceTotal = gross + services.reduce((a, x) => a + Number((x.amount as Json).grossAmount), 0);
        addTax(amount(gross, 7));
        for (const x of services) addTax(x.amount as ReturnType<typeof amount>);
        total += sliceTotal;
        timeSlices.push({
          from: at(d, '15:00:00'),
          to: at(addDays(d, 1), '11:00:00'),
          serviceDate: d,
          ratePlan: plan,
          unitGroup: unit.unitGroup,
          unit: { id: unit.id, name: unit.name, description: 'Guest room' },
          baseAmount: amount(gross, 7),
          totalGrossAmount: { amount: money(sliceTotal), currency: 'EUR' },
          includedServices: services,
        });
      }
      reservations.push({
        ...template,
        id,
        bookingId: id.slice(0, -2),
        status,
        unit: { id: unit.id, name: unit.name, description: 'Guest room' },
        ratePlan: plan,
        unitGroup: unit.unitGroup,
        totalGrossAmount: { amount: money(total), currency: 'EUR' },
        // Required by ReservationItemModel/ReservationModel though the documents' own examples leave them out.
        balance: { amount: 0, currency: 'EUR' },
        payableAmount: { guest: { amount: money(total), currency: 'EUR' } },
        taxDetails: [...taxes].map(([vatPercent, t]) => ({ vatType: vatPercent === 7 ? 'Reduced' : 'Normal', vatPercent, net: { amount: money(t.net), currency: 'EUR' }, tax: { amount: money(t.gross - t.net), currency: 'EUR' } })),
        arrival: at(arrival, '15:00:00'),
        departure: at(departure, '11:00:00'),
        created,
        modified: created,
        adults,
        childrenAges,
        timeSlices,
        ...(status === 'Canceled' ? { cancellationTime: created } : {}),
        ...(status === 'NoShow' ? { noShowTime: at(addDays(arrival, 1), '03:00:00') } : {}),
      });
      if (status !== 'Canceled') arrival = departure;
    }
  }
  return { property, units, reservations };
}
