import { mergeSums } from '../reporting/fold.js';
import { departmentFigures, driverVolume, ratio, round, totalFigures } from '../reporting/kpis.js';
import { emptyDeptSums, emptyPropertySums, PROPERTY_LINES, type BucketSums, type DepartmentInfo, type PropertyLine } from '../reporting/model.js';
import { statement } from '../reporting/pnl.js';

/**
 * What-if arithmetic (docs/planning.md, "Scenarios (what-if)"): a month of the forecast as sums,
 * the drivers read from it, and the sums the drivers project, which then go through the reports'
 * own KPI (kpis.ts) and P&L (pnl.ts) computations. Pure: the same baseline and drivers always give
 * the same figures.
 */

/** One department's forecast for a month: what the report fold makes of the forecast series. */
export interface DepartmentBaseline {
  revenue: number;
  covers: number;
  productiveHours: number;
  nonProductiveHours: number;
  /** Payroll & related (the forecast's labour cost). */
  labourCost: number;
  costOfSales: number;
  otherExpenses: number;
}

/** The property level of a forecast month. */
export interface PropertyBaseline {
  /** As the P&L counts them: statistics where the forecast has them, the capacity on other days. */
  roomsAvailable: number;
  roomsSold: number;
  /** Rooms revenue as both reports count it (PMS/RMS and AMS combined day by day). */
  roomsRevenue: number;
  guests: number;
  /** Property-level USALI lines (miscellaneous income, undistributed, fees, non-operating). */
  usali: Record<PropertyLine, number>;
}

export interface MonthBaseline {
  /** `YYYY-MM` */
  period: string;
  days: number;
  property: PropertyBaseline;
  departments: Record<string, DepartmentBaseline>;
}

/** The drivers of one department in one month. */
export interface DepartmentDrivers {
  covers: number;
  /** Revenue ÷ covers; null when the forecast has no covers (the revenue is then held). */
  revenuePerCover: number | null;
  /** Paid hours per unit of the department's driver volume; null: all hours are fixed. */
  standard: number | null;
  /** Labour cost ÷ paid hours; null when there are no hours (the labour cost is then held). */
  wageRate: number | null;
  /** Paid hours that do not move with volume. */
  fixedHours: number;
}

export interface MonthDrivers {
  period: string;
  /** Rooms sold ÷ rooms available; null without rooms available. */
  occupancy: number | null;
  /** Rooms revenue ÷ rooms sold; null without rooms sold (rooms revenue is then held). */
  adr: number | null;
  departments: Record<string, DepartmentDrivers>;
}

export const PROPERTY_DRIVERS = ['occupancy', 'adr'] as const;
export const DEPARTMENT_DRIVERS = ['covers', 'revenuePerCover', 'standard', 'wageRate', 'fixedHours'] as const;
export type PropertyDriver = (typeof PROPERTY_DRIVERS)[number];
export type DepartmentDriver = (typeof DEPARTMENT_DRIVERS)[number];
export type DriverName = PropertyDriver | DepartmentDriver;

const money = (v: number) => round(v, 2) as number;
const hours = (v: number) => round(v, 2) as number;

/**
 * The drivers of a forecast month. Forecast hours are all volume-driven (standard = hours ÷ volume)
 * when the department has a volume, else all fixed. A forecast without hours (AMS and RMS forecasts
 * carry none) takes the department's own standard, so its hours are the earned hours of its volume.
 */
export function driversOf(month: MonthBaseline, departments: readonly DepartmentInfo[]): MonthDrivers {
  const p = month.property;
  const out: MonthDrivers = { period: month.period, occupancy: ratio(p.roomsSold, p.roomsAvailable), adr: ratio(p.roomsRevenue, p.roomsSold), departments: {} };
  for (const dept of departments) {
    const d = month.departments[dept.id] ?? emptyBaseline();
    const paid = d.productiveHours + d.nonProductiveHours;
    const volume = driverVolume(dept, { ...emptyDeptSums(), covers: d.covers, revenue: d.revenue }, { ...emptyPropertySums(), roomsSold: p.roomsSold, guests: p.guests });
    const volumeDriven = paid > 0 && volume !== null && volume > 0;
    const standard = volumeDriven ? paid / volume : dept.standardHoursPerUnit;
    const fixedHours = paid > 0 && !volumeDriven ? paid : 0;
    const baselineHours = paid > 0 ? paid : (volume ?? 0) * (standard ?? 0);
    out.departments[dept.id] = { covers: d.covers, revenuePerCover: ratio(d.revenue, d.covers), standard, wageRate: ratio(d.labourCost, baselineHours), fixedHours };
  }
  return out;
}

