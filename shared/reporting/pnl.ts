import { ratio, round } from './kpis.js';
import type { BucketSums, DepartmentInfo, DepartmentalLine, UsaliDepartment } from './model.js';

/**
 * The USALI 11th edition summary operating statement (GUIDE §4), computed from folded sums.
 * Pure: the same sums always give the same statement.
 */

export type LineUnit = 'money' | 'rooms' | 'percent';
export type Section =
  | 'statistics'
  | 'revenue'
  | 'departmentalExpenses'
  | 'departmentalProfit'
  | 'undistributed'
  | 'grossOperatingProfit'
  | 'managementFees'
  | 'nonOperating'
  | 'ebitda';

export interface LineDef {
  key: string;
  label: string;
  section: Section;
  unit: LineUnit;
  /** Payroll lines: present only for callers with payroll.read. */
  payroll?: boolean;
  /**
   * Lines computed from payroll together with figures a caller sees anyway (departmental totals and
   * profits, GOP and below): without payroll.read they would give payroll away by subtraction, so
   * they are left out with the payroll lines.
   */
  derivedFromPayroll?: boolean;
}

type OperatedGroup = 'rooms' | 'foodAndBeverage' | 'otherOperated';
const GROUPS: Array<[OperatedGroup, string]> = [
  ['rooms', 'Rooms'],
  ['foodAndBeverage', 'Food and Beverage'],
  ['otherOperated', 'Other Operated Departments'],
];
const EXPENSE_LINES: Array<[Exclude<DepartmentalLine, 'revenue'>, string]> = [
  ['costOfSales', 'Cost of sales'],
  ['payrollAndRelated', 'Payroll and related expenses'],
  ['otherExpenses', 'Other expenses'],
];
const UNDISTRIBUTED: Array<[string, string, UsaliDepartment]> = [
  ['administrativeAndGeneral', 'Administrative and General', 'admin_general'],
  ['informationAndTelecommunications', 'Information and Telecommunications Systems', 'it_telecom'],
  ['salesAndMarketing', 'Sales and Marketing', 'sales_marketing'],
  ['propertyOperationAndMaintenance', 'Property Operation and Maintenance', 'maintenance'],
  ['utilities', 'Utilities', 'utilities'],
];

/** The statement's lines, in USALI order. */
export const PNL_LINES: readonly LineDef[] = [
  { key: 'stats.roomsAvailable', label: 'Rooms available', section: 'statistics', unit: 'rooms' },
  { key: 'stats.roomsSold', label: 'Rooms sold', section: 'statistics', unit: 'rooms' },
  { key: 'stats.complimentaryRooms', label: 'Complimentary rooms (not sold)', section: 'statistics', unit: 'rooms' },
  { key: 'stats.occupancy', label: 'Occupancy', section: 'statistics', unit: 'percent' },
  { key: 'stats.adr', label: 'ADR', section: 'statistics', unit: 'money' },
  { key: 'stats.revpar', label: 'RevPAR', section: 'statistics', unit: 'money' },
  { key: 'stats.trevpar', label: 'TRevPAR', section: 'statistics', unit: 'money' },
  { key: 'stats.goppar', label: 'GOPPAR', section: 'statistics', unit: 'money', derivedFromPayroll: true },
  ...GROUPS.map(([g, label]): LineDef => ({ key: `revenue.${g}`, label, section: 'revenue', unit: 'money' })),
  { key: 'revenue.miscellaneousIncome', label: 'Miscellaneous Income', section: 'revenue', unit: 'money' },
  { key: 'revenue.total', label: 'Total operating revenue', section: 'revenue', unit: 'money' },
  ...[...GROUPS, ['total', 'Total'] as [string, string]].flatMap(([g, label]): LineDef[] => [
    ...EXPENSE_LINES.map(([l, ll]): LineDef => ({
      key: `expenses.${g}.${l}`,
      label: `${label}: ${ll}`,
      section: 'departmentalExpenses',
      unit: 'money',
      ...(l === 'payrollAndRelated' ? { payroll: true } : {}),
    })),
    { key: `expenses.${g}.total`, label: `${label}: total departmental expenses`, section: 'departmentalExpenses', unit: 'money', derivedFromPayroll: true },
  ]),
  ...GROUPS.map(([g, label]): LineDef => ({ key: `profit.${g}`, label, section: 'departmentalProfit', unit: 'money', derivedFromPayroll: true })),
  { key: 'profit.miscellaneousIncome', label: 'Miscellaneous Income', section: 'departmentalProfit', unit: 'money' },
  { key: 'profit.total', label: 'Total departmental profit', section: 'departmentalProfit', unit: 'money', derivedFromPayroll: true },
  ...UNDISTRIBUTED.map(([k, label]): LineDef => ({ key: `undistributed.${k}`, label, section: 'undistributed', unit: 'money' })),
  { key: 'undistributed.total', label: 'Total undistributed operating expenses', section: 'undistributed', unit: 'money' },
  { key: 'gop', label: 'Gross operating profit', section: 'grossOperatingProfit', unit: 'money', derivedFromPayroll: true },
  { key: 'gopMargin', label: 'GOP margin', section: 'grossOperatingProfit', unit: 'percent', derivedFromPayroll: true },
  { key: 'managementFees', label: 'Management fees', section: 'managementFees', unit: 'money' },
  { key: 'nonOperating.income', label: 'Non-operating income', section: 'nonOperating', unit: 'money' },
  { key: 'nonOperating.expenses', label: 'Non-operating expenses', section: 'nonOperating', unit: 'money' },
  { key: 'nonOperating.total', label: 'Total non-operating income and expenses (net expense)', section: 'nonOperating', unit: 'money' },
  { key: 'ebitda', label: 'EBITDA', section: 'ebitda', unit: 'money', derivedFromPayroll: true },
  { key: 'replacementReserve', label: 'Replacement reserve', section: 'ebitda', unit: 'money' },
  { key: 'ebitdaLessReplacementReserve', label: 'EBITDA less replacement reserve', section: 'ebitda', unit: 'money', derivedFromPayroll: true },
];

