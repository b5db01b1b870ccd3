import type { AggregateRecord, DepartmentInfo, PropertyInfo } from '../../../shared/reporting/model.js';

/**
 * The hand-computed fixture of docs/kpis.md: property "Harbour" (EUR, 1,000 rooms), four
 * departments, actuals on 2026-03-14 and 2026-03-15, a budget, and last year's actuals.
 */
export const property: PropertyInfo = {
  id: 'p1',
  name: 'Harbour',
  timezone: 'Europe/Lisbon',
  currency: 'EUR',
  roomsAvailable: 1000,
  excludeOutOfOrderFromAvailable: false,
  roomsRevenueSource: 'pms',
  monthlySpread: 'even',
};

const dept = (id: string, code: string, usaliDepartment: DepartmentInfo['usaliDepartment'], driver: DepartmentInfo['driver'], std: number | null, housekeeping = false): DepartmentInfo => ({
  id,
  propertyId: 'p1',
  code,
  name: code,
  usaliDepartment,
  driver,
  standardHoursPerUnit: std,
  housekeeping,
});

export const FO = dept('d-fo', 'FO', 'rooms', 'roomsSold', 0.1);
export const HK = dept('d-hk', 'HK', 'rooms', 'roomsSold', 0.5, true);
export const REST = dept('d-rest', 'REST', 'fnb', 'covers', 0.25);
export const AG = dept('d-ag', 'AG', 'admin_general', 'none', null);
export const departments = [AG, FO, HK, REST];
export const departmentMap = new Map(departments.map((d) => [d.id, d]));

let seq = 0;
function agg(date: string, departmentId: string | null, scenario: string, fields: Record<string, unknown>, sources: Record<string, number>, usali: Record<string, number> = {}): AggregateRecord {
  seq += 1;
  return {
    id: `agg:p1:${date}:${departmentId ?? '_property'}:${scenario}:${seq}`,
    level: departmentId ? 'department' : 'property',
    propertyId: 'p1',
    date,
    departmentId,
    scenario,
    usali,
    sources,
    factCount: 1,
    ...fields,
  };
}

const pms = (date: string, roomsSold: number, roomRevenue: number, guests: number, scenario = 'actual') =>
  agg(date, null, scenario, { roomsAvailable: 1000, outOfOrder: 10, roomsSold, complimentary: 5, roomRevenue, guests }, { pms: 1 });
const tms = (date: string, id: string, productiveHours: number, nonProductiveHours: number, labourCost: number) =>
  agg(date, id, 'actual', { revenue: 0, covers: 0, productiveHours, nonProductiveHours, labourCost }, { tms: 1 });

/** Actuals: 1,600 rooms sold, €192,000 rooms revenue, restaurant €64,000 and 2,000 covers, 1,600 paid hours. */
export const actuals: AggregateRecord[] = [
  pms('2026-03-14', 750, 90_000, 1_200),
  pms('2026-03-15', 850, 102_000, 1_300),
  tms('2026-03-14', 'd-hk', 380, 20, 8_000),
  tms('2026-03-15', 'd-hk', 380, 20, 8_000),
  tms('2026-03-14', 'd-fo', 150, 10, 3_000),
  tms('2026-03-15', 'd-fo', 150, 10, 3_000),
  agg('2026-03-14', 'd-rest', 'actual', { revenue: 30_000, covers: 1_000, productiveHours: 180, nonProductiveHours: 20, labourCost: 9_600 }, { pos: 2, tms: 3 }),
  agg('2026-03-15', 'd-rest', 'actual', { revenue: 34_000, covers: 1_000, productiveHours: 180, nonProductiveHours: 20, labourCost: 9_600 }, { pos: 2, tms: 3 }),
  tms('2026-03-15', 'd-ag', 80, 0, 4_000),
];

/**
 * Month-end AMS actuals for the P&L, posted on 2026-03-15 (inside the two-day range). The PMS is the
 * property's source of record for rooms revenue, so the ledger carries no rooms revenue (a posting
 * to FO would be an adjustment on top of the PMS €192,000).
 */
export const ledger: AggregateRecord[] = [
  agg('2026-03-15', 'd-fo', 'actual', { revenue: 0, productiveHours: 0 }, { ams: 2 }, { payrollAndRelated: 30_000, otherExpenses: 8_000 }),
  agg('2026-03-15', 'd-hk', 'actual', { revenue: 0 }, { ams: 2 }, { payrollAndRelated: 25_000, otherExpenses: 5_000 }),
  agg('2026-03-15', 'd-rest', 'actual', { revenue: 0 }, { ams: 4 }, { revenue: 64_000, costOfSales: 19_200, payrollAndRelated: 20_000, otherExpenses: 4_800 }),
  agg('2026-03-15', 'd-ag', 'actual', { revenue: 0 }, { ams: 2 }, { payrollAndRelated: 10_000, otherExpenses: 2_000 }),
  agg('2026-03-15', null, 'actual', {}, { ams: 10 }, {
    miscellaneousIncome: 1_000,
    administrativeAndGeneral: 3_000,
    informationAndTelecommunications: 2_000,
    salesAndMarketing: 6_000,
    propertyOperationAndMaintenance: 5_000,
    utilities: 7_000,
    managementFees: 9_000,
    nonOperatingIncome: 500,
    nonOperatingExpenses: 4_500,
    replacementReserve: 10_280,
  }),
];

/** Budget (AMS): rooms €180,000 with €50,000 payroll; restaurant €60,000, cost of sales €18,000, payroll €20,000. */
export const budget: AggregateRecord[] = [
  agg('2026-03-15', 'd-fo', 'budget', {}, { ams: 2 }, { revenue: 180_000, payrollAndRelated: 50_000 }),
  agg('2026-03-15', 'd-rest', 'budget', {}, { ams: 3 }, { revenue: 60_000, costOfSales: 18_000, payrollAndRelated: 20_000 }),
];

/** Last year: 2025-03-14 and 2025-03-15 (restaurant €25,000 and 900 covers a day, 700 rooms at €110). */
export const lastYear: AggregateRecord[] = [
  pms('2025-03-14', 700, 77_000, 1_100),
  pms('2025-03-15', 700, 77_000, 1_100),
  agg('2025-03-14', 'd-rest', 'actual', { revenue: 25_000, covers: 900, productiveHours: 170, nonProductiveHours: 10, labourCost: 8_000 }, { pos: 1, tms: 1 }),
  agg('2025-03-15', 'd-rest', 'actual', { revenue: 25_000, covers: 900, productiveHours: 170, nonProductiveHours: 10, labourCost: 8_000 }, { pos: 1, tms: 1 }),
];