export function emptyBaseline(): DepartmentBaseline {
  return { revenue: 0, covers: 0, productiveHours: 0, nonProductiveHours: 0, labourCost: 0, costOfSales: 0, otherExpenses: 0 };
}

/**
 * The sums a month's drivers project, in the shape the reports fold a forecast into:
 * - occupancy × rooms available → rooms sold (whole rooms); rooms sold × ADR → rooms revenue (the
 *   rooms departments' own revenue moves in proportion); guests move with rooms sold;
 * - covers × revenue per cover → the department's revenue; cost of sales keeps its ratio to revenue;
 * - driver volume × standard + fixed hours → paid hours, split productive/non-productive as in the forecast;
 * - paid hours × wage rate → payroll & related;
 * - other expenses and every property-level line are held as in the forecast.
 */
export function project(month: MonthBaseline, drivers: MonthDrivers, departments: readonly DepartmentInfo[]): BucketSums {
  const p = month.property;
  const roomsSold = drivers.occupancy === null ? p.roomsSold : Math.round(drivers.occupancy * p.roomsAvailable);
  const roomsRevenue = drivers.adr === null ? p.roomsRevenue : money(roomsSold * drivers.adr);
  const guests = p.roomsSold > 0 ? Math.round((p.guests * roomsSold) / p.roomsSold) : p.guests;
  const roomsFactor = p.roomsRevenue !== 0 ? roomsRevenue / p.roomsRevenue : 1;
  const property = emptyPropertySums();
  property.roomsAvailable = p.roomsAvailable;
  property.roomsSold = roomsSold;
  property.roomRevenue = roomsRevenue;
  property.roomsRevenue = roomsRevenue;
  property.guests = guests;
  for (const line of PROPERTY_LINES) property.usali[line] = p.usali[line] ?? 0;
  const sums: BucketSums = { departments: new Map(), property };
  for (const dept of departments) {
    const base = month.departments[dept.id] ?? emptyBaseline();
    const drv = drivers.departments[dept.id];
    const d = emptyDeptSums();
    const covers = drv?.covers ?? base.covers;
    const revenue =
      dept.usaliDepartment === 'rooms' ? money(base.revenue * roomsFactor) : drv?.revenuePerCover !== null && drv?.revenuePerCover !== undefined ? money(covers * drv.revenuePerCover) : base.revenue;
    d.revenue = revenue;
    d.covers = covers;
    const volume = driverVolume(dept, d, property);
    const paid = hours((volume ?? 0) * (drv?.standard ?? 0) + (drv?.fixedHours ?? 0));
    const basePaid = base.productiveHours + base.nonProductiveHours;
    const productive = basePaid > 0 ? hours((paid * base.productiveHours) / basePaid) : paid;
    const labourCost = drv?.wageRate !== null && drv?.wageRate !== undefined ? money(paid * drv.wageRate) : base.labourCost;
    d.productiveHours = productive;
    d.nonProductiveHours = hours(paid - productive);
    d.labourCost = labourCost;
    d.usali = {
      revenue,
      costOfSales: base.revenue !== 0 ? money((base.costOfSales * revenue) / base.revenue) : base.costOfSales,
      payrollAndRelated: labourCost,
      otherExpenses: base.otherExpenses,
    };
    d.amsRevenuePosted = true;
    sums.departments.set(dept.id, d);
  }
  return sums;
}

/** The figures a scenario shows for a month or the year, baseline and scenario alike. */
export interface ScenarioFigures {
  revenue: number;
  roomsRevenue: number;
  roomsSold: number;
  roomsAvailable: number;
  occupancy: number | null;
  adr: number | null;
  paidHours: number;
  labourCost: number;
  labourCostPct: number | null;
  revPOLU: number | null;
  /** Revenue ÷ paid hours (the property total's productivity). */
  productivity: number | null;
  gop: number;
  gopMargin: number | null;
}

export interface DepartmentScenarioFigures {
  revenue: number;
  covers: number;
  paidHours: number;
  labourCost: number;
  /** The department's output (its driver volume, else revenue) ÷ paid hours. */
  productivity: number | null;
}

export interface PeriodFigures {
  total: ScenarioFigures;
  departments: Record<string, DepartmentScenarioFigures>;
}