function groupOf(u: UsaliDepartment): OperatedGroup | 'misc' | 'undistributed' {
  switch (u) {
    case 'rooms':
      return 'rooms';
    case 'fnb':
      return 'foodAndBeverage';
    case 'other_operated':
    case 'other':
      return 'otherOperated';
    case 'misc_income':
      return 'misc';
    default:
      return 'undistributed';
  }
}

export interface StatementContext {
  departments: readonly DepartmentInfo[];
  /** Property capacity, for days without PMS statistics. */
  capacity: number;
  excludeOutOfOrder: boolean;
  /** Days in the bucket. */
  days: number;
  /** Actuals always show statistics; a plan without any room statistics shows null ones. */
  statisticsRequired: boolean;
}

/**
 * The statement of one bucket of one series: line key → value (null where a ratio is undefined).
 *
 * Rooms revenue is the folded day-by-day combination of PMS/RMS and AMS (roomsRevenueOfDay, the
 * property's source of record). Other departmental revenue is the AMS revenue of the department,
 * or its POS/S&C revenue when the AMS posted none in the bucket. Expenses come from the AMS only. Revenue of undistributed departments is miscellaneous income; their costs are their
 * undistributed line, together with property-level postings to it.
 */
export function statement(sums: BucketSums, ctx: StatementContext): Map<string, number | null> {
  const v = new Map<string, number | null>();
  const rev: Record<OperatedGroup, number> = { rooms: 0, foodAndBeverage: 0, otherOperated: 0 };
  const exp: Record<OperatedGroup, Record<string, number>> = {
    rooms: { costOfSales: 0, payrollAndRelated: 0, otherExpenses: 0 },
    foodAndBeverage: { costOfSales: 0, payrollAndRelated: 0, otherExpenses: 0 },
    otherOperated: { costOfSales: 0, payrollAndRelated: 0, otherExpenses: 0 },
  };
  const p = sums.property;
  let misc = p.usali.miscellaneousIncome;
  const undistributed: Record<string, number> = {
    administrativeAndGeneral: p.usali.administrativeAndGeneral,
    informationAndTelecommunications: p.usali.informationAndTelecommunications,
    salesAndMarketing: p.usali.salesAndMarketing,
    propertyOperationAndMaintenance: p.usali.propertyOperationAndMaintenance,
    utilities: p.usali.utilities,
  };
  // Rooms revenue is combined from PMS/RMS and AMS day by day when folding (roomsRevenueOfDay), the same figure R&P shows.
  rev.rooms = p.roomsRevenue;
  for (const dept of ctx.departments) {
    const d = sums.departments.get(dept.id);
    if (!d) continue;
    const g = groupOf(dept.usaliDepartment);
    // Without AMS revenue for the department in the bucket, its operational (POS/S&C) revenue stands
    // in; postings that net to zero are still postings.
    const revenue = d.amsRevenuePosted ? d.usali.revenue : d.revenue;
    if (g === 'misc') {
      misc += revenue;
      exp.otherOperated.costOfSales! += d.usali.costOfSales;
      exp.otherOperated.payrollAndRelated! += d.usali.payrollAndRelated;
      exp.otherOperated.otherExpenses! += d.usali.otherExpenses;
    } else if (g === 'undistributed') {
      misc += revenue;
      const line = UNDISTRIBUTED.find(([, , u]) => u === dept.usaliDepartment)?.[0] ?? 'administrativeAndGeneral';
      undistributed[line]! += d.usali.costOfSales + d.usali.payrollAndRelated + d.usali.otherExpenses;
    } else {
      if (g !== 'rooms') rev[g] += revenue;
      for (const [l] of EXPENSE_LINES) exp[g][l]! += d.usali[l];
    }
  }

  const totalRevenue = rev.rooms + rev.foodAndBeverage + rev.otherOperated + misc;
  const expTotal: Record<string, number> = { costOfSales: 0, payrollAndRelated: 0, otherExpenses: 0 };
  for (const [g] of GROUPS) for (const [l] of EXPENSE_LINES) expTotal[l]! += exp[g][l]!;
  const groupExpense = (g: OperatedGroup) => EXPENSE_LINES.reduce((s, [l]) => s + exp[g][l]!, 0);
  const totalExpenses = expTotal.costOfSales! + expTotal.payrollAndRelated! + expTotal.otherExpenses!;
  const totalProfit = totalRevenue - totalExpenses;
  const undistributedTotal = Object.values(undistributed).reduce((s, x) => s + x, 0);
  const gop = totalProfit - undistributedTotal;
  const nonOperatingNet = p.usali.nonOperatingExpenses - p.usali.nonOperatingIncome;
  const ebitda = gop - p.usali.managementFees - nonOperatingNet;

  const hasStats = p.statsDates.size > 0 || p.roomsSold > 0 || p.roomRevenue > 0;
  const showStats = ctx.statisticsRequired || hasStats;
  const pmsAvailable = p.roomsAvailable - (ctx.excludeOutOfOrder ? p.outOfOrder : 0);
  const roomsAvailable = pmsAvailable + ctx.capacity * Math.max(0, ctx.days - p.statsDates.size);
  const roomsSold = showStats ? p.roomsSold : null;

  v.set('stats.roomsAvailable', roomsAvailable);
  v.set('stats.roomsSold', roomsSold);
  v.set('stats.complimentaryRooms', showStats ? p.complimentary : null);
  const occ = ratio(roomsSold, roomsAvailable);
  v.set('stats.occupancy', occ === null ? null : occ * 100);
  v.set('stats.adr', ratio(rev.rooms, roomsSold));
  v.set('stats.revpar', ratio(rev.rooms, roomsAvailable));
  v.set('stats.trevpar', ratio(totalRevenue, roomsAvailable));
  v.set('stats.goppar', ratio(gop, roomsAvailable));
  for (const [g] of GROUPS) v.set(`revenue.${g}`, rev[g]);
  v.set('revenue.miscellaneousIncome', misc);
  v.set('revenue.total', totalRevenue);
  for (const [g] of GROUPS) {
    for (const [l] of EXPENSE_LINES) v.set(`expenses.${g}.${l}`, exp[g][l]!);
    v.set(`expenses.${g}.total`, groupExpense(g));
  }
  for (const [l] of EXPENSE_LINES) v.set(`expenses.total.${l}`, expTotal[l]!);
  v.set('expenses.total.total', totalExpenses);
  for (const [g] of GROUPS) v.set(`profit.${g}`, rev[g] - groupExpense(g));
  v.set('profit.miscellaneousIncome', misc);
  v.set('profit.total', totalProfit);
  for (const [k] of UNDISTRIBUTED) v.set(`undistributed.${k}`, undistributed[k]!);
  v.set('undistributed.total', undistributedTotal);
  v.set('gop', gop);
  const margin = ratio(gop, totalRevenue);
  v.set('gopMargin', margin === null ? null : margin * 100);
  v.set('managementFees', p.usali.managementFees);
  v.set('nonOperating.income', p.usali.nonOperatingIncome);
  v.set('nonOperating.expenses', p.usali.nonOperatingExpenses);
  v.set('nonOperating.total', nonOperatingNet);
  v.set('ebitda', ebitda);
  v.set('replacementReserve', p.usali.replacementReserve);
  v.set('ebitdaLessReplacementReserve', ebitda - p.usali.replacementReserve);

  for (const def of PNL_LINES) {
    const x = v.get(def.key) ?? null;
    v.set(def.key, def.unit === 'rooms' ? round(x, 0) : round(x, def.unit === 'percent' ? 2 : 2));
  }
  return v;
}

export interface LineVariance {
  amount: number | null;
  /** Variance ÷ |comparison| × 100; null for percentage lines (their variance is in points) and zero comparisons. */
  pct: number | null;
}

export function lineVariance(def: LineDef, actual: number | null, comparison: number | null): LineVariance {
  if (actual === null || comparison === null) return { amount: null, pct: null };
  const amount = round(actual - comparison, 2);
  if (def.unit === 'percent') return { amount, pct: null };
  const pct = ratio(actual - comparison, Math.abs(comparison));
  return { amount, pct: pct === null ? null : round(pct * 100, 2) };
}
