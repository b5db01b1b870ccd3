import { describe, expect, it } from '@jest/globals';
import { SEED_FACTORS, allocateByArea, combineMetrics, consumptionSchema, energyTotals, factorTable, footprint, gasKwh, metrics, propertyFactsSchema } from '../../../shared/sustainability/index.js';

const facts = { areas: { totalM2: 5000, roomsAndCorridorsM2: 4000, meetingM2: 0 }, rooms: 80, occupiedRooms: 0, guestNights: 0, days: 30 };

describe('metrics', () => {
  it('a ratio over zero is null: no occupied rooms, no guest nights, no meeting space, no waste, no electricity', () => {
    const c = consumptionSchema.parse({ naturalGas: { m3: 100, calorificValueMjPerM3: 39.6 }, water: { mainsM3: 10 } });
    const fp = footprint(c, { country: 'GB', periodYear: 2025 }, factorTable(SEED_FACTORS));
    const m = metrics(c, fp, facts);
    expect(m.carbon).toMatchObject({ perOccupiedRoomKg: null, perGuestNightKg: null, perMeetingM2HourKg: null, meetingKg: 0 });
    expect(m.water).toMatchObject({ perOccupiedRoomM3: null, perGuestNightM3: null, perMeetingM2HourM3: null });
    expect(m.waste).toMatchObject({ perOccupiedRoomKg: null, diversionRate: null });
    expect(m.energy.renewableElectricityShare).toBeNull();
    expect(m.carbon.roomsKg).toBeCloseTo(100 * 2.06318, 9);
    expect(JSON.stringify(m)).not.toMatch(/NaN|Infinity/);
  });

  it('counts the meeting space over the hours given instead of 24 h × days', () => {
    const c = consumptionSchema.parse({ water: { mainsM3: 780 } });
    const fp = footprint(c, { country: 'GB', periodYear: 2025 }, factorTable(SEED_FACTORS));
    const withMeeting = { ...facts, areas: { totalM2: 1000, roomsAndCorridorsM2: 700, meetingM2: 80 }, occupiedRooms: 10, guestNights: 10 };
    expect(metrics(c, fp, withMeeting).water.perMeetingM2HourM3).toBeCloseTo(80 / 80 / 720, 12);
    expect(metrics(c, fp, { ...withMeeting, meetingHours: 200 }).water.perMeetingM2HourM3).toBeCloseTo(80 / 80 / 200, 12);
  });

  it('allocates by floor area: the hotel share leaves out the excluded area, meeting and rooms split the rest', () => {
    expect(allocateByArea(1000, { totalM2: 100, roomsAndCorridorsM2: 60, meetingM2: 20, excludedM2: 10 })).toEqual({ total: 1000, hotel: 900, meeting: 225, rooms: 675 });
  });

  it('rejects areas that do not fit in the total, and unknown fields', () => {
    expect(propertyFactsSchema.safeParse({ ...facts, areas: { totalM2: 100, roomsAndCorridorsM2: 90, meetingM2: 20 } }).success).toBe(false);
    expect(propertyFactsSchema.safeParse({ ...facts, occupancy: 0.8 }).success).toBe(false);
  });
});

describe('resources', () => {
  it('converts metered gas with the volume correction and gross CV, and sums energy', () => {
    expect(gasKwh({ m3: 100, calorificValueMjPerM3: 39.6, volumeCorrection: 1.02264 })).toBeCloseTo((100 * 1.02264 * 39.6) / 3.6, 9);
    const c = consumptionSchema.parse({ electricity: { gridKwh: 10, onSiteRenewableKwh: 5 }, districtHeatKwh: 7, lpg: { litres: 10, kwhPerLitre: 7 } });
    expect(energyTotals(c)).toEqual({ electricityKwh: 15, renewableElectricityKwh: 5, districtHeatKwh: 7, districtCoolingKwh: 0, fuelsKwh: 70, totalKwh: 92 });
  });

  it('refuses litres without a calorific value, unknown refrigerants, negative quantities and unknown fields', () => {
    expect(consumptionSchema.safeParse({ diesel: { litres: 10 } }).success).toBe(false);
    expect(consumptionSchema.safeParse({ refrigerants: [{ gas: 'R-22', kg: 1 }] }).success).toBe(false);
    expect(consumptionSchema.safeParse({ water: { mainsM3: -1 } }).success).toBe(false);
    expect(consumptionSchema.safeParse({ electricity: { gridKwh: 1, greenKwh: 2 } }).success).toBe(false);
    expect(consumptionSchema.safeParse({ steamKwh: 1 }).success).toBe(false);
  });
});

describe('combining results', () => {
  const table = factorTable(SEED_FACTORS);
  const hotel = { areas: { totalM2: 1000, roomsAndCorridorsM2: 600, meetingM2: 200, excludedM2: 0 }, rooms: 20, days: 30 };
  const month = (kwh: number, occupiedRooms: number, periodYear = 2025) => {
    const c = consumptionSchema.parse({ electricity: { gridKwh: kwh } });
    return metrics(c, footprint(c, { country: 'GB', periodYear }, table), { ...hotel, occupiedRooms, guestNights: occupiedRooms * 2 });
  };

  it('over time: sums numerators and denominators, keeps the floor area a stock, adds the meeting hours', () => {
    const year = combineMetrics([month(8000, 400), month(4000, 200)], 'time');
    // rooms share 600 ÷ 800 of 12,000 kWh over 600 occupied rooms, not the mean of the two months' ratios.
    expect(year.energy.perOccupiedRoomKwh).toBeCloseTo((12000 * 0.75) / 600, 9);
    expect(year.energy.perM2Kwh).toBeCloseTo(12000 / 1000, 9);
    expect(year.denominators).toMatchObject({ days: 60, hotelM2: 1000, meetingM2Hours: 200 * 24 * 60, occupiedRooms: 600 });
    expect(year.allocation).toEqual({ excludedShare: 0, meetingShare: 0.25, meetingHours: 1440 });
    expect(year.carbon.perMeetingM2HourKg).toBeCloseTo((12000 * 0.20705 * 0.25) / (200 * 1440), 12);
  });

  it('over properties: floor areas add up, the allocation is no longer one property’s, the flag is the worst', () => {
    const group = combineMetrics([month(8000, 400), month(4000, 200, 2027)], 'properties');
    expect(group.denominators).toMatchObject({ days: 30, hotelM2: 2000 });
    expect(group.energy.perM2Kwh).toBeCloseTo(12000 / 2000, 9);
    expect(group.allocation).toBeNull();
    expect(group.flag).toBe('amber');
  });

  it('refuses results of different scope 2 bases, and nothing to combine', () => {
    const c = consumptionSchema.parse({ electricity: { gridKwh: 1 } });
    const market = metrics(c, footprint(c, { country: 'GB', periodYear: 2025, basis: 'market' }, table), { ...hotel, occupiedRooms: 1, guestNights: 1 });
    expect(() => combineMetrics([month(1, 1), market], 'properties')).toThrow(RangeError);
    expect(() => combineMetrics([], 'time')).toThrow(RangeError);
  });
});
