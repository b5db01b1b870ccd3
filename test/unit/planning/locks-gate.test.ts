import { describe, expect, it } from '@jest/globals';
import { adjustmentId, diffAggregates, heldDifferences, splitBatch } from '../../../shared/planning/adjustments.js';
import { computeDay } from '../../../shared/integrations/aggregate.js';
import type { FactItem } from '../../../shared/integrations/model.js';

/** A POS fact of the F&B department (or a monthly ledger line with `period`). */
function fact(id: string, date: string, revenue: number, extra: Partial<FactItem> & { period?: string } = {}): FactItem {
  const { period, ...rest } = extra;
  return {
    id,
    tenantId: 't1',
    type: 'fact',
    sourceType: 'pos',
    propertyId: 'p1',
    integrationId: 'i1',
    date,
    scenario: 'actual',
    contributions: [{ departmentId: 'fb', measures: { revenue, covers: 1 }, ...(period ? { period } : {}) }],
    digest: `${date}:${revenue}`,
    importId: 'imp-0',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...rest,
  };
}

const LOCKED = new Set(['2026-10']);
const noLabourCost = async () => undefined;

describe('splitBatch: what a locked month holds', () => {
  const previous = new Map<string, FactItem>([
    ['changed', fact('changed', '2026-10-05', 100)],
    ['same', fact('same', '2026-10-05', 80)],
    ['moves-out', fact('moves-out', '2026-10-20', 10)],
    ['gone', fact('gone', '2026-10-06', 50)],
    ['gone-open', fact('gone-open', '2026-11-06', 50)],
    ['tombstone', { ...fact('tombstone', '2026-10-07', 0), contributions: [], digest: 'deleted', deleted: true }],
  ]);

  it('holds changes, new facts, moves out of and monthly figures for a locked month; lets resends and open months through', () => {
    const upserts = [
      fact('changed', '2026-10-05', 150),
      fact('same', '2026-10-05', 80),
      fact('new-locked', '2026-10-09', 5),
      fact('new-open', '2026-11-02', 70),
      fact('moves-out', '2026-11-03', 10),
      fact('ledger', '2026-11-30', 900, { period: '2026-10' }),
    ];
    const { pass, held } = splitBatch(LOCKED, upserts, ['gone', 'gone-open', 'absent', 'tombstone'], previous);
    expect(held.upserts.map((f) => f.id)).toEqual(['changed', 'new-locked', 'moves-out', 'ledger']);
    expect(pass.upserts.map((f) => f.id)).toEqual(['same', 'new-open']);
    expect(held.deletions).toEqual(['gone']);
    expect(pass.deletions).toEqual(['gone-open', 'absent', 'tombstone']);
  });

  it('holds nothing when no month is locked', () => {
    const { held } = splitBatch(new Set(), [fact('changed', '2026-10-05', 150)], ['gone'], previous);
    expect(held).toEqual({ upserts: [], deletions: [] });
  });

  it('treats a new version with the same digest on another date as a change (FactStore rewrites it)', () => {
    const moved = { ...fact('same', '2026-10-06', 80), digest: '2026-10-05:80' };
    expect(splitBatch(LOCKED, [moved], [], previous).held.upserts).toHaveLength(1);
  });
});

describe('the before/after figures of held changes', () => {
  it('diffAggregates lists every measure that moves, with both values', async () => {
    const before = await computeDay('t1', 'p1', '2026-10-05', [fact('a', '2026-10-05', 100)], noLabourCost, 'x');
    const after = await computeDay('t1', 'p1', '2026-10-05', [fact('a', '2026-10-05', 150), fact('b', '2026-10-05', 20)], noLabourCost, 'x');
    expect(diffAggregates(before, after)).toEqual([
      { date: '2026-10-05', departmentId: 'fb', scenario: 'actual', measure: 'revenue', before: 100, after: 170 },
      { date: '2026-10-05', departmentId: 'fb', scenario: 'actual', measure: 'covers', before: 1, after: 2 },
    ]);
    expect(diffAggregates(before, before)).toEqual([]);
  });

  it('heldDifferences compares each touched day as it is with the day as it would be, deletions and moves included', async () => {
    const current: Record<string, FactItem[]> = {
      '2026-10-05': [fact('changed', '2026-10-05', 100), fact('other', '2026-10-05', 40)],
      '2026-10-06': [fact('gone', '2026-10-06', 50)],
      '2026-10-20': [fact('moves-out', '2026-10-20', 10)],
    };
    const previous = new Map([...Object.values(current).flat()].map((f) => [f.id, f]));
    const held = { upserts: [fact('changed', '2026-10-05', 150), fact('moves-out', '2026-11-03', 10)], deletions: ['gone'] };
    const diffs = await heldDifferences('t1', 'p1', async (date) => current[date] ?? [], held, previous, noLabourCost);
    const revenue = diffs.filter((d) => d.measure === 'revenue').map((d) => [d.date, d.before, d.after]);
    expect(revenue).toEqual([
      ['2026-10-05', 140, 190],
      ['2026-10-06', 50, 0],
      ['2026-10-20', 10, 0],
      ['2026-11-03', 0, 10],
    ]);
  });
});

describe('adjustmentId', () => {
  it('is the same for a redelivered run and differs between runs and imports', () => {
    expect(adjustmentId('imp_a', 1)).toBe(adjustmentId('imp_a', 1));
    expect(adjustmentId('imp_a', 1)).not.toBe(adjustmentId('imp_a', 2));
    expect(adjustmentId('imp_a', 1)).not.toBe(adjustmentId('imp_b', 1));
    expect(adjustmentId('imp_a', 1)).toMatch(/^adj_[A-Za-z0-9_-]{22}$/);
  });
});
