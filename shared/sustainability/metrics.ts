import { z } from 'zod';
import { METHODOLOGY_VERSION, ratio } from './methodology.js';
import { countedWaterM3, energyTotals, wasteTotals, type Consumption } from './resources.js';
import { worstFlag, type FactorFlag } from './factors.js';
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

/** The flows a property-period's intensities divide: kept on every result so results can be combined. */
export interface Denominators {
  occupiedRooms: number;
  guestNights: number;
  /** A_meeting × hours. */
  meetingM2Hours: number;
  /** A_total − A_excluded: a stock, not a flow (combineMetrics). */
  hotelM2: number;
  days: number;
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
  electricityKwh: number;
  /** On site + certificate-backed. */
  renewableElectricityKwh: number;
  perOccupiedRoomKwh: number | null;
  /** E_hotel ÷ (A_total − A_excluded). */
  perM2Kwh: number | null;
  /** Renewable electricity ÷ all electricity. */
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
  /** The allocation shares of one property; null on a combination of several properties. */
  allocation: { excludedShare: number; meetingShare: number; meetingHours: number } | null;
  denominators: Denominators;
  carbon: CarbonMetrics;
  energy: EnergyMetrics;
  water: WaterMetrics;
  waste: WasteMetrics;
}

type Sums = {
  carbon: Omit<CarbonMetrics, 'perOccupiedRoomKg' | 'perMeetingM2HourKg' | 'perGuestNightKg'>;
  energy: Omit<EnergyMetrics, 'perOccupiedRoomKwh' | 'perM2Kwh' | 'renewableElectricityShare' | 'renewableEnergyShare'>;
  water: Omit<WaterMetrics, 'perOccupiedRoomM3' | 'perGuestNightM3' | 'perMeetingM2HourM3'>;
  waste: Omit<WasteMetrics, 'perOccupiedRoomKg' | 'diversionRate'>;
};

/** Every intensity from its numerator and denominator sums: one place for the formulas of the table in docs/gogreen.md. */
function withRatios(sums: Sums, d: Denominators): Pick<SustainabilityMetrics, 'carbon' | 'energy' | 'water' | 'waste'> {
  const { carbon, energy, water, waste } = sums;
  return {
    carbon: {
      ...carbon,
      perOccupiedRoomKg: ratio(carbon.roomsKg, d.occupiedRooms),
      perMeetingM2HourKg: ratio(carbon.meetingKg, d.meetingM2Hours),
      perGuestNightKg: ratio(carbon.roomsKg, d.guestNights),
    },
    energy: {
      ...energy,
      perOccupiedRoomKwh: ratio(energy.roomsKwh, d.occupiedRooms),
      perM2Kwh: ratio(energy.hotelKwh, d.hotelM2),
      renewableElectricityShare: ratio(energy.renewableElectricityKwh, energy.electricityKwh),
      renewableEnergyShare: ratio(energy.renewableElectricityKwh, energy.totalKwh),
    },
    water: {
      ...water,
      perOccupiedRoomM3: ratio(water.roomsM3, d.occupiedRooms),
      perGuestNightM3: ratio(water.roomsM3, d.guestNights),
      perMeetingM2HourM3: ratio(water.meetingM3, d.meetingM2Hours),
    },
    waste: { ...waste, perOccupiedRoomKg: ratio(waste.totalKg, d.occupiedRooms), diversionRate: ratio(waste.divertedKg, waste.totalKg) },
  };
}

/**
 * The intensities of one property-period from its consumption, its footprint (footprint.ts) and
 * its facts.
 *
 * @example metrics(consumption, footprint(consumption, { country: 'GB', periodYear: 2025 }, table), facts)
 */
