import { describe, expect, it } from '@jest/globals';
import { aggregateId } from '../../../shared/integrations/aggregate.js';
import { rollupId, rollupTotals, type RollupItem } from '../../../shared/integrations/rollup.js';
import { rollupsQuery, unpackRollup } from '../../../shared/reporting/rollups.js';
import { aggregatesQuery } from '../../../shared/reporting/aggregates-reader.js';

describe('rollup totals', () => {
  it('sums each measure over the days in hundredths, and USALI lines over the days and the monthly postings', () => {
    const days = {
      '2026-02-01': { revenue: 0.1, covers: 3, usali: { revenue: 0.2 }, factCount: 2, sources: { pos: 2 } },
      '2026-02-02': { revenue: 0.2, covers: 4, usali: {}, factCount: 1, sources: { pos: 1 } },
    };
    const t = rollupTotals(days, { usali: { revenue: 100.01, otherExpenses: 5 }, factCount: 2, sources: { ams: 2 } });
    // 0.1 + 0.2 in floating point is 0.30000000000000004.
    expect(t.totals).toEqual({ covers: 7, revenue: 0.3 });
    expect(t.usaliTotals).toEqual({ otherExpenses: 5, revenue: 100.21 });
    expect(t.factCount).toBe(5);
  });

  it('an empty month sums to nothing', () => {
    expect(rollupTotals({}, undefined)).toEqual({ totals: {}, usaliTotals: {}, factCount: 0 });
  });
});

describe('unpacking a rollup', () => {
  const rollup: RollupItem = {
    id: rollupId('p1', '2026-02', 'd1', 'budget'),
    tenantId: 't',
    type: 'monthlyRollup',
    level: 'department',
    propertyId: 'p1',
    departmentId: 'd1',
    scenario: 'budget',
    month: '2026-02',
    days: { '2026-02-03': { revenue: 5, usali: { revenue: 7 }, factCount: 1, sources: { ams: 1 } } },
    period: { usali: { revenue: 28000 }, factCount: 1, sources: { ams: 1 } },
    totals: { revenue: 5 },
    usaliTotals: { revenue: 28007 },
    factCount: 2,
    computedAt: '2026-03-01T00:00:00.000Z',
  };

  it('gives back the daily aggregates it stands for, under their own ids, the monthly postings on the last day', () => {
    const records = unpackRollup(rollup);
    expect(records).toEqual([
      { id: aggregateId('p1', '2026-02-03', 'd1', 'budget'), level: 'department', propertyId: 'p1', departmentId: 'd1', scenario: 'budget', date: '2026-02-03', revenue: 5, usali: { revenue: 7 }, factCount: 1, sources: { ams: 1 } },
      { id: aggregateId('p1', '2026-02-28', 'd1', 'budget', '2026-02'), level: 'department', propertyId: 'p1', departmentId: 'd1', scenario: 'budget', date: '2026-02-28', period: '2026-02', usali: { revenue: 28000 }, factCount: 1, sources: { ams: 1 } },
    ]);
  });

  it('property-level rollups use the property key in their ids', () => {
    expect(rollupId('p1', '2026-02', null, 'actual')).toBe('roll:p1:2026-02:_property:actual');
    const [record] = unpackRollup({ ...rollup, level: 'property', departmentId: null, scenario: 'actual', period: undefined });
    expect(record?.id).toBe(aggregateId('p1', '2026-02-03', null, 'actual'));
  });
});

describe('the rollups query', () => {
  const nesting = (query: string) => {
    let depth = 0;
    let max = 0;
    for (const ch of query) {
      depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
      max = Math.max(max, depth);
    }
    return max;
  };

  it('names months, not dates, and nests no deeper than the daily query (the embedded parser backtracks on nesting)', () => {
    const range = { from: '2026-01-25', to: '2026-04-05', scenarios: ['actual', 'budget'] as Array<'actual' | 'budget'> };
    const { query, params } = rollupsQuery('p1', range, { from: '2025-01-25', to: '2025-04-05', scenarios: ['actual'] });
    expect(params).toMatchObject({ fromMonth: '2026-01', toMonth: '2026-04', lyFromMonth: '2025-01', lyToMonth: '2025-04', scenarios: ['actual', 'budget'], lyScenarios: ['actual'] });
    expect(nesting(query)).toBeLessThanOrEqual(nesting(aggregatesQuery('p1', range, { from: '2025-01-25', to: '2025-04-05' }).query));
  });
});
