import { describe, expect, it } from '@jest/globals';
import { utilityEntry } from '../../../shared/integrations/formats/utility/record.js';
import { pathOf, UNITS_OF } from '../../../shared/sustainability/consumption-measures.js';
import { CONSUMPTION_LINES, CONSUMPTION_READINGS, consumptionProblems, consumptionReadings } from '../../../shared/planning/consumption-kind.js';
import { PROPERTY_ROWS_BY_KIND } from '../../../shared/planning/model.js';
import { scenarioOf } from '../../../shared/planning/materialise.js';

/** The consumption kind: its template lines are utility reading paths, each becoming a reading the utility format accepts. */
describe('consumption kind', () => {
  it('has one template line per reading path, each in its resource’s canonical unit, and writes no plan facts', () => {
    expect(PROPERTY_ROWS_BY_KIND.consumption).toEqual(CONSUMPTION_LINES);
    expect(CONSUMPTION_LINES).toEqual(expect.arrayContaining(['naturalGas.m3', 'naturalGas.calorificValueMjPerM3', 'fuelOil.litres', 'fuelOil.kwhPerLitre', 'lpg.litres', 'diesel.kwhPerLitre']));
    expect(new Set(CONSUMPTION_LINES).size).toBe(CONSUMPTION_LINES.length);
    for (const [line, shape] of CONSUMPTION_READINGS) {
      expect(pathOf(shape)).toBe(line);
      expect(shape.unit).toBe(UNITS_OF[shape.resource][0]);
    }
    expect(CONSUMPTION_LINES).toEqual(expect.arrayContaining(['electricity.gridKwh', 'electricity.onSiteRenewableKwh', 'electricity.certifiedRenewableKwh', 'water.wellM3', 'waste.landfillKg', 'refrigerants.R-32.kg', 'laundryKg']));
    expect(scenarioOf('consumption')).toBeUndefined();
  });

  it('turns figures into monthly readings the utility format validates; blanks and unknown lines give none', () => {
    const months = (values: Record<number, number>) => Array.from({ length: 12 }, (_, m) => values[m] ?? null);
    const readings = consumptionReadings({
      year: 2028,
      rows: [
        { line: 'electricity.certifiedRenewableKwh', months: months({ 0: 10, 11: 0 }) },
        { line: 'refrigerants.R-410A.kg', months: months({ 5: 1.5 }) },
        { line: 'not.a.path', months: months({ 0: 1 }) },
      ],
    });
    expect(readings).toEqual([
      { resource: 'electricity', origin: 'grid', certificates: true, unit: 'kWh', period: '2028-01', quantity: 10 },
      { resource: 'electricity', origin: 'grid', certificates: true, unit: 'kWh', period: '2028-12', quantity: 0 },
      { resource: 'refrigerant', gas: 'R-410A', unit: 'kg', period: '2028-06', quantity: 1.5 },
    ]);
    for (const r of readings) expect(utilityEntry.safeParse(r).success).toBe(true);
    for (const [line, shape] of CONSUMPTION_READINGS) expect([line, utilityEntry.safeParse({ ...shape, period: '2028-01', quantity: 1 }).success]).toEqual([line, true]);
  });

  it('reads fuel by volume with the calorific value of its month, and names what a month of it lacks or doubles', () => {
    const months = (values: Record<number, number>) => Array.from({ length: 12 }, (_, m) => values[m] ?? null);
    const v = {
      year: 2028,
      rows: [
        { line: 'diesel.litres', months: months({ 0: 100, 1: 50 }) },
        { line: 'diesel.kwhPerLitre', months: months({ 0: 10.5, 2: 10 }) },
        { line: 'diesel.kwh', months: months({ 1: 7 }) },
      ],
    };
    expect(consumptionReadings(v)[0]).toEqual({ resource: 'diesel', unit: 'l', period: '2028-01', quantity: 100, calorificValue: 10.5 });
    expect(consumptionProblems(v)).toEqual([
      { line: 'diesel.litres', month: 1, message: 'needs its diesel.kwhPerLitre in the same month' },
      { line: 'diesel.litres', month: 1, message: 'diesel is given in kWh (diesel.kwh) or by volume, not both in a month' },
      { line: 'diesel.kwhPerLitre', month: 2, message: 'a calorific value without diesel.litres in the same month' },
    ]);
    expect(consumptionProblems({ year: 2028, rows: [{ line: 'naturalGas.m3', months: months({ 0: 1 }) }, { line: 'naturalGas.calorificValueMjPerM3', months: months({ 0: 1000 }) }] })).toEqual([
      { line: 'naturalGas.m3', month: 0, message: expect.stringMatching(/^calorificValue: /) },
    ]);
  });
});
