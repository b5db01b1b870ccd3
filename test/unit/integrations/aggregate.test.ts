import { describe, expect, it } from '@jest/globals';
import { aggregateId, computeDay, sameFigures } from '../../../shared/integrations/aggregate.js';
import type { FactItem } from '../../../shared/integrations/model.js';
import { testFact } from '../../support/facts.js';

const fact = (id: string, over: Partial<FactItem>): FactItem => testFact(id, over);

const noCost = async () => undefined;

describe('computeDay', () => {
  it('sums flows in exact hundredths whatever the order, and takes the latest snapshot', async () => {
    const facts = [
      fact('a', { contributions: [{ departmentId: 'd', measures: { revenue: 0.1, covers: 1 } }] }),
      fact('b', { contributions: [{ departmentId: 'd', measures: { revenue: 0.2, covers: 2 } }] }),
      fact('c', { sourceType: 'pms', contributions: [{ departmentId: null, snapshot: true, measures: { roomsSold: 50, roomsAvailable: 100 } }] }),
      fact('d', { sourceType: 'pms', updatedAt: '2026-01-03T00:00:00.000Z', contributions: [{ departmentId: null, snapshot: true, measures: { roomsSold: 60, roomsAvailable: 100 } }] }),
    ];
    const one = await computeDay('t', 'p', '2026-01-01', facts, noCost, 'x');
    const two = await computeDay('t', 'p', '2026-01-01', [...facts].reverse(), noCost, 'x');
    expect(one).toEqual(two);
    const dept = one.find((a) => a.id === aggregateId('p', '2026-01-01', 'd', 'actual'));
    expect(dept).toMatchObject({ revenue: 0.3, covers: 3, factCount: 2, sources: { pos: 2 }, labourCost: 0 });
    const prop = one.find((a) => a.id === aggregateId('p', '2026-01-01', null, 'actual'));
    expect(prop).toMatchObject({ roomsSold: 60, roomsAvailable: 100, factCount: 2, groupRooms: 0 });
  });

  it('adds opened labour costs and counts the ones of redacted employees', async () => {
    const facts = [
      fact('t1', { sourceType: 'tms', contributions: [{ departmentId: 'd', measures: { productiveHours: 8 } }] }),
      fact('t2', { sourceType: 'tms', contributions: [{ departmentId: 'd', measures: { productiveHours: 4 } }] }),
    ];
    const [agg] = await computeDay('t', 'p', '2026-01-01', facts, async (f) => (f.id === 't1' ? 100.5 : undefined), 'x');
    expect(agg).toMatchObject({ productiveHours: 12, labourCost: 100.5, labourCostUnavailable: 1 });
  });

  it('ignores tombstones and facts of other days', async () => {
    const out = await computeDay('t', 'p', '2026-01-01', [fact('x', { deleted: true }), fact('y', { date: '2026-01-02', contributions: [{ departmentId: 'd', measures: { covers: 1 } }] })], noCost, 'x');
    expect(out).toEqual([]);
  });

  it('keeps monthly AMS figures in an aggregate of their own, apart from the last day’s dated postings', async () => {
    const facts = [
      fact('m', { sourceType: 'ams', date: '2026-03-31', scenario: 'budget', contributions: [{ departmentId: 'd', measures: { 'usali.revenue': 61_000 }, period: '2026-03' }] }),
      fact('n', { sourceType: 'ams', date: '2026-03-31', scenario: 'budget', contributions: [{ departmentId: 'd', measures: { 'usali.revenue': 100 } }] }),
    ];
    const out = await computeDay('t', 'p', '2026-03-31', facts, noCost, 'x');
    expect(out.find((a) => a.id === aggregateId('p', '2026-03-31', 'd', 'budget', '2026-03'))).toMatchObject({ id: 'agg:p:2026-03-31:d:budget:month', period: '2026-03', usali: { revenue: 61_000 }, factCount: 1 });
    const daily = out.find((a) => a.id === aggregateId('p', '2026-03-31', 'd', 'budget'));
    expect(daily).toMatchObject({ usali: { revenue: 100 }, factCount: 1 });
    expect(daily).not.toHaveProperty('period');
  });

  it('compares figures without the computation time', () => {
    expect(sameFigures({ a: 1, computedAt: 'x', _etag: '1' }, { a: 1, computedAt: 'y' })).toBe(true);
    expect(sameFigures({ a: 1 }, { a: 2 })).toBe(false);
  });
});
