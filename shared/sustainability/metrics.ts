import { z } from 'zod';
import { METHODOLOGY_VERSION, ratio } from './methodology.js';
import { countedWaterM3, energyTotals, wasteTotals, type Consumption } from './resources.js';
import type { FactorFlag } from './factors.js';
import type { Footprint } from './footprint.js';

/**
 * HCMI / HWMI intensities of one property-period (docs/gogreen.md, "Metrics" and "Allocation").
 * Every ratio over zero is null.
 */

const area = z.number().finite().nonnegative();

export const floorAreasSchema = z
  .strictObject({
    totalM2: z.number().finite().positive(),
    /** Guest rooms with their corridors. */
    roomsAndCorridorsM2: area,
    meetingM2: area,
    /** Private or outsourced areas (leased shops, staff housing, an operator-run spa): outside the hotel's footprint. */
    excludedM2: area.default(0),
  })
  .refine((a) => a.roomsAndCorridorsM2 + a.meetingM2 + a.excludedM2 <= a.totalM2, {
    message: 'rooms, meeting and excluded areas cannot exceed the total area',
    path: ['totalM2'],
  });

export const propertyFactsSchema = z.strictObject({
  areas: floorAreasSchema,
  rooms: z.number().int().positive(),
  /** Occupied room-nights in the period (rooms sold, from the PMS). */
  occupiedRooms: z.number().int().nonnegative(),
  guestNights: z.number().int().nonnegative(),
  /** Days in the period. */
  days: z.number().int().min(1).max(366),
  /**
   * Hours the meeting space is counted over. Default 24 × days: the space exists (and is heated,
   * cooled and lit to some degree) all day; HCMI's tool leaves the choice open (docs/gogreen.md).
   */
  meetingHours: z.number().finite().positive().optional(),
});
export type FloorAreas = z.infer<typeof floorAreasSchema>;
export type PropertyFacts = z.infer<typeof propertyFactsSchema>;
export type PropertyFactsInput = z.input<typeof propertyFactsSchema>;

export interface Allocation {
  /** The whole property's figure. */
  total: number;
  /** E_hotel = E_total × (1 − A_excluded ÷ A_total). */
  hotel: number;
  /** E_meeting = E_hotel × A_meeting ÷ (A_rooms+corridors + A_meeting). */
  meeting: number;
  /** E_rooms = E_hotel − E_meeting. */
  rooms: number;
}

/** Splits a property's figure between guest rooms and meeting space by floor-area share (HCMI). */
export function allocateByArea(total: number, areas: FloorAreas): Allocation {
  const hotel = total * (1 - areas.excludedM2 / areas.totalM2);
  const meeting = hotel * (ratio(areas.meetingM2, areas.roomsAndCorridorsM2 + areas.meetingM2) ?? 0);
  return { total, hotel, meeting, rooms: hotel - meeting };
}

export interface CarbonMetrics {
  scope1Kg: number;
  scope2Kg: number;
  laundryKg: number;
  totalKg: number;
  hotelKg: number;
  roomsKg: number;
  meetingKg: number;
  /** kg CO2e per occupied room per day = E_rooms ÷ occupied room-nights. */
  perOccupiedRoomKg: number | null;
  /** kg CO2e per m² of meeting space per hour = E_meeting ÷ A_meeting ÷ hours. */
  perMeetingM2HourKg: number | null;
  /** E_rooms ÷ guest nights. */
  perGuestNightKg: number | null;
}

export interface EnergyMetrics {
  totalKwh: number;
  hotelKwh: number;
  roomsKwh: number;
  meetingKwh: number;
  perOccupiedRoomKwh: number | null;
  /** E_hotel ÷ (A_total − A_excluded). */
  perM2Kwh: number | null;
  /** Renewable electricity (on site + certificates) ÷ all electricity. */
  renewableElectricityShare: number | null;
  /** Renewable electricity ÷ all energy. */
  renewableEnergyShare: number | null;
}

