import { createHash } from 'node:crypto';
import { dayStartUtc } from '../../../../shared/connectors/local-days.js';
import { prng } from '../../../../shared/integrations/demo-data.js';
import { addDays } from '../../../../shared/reporting/periods.js';
import { operationsOf } from './spec.js';

/**
 * A hotel as the Mews Connector API would show it: the enterprise and its configuration, room
 * categories and rooms, accounting categories, reservations with their night, city-tax and F&B
 * order items, and out-of-order blocks. Every object starts as a copy of the example the Mews
 * reference prints for it (so each carries every field Mews sends, including ones we do not read),
 * then gets its own ids and dates from a seeded generator: the same options give the same hotel.
 */

type Obj = Record<string, unknown>;

export interface MewsDatasetOptions {
  /** First and last business date with stays (local dates). */
  from: string;
  to: string;
  /** The fake's clock: stays before it are processed, after it confirmed. */
  nowUtc: string;
  seed?: number;
}

export interface MewsDataset {
  enterpriseId: string;
  serviceId: string;
  fbServiceId: string;
  timeZone: string;
  standardRateId: string;
  complimentaryRateId: string;
  configuration: Obj;
  resourceCategories: Obj[];
  resourceCategoryAssignments: Obj[];
  resources: Obj[];
  accountingCategories: Obj[];
  reservations: Obj[];
  orderItems: Obj[];
  resourceBlocks: Obj[];
  /** The fake's clock; mutations stamp UpdatedUtc with it. */
  nowUtc: string;
}

