import { describe, expect, it } from '@jest/globals';
import { pmsRecord } from '../../../shared/integrations/formats/pms/record.js';
import { amsRecord } from '../../../shared/integrations/formats/ams/record.js';
import { dayStartUtc } from '../../../shared/connectors/local-days.js';
import { apaleo } from '../../../shared/connectors/vendors/apaleo/index.js';
import { datesOf, mapDays } from '../../../shared/connectors/vendors/apaleo/mapping.js';
import type { Reservation, Unit } from '../../../shared/connectors/vendors/apaleo/schemas.js';
import { apaleoCredentials, apaleoSettings } from '../../../shared/connectors/vendors/apaleo/settings.js';

const TZ = 'Europe/Berlin';
const settings = apaleoSettings.parse({ propertyId: 'MUC', excludedUnitGroupIds: ['MUC-MEET'], complimentaryRatePlanCodes: ['HOUSE'] });

const group = (id: string) => ({ id, code: id.slice(4) });
const amount = (grossAmount: number, netAmount: number) => ({ grossAmount, netAmount });
const slice = (serviceDate: string, plan: string, unitGroup: string, gross: number, net: number, includedServices: Array<{ code: string; serviceDate: string; gross: number; net: number }> = []) => ({
  serviceDate,
  ratePlan: { id: `MUC-${plan}`, code: plan },
  unitGroup: group(unitGroup),
  baseAmount: amount(gross, net),
  includedServices: includedServices.map((s) => ({ service: { id: `MUC-${s.code}`, code: s.code }, serviceDate: s.serviceDate, amount: amount(s.gross, s.net) })),
});
const reservation = (id: string, status: string, unitGroup: string, arrival: string, departure: string, adults: number, childrenAges: number[], timeSlices: ReturnType<typeof slice>[]): Reservation => ({
  id,
  status,
  property: { id: 'MUC' },
  ratePlan: timeSlices[0]?.ratePlan ?? { id: 'MUC-FLEX', code: 'FLEX' },
  unitGroup: group(unitGroup),
  arrival,
  departure,
  adults,
  childrenAges,
  timeSlices,
});

const units: Unit[] = [
  { id: 'U1', unitGroup: group('MUC-DBL'), status: {} },
  { id: 'U2', unitGroup: group('MUC-DBL'), status: {} },
  { id: 'U3', unitGroup: group('MUC-SGL'), status: { maintenance: { id: 'M3', type: 'OutOfOrder', from: '2026-03-13T10:00:00+01:00', to: '2026-03-15T10:00:00+01:00' } } },
  { id: 'U4', unitGroup: group('MUC-SGL'), status: { maintenance: { id: 'M4', type: 'OutOfInventory', from: '2026-03-14T08:00:00+01:00', to: '2026-03-14T18:00:00+01:00' } } },
  { id: 'U5', unitGroup: group('MUC-SGL'), status: { maintenance: { id: 'M5', type: 'OutOfService', from: '2026-03-01T08:00:00+01:00', to: '2026-03-31T08:00:00+02:00' } } },
  { id: 'M1', unitGroup: group('MUC-MEET'), status: {} },
];

