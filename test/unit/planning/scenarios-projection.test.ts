import { describe, expect, it } from '@jest/globals';
import { applyChanges, driversOf, projectYear, type MonthBaseline } from '../../../shared/planning/scenarios-projection.js';
import type { DepartmentInfo } from '../../../shared/reporting/model.js';
import { PROPERTY_LINES } from '../../../shared/reporting/model.js';

/*
 * April 2027 (30 days) of a 100-room hotel, by hand:
 *   rooms available 3,000, forecast rooms sold 2,400 (occupancy 0.8), rooms revenue 300,000 (ADR 125)
 *   ROOMS (driver rooms sold, standard 0.5 h): no forecast hours, payroll 30,000, other expenses 10,000
 *     → hours from the standard 2,400 × 0.5 = 1,200, wage rate 30,000 ÷ 1,200 = 25
 *   FB (driver covers): revenue 60,000, 2,000 covers (30 a cover), 800 + 100 h (0.45 h a cover),
 *     payroll 18,000 (20 an hour), cost of sales 18,000 (30 %), other expenses 5,000
 *   AG (A&G, no driver): 300 fixed hours, payroll 9,000 (30 an hour); utilities 7,000 at property level
 * Baseline: revenue 360,000; hours 2,400; labour 57,000; RevPOLU 150;
 *   GOP = 360,000 − (30,000 + 10,000) − (18,000 + 18,000 + 5,000) − (9,000 + 7,000) = 263,000.
 */

const dept = (id: string, usaliDepartment: DepartmentInfo['usaliDepartment'], driver: DepartmentInfo['driver'], standardHoursPerUnit: number | null): DepartmentInfo => ({
  id,
  propertyId: 'P',
  code: id,
  name: id,
  usaliDepartment,
  driver,
  standardHoursPerUnit,
  housekeeping: false,
});
const DEPTS = [dept('ROOMS', 'rooms', 'roomsSold', 0.5), dept('FB', 'fnb', 'covers', 0.3), dept('AG', 'admin_general', 'none', null)];
const usali = Object.fromEntries(PROPERTY_LINES.map((l) => [l, 0])) as MonthBaseline['property']['usali'];
const APRIL: MonthBaseline = {
  period: '2027-04',
  days: 30,
  property: { roomsAvailable: 3000, roomsSold: 2400, roomsRevenue: 300000, guests: 3600, usali: { ...usali, utilities: 7000 } },
  departments: {
    ROOMS: { revenue: 300000, covers: 0, productiveHours: 0, nonProductiveHours: 0, labourCost: 30000, costOfSales: 0, otherExpenses: 10000 },
    FB: { revenue: 60000, covers: 2000, productiveHours: 800, nonProductiveHours: 100, labourCost: 18000, costOfSales: 18000, otherExpenses: 5000 },
    AG: { revenue: 0, covers: 0, productiveHours: 300, nonProductiveHours: 0, labourCost: 9000, costOfSales: 0, otherExpenses: 0 },
  },
};

describe('scenario drivers of a forecast month', () => {
  it('reads occupancy, ADR, covers, revenue per cover, standards, wage rates and fixed hours', () => {
    const d = driversOf(APRIL, DEPTS);
    expect(d.occupancy).toBe(0.8);
    expect(d.adr).toBe(125);
    expect(d.departments.ROOMS).toEqual({ covers: 0, revenuePerCover: null, standard: 0.5, wageRate: 25, fixedHours: 0 });
    expect(d.departments.FB).toEqual({ covers: 2000, revenuePerCover: 30, standard: 0.45, wageRate: 20, fixedHours: 0 });
    expect(d.departments.AG).toEqual({ covers: 0, revenuePerCover: null, standard: null, wageRate: 30, fixedHours: 300 });
  });
});