export function metrics(consumption: Consumption, fp: Footprint, factsInput: PropertyFactsInput): SustainabilityMetrics {
  const facts = propertyFactsSchema.parse(factsInput);
  const { areas } = facts;
  const meetingHours = facts.meetingHours ?? 24 * facts.days;
  const carbon = allocateByArea(fp.totalKg, areas);
  const energy = energyTotals(consumption);
  const energySplit = allocateByArea(energy.totalKwh, areas);
  const water = allocateByArea(countedWaterM3(consumption), areas);
  const denominators: Denominators = {
    occupiedRooms: facts.occupiedRooms,
    guestNights: facts.guestNights,
    meetingM2Hours: areas.meetingM2 * meetingHours,
    hotelM2: areas.totalM2 - areas.excludedM2,
    days: facts.days,
  };
  const sums: Sums = {
    carbon: { scope1Kg: fp.scope1Kg, scope2Kg: fp.scope2Kg, laundryKg: fp.laundryKg, totalKg: fp.totalKg, hotelKg: carbon.hotel, roomsKg: carbon.rooms, meetingKg: carbon.meeting },
    energy: {
      totalKwh: energy.totalKwh,
      hotelKwh: energySplit.hotel,
      roomsKwh: energySplit.rooms,
      meetingKwh: energySplit.meeting,
      electricityKwh: energy.electricityKwh,
      renewableElectricityKwh: energy.renewableElectricityKwh,
    },
    water: { countedM3: water.total, recycledM3: consumption.water?.recycledM3 ?? 0, hotelM3: water.hotel, roomsM3: water.rooms, meetingM3: water.meeting },
    waste: wasteTotals(consumption),
  };
  return {
    methodologyVersion: METHODOLOGY_VERSION,
    flag: fp.flag,
    basis: fp.basis,
    allocation: {
      excludedShare: areas.excludedM2 / areas.totalM2,
      meetingShare: ratio(areas.meetingM2, areas.roomsAndCorridorsM2 + areas.meetingM2) ?? 0,
      meetingHours,
    },
    denominators,
    ...withRatios(sums, denominators),
  };
}

/** The intensities withRatios recomputes: never summed. */
const RATIOS: ReadonlySet<string> = new Set([
  'perOccupiedRoomKg',
  'perMeetingM2HourKg',
  'perGuestNightKg',
  'perOccupiedRoomKwh',
  'perM2Kwh',
  'renewableElectricityShare',
  'renewableEnergyShare',
  'perOccupiedRoomM3',
  'perGuestNightM3',
  'perMeetingM2HourM3',
  'diversionRate',
]);

/**
 * One result for several: the months of a property into its year (`over: 'time'`), or properties
 * of the same period into a group (`over: 'properties'`). Numerators and denominators are summed
 * and every intensity recomputed from the sums (never an average of ratios). Floor area is a stock:
 * over time it is the day-weighted mean area, over properties the sum. The flag is the worst, and
 * results of different methods or bases are refused.
 *
 * @example combineMetrics(monthsOfTheYear, 'time')
 */
export function combineMetrics(parts: readonly SustainabilityMetrics[], over: 'time' | 'properties'): SustainabilityMetrics {
  const first = parts[0];
  if (!first) throw new RangeError('nothing to combine');
  if (parts.some((p) => p.methodologyVersion !== first.methodologyVersion || p.basis !== first.basis)) {
    throw new RangeError('results of different methodology versions or scope 2 bases cannot be combined');
  }
  const add = <T extends object>(pick: (m: SustainabilityMetrics) => T): T => {
    const out = {} as Record<string, number>;
    for (const p of parts) for (const [k, v] of Object.entries(pick(p))) if (typeof v === 'number' && !RATIOS.has(k)) out[k] = (out[k] ?? 0) + v;
    return out as T;
  };
  const days = over === 'time' ? parts.reduce((s, p) => s + p.denominators.days, 0) : Math.max(...parts.map((p) => p.denominators.days));
  const denominators: Denominators = {
    occupiedRooms: parts.reduce((s, p) => s + p.denominators.occupiedRooms, 0),
    guestNights: parts.reduce((s, p) => s + p.denominators.guestNights, 0),
    meetingM2Hours: parts.reduce((s, p) => s + p.denominators.meetingM2Hours, 0),
    hotelM2: over === 'time' ? parts.reduce((s, p) => s + p.denominators.hotelM2 * p.denominators.days, 0) / days : parts.reduce((s, p) => s + p.denominators.hotelM2, 0),
    days,
  };
  const sums: Sums = { carbon: add((m) => m.carbon), energy: add((m) => m.energy), water: add((m) => m.water), waste: add((m) => m.waste) };
  // Over time, one property keeps its shares while its areas do not change; the hours add up.
  const shares = (p: SustainabilityMetrics) => p.allocation && `${p.allocation.excludedShare}|${p.allocation.meetingShare}`;
  const kept = over === 'time' && first.allocation && parts.every((p) => shares(p) === shares(first));
  return {
    methodologyVersion: first.methodologyVersion,
    flag: worstFlag(parts.map((p) => p.flag)),
    basis: first.basis,
    allocation: kept && first.allocation ? { ...first.allocation, meetingHours: parts.reduce((s, p) => s + (p.allocation?.meetingHours ?? 0), 0) } : null,
    denominators,
    ...withRatios(sums, denominators),
  };
}