export interface WaterMetrics {
  /** Mains + well. */
  countedM3: number;
  /** Recorded, outside every intensity. */
  recycledM3: number;
  hotelM3: number;
  roomsM3: number;
  meetingM3: number;
  perOccupiedRoomM3: number | null;
  perGuestNightM3: number | null;
  perMeetingM2HourM3: number | null;
}

export interface WasteMetrics {
  totalKg: number;
  divertedKg: number;
  /** All the property's waste ÷ occupied room-nights (waste is not split by area). */
  perOccupiedRoomKg: number | null;
  /** (recycled + composted) ÷ total. */
  diversionRate: number | null;
}

export interface SustainabilityMetrics {
  methodologyVersion: string;
  /** The footprint's factor flag: red = a factor is missing, amber = one is outdated. */
  flag: FactorFlag;
  basis: Footprint['basis'];
  allocation: { excludedShare: number; meetingShare: number; meetingHours: number };
  carbon: CarbonMetrics;
  energy: EnergyMetrics;
  water: WaterMetrics;
  waste: WasteMetrics;
}

/**
 * The intensities of one property-period from its consumption, its footprint (footprint.ts) and
 * its facts.
 *
 * @example metrics(consumption, footprint(consumption, { country: 'GB', periodYear: 2025 }, table), facts)
 */
export function metrics(consumption: Consumption, fp: Footprint, factsInput: PropertyFactsInput): SustainabilityMetrics {
  const facts = propertyFactsSchema.parse(factsInput);
  const { areas, occupiedRooms, guestNights } = facts;
  const meetingHours = facts.meetingHours ?? 24 * facts.days;
  const perMeetingHour = (v: number) => ratio(ratio(v, areas.meetingM2), meetingHours);

  const carbon = allocateByArea(fp.totalKg, areas);
  const energy = energyTotals(consumption);
  const energySplit = allocateByArea(energy.totalKwh, areas);
  const water = allocateByArea(countedWaterM3(consumption), areas);
  const waste = wasteTotals(consumption);

  return {
    methodologyVersion: METHODOLOGY_VERSION,
    flag: fp.flag,
    basis: fp.basis,
    allocation: {
      excludedShare: areas.excludedM2 / areas.totalM2,
      meetingShare: ratio(areas.meetingM2, areas.roomsAndCorridorsM2 + areas.meetingM2) ?? 0,
      meetingHours,
    },
    carbon: {
      scope1Kg: fp.scope1Kg,
      scope2Kg: fp.scope2Kg,
      laundryKg: fp.laundryKg,
      totalKg: fp.totalKg,
      hotelKg: carbon.hotel,
      roomsKg: carbon.rooms,
      meetingKg: carbon.meeting,
      perOccupiedRoomKg: ratio(carbon.rooms, occupiedRooms),
      perMeetingM2HourKg: perMeetingHour(carbon.meeting),
      perGuestNightKg: ratio(carbon.rooms, guestNights),
    },
    energy: {
      totalKwh: energy.totalKwh,
      hotelKwh: energySplit.hotel,
      roomsKwh: energySplit.rooms,
      meetingKwh: energySplit.meeting,
      perOccupiedRoomKwh: ratio(energySplit.rooms, occupiedRooms),
      perM2Kwh: ratio(energySplit.hotel, areas.totalM2 - areas.excludedM2),
      renewableElectricityShare: ratio(energy.renewableElectricityKwh, energy.electricityKwh),
      renewableEnergyShare: ratio(energy.renewableElectricityKwh, energy.totalKwh),
    },
    water: {
      countedM3: water.total,
      recycledM3: consumption.water?.recycledM3 ?? 0,
      hotelM3: water.hotel,
      roomsM3: water.rooms,
      meetingM3: water.meeting,
      perOccupiedRoomM3: ratio(water.rooms, occupiedRooms),
      perGuestNightM3: ratio(water.rooms, guestNights),
      perMeetingM2HourM3: perMeetingHour(water.meeting),
    },
    waste: {
      totalKg: waste.totalKg,
      divertedKg: waste.divertedKg,
      perOccupiedRoomKg: ratio(waste.totalKg, occupiedRooms),
      diversionRate: ratio(waste.divertedKg, waste.totalKg),
    },
  };
}
