import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { computeDay } from '../../../shared/integrations/aggregate.js';
import { refreshRollups } from '../../../shared/integrations/rollup.js';
import type { AggregateItem, FactItem } from '../../../shared/integrations/model.js';
import { CONSUMPTION_PATHS, consumptionOf } from '../../../shared/sustainability/consumption-measures.js';
import { RollupConsumption } from '../../../shared/sustainability/consumption-rollups.js';
import { entryRecordId } from '../../../shared/sustainability/inputs.js';
import { utilityEntry } from '../../../shared/integrations/formats/utility/record.js';
import { energyTotals } from '../../../shared/sustainability/index.js';
import { testFact } from '../../support/facts.js';
import { startTestStore, type TestStore } from '../../support/store.js';

/**
 * GoGreen inputs below HTTP (docs/gogreen.md, "Inputs"): quantities by path back into the core's
 * Consumption, the ids manual entries are stored under, and the consumption read port over
 * rollups written by the pipeline's own aggregation and rollup code.
 */

describe('consumptionOf', () => {
  it('rebuilds the core’s Consumption from quantities by path, with the core’s defaults', () => {
    const c = consumptionOf({ 'electricity.gridKwh': 1000, 'electricity.certifiedRenewableKwh': 200, 'naturalGas.kwh': 500, 'waste.recycledKg': 40, 'refrigerants.R-410A.kg': 1.5, laundryKg: 0, unknown: 7 });
    expect(c).toEqual({
      electricity: { gridKwh: 1000, onSiteRenewableKwh: 0, certifiedRenewableKwh: 200 },
      naturalGas: { kwh: 500 },
      waste: { landfillKg: 0, recycledKg: 40, compostedKg: 0, incineratedKg: 0 },
      refrigerants: [{ gas: 'R-410A', kg: 1.5 }],
      laundryKg: 0,
    });
    expect(energyTotals(c)).toMatchObject({ electricityKwh: 1200, renewableElectricityKwh: 200, fuelsKwh: 500, totalKwh: 1700 });
    expect(consumptionOf({})).toEqual({ refrigerants: [] });
  });

  it('names every path a Consumption can hold once', () => {
    expect(new Set(CONSUMPTION_PATHS).size).toBe(CONSUMPTION_PATHS.length);
    const all = consumptionOf(Object.fromEntries(CONSUMPTION_PATHS.map((p, i) => [p, i + 1])));
    expect(Object.keys(all).sort()).toEqual(['diesel', 'districtCoolingKwh', 'districtHeatKwh', 'electricity', 'fuelOil', 'laundryKg', 'lpg', 'naturalGas', 'refrigerants', 'waste', 'water']);
    expect(all.refrigerants).toHaveLength(5);
  });
});

describe('entryRecordId', () => {
  const entry = (r: object) => utilityEntry.parse(r);
  it('is one id per day or month, meter and kind of resource, unless the entry names its own', () => {
    expect(entryRecordId(entry({ date: '2026-03-14', resource: 'electricity', quantity: 1, unit: 'kWh' }))).toBe('manual:2026-03-14:electricity.gridKwh');
    expect(entryRecordId(entry({ date: '2026-03-14', resource: 'electricity', quantity: 9, unit: 'MWh' }))).toBe('manual:2026-03-14:electricity.gridKwh');
    expect(entryRecordId(entry({ period: '2026-03', resource: 'waste', stream: 'landfill', quantity: 1, unit: 'kg', meter: 'SKIP-2' }))).toBe('manual:2026-03:SKIP-2:waste.landfillKg');
    expect(entryRecordId(entry({ period: '2026-03', resource: 'waste', stream: 'recycled', quantity: 1, unit: 'kg' }))).toBe('manual:2026-03:waste.recycledKg');
    expect(entryRecordId(entry({ id: 'INV-77', period: '2026-03', resource: 'laundry', quantity: 1, unit: 'kg' }))).toBe('INV-77');
  });
});

