import { toCsv } from '../reporting/csv.js';
import type { SustainabilityMetrics } from './metrics.js';
import type { FactorFlag } from './factors.js';
import type { FlaggedLine, ReportPeriod } from './report.js';
import { UTILITY_COSTS_NOTE } from './report.js';

/**
 * The annual statement of one property (docs/gogreen.md, "Annual statement"): the year's combined
 * metrics laid out as the HCMI and HWMI outputs are stated — the hotel's footprint, the rooms'
 * share per occupied room, the meeting space's per m² and hour — then energy, waste and the
 * allocation inputs, so a reader can redo the division.
 */

export interface StatementLine {
  section: 'HCMI' | 'HWMI' | 'Energy' | 'Waste' | 'Inputs';
  line: string;
  value: number | null;
  unit: string;
}

export interface Statement {
  report: 'sustainability-statement';
  propertyId: string;
  name: string;
  year: number;
  methodologyVersion: string | null;
  basis: SustainabilityMetrics['basis'] | null;
  flag: FactorFlag | null;
  flaggedLines: FlaggedLine[];
  lines: StatementLine[];
  costs: string;
}

export function statementLines(m: SustainabilityMetrics): StatementLine[] {
  const l = (section: StatementLine['section'], line: string, value: number | null, unit: string): StatementLine => ({ section, line, value, unit });
  return [
    l('HCMI', 'Scope 1 (on-site fuels, refrigerants)', m.carbon.scope1Kg, 'kg CO2e'),
    l('HCMI', `Scope 2 (purchased electricity, heat, cooling; ${m.basis}-based)`, m.carbon.scope2Kg, 'kg CO2e'),
    l('HCMI', 'Outsourced laundry', m.carbon.laundryKg, 'kg CO2e'),
    l('HCMI', 'Total footprint', m.carbon.totalKg, 'kg CO2e'),
    l('HCMI', 'Hotel footprint (excluding private and outsourced areas)', m.carbon.hotelKg, 'kg CO2e'),
    l('HCMI', 'Rooms footprint', m.carbon.roomsKg, 'kg CO2e'),
    l('HCMI', 'Meeting space footprint', m.carbon.meetingKg, 'kg CO2e'),
    l('HCMI', 'Footprint per occupied room', m.carbon.perOccupiedRoomKg, 'kg CO2e per occupied room per day'),
    l('HCMI', 'Footprint per m2 of meeting space per hour', m.carbon.perMeetingM2HourKg, 'kg CO2e per m2 per hour'),
    l('HCMI', 'Footprint per guest night', m.carbon.perGuestNightKg, 'kg CO2e per guest night'),
    l('HWMI', 'Water (mains and well)', m.water.countedM3, 'm3'),
    l('HWMI', 'Recycled water (outside the intensities)', m.water.recycledM3, 'm3'),
    l('HWMI', 'Hotel water', m.water.hotelM3, 'm3'),
    l('HWMI', 'Rooms water', m.water.roomsM3, 'm3'),
    l('HWMI', 'Meeting space water', m.water.meetingM3, 'm3'),
    l('HWMI', 'Water per occupied room', m.water.perOccupiedRoomM3, 'm3 per occupied room per day'),
    l('HWMI', 'Water per m2 of meeting space per hour', m.water.perMeetingM2HourM3, 'm3 per m2 per hour'),
    l('HWMI', 'Water per guest night', m.water.perGuestNightM3, 'm3 per guest night'),
    l('Energy', 'Total energy', m.energy.totalKwh, 'kWh'),
    l('Energy', 'Electricity', m.energy.electricityKwh, 'kWh'),
    l('Energy', 'Renewable electricity', m.energy.renewableElectricityKwh, 'kWh'),
    l('Energy', 'Energy per occupied room', m.energy.perOccupiedRoomKwh, 'kWh per occupied room per day'),
    l('Energy', 'Energy per m2', m.energy.perM2Kwh, 'kWh per m2'),
    l('Energy', 'Renewable share of electricity', m.energy.renewableElectricityShare, 'fraction'),
    l('Energy', 'Renewable share of energy', m.energy.renewableEnergyShare, 'fraction'),
    l('Waste', 'Total waste', m.waste.totalKg, 'kg'),
    l('Waste', 'Diverted (recycled, composted)', m.waste.divertedKg, 'kg'),
    l('Waste', 'Waste per occupied room', m.waste.perOccupiedRoomKg, 'kg per occupied room per day'),
    l('Waste', 'Diversion rate', m.waste.diversionRate, 'fraction'),
    l('Inputs', 'Occupied rooms', m.denominators.occupiedRooms, 'room nights'),
    l('Inputs', 'Guest nights', m.denominators.guestNights, 'guest nights'),
    l('Inputs', 'Meeting space hours', m.denominators.meetingM2Hours, 'm2 hours'),
    l('Inputs', 'Hotel floor area (day-weighted)', m.denominators.hotelM2, 'm2'),
    l('Inputs', 'Days with data', m.denominators.days, 'days'),
    l('Inputs', 'Excluded area share', m.allocation?.excludedShare ?? null, 'fraction'),
    l('Inputs', 'Meeting space share of the hotel', m.allocation?.meetingShare ?? null, 'fraction'),
  ];
}

export function statementOf(property: { id: string; name: string }, year: number, total: ReportPeriod): Statement {
  const m = total.metrics;
  return {
    report: 'sustainability-statement',
    propertyId: property.id,
    name: property.name,
    year,
    methodologyVersion: m?.methodologyVersion ?? null,
    basis: m?.basis ?? null,
    flag: total.flag,
    flaggedLines: total.flaggedLines,
    lines: m ? statementLines(m) : [],
    costs: UTILITY_COSTS_NOTE,
  };
}

export function statementCsv(s: Statement): string {
  return toCsv(
    ['propertyId', 'year', 'methodologyVersion', 'basis', 'flag', 'section', 'line', 'value', 'unit'],
    s.lines.map((l) => [s.propertyId, s.year, s.methodologyVersion, s.basis, s.flag, l.section, l.line, l.value, l.unit]),
  );
}
