import { describe, expect, it } from '@jest/globals';
import { FORMATS } from '../../../shared/integrations/formats/index.js';
import { parseBatch } from '../../../shared/integrations/parse.js';
import { computeDay } from '../../../shared/integrations/aggregate.js';
import { rollupTotals } from '../../../shared/integrations/rollup.js';
import type { UtilityRecord } from '../../../shared/integrations/formats/utility/record.js';
import { testFact } from '../../support/facts.js';

/**
 * The `utility` source format (docs/integrations.md, docs/gogreen.md "Inputs"): what it accepts and
 * refuses, naming the field; how a reading becomes a fact in canonical units; and how the
 * aggregates and monthly rollups carry utility quantities.
 */

const f = FORMATS.utility;
const parse = (records: unknown[]) => parseBatch(f, 'json', Buffer.from(JSON.stringify({ records })));
const fieldsOf = (records: unknown[]) => parse(records).errors.map((e) => e.field);
const fact = (r: Omit<UtilityRecord, 'id'>) => f.toFact({ id: 'r', ...r } as UtilityRecord, { mappings: { departments: {}, accounts: {} }, receivedDate: '2026-04-01' });
const base = { id: 'x', date: '2026-03-14' };

describe('utility record validation', () => {
  it('accepts every resource in each of its units, with the qualifiers it takes', () => {
    const r = parse([
      { ...base, id: 'a', resource: 'electricity', quantity: 10, unit: 'kWh' },
      { ...base, id: 'b', resource: 'electricity', quantity: 1, unit: 'MWh', certificates: true },
      { ...base, id: 'c', resource: 'electricity', quantity: 5, unit: 'kWh', origin: 'onSite' },
      { ...base, id: 'd', resource: 'districtHeat', quantity: 5, unit: 'MWh' },
      { ...base, id: 'e', resource: 'naturalGas', quantity: 100, unit: 'm3', calorificValue: 39.5, volumeCorrection: 1.02264 },
      { ...base, id: 'f', resource: 'diesel', quantity: 100, unit: 'l', calorificValue: 10.6 },
      { ...base, id: 'g', resource: 'water', quantity: 500, unit: 'l', supply: 'well' },
      { id: 'h', period: '2026-03', resource: 'waste', quantity: 1.5, unit: 't', stream: 'composted' },
      { ...base, id: 'i', resource: 'refrigerant', quantity: 2, unit: 'kg', gas: 'R-410A' },
      { ...base, id: 'j', resource: 'laundry', quantity: 80, unit: 'kg', meter: 'LAUNDRY-INVOICE-7' },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.records).toHaveLength(10);
  });

  it('refuses unknown fields and a unit the resource is not measured in', () => {
    expect(fieldsOf([{ ...base, resource: 'electricity', quantity: 1, unit: 'kWh', tariff: 'day' }])).toEqual(['record']);
    expect(parse([{ ...base, resource: 'electricity', quantity: 1, unit: 'kWh', tariff: 'day' }]).errors[0]?.message).toContain('tariff');
    expect(fieldsOf([{ ...base, resource: 'water', quantity: 1, unit: 'kWh' }])).toEqual(['unit']);
    expect(fieldsOf([{ ...base, resource: 'refrigerant', gas: 'R-32', quantity: 1, unit: 't' }])).toEqual(['unit']);
    expect(fieldsOf([{ ...base, resource: 'electricity', quantity: 1, unit: 'GJ' }])).toEqual(['unit']);
    expect(fieldsOf([{ ...base, resource: 'steam', quantity: 1, unit: 'kWh' }])).toEqual(['resource']);
    expect(fieldsOf([{ ...base, resource: 'electricity', quantity: -1, unit: 'kWh' }])).toEqual(['quantity']);
  });

  it('needs exactly one of date and period', () => {
    expect(fieldsOf([{ id: 'x', resource: 'laundry', quantity: 1, unit: 'kg' }])).toEqual(['date']);
    expect(fieldsOf([{ ...base, period: '2026-03', resource: 'laundry', quantity: 1, unit: 'kg' }])).toEqual(['date']);
    expect(fieldsOf([{ id: 'x', period: '2026-13', resource: 'laundry', quantity: 1, unit: 'kg' }])).toContain('period');
  });

  it('requires the qualifiers a resource needs and refuses those it does not take', () => {
    expect(fieldsOf([{ ...base, resource: 'waste', quantity: 1, unit: 'kg' }])).toEqual(['stream']);
    expect(fieldsOf([{ ...base, resource: 'refrigerant', quantity: 1, unit: 'kg' }])).toEqual(['gas']);
    expect(fieldsOf([{ ...base, resource: 'refrigerant', gas: 'R-22', quantity: 1, unit: 'kg' }])).toEqual(['gas']);
    expect(fieldsOf([{ ...base, resource: 'water', quantity: 1, unit: 'm3', certificates: true }])).toEqual(['certificates']);
    expect(fieldsOf([{ ...base, resource: 'electricity', quantity: 1, unit: 'kWh', stream: 'landfill' }])).toEqual(['stream']);
    expect(fieldsOf([{ ...base, resource: 'electricity', quantity: 1, unit: 'kWh', origin: 'onSite', certificates: true }])).toEqual(['certificates']);
    expect(fieldsOf([{ ...base, resource: 'naturalGas', quantity: 1, unit: 'kWh', calorificValue: 39 }])).toEqual(['calorificValue']);
    expect(fieldsOf([{ ...base, resource: 'diesel', quantity: 1, unit: 'l', calorificValue: 10, volumeCorrection: 1 }])).toEqual(['volumeCorrection']);
  });

  it("takes calorific values within the GoGreen core's bounds", () => {
    expect(fieldsOf([{ ...base, resource: 'naturalGas', quantity: 1, unit: 'm3' }])).toEqual(['calorificValue']);
    expect(fieldsOf([{ ...base, resource: 'naturalGas', quantity: 1, unit: 'm3', calorificValue: 61 }])).toEqual(['calorificValue']);
    expect(fieldsOf([{ ...base, resource: 'naturalGas', quantity: 1, unit: 'm3', calorificValue: 39, volumeCorrection: 3 }])).toEqual(['volumeCorrection']);
    expect(fieldsOf([{ ...base, resource: 'lpg', quantity: 1, unit: 'l' }])).toEqual(['calorificValue']);
    expect(fieldsOf([{ ...base, resource: 'lpg', quantity: 1, unit: 'l', calorificValue: 25 }])).toEqual(['calorificValue']);
  });

  it('reads CSV with numbers and booleans converted and empty cells absent', () => {
    const csv = 'id,date,period,resource,quantity,unit,certificates,stream\nA,2026-03-14,,electricity,1200.5,kWh,true,\nB,,2026-03,waste,40,kg,,landfill\n';
    const r = parseBatch(f, 'csv', Buffer.from(csv));
    expect(r.errors).toEqual([]);
    expect(r.records.map((x) => (x.deleted ? x.id : x.record))).toEqual([
      { id: 'A', date: '2026-03-14', resource: 'electricity', quantity: 1200.5, unit: 'kWh', certificates: true },
      { id: 'B', period: '2026-03', resource: 'waste', quantity: 40, unit: 'kg', stream: 'landfill' },
    ]);
  });
});

describe('utility readings as facts', () => {
  it('is a property-level actual in canonical units on the path into the core’s Consumption', () => {
    expect(fact({ date: '2026-03-14', resource: 'electricity', quantity: 1.25, unit: 'MWh' })).toEqual({
      date: '2026-03-14',
      scenario: 'actual',
      contributions: [{ departmentId: null, measures: { 'utility.electricity.gridKwh': 1250 } }],
    });
    const measure = (r: Omit<UtilityRecord, 'id'>) => fact(r).contributions[0]?.measures;
    expect(measure({ date: '2026-03-14', resource: 'electricity', quantity: 7, unit: 'kWh', certificates: true })).toEqual({ 'utility.electricity.certifiedRenewableKwh': 7 });
    expect(measure({ date: '2026-03-14', resource: 'electricity', quantity: 7, unit: 'kWh', origin: 'onSite' })).toEqual({ 'utility.electricity.onSiteRenewableKwh': 7 });
    expect(measure({ date: '2026-03-14', resource: 'water', quantity: 2500, unit: 'l' })).toEqual({ 'utility.water.mainsM3': 2.5 });
    expect(measure({ date: '2026-03-14', resource: 'water', quantity: 3, unit: 'm3', supply: 'recycled' })).toEqual({ 'utility.water.recycledM3': 3 });
    expect(measure({ date: '2026-03-14', resource: 'refrigerant', quantity: 1.5, unit: 'kg', gas: 'R-32' })).toEqual({ 'utility.refrigerants.R-32.kg': 1.5 });
    expect(measure({ date: '2026-03-14', resource: 'laundry', quantity: 0.3, unit: 't' })).toEqual({ 'utility.laundryKg': 300 });
    // 100 m³ × 1.02264 × 39.6 MJ/m³ ÷ 3.6 MJ/kWh = 1124.904 kWh; 200 l × 10.35 kWh/l = 2070 kWh.
    expect(measure({ date: '2026-03-14', resource: 'naturalGas', quantity: 100, unit: 'm3', calorificValue: 39.6, volumeCorrection: 1.02264 })?.['utility.naturalGas.kwh']).toBeCloseTo(1124.904, 9);
    expect(measure({ date: '2026-03-14', resource: 'fuelOil', quantity: 200, unit: 'l', calorificValue: 10.35 })).toEqual({ 'utility.fuelOil.kwh': 2070 });
  });

  it('files a monthly reading under its month’s last day as a monthly figure', () => {
    expect(fact({ period: '2026-02', resource: 'waste', quantity: 2, unit: 't', stream: 'landfill' })).toEqual({
      date: '2026-02-28',
      scenario: 'actual',
      contributions: [{ departmentId: null, period: '2026-02', measures: { 'utility.waste.landfillKg': 2000 } }],
    });
  });
});

describe('utility quantities in aggregates and rollups', () => {
  const utilityFact = (id: string, measures: Record<string, number>, period?: string) =>
    testFact(id, { sourceType: 'utility', contributions: [{ departmentId: null, measures: measures as never, ...(period ? { period } : {}) }] });

  it('sums each path in hundredths on the property-level actual aggregate; other aggregates carry no utility map', async () => {
    const pos = testFact('pos1', { contributions: [{ departmentId: 'fb', measures: { revenue: 10 } }] });
    const drafts = await computeDay('t', 'p', '2026-01-01', [utilityFact('u1', { 'utility.electricity.gridKwh': 0.1 }), utilityFact('u2', { 'utility.electricity.gridKwh': 0.2, 'utility.water.mainsM3': 3 }), pos], async () => undefined, 'x');
    const property = drafts.find((d) => d.level === 'property');
    expect(property?.utility).toEqual({ 'electricity.gridKwh': 0.3, 'water.mainsM3': 3 });
    expect(property?.roomsSold).toBe(0);
    expect(property?.sources).toEqual({ utility: 2 });
    expect(drafts.find((d) => d.level === 'department')).not.toHaveProperty('utility');
    const monthly = await computeDay('t', 'p', '2026-01-31', [utilityFact('u3', { 'utility.laundryKg': 80 }, '2026-01')].map((x) => ({ ...x, date: '2026-01-31' })), async () => undefined, 'x');
    expect(monthly).toEqual([expect.objectContaining({ id: 'agg:p:2026-01-31:_property:actual:month', period: '2026-01', utility: { laundryKg: 80 } })]);
  });

  it('totals utility over the days and the monthly readings of a rollup', () => {
    const totals = rollupTotals({ '2026-01-01': { roomsSold: 10, utility: { 'electricity.gridKwh': 100.1 }, factCount: 1 }, '2026-01-02': { roomsSold: 20, utility: { 'electricity.gridKwh': 0.2 }, factCount: 1 } }, { utility: { 'electricity.gridKwh': 50, laundryKg: 80 }, factCount: 2 });
    expect(totals).toEqual({ totals: { roomsSold: 30 }, usaliTotals: {}, utilityTotals: { 'electricity.gridKwh': 150.3, laundryKg: 80 }, factCount: 4 });
    expect(rollupTotals({ '2026-01-01': { roomsSold: 1, factCount: 1 } }, undefined)).not.toHaveProperty('utilityTotals');
  });
});