/** A deterministic GUID from a label. */
export function guid(label: string): string {
  const h = createHash('sha256').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function example(file: string, path: string, key: string): Obj {
  const op = operationsOf(file).find((o) => o.path === path);
  const body = op?.responseExample as Obj | undefined;
  const list = body?.[key];
  if (!Array.isArray(list) || !list[0]) {
    if (body && key in body && body[key] && typeof body[key] === 'object') return structuredClone(body[key] as Obj);
    throw new Error(`no example ${key} in ${file}`);
  }
  return structuredClone(list[0] as Obj);
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const round2 = (v: number) => Math.round(v * 100) / 100;

/** Local `date` at `hour`:00 in the hotel's zone, as a UTC instant. */
export function localTime(date: string, hour: number, timeZone: string): string {
  return iso(Date.parse(dayStartUtc(date, timeZone)) + hour * 3_600_000);
}

function amount(gross: number, taxRate: number, taxCode: string): Obj {
  const net = round2(gross / (1 + taxRate));
  const tax = round2(gross - net);
  return { Currency: 'EUR', NetValue: net, GrossValue: gross, TaxValues: [{ Code: taxCode, Value: tax }], Breakdown: { Items: [{ TaxRateCode: taxCode, NetValue: net, TaxValue: tax }] } };
}

export function createMewsDataset(options: MewsDatasetOptions): MewsDataset {
  const random = prng(`mews:${options.seed ?? 17}`);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const configuration = structuredClone(operationsOf('operations/configuration.md')[0]!.responseExample as Obj);
  const enterprise = configuration.Enterprise as Obj;
  const enterpriseId = enterprise.Id as string;
  const timeZone = enterprise.TimeZoneIdentifier as string;
  const reservationTemplate = example('operations/reservations.md', '/api/connector/v1/reservations/getAll/2023-06-06', 'Reservations');
  const serviceId = reservationTemplate.ServiceId as string;
  const fbServiceId = guid('service:fb');
  configuration.NowUtc = options.nowUtc;

  // Accounting categories: the reference's two, plus the ones a hotel has.
  const accTemplate = example('operations/accountingcategories.md', '/api/connector/v1/accountingCategories/getAll', 'AccountingCategories');
  const accountingCategories = (
    [
      ['0cf7aa90-736f-43e9-a7dc-787704548d86', 'Accommodation', '345', 'Accommodation'],
      ['0b9560fb-055d-47d3-a6d4-e579c44ca558', 'Alcoholic Beverage', '100', null],
      [guid('acc:food'), 'Food', '200', 'FoodAndBeverage'],
      [guid('acc:spa'), 'Spa', '300', 'Wellness'],
      [guid('acc:citytax'), 'City tax', '900', 'Taxes'],
    ] as const
  ).map(([Id, Name, Code, Classification]) => ({ ...structuredClone(accTemplate), Id, Name, Code, Classification, EnterpriseId: enterpriseId, IsActive: true }));
  const acc = (code: string) => accountingCategories.find((a) => a.Code === code)!.Id;

  // Room categories of the accommodation service, and one that is not rooms (parking).
  const catTemplate = example('operations/resourcecategories.md', '/api/connector/v1/resourceCategories/getAll', 'ResourceCategories');
  const categories = [
    { Id: guid('cat:double'), Type: 'Room', rooms: 16, price: 120 },
    { Id: guid('cat:suite'), Type: 'Suite', rooms: 4, price: 260 },
    { Id: guid('cat:parking'), Type: 'ParkingSpot', rooms: 3, price: 15 },
  ];
  const resourceCategories = categories.map((c, i) => ({ ...structuredClone(catTemplate), Id: c.Id, EnterpriseId: enterpriseId, ServiceId: serviceId, IsActive: true, Type: c.Type, Ordering: i }));
  const resTemplate = example('operations/resources.md', '/api/connector/v1/resources/getAll', 'Resources');
  const assignTemplate = example('operations/resourcecategories.md', '/api/connector/v1/resourceCategoryAssignments/getAll', 'ResourceCategoryAssignments');
  const resources: Obj[] = [];
  const resourceCategoryAssignments: Obj[] = [];
  const rooms: Array<{ id: string; price: number; sellable: boolean }> = [];
  categories.forEach((c, ci) => {
    for (let n = 0; n < c.rooms; n++) {
      const id = guid(`room:${c.Type}:${n}`);
      const name = c.Type === 'ParkingSpot' ? `P${n + 1}` : `${ci + 1}${String(n + 1).padStart(2, '0')}`;
      resources.push({ ...structuredClone(resTemplate), Id: id, EnterpriseId: enterpriseId, IsActive: true, ParentResourceId: null, Name: name, State: 'Clean', CreatedUtc: '2020-01-01T00:00:00Z', UpdatedUtc: '2020-01-01T00:00:00Z' });
      resourceCategoryAssignments.push({ ...structuredClone(assignTemplate), Id: guid(`assign:${id}`), IsActive: true, ResourceId: id, CategoryId: c.Id, CreatedUtc: '2020-01-01T00:00:00Z', UpdatedUtc: '2020-01-01T00:00:00Z' });
      if (c.Type !== 'ParkingSpot') rooms.push({ id, price: c.price, sellable: true });
    }
  });
  // A room taken out of the inventory: inactive, not available.
  const retired = guid('room:retired');
  resources.push({ ...structuredClone(resTemplate), Id: retired, EnterpriseId: enterpriseId, IsActive: false, Name: '199', State: 'OutOfService' });
  resourceCategoryAssignments.push({ ...structuredClone(assignTemplate), Id: guid(`assign:${retired}`), IsActive: true, ResourceId: retired, CategoryId: categories[0]!.Id });

  const standardRateId = reservationTemplate.RateId as string;
  const complimentaryRateId = guid('rate:complimentary');
  const itemTemplate = example('operations/orderitems.md', '/api/connector/v1/orderItems/getAll', 'OrderItems');
  const now = Date.parse(options.nowUtc);
  const reservations: Obj[] = [];
  const orderItems: Obj[] = [];
  let number = 1000;

  for (const room of rooms) {
    let date = options.from;
    while (date <= options.to) {
      if (random() < 0.3) {
        date = addDays(date, 1);
        continue;
      }
      const nights = 1 + Math.floor(random() * 4);
      const arrival = date;
      const departure = addDays(arrival, nights);
      const id = guid(`reservation:${room.id}:${arrival}`);
      const start = localTime(arrival, 14, timeZone);
      const end = localTime(departure, 11, timeZone);
      const created = Math.min(now - 3_600_000, Date.parse(start) - (1 + Math.floor(random() * 60)) * 86_400_000);
      const roll = random();
      const complimentary = roll < 0.05;
      const cancelled = roll >= 0.05 && roll < 0.13 && created + 86_400_000 < now;
      const optional = roll >= 0.13 && roll < 0.16;
      let state = Date.parse(end) <= now ? 'Processed' : Date.parse(start) <= now ? 'Started' : 'Confirmed';
      if (optional) state = 'Optional';
      const cancelledAt = cancelled ? Math.min(now - 60_000, created + 86_400_000) : null;
      if (cancelled) state = 'Canceled';
      const updated = cancelledAt ?? (state === 'Processed' ? Date.parse(end) : state === 'Started' ? Date.parse(start) : created);
      const adults = 1 + Math.floor(random() * 2);
      const children = random() < 0.2 ? 1 : 0;
      reservations.push({
        ...structuredClone(reservationTemplate),
        Id: id,
        ServiceId: serviceId,
        Number: String(number++),
        State: state,
        CreatedUtc: iso(created),
        UpdatedUtc: iso(updated),
        CancelledUtc: cancelledAt === null ? null : iso(cancelledAt),
        CancellationReason: cancelled ? 'RequestedByGuest' : null,
        RateId: complimentary ? complimentaryRateId : standardRateId,
        AssignedResourceId: room.id,
        RequestedResourceCategoryId: resourceCategoryAssignments.find((a) => a.ResourceId === room.id)!.CategoryId,
        StartUtc: start,
        EndUtc: end,
        ScheduledStartUtc: start,
        ScheduledEndUtc: end,
        ActualStartUtc: state === 'Started' || state === 'Processed' ? start : null,
        ActualEndUtc: state === 'Processed' ? end : null,
        PersonCounts: [
          { AgeCategoryId: '1f67644f-052d-4863-acdf-ae1600c60ca0', Count: adults },
          ...(children ? [{ AgeCategoryId: 'ab58c939-be30-4a60-8f75-ae1600c60c9f', Count: children }] : []),
        ],
      });
      for (let night = arrival; night < departure; night = addDays(night, 1)) {
        const consumed = dayStartUtc(night, timeZone);
        const past = Date.parse(end) <= now;
        const accountingState = cancelled ? 'Canceled' : optional || complimentary ? 'Inactive' : past ? 'Closed' : 'Open';
        const base = {
          ...structuredClone(itemTemplate),
          EnterpriseId: enterpriseId,
          ServiceId: serviceId,
          ServiceOrderId: id,
          CreatedUtc: iso(created),
          UpdatedUtc: iso(updated),
          ConsumedUtc: consumed,
          StartUtc: consumed,
          CanceledUtc: cancelledAt === null ? null : iso(cancelledAt),
          ClosedUtc: accountingState === 'Closed' ? end : null,
          AccountingState: accountingState,
          Options: { CanceledWithReservation: cancelled },
        };
        const price = complimentary ? 0 : round2(room.price * (0.85 + random() * 0.3));
        orderItems.push({ ...base, Id: guid(`item:night:${id}:${night}`), AccountingCategoryId: acc('345'), UnitCount: 1, UnitAmount: amount(price, 0.1, 'HU-2020-L'), Amount: amount(price, 0.1, 'HU-2020-L'), OriginalAmount: amount(price, 0.1, 'HU-2020-L'), RevenueType: 'Service', Type: 'SpaceOrder', Data: null });
        const tax = round2(2.5 * adults);
        orderItems.push({ ...base, Id: guid(`item:tax:${id}:${night}`), AccountingCategoryId: acc('900'), UnitCount: adults, UnitAmount: amount(2.5, 0, 'HU-2020-Z'), Amount: amount(tax, 0, 'HU-2020-Z'), OriginalAmount: amount(tax, 0, 'HU-2020-Z'), RevenueType: 'Additional', Type: 'CityTax', Data: null });
        // Guests eat and drink on the nights already spent; the spa now and then.
        if (!cancelled && !optional && Date.parse(localTime(night, 20, timeZone)) <= now) {
          const extras: Array<[string, string, number]> = [];
          if (random() < 0.5) extras.push(['food', '200', round2(18 + random() * 40)]);
          if (random() < 0.35) extras.push(['bar', '100', round2(8 + random() * 30)]);
          if (random() < 0.1) extras.push(['spa', '300', round2(60 + random() * 60)]);
          for (const [kind, code, gross] of extras) {
            const at = localTime(night, 20, timeZone);
            orderItems.push({
              ...base,
              Id: guid(`item:${kind}:${id}:${night}`),
              ServiceId: fbServiceId,
              AccountingCategoryId: acc(code),
              ConsumedUtc: at,
              StartUtc: null,
              CreatedUtc: at,
              UpdatedUtc: at,
              ClosedUtc: past ? end : null,
              AccountingState: past ? 'Closed' : 'Open',
              UnitCount: 1,
              UnitAmount: amount(gross, 0.18, 'HU-2020-S'),
              Amount: amount(gross, 0.18, 'HU-2020-S'),
              OriginalAmount: amount(gross, 0.18, 'HU-2020-S'),
              RevenueType: 'Product',
              Type: 'ProductOrder',
              Data: { Discriminator: 'Product', Rebate: null, Product: { ProductId: guid(`product:${kind}`), AgeCategoryId: null } },
            });
          }
        }
      }
      date = departure;
    }
  }

  // Out-of-order blocks every few weeks, an internal-use block, and one deleted block.
  const blockTemplate = example('operations/resourceblocks.md', '/api/connector/v1/resourceBlocks/getAll', 'ResourceBlocks');
  const resourceBlocks: Obj[] = [];
  let k = 0;
  for (let d = addDays(options.from, 5); d <= options.to; d = addDays(d, 17 + Math.floor(random() * 10))) {
    const room = pick(rooms);
    const days = 1 + Math.floor(random() * 3);
    const type = k % 5 === 4 ? 'InternalUse' : 'OutOfOrder';
    const deleted = k % 7 === 6;
    const startUtc = localTime(d, 8, timeZone);
    const created = Math.min(now - 7_200_000, Date.parse(startUtc) - 5 * 86_400_000);
    resourceBlocks.push({
      ...structuredClone(blockTemplate),
      Id: guid(`block:${k}`),
      EnterpriseId: enterpriseId,
      AssignedResourceId: room.id,
      IsActive: !deleted,
      Type: type,
      StartUtc: startUtc,
      EndUtc: localTime(addDays(d, days), 8, timeZone),
      CreatedUtc: iso(created),
      UpdatedUtc: iso(deleted ? created + 3_600_000 : created),
      DeletedUtc: deleted ? iso(created + 3_600_000) : null,
      Name: `${type} ${k}`,
    });
    k++;
  }

  return {
    enterpriseId,
    serviceId,
    fbServiceId,
    timeZone,
    standardRateId,
    complimentaryRateId,
    configuration,
    resourceCategories,
    resourceCategoryAssignments,
    resources,
    accountingCategories,
    reservations,
    orderItems,
    resourceBlocks,
    nowUtc: options.nowUtc,
  };
}

/** Cancels a reservation as Mews does: the reservation and its order items are cancelled and stamped now. */
export function cancelReservation(data: MewsDataset, reservationId: string): void {
  const r = data.reservations.find((x) => x.Id === reservationId);
  if (!r) throw new Error(`no reservation ${reservationId}`);
  Object.assign(r, { State: 'Canceled', CancelledUtc: data.nowUtc, UpdatedUtc: data.nowUtc, CancellationReason: 'RequestedByGuest' });
  for (const i of data.orderItems) {
    if (i.ServiceOrderId === reservationId) Object.assign(i, { AccountingState: 'Canceled', CanceledUtc: data.nowUtc, UpdatedUtc: data.nowUtc, Options: { CanceledWithReservation: true } });
  }
}
