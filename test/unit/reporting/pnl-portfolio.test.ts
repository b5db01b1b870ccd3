import { describe, expect, it } from '@jest/globals';
import { fold } from '../../../shared/reporting/fold.js';
import type { AggregateRecord, Series } from '../../../shared/reporting/model.js';
import { PNL_LINES } from '../../../shared/reporting/pnl.js';
import { PNL_RATIO_LINES, pnlPortfolioTotals } from '../../../shared/reporting/pnl-portfolio.js';
import { profitLoss, type PnlPeriod, type PnlProperty } from '../../../shared/reporting/profit-loss.js';
import { actuals, budget, departments, departmentMap, lastYear, ledger, property } from './fixture.js';

const SERIES = new Set<Series>(['actual', 'budget', 'lastYear']);
const statementOf = (items: AggregateRecord[], over: Partial<typeof property> = {}, payroll = true): PnlProperty =>
  profitLoss({ ...property, ...over }, departments, fold(items, { from: '2026-03-14', to: '2026-03-15', granularity: 'month', alignment: 'calendar', series: SERIES }, departmentMap), { comparisons: ['budget', 'lastYear'], payroll });
const line = (p: PnlPeriod, key: string) => p.lines.find((l) => l.key === key);
const harbour = statementOf([...actuals, ...ledger, ...budget, ...lastYear]);

describe('portfolio P&L totals (pure)', () => {
  it('names only lines of the statement as ratio lines and their parts', () => {
    const keys = new Set(PNL_LINES.map((l) => l.key));
    for (const [key, r] of PNL_RATIO_LINES) expect([key, keys.has(key), keys.has(r.numerator), keys.has(r.denominator)]).toEqual([key, true, true, true]);
  });

  it('a total of one property is its own statement: the ratio lines are the statement ratios of its lines', () => {
    const [total] = pnlPortfolioTotals([harbour], ['budget', 'lastYear']);
    expect(total?.propertyIds).toEqual(['p1']);
    expect(total?.total).toEqual(harbour.total);
    expect(total?.periods).toEqual(harbour.periods);
  });

  it('adds lines per currency and takes ratios of the sums; a property without plan statistics stays out of the plan ratios', () => {
    const twin = { ...statementOf(actuals, { id: 'p2', name: 'Twin' }), propertyId: 'p2' };
    const pound = { ...harbour, propertyId: 'p3', currency: 'GBP' };
    const totals = pnlPortfolioTotals([harbour, twin, pound], ['budget', 'lastYear']);
    expect(totals.map((t) => [t.currency, t.propertyIds])).toEqual([
      ['EUR', ['p1', 'p2']],
      ['GBP', ['p3']],
    ]);
    const eur = (totals[0] as { total: PnlPeriod }).total;
    // Twin has the actuals only: 2 × 192,000 rooms revenue over 2 × 1,600 rooms, GOP from both statements.
    expect(line(eur, 'revenue.rooms')?.actual).toBe(384_000);
    expect(line(eur, 'stats.adr')?.actual).toBe(120);
    const gop = (line(harbour.total, 'gop')?.actual as number) + (line(twin.total, 'gop')?.actual as number);
    expect(line(eur, 'gop')?.actual).toBe(gop);
    const revenue = (line(harbour.total, 'revenue.total')?.actual as number) + (line(twin.total, 'revenue.total')?.actual as number);
    expect(line(eur, 'revenue.total')?.actual).toBe(revenue);
    expect(line(eur, 'gopMargin')?.actual).toBe(Math.round((gop / revenue) * 10_000) / 100);
    // Twin has no budget: the budget total is Harbour's, its variance against the summed actuals.
    expect(line(eur, 'revenue.total')?.budget).toBe(line(harbour.total, 'revenue.total')?.budget);
    expect(line(eur, 'revenue.total')?.variance.budget?.amount).toBe(revenue - (line(harbour.total, 'revenue.total')?.budget as number));
    expect(line(eur, 'stats.roomsSold')?.budget).toBeNull();
    expect((totals[1] as { total: PnlPeriod }).total).toEqual(harbour.total);
  });

  it('keeps the lines a caller sees: without payroll, no payroll line and no line derived from it', () => {
    const hidden = statementOf([...actuals, ...ledger, ...budget, ...lastYear], {}, false);
    const [total] = pnlPortfolioTotals([hidden, { ...hidden, propertyId: 'p2' }], ['budget']);
    expect(total?.total.lines.map((l) => l.key)).toEqual(hidden.total.lines.map((l) => l.key));
    expect(total?.total.lines.some((l) => l.key === 'gop' || l.key.endsWith('payrollAndRelated'))).toBe(false);
  });
});

describe('fold: monthly figures spread in place', () => {
  it('folds a monthly posting exactly as the daily items of its shares', () => {
    const monthly: AggregateRecord = { id: 'agg:p1:2026-03-31:d-rest:budget:month', level: 'department', propertyId: 'p1', date: '2026-03-31', period: '2026-03', departmentId: 'd-rest', scenario: 'budget', usali: { revenue: 31_000.03, payrollAndRelated: 9_300 } };
    // The same month as 31 dated items: 1,000.01 on the first three days and 1,000 after (cents to the earliest days), payroll 300 a day.
    const daily: AggregateRecord[] = Array.from({ length: 31 }, (_, i) => {
      const date = `2026-03-${String(i + 1).padStart(2, '0')}`;
      return { id: `d${i}`, level: 'department', propertyId: 'p1', date, departmentId: 'd-rest', scenario: 'budget', usali: { revenue: i < 3 ? 1_000.01 : 1_000, payrollAndRelated: 300 } };
    });
    const plan = { from: '2026-03-01', to: '2026-03-31', granularity: 'day' as const, alignment: 'calendar' as const, series: new Set<Series>(['actual', 'budget']) };
    const a = fold([...actuals, monthly], plan, departmentMap);
    const b = fold([...actuals, ...daily], plan, departmentMap);
    expect(a.sums).toEqual(b.sums);
    expect(a.sums.get('budget')?.get('2026-03-02')?.departments.get('d-rest')?.usali.revenue).toBe(1_000.01);
  });
});