const reservations: Reservation[] = [
  reservation('R1', 'CheckedOut', 'MUC-DBL', '2026-03-13T15:00:00+01:00', '2026-03-15T11:00:00+01:00', 2, [6], [
    slice('2026-03-13', 'FLEX', 'MUC-DBL', 107, 100, [{ code: 'BRKF', serviceDate: '2026-03-14', gross: 30, net: 25.21 }]),
    slice('2026-03-14', 'FLEX', 'MUC-DBL', 107, 100, [{ code: 'BRKF', serviceDate: '2026-03-15', gross: 30, net: 25.21 }]),
  ]),
  reservation('R2', 'Canceled', 'MUC-SGL', '2026-03-14T15:00:00+01:00', '2026-03-15T11:00:00+01:00', 1, [], [slice('2026-03-14', 'FLEX', 'MUC-SGL', 90, 84.11)]),
  reservation('R3', 'InHouse', 'MUC-SGL', '2026-03-14T15:00:00+01:00', '2026-03-16T11:00:00+01:00', 1, [], [slice('2026-03-14', 'HOUSE', 'MUC-SGL', 0, 0), slice('2026-03-15', 'HOUSE', 'MUC-SGL', 0, 0)]),
  reservation('R4', 'Confirmed', 'MUC-SGL', '2026-03-15T15:00:00+01:00', '2026-03-16T11:00:00+01:00', 1, [], [
    slice('2026-03-15', 'FLEX', 'MUC-SGL', 128.4, 120, [{ code: 'PARK', serviceDate: '2026-03-15', gross: 11.9, net: 10 }]),
  ]),
  reservation('R5', 'NoShow', 'MUC-DBL', '2026-03-13T15:00:00+01:00', '2026-03-14T11:00:00+01:00', 2, [], [slice('2026-03-13', 'FLEX', 'MUC-DBL', 107, 100)]),
  reservation('R6', 'CheckedOut', 'MUC-MEET', '2026-03-14T08:00:00+01:00', '2026-03-14T18:00:00+01:00', 10, [], [slice('2026-03-14', 'DAY', 'MUC-MEET', 500, 420.17)]),
  reservation('R7', 'CheckedOut', 'MUC-DBL', '2026-03-12T15:00:00+01:00', '2026-03-13T11:00:00+01:00', 1, [], [
    slice('2026-03-12', 'FLEX', 'MUC-DBL', 107, 100, [{ code: 'BRKF', serviceDate: '2026-03-13', gross: 15, net: 12.61 }]),
  ]),
];

function run(overrides: Partial<typeof settings> = {}) {
  const batches = mapDays({ settings: { ...settings, ...overrides }, from: '2026-03-13', to: '2026-03-16', reservations, units, timeZone: TZ, today: '2026-03-15' });
  const pms = batches.find((b) => b.sourceType === 'pms')!.records;
  const ams = batches.find((b) => b.sourceType === 'ams')?.records ?? [];
  return { pms, ams };
}

describe('apaleo mapping: reservations and units to daily statistics', () => {
  it('counts rooms, out of order, sold, complimentary, revenue, guests, arrivals and departures per business date', () => {
    const { pms } = run();
    // Figures worked out by hand from the reservations above (see each line's comment).
    expect(pms).toEqual([
      // 5 guest rooms (meeting room excluded); U3 out of order; R1's first night; R1 arrives (R5 no-show does not); R7 departs.
      { id: 'apaleo:MUC:2026-03-13', date: '2026-03-13', kind: 'actual', roomsAvailable: 5, outOfOrder: 1, roomsSold: 1, complimentary: 0, roomRevenue: 100, guests: 3, arrivals: 1, departures: 1 },
      // U4 out of inventory for the day; R1 sold, R3 complimentary (HOUSE, priced 0); R2 cancelled, R6 a meeting room.
      { id: 'apaleo:MUC:2026-03-14', date: '2026-03-14', kind: 'actual', roomsAvailable: 4, outOfOrder: 1, roomsSold: 1, complimentary: 1, roomRevenue: 100, guests: 4, arrivals: 1, departures: 0 },
      // Today: on the books. U3 back (its maintenance ends the morning of the 15th); R4 sold, R3 complimentary; R1 departs.
      { id: 'apaleo:MUC:2026-03-15:otb', date: '2026-03-15', kind: 'onTheBooks', roomsAvailable: 5, outOfOrder: 0, roomsSold: 1, complimentary: 1, roomRevenue: 120, guests: 2, arrivals: 1, departures: 1 },
      { id: 'apaleo:MUC:2026-03-16:otb', date: '2026-03-16', kind: 'onTheBooks', roomsAvailable: 5, outOfOrder: 0, roomsSold: 0, complimentary: 0, roomRevenue: 0, guests: 0, arrivals: 0, departures: 2 },
    ]);
    for (const r of pms) expect(pmsRecord.safeParse(r).success).toBe(true);
  });

  it('posts service revenue by department for actual dates only, every mapped department every day (a cancellation brings one back to 0); accommodation stays in pms', () => {
    const { ams } = run();
    expect(ams).toEqual([
      // R7's breakfast is served on the 13th though its night is the 12th.
      { id: 'apaleo:MUC:2026-03-13:FB:FB', date: '2026-03-13', account: 'FB', department: 'FB', amount: 12.61, kind: 'actual' },
      { id: 'apaleo:MUC:2026-03-13:OTHER:OTHER', date: '2026-03-13', account: 'OTHER', department: 'OTHER', amount: 0, kind: 'actual' },
      { id: 'apaleo:MUC:2026-03-14:FB:FB', date: '2026-03-14', account: 'FB', department: 'FB', amount: 25.21, kind: 'actual' },
      { id: 'apaleo:MUC:2026-03-14:OTHER:OTHER', date: '2026-03-14', account: 'OTHER', department: 'OTHER', amount: 0, kind: 'actual' },
    ]);
    for (const r of ams) expect(amsRecord.safeParse(r).success).toBe(true);
  });

  it('reads gross amounts when the property reports revenue gross', () => {
    const { pms, ams } = run({ revenueBasis: 'gross' });
    expect(pms.map((r) => r.roomRevenue)).toEqual([107, 107, 128.4, 0]);
    expect(ams.filter((r) => r.department === 'FB').map((r) => r.amount)).toEqual([15, 30]);
  });

  it('maps services by code, unlisted codes (even one named like an object property) to other services', () => {
    const r = reservation('R8', 'CheckedOut', 'MUC-DBL', '2026-03-13T15:00:00+01:00', '2026-03-14T11:00:00+01:00', 1, [], [
      slice('2026-03-13', 'FLEX', 'MUC-DBL', 100, 100, [
        { code: 'constructor', serviceDate: '2026-03-13', gross: 5, net: 5 },
        { code: 'SPA', serviceDate: '2026-03-13', gross: 40, net: 40 },
      ]),
    ]);
    const s = { ...settings, revenueMapping: { ...settings.revenueMapping, services: { ...settings.revenueMapping.services, SPA: { department: 'SPA', account: 'SPA' } } } };
    const [, ams] = mapDays({ settings: s, from: '2026-03-13', to: '2026-03-13', reservations: [r], units, timeZone: TZ, today: '2026-03-20' });
    expect(Object.fromEntries(ams!.records.map((x) => [x.department, x.amount]))).toEqual({ FB: 0, SPA: 40, OTHER: 5 });
  });

  it('names every business date a reservation touches, breakfast after the last night included', () => {
    expect(datesOf(reservations[0]!, TZ)).toEqual(['2026-03-13', '2026-03-14', '2026-03-15']);
    expect(datesOf(reservations[6]!, TZ)).toEqual(['2026-03-12', '2026-03-13']);
  });
});

