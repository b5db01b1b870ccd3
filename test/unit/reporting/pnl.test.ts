import { describe, expect, it } from '@jest/globals';
import { fold } from '../../../shared/reporting/fold.js';
import type { Series } from '../../../shared/reporting/model.js';
import { profitLoss, profitLossCsv, type PnlPeriod } from '../../../shared/reporting/profit-loss.js';
import { actuals, budget, departments, departmentMap, lastYear, ledger, property } from './fixture.js';

function statementOf(over: { excludeOutOfOrder?: boolean; payroll?: boolean; items?: typeof actuals } = {}): PnlPeriod {
  const folded = fold(over.items ?? [...actuals, ...ledger, ...budget, ...lastYear], { from: '2026-03-14', to: '2026-03-15', granularity: 'month', alignment: 'calendar', series: new Set<Series>(['actual', 'budget', 'lastYear']) }, departmentMap);
  const p = { ...property, excludeOutOfOrderFromAvailable: over.excludeOutOfOrder ?? false };
  return profitLoss(p, departments, folded, { comparisons: ['budget', 'lastYear'], payroll: over.payroll ?? true }).periods[0]!;
}

const value = (period: PnlPeriod, key: string, series: 'actual' | 'budget' | 'lastYear' = 'actual') => period.lines.find((l) => l.key === key)?.[series];