/** A month's (or the year's) figures from projected sums: the reports' R&P and P&L computations. */
export function figuresOf(sums: BucketSums, departments: readonly DepartmentInfo[], days: number): PeriodFigures {
  const total = totalFigures(departments, sums, true, true);
  const pnl = statement(sums, { departments, capacity: 0, excludeOutOfOrder: false, days, statisticsRequired: true });
  const line = (key: string) => pnl.get(key) ?? null;
  const byDept: Record<string, DepartmentScenarioFigures> = {};
  for (const dept of departments) {
    const f = departmentFigures(dept, sums, true, true);
    byDept[dept.id] = { revenue: f.revenue, covers: f.covers, paidHours: f.paidHours, labourCost: f.labourCost ?? 0, productivity: f.productivityTotal };
  }
  return {
    total: {
      revenue: line('revenue.total') ?? 0,
      roomsRevenue: line('revenue.rooms') ?? 0,
      roomsSold: line('stats.roomsSold') ?? 0,
      roomsAvailable: line('stats.roomsAvailable') ?? 0,
      occupancy: line('stats.occupancy'),
      adr: line('stats.adr'),
      paidHours: total.paidHours,
      labourCost: total.labourCost ?? 0,
      labourCostPct: total.labourCostPct ?? null,
      revPOLU: total.revPOLU,
      productivity: total.productivityTotal,
      gop: line('gop') ?? 0,
      gopMargin: line('gopMargin'),
    },
    departments: byDept,
  };
}

export interface Projection {
  months: Array<{ period: string; baseline: PeriodFigures; scenario: PeriodFigures }>;
  year: { baseline: PeriodFigures; scenario: PeriodFigures };
}

/**
 * Baseline and scenario side by side for every month and the year. The baseline column is the
 * projection of the forecast's own drivers, so it shows the forecast as reports do (with hours from
 * the standards where the forecast carries none); the year is the sum of the months' sums, its
 * ratios taken of those sums.
 */
export function projectYear(baseline: readonly MonthBaseline[], baselineDrivers: readonly MonthDrivers[], drivers: readonly MonthDrivers[], departments: readonly DepartmentInfo[]): Projection {
  const baseSums: BucketSums[] = [];
  const scenSums: BucketSums[] = [];
  const months = baseline.map((month, i) => {
    const b = project(month, baselineDrivers[i] as MonthDrivers, departments);
    const s = project(month, drivers[i] as MonthDrivers, departments);
    baseSums.push(b);
    scenSums.push(s);
    return { period: month.period, baseline: figuresOf(b, departments, month.days), scenario: figuresOf(s, departments, month.days) };
  });
  const days = baseline.reduce((n, m) => n + m.days, 0);
  return { months, year: { baseline: figuresOf(mergeSums(baseSums), departments, days), scenario: figuresOf(mergeSums(scenSums), departments, days) } };
}

/** One change of drivers: a value set, or a percentage applied, over the months and departments it names. */
export interface DriverChange {
  driver: DriverName;
  /** Omitted: every month of the year. */
  month?: string | undefined;
  /** Department drivers only; omitted: every department. */
  departmentId?: string | undefined;
  set?: number | undefined;
  /** +5 raises by 5 %; a driver without a value (null) stays null. */
  changePct?: number | undefined;
}

/** The drivers after the changes, in order; the input is not modified. */
export function applyChanges(drivers: readonly MonthDrivers[], changes: readonly DriverChange[]): MonthDrivers[] {
  const out: MonthDrivers[] = structuredClone(drivers as MonthDrivers[]);
  const next = (current: number | null, c: DriverChange): number | null => {
    if (c.set !== undefined) return c.set;
    if (current === null) return null;
    return current * (1 + (c.changePct ?? 0) / 100);
  };
  for (const c of changes) {
    for (const m of out) {
      if (c.month !== undefined && m.period !== c.month) continue;
      if (c.driver === 'occupancy' || c.driver === 'adr') {
        m[c.driver] = next(m[c.driver], c);
        continue;
      }
      const driver = c.driver;
      for (const [id, d] of Object.entries(m.departments)) {
        if (c.departmentId !== undefined && id !== c.departmentId) continue;
        const v = next(d[driver], c);
        if (driver === 'covers' || driver === 'fixedHours') d[driver] = v ?? 0;
        else d[driver] = v;
      }
    }
  }
  return out;
}