describe('apaleo dates and settings', () => {
  it('sends local midnight as a UTC instant without fractional seconds, across daylight saving time', () => {
    expect(dayStartUtc('2026-01-01', TZ)).toBe('2025-12-31T23:00:00Z');
    expect(dayStartUtc('2026-03-29', TZ)).toBe('2026-03-28T23:00:00Z');
    expect(dayStartUtc('2026-03-30', TZ)).toBe('2026-03-29T22:00:00Z');
    expect(dayStartUtc('2026-07-01', 'UTC')).toBe('2026-07-01T00:00:00Z');
    expect(dayStartUtc('2026-03-01', 'Asia/Kolkata')).toBe('2026-02-28T18:30:00Z');
  });

  it('defaults apaleo’s URLs and the revenue mapping, and refuses a plain-http remote URL and unknown fields', () => {
    const s = apaleoSettings.parse({ propertyId: 'MUC' });
    expect(s.apiBaseUrl).toBe('https://api.apaleo.com');
    expect(s.identityBaseUrl).toBe('https://identity.apaleo.com');
    expect(s.revenueMapping).toEqual({ services: { BRKF: { department: 'FB', account: 'FB' } }, otherServices: { department: 'OTHER', account: 'OTHER' } });
    expect(apaleoSettings.safeParse({ propertyId: 'MUC', apiBaseUrl: 'http://api.example.com' }).success).toBe(false);
    const local = apaleoSettings.parse({ propertyId: 'MUC', apiBaseUrl: 'http://127.0.0.1:4000/', identityBaseUrl: 'http://127.0.0.1:4001/id/' });
    expect(apaleo.tokenRequest!(local, { clientId: 'a', clientSecret: 'b' }).url).toBe('http://127.0.0.1:4001/id/connect/token');
    expect(apaleoSettings.safeParse({ propertyId: 'MUC', hotel: 'x' }).success).toBe(false);
    expect(apaleoCredentials.safeParse({ clientId: 'a', clientSecret: 'b', webhookToken: 'short' }).success).toBe(false);
  });
});