describe('RollupConsumption', () => {
  let t: TestStore;
  let source: RollupConsumption;
  const tenant = 'tn-green';
  const property = 'hotel-1';

  /** Writes a property's days as the import pipeline does: computeDay, the aggregates, then their rollups. */
  async function writeDays(days: Record<string, FactItem[]>): Promise<void> {
    const aggregates = t.store.collection<AggregateItem>('aggregates', tenant);
    const rollupDays = [];
    for (const [date, facts] of Object.entries(days)) {
      const drafts = await computeDay(tenant, property, date, facts, async () => undefined, '2026-04-01T00:00:00Z');
      for (const d of drafts) await aggregates.upsert(d as AggregateItem);
      rollupDays.push({ propertyId: property, date, aggregates: drafts });
    }
    await refreshRollups(aggregates, tenant, rollupDays, { parallelRequests: 4 }, { reads: 0, writes: 0 });
  }
  const at = (date: string, id: string, contributions: FactItem['contributions'], sourceType: FactItem['sourceType'] = 'utility') => testFact(id, { tenantId: tenant, propertyId: property, date, sourceType, contributions });
  const rooms = (date: string, roomsSold: number) => at(date, `pms-${date}`, [{ departmentId: null, snapshot: true, measures: { roomsSold } }], 'pms');
  const utility = (date: string, id: string, measures: Record<string, number>, period?: string) => at(date, id, [{ departmentId: null, measures: measures as never, ...(period ? { period } : {}) }]);

  beforeAll(async () => {
    t = await startTestStore();
    source = new RollupConsumption(t.store);
    // February 2026: 10 room nights on the 1st, 30 on the 2nd; a daily meter on the 1st and the 3rd; a monthly bill of 100 m³ of water.
    await writeDays({
      '2026-02-01': [rooms('2026-02-01', 10), utility('2026-02-01', 'e1', { 'utility.electricity.gridKwh': 120.5 })],
      '2026-02-02': [rooms('2026-02-02', 30)],
      '2026-02-03': [utility('2026-02-03', 'e3', { 'utility.electricity.gridKwh': 80 })],
      '2026-02-28': [utility('2026-02-28', 'w2', { 'utility.water.mainsM3': 100 }, '2026-02')],
      // March: one daily reading and nothing else.
      '2026-03-05': [utility('2026-03-05', 'l5', { 'utility.laundryKg': 40 })],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers days in range: daily readings as recorded, a monthly one spread by room nights', async () => {
    const days = await source.days(tenant, property, '2026-02-01', '2026-02-03');
    expect(days).toEqual([
      { date: '2026-02-01', consumption: { electricity: { gridKwh: 120.5, onSiteRenewableKwh: 0, certifiedRenewableKwh: 0 }, water: { mainsM3: 25, wellM3: 0, recycledM3: 0 }, refrigerants: [] } },
      { date: '2026-02-02', consumption: { water: { mainsM3: 75, wellM3: 0, recycledM3: 0 }, refrigerants: [] } },
      { date: '2026-02-03', consumption: { electricity: { gridKwh: 80, onSiteRenewableKwh: 0, certifiedRenewableKwh: 0 }, water: { mainsM3: 0, wellM3: 0, recycledM3: 0 }, refrigerants: [] } },
    ]);
    const whole = await source.days(tenant, property, '2026-01-15', '2026-03-31');
    expect(whole.map((d) => d.date)).toHaveLength(28 + 1);
    expect(whole.reduce((s, d) => s + (d.consumption.water?.mainsM3 ?? 0), 0)).toBeCloseTo(100, 9);
    expect(whole.at(-1)).toEqual({ date: '2026-03-05', consumption: { laundryKg: 40, refrigerants: [] } });
    expect(await source.days(tenant, property, '2026-02-04', '2026-02-03')).toEqual([]);
  });

  it('answers months from the rollups: totals and the days with data', async () => {
    expect(await source.months(tenant, property, '2025-12', '2026-04')).toEqual([
      { month: '2026-02', days: 28, consumption: { electricity: { gridKwh: 200.5, onSiteRenewableKwh: 0, certifiedRenewableKwh: 0 }, water: { mainsM3: 100, wellM3: 0, recycledM3: 0 }, refrigerants: [] } },
      { month: '2026-03', days: 1, consumption: { laundryKg: 40, refrigerants: [] } },
    ]);
  });

  it('spreads evenly over a month without room nights, and reads nothing of another tenant or property', async () => {
    const march = await source.days(tenant, property, '2026-03-01', '2026-03-31');
    expect(march).toHaveLength(1);
    expect(await source.days('another-tenant', property, '2026-02-01', '2026-03-31')).toEqual([]);
    expect(await source.months(tenant, 'hotel-2', '2026-01', '2026-03')).toEqual([]);
    await writeDays({ '2026-04-30': [utility('2026-04-30', 'w4', { 'utility.water.wellM3': 3 }, '2026-04')] });
    const april = await source.days(tenant, property, '2026-04-01', '2026-04-30');
    expect(april).toHaveLength(30);
    expect(new Set(april.map((d) => d.consumption.water?.wellM3))).toEqual(new Set([0.1]));
  });
});