describe('USALI summary operating statement (hand-computed fixture)', () => {
  const s = statementOf();

  it('statistics: 2,000 rooms available, 1,600 sold, 80 % occupancy, ADR 120, RevPAR 96, TRevPAR 128.50, GOPPAR 55', () => {
    expect(value(s, 'stats.roomsAvailable')).toBe(2000);
    expect(value(s, 'stats.roomsSold')).toBe(1600);
    expect(value(s, 'stats.complimentaryRooms')).toBe(10);
    expect(value(s, 'stats.occupancy')).toBe(80);
    expect(value(s, 'stats.adr')).toBe(120);
    expect(value(s, 'stats.revpar')).toBe(96);
    expect(value(s, 'stats.trevpar')).toBe(128.5);
    expect(value(s, 'stats.goppar')).toBe(55);
  });

  it('revenue, departmental expenses and departmental profit', () => {
    expect(value(s, 'revenue.rooms')).toBe(192_000);
    expect(value(s, 'revenue.foodAndBeverage')).toBe(64_000);
    expect(value(s, 'revenue.otherOperated')).toBe(0);
    expect(value(s, 'revenue.miscellaneousIncome')).toBe(1_000);
    expect(value(s, 'revenue.total')).toBe(257_000);
    expect(value(s, 'expenses.rooms.payrollAndRelated')).toBe(55_000);
    expect(value(s, 'expenses.rooms.otherExpenses')).toBe(13_000);
    expect(value(s, 'expenses.rooms.total')).toBe(68_000);
    expect(value(s, 'expenses.foodAndBeverage.costOfSales')).toBe(19_200);
    expect(value(s, 'expenses.foodAndBeverage.total')).toBe(44_000);
    expect(value(s, 'expenses.total.costOfSales')).toBe(19_200);
    expect(value(s, 'expenses.total.payrollAndRelated')).toBe(75_000);
    expect(value(s, 'expenses.total.otherExpenses')).toBe(17_800);
    expect(value(s, 'expenses.total.total')).toBe(112_000);
    expect(value(s, 'profit.rooms')).toBe(124_000);
    expect(value(s, 'profit.foodAndBeverage')).toBe(20_000);
    expect(value(s, 'profit.total')).toBe(145_000);
  });

  it('undistributed expenses, GOP, fees, non-operating items, EBITDA and reserve', () => {
    expect(value(s, 'undistributed.administrativeAndGeneral')).toBe(15_000);
    expect(value(s, 'undistributed.informationAndTelecommunications')).toBe(2_000);
    expect(value(s, 'undistributed.salesAndMarketing')).toBe(6_000);
    expect(value(s, 'undistributed.propertyOperationAndMaintenance')).toBe(5_000);
    expect(value(s, 'undistributed.utilities')).toBe(7_000);
    expect(value(s, 'undistributed.total')).toBe(35_000);
    expect(value(s, 'gop')).toBe(110_000);
    expect(value(s, 'gopMargin')).toBe(42.8);
    expect(value(s, 'managementFees')).toBe(9_000);
    expect(value(s, 'nonOperating.income')).toBe(500);
    expect(value(s, 'nonOperating.expenses')).toBe(4_500);
    expect(value(s, 'nonOperating.total')).toBe(4_000);
    expect(value(s, 'ebitda')).toBe(97_000);
    expect(value(s, 'replacementReserve')).toBe(10_280);
    expect(value(s, 'ebitdaLessReplacementReserve')).toBe(86_720);
  });

  it('keeps the USALI order of sections', () => {
    const sections = [...new Set(s.lines.map((l) => l.section))];
    expect(sections).toEqual(['statistics', 'revenue', 'departmentalExpenses', 'departmentalProfit', 'undistributed', 'grossOperatingProfit', 'managementFees', 'nonOperating', 'ebitda']);
  });

  it('compares with the budget: variance and variance %', () => {
    const gop = s.lines.find((l) => l.key === 'gop')!;
    expect(gop.budget).toBe(152_000);
    expect(gop.variance.budget).toEqual({ amount: -42_000, pct: -27.63 });
    const revenue = s.lines.find((l) => l.key === 'revenue.total')!;
    expect(revenue.variance.budget).toEqual({ amount: 17_000, pct: 7.08 });
    // The budget has no room statistics: rooms sold and ADR are unknown, not zero.
    expect(value(s, 'stats.roomsSold', 'budget')).toBeNull();
    expect(value(s, 'stats.adr', 'budget')).toBeNull();
    expect(value(s, 'stats.revpar', 'budget')).toBe(90);
    expect(s.lines.find((l) => l.key === 'stats.occupancy')!.variance.budget).toEqual({ amount: null, pct: null });
  });

  it('compares with last year: PMS room revenue and POS revenue stand in where the ledger has none', () => {
    expect(value(s, 'revenue.rooms', 'lastYear')).toBe(154_000);
    expect(value(s, 'revenue.foodAndBeverage', 'lastYear')).toBe(50_000);
    expect(value(s, 'stats.occupancy', 'lastYear')).toBe(70);
    expect(s.lines.find((l) => l.key === 'stats.occupancy')!.variance.lastYear).toEqual({ amount: 10, pct: null });
  });

  it('removes out-of-order rooms from rooms available when the property says so', () => {
    const x = statementOf({ excludeOutOfOrder: true });
    expect(value(x, 'stats.roomsAvailable')).toBe(1980);
    expect(value(x, 'stats.occupancy')).toBe(80.81);
  });

  it('leaves payroll lines out without payroll.read, and every line payroll could be derived from', () => {
    const x = statementOf({ payroll: false });
    expect(x.lines.some((l) => l.key.endsWith('payrollAndRelated'))).toBe(false);
    for (const key of ['expenses.rooms.total', 'expenses.total.total', 'profit.rooms', 'profit.total', 'gop', 'gopMargin', 'stats.goppar', 'ebitda', 'ebitdaLessReplacementReserve']) {
      expect([key, value(x, key)]).toEqual([key, undefined]);
    }
    expect(value(x, 'revenue.total')).toBe(257_000);
    expect(value(x, 'expenses.foodAndBeverage.costOfSales')).toBe(19_200);
    expect(value(statementOf(), 'gop')).toBe(110_000);
  });

  it('without payroll.read, no figure shown changes when operated departments\' payroll changes', () => {
    type Item = (typeof actuals)[number];
    const operated = new Set(['d-fo', 'd-hk', 'd-rest']);
    const doubled = (items: Item[]): Item[] =>
      items.map((i) => {
        const u = (i as { usali?: Record<string, number> }).usali;
        if (!operated.has((i as { departmentId?: string }).departmentId ?? '') || !u?.payrollAndRelated) return i;
        return { ...i, usali: { ...u, payrollAndRelated: u.payrollAndRelated * 2 } } as Item;
      });
    const all = [...actuals, ...ledger, ...budget, ...lastYear];
    const shown = (items: Item[]) => statementOf({ payroll: false, items }).lines.map((l) => [l.key, l.actual, l.budget, l.lastYear]);
    expect(shown(doubled(all))).toEqual(shown(all));
    // The payroll reader's statement does change, so the doubling took effect.
    expect(statementOf({ items: doubled(all) }).lines).not.toEqual(statementOf({ items: all }).lines);
  });

  it('an empty period: capacity as rooms available, zero money, null ratios', () => {
    const x = statementOf({ items: [] });
    expect(value(x, 'stats.roomsAvailable')).toBe(2000);
    expect(value(x, 'stats.occupancy')).toBe(0);
    expect(value(x, 'stats.adr')).toBeNull();
    expect(value(x, 'gopMargin')).toBeNull();
    expect(value(x, 'gop')).toBe(0);
    expect(x.lines.find((l) => l.key === 'gop')!.variance.budget).toEqual({ amount: 0, pct: null });
  });

  it('CSV: one row per line with comparison columns', () => {
    const folded = fold([...actuals, ...ledger, ...budget], { from: '2026-03-14', to: '2026-03-15', granularity: 'month', alignment: 'calendar', series: new Set<Series>(['actual', 'budget']) }, departmentMap);
    const csv = profitLossCsv([profitLoss(property, departments, folded, { comparisons: ['budget'], payroll: true })], ['budget']);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('property,currency,period,from,to,section,line,unit,actual,budget,budget variance,budget variance (%)');
    expect(lines).toContain('Harbour,EUR,2026-03,2026-03-14,2026-03-15,grossOperatingProfit,Gross operating profit,EUR,110000,152000,-42000,-27.63');
  });
});