describe('scenario projection', () => {
  const base = [driversOf(APRIL, DEPTS)];

  it('reproduces the forecast with unchanged drivers (hours from the standard where it has none)', () => {
    const p = projectYear([APRIL], base, base, DEPTS);
    const month = p.months[0]!;
    expect(month.scenario).toEqual(month.baseline);
    expect(month.baseline.total).toMatchObject({ revenue: 360000, roomsRevenue: 300000, roomsSold: 2400, roomsAvailable: 3000, occupancy: 80, adr: 125, paidHours: 2400, labourCost: 57000, revPOLU: 150, productivity: 150, gop: 263000 });
    expect(month.baseline.departments.FB).toEqual({ revenue: 60000, covers: 2000, paidHours: 900, labourCost: 18000, productivity: 2.2222 });
    expect(month.baseline.departments.ROOMS).toMatchObject({ paidHours: 1200, labourCost: 30000, productivity: 2 });
    expect(p.year.baseline.total).toEqual(month.baseline.total);
  });

  /*
   * Occupancy set to 0.85 → 2,550 rooms sold; ADR +4 % → 130 → rooms revenue 331,500; ROOMS hours
   * 2,550 × 0.5 = 1,275 at 25 = 31,875. FB covers 2,200 → revenue 66,000, cost of sales 19,800,
   * hours 2,200 × 0.45 = 990 (880 productive), wage rate +10 % → 22 → 21,780. AG fixed hours 320 → 9,600.
   * Revenue 397,500; hours 2,585; labour 63,255; RevPOLU 397,500 ÷ 2,585 = 153.7718;
   * GOP = 397,500 − 41,875 − 46,580 − 16,600 = 292,445.
   */
  it('moves rooms, revenue, hours, payroll and GOP by the changed drivers', () => {
    const drivers = applyChanges(base, [
      { driver: 'occupancy', set: 0.85 },
      { driver: 'adr', month: '2027-04', changePct: 4 },
      { driver: 'covers', departmentId: 'FB', set: 2200 },
      { driver: 'wageRate', departmentId: 'FB', changePct: 10 },
      { driver: 'fixedHours', departmentId: 'AG', set: 320 },
    ]);
    expect(base[0]!.occupancy).toBe(0.8);
    const p = projectYear([APRIL], base, drivers, DEPTS);
    const s = p.months[0]!.scenario;
    expect(s.total).toEqual({
      revenue: 397500,
      roomsRevenue: 331500,
      roomsSold: 2550,
      roomsAvailable: 3000,
      occupancy: 85,
      adr: 130,
      paidHours: 2585,
      labourCost: 63255,
      labourCostPct: 15.9132,
      revPOLU: 153.7718,
      productivity: 153.7718,
      gop: 292445,
      gopMargin: 73.57,
    });
    expect(s.departments.FB).toEqual({ revenue: 66000, covers: 2200, paidHours: 990, labourCost: 21780, productivity: 2.2222 });
    expect(s.departments.ROOMS).toEqual({ revenue: 331500, covers: 0, paidHours: 1275, labourCost: 31875, productivity: 2 });
    expect(s.departments.AG).toMatchObject({ paidHours: 320, labourCost: 9600 });
    expect(p.months[0]!.baseline.total.gop).toBe(263000);
  });

  it('holds the labour cost without a wage rate and the revenue without revenue per cover', () => {
    const month: MonthBaseline = { ...APRIL, departments: { ...APRIL.departments, FB: { ...APRIL.departments.FB!, covers: 0, productiveHours: 0, nonProductiveHours: 0 } } };
    const noStd = DEPTS.map((d) => (d.id === 'FB' ? { ...d, standardHoursPerUnit: null } : d));
    const b = [driversOf(month, noStd)];
    expect(b[0]!.departments.FB).toEqual({ covers: 0, revenuePerCover: null, standard: null, wageRate: null, fixedHours: 0 });
    const drivers = applyChanges(b, [{ driver: 'covers', departmentId: 'FB', set: 500 }, { driver: 'revenuePerCover', departmentId: 'FB', changePct: 10 }]);
    const fb = projectYear([month], b, drivers, noStd).months[0]!.scenario.departments.FB!;
    expect(fb).toEqual({ revenue: 60000, covers: 500, paidHours: 0, labourCost: 18000, productivity: null });
  });

  it('adds the months into the year and takes the ratios of the sums', () => {
    const may: MonthBaseline = { ...structuredClone(APRIL), period: '2027-05', days: 31, property: { ...APRIL.property, roomsAvailable: 3100, roomsSold: 1550, roomsRevenue: 155000 } };
    may.departments.ROOMS!.revenue = 155000;
    const b = [driversOf(APRIL, DEPTS), driversOf(may, DEPTS)];
    const p = projectYear([APRIL, may], b, b, DEPTS);
    // 3,950 of 6,100 rooms: 64.75 %, not the mean of 80 % and 50 %.
    expect(p.year.baseline.total).toMatchObject({ roomsSold: 3950, roomsAvailable: 6100, occupancy: 64.75, roomsRevenue: 455000, paidHours: 2400 + 775 + 900 + 300 });
  });
});

describe('driver changes', () => {
  const may = (): MonthBaseline => ({ ...structuredClone(APRIL), period: '2027-05', days: 31, property: { ...APRIL.property, roomsAvailable: 3100 } });
  const base = [driversOf(APRIL, DEPTS), driversOf(may(), DEPTS)];

  it('apply in order, to the months and departments they name', () => {
    const out = applyChanges(base, [
      { driver: 'standard', changePct: 10 },
      { driver: 'standard', month: '2027-05', departmentId: 'FB', set: 0.5 },
      { driver: 'adr', month: '2027-05', changePct: -20 },
    ]);
    expect(out.map((m) => m.departments.FB!.standard)).toEqual([0.45 * 1.1, 0.5]);
    expect(out.map((m) => m.departments.ROOMS!.standard)).toEqual([0.5 * 1.1, 0.5 * 1.1]);
    expect(out.map((m) => m.adr)).toEqual([125, 100]);
  });

  it('leave a driver without a value null under a percentage, and give it one with set', () => {
    const out = applyChanges(base, [{ driver: 'revenuePerCover', changePct: 50 }]);
    expect(out.map((m) => m.departments.ROOMS!.revenuePerCover)).toEqual([null, null]);
    expect(out.map((m) => m.departments.FB!.revenuePerCover)).toEqual([45, 45]);
    expect(applyChanges(base, [{ driver: 'revenuePerCover', departmentId: 'ROOMS', set: 12 }])[0]!.departments.ROOMS!.revenuePerCover).toBe(12);
    expect(applyChanges(base, [{ driver: 'standard', departmentId: 'AG', set: 0.1 }])[1]!.departments.AG!.standard).toBe(0.1);
  });
});
