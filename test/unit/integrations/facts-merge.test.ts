import { describe, expect, it } from '@jest/globals';
import { mergeChanges, type DayChanges } from '../../../shared/integrations/facts.js';
import { FactVersionCache } from '../../../shared/integrations/fact-cache.js';
import type { FactItem } from '../../../shared/integrations/model.js';
import { testFact } from '../../support/facts.js';

const fact = (id: string, etag: string, tenantId = 't1'): FactItem => testFact(id, { tenantId, digest: 'd', updatedAt: '2026-01-01T00:00:00Z', _etag: etag });

describe('mergeChanges (imports sharing one recompute pass)', () => {
  it('unions what imports add and remove and keeps the versions they agree on', () => {
    const pass: DayChanges = new Map();
    mergeChanges(pass, new Map([['p|d1', { add: new Set(['a']), remove: new Set(['x']), known: new Map([['a', fact('a', 'e1')]]) }]]));
    mergeChanges(pass, new Map([['p|d1', { add: new Set(['b', 'a']), remove: new Set<string>(), known: new Map([['b', fact('b', 'e2')], ['a', fact('a', 'e1')]]) }]]));
    const day = pass.get('p|d1');
    expect([...(day?.add ?? [])].sort()).toEqual(['a', 'b']);
    expect([...(day?.remove ?? [])]).toEqual(['x']);
    expect([...(day?.known?.keys() ?? [])].sort()).toEqual(['a', 'b']);
    expect([...(day?.reread ?? [])]).toEqual([]);
  });

  it('leaves to a read what imports disagree on: two versions of a fact, or a fact added and taken out', () => {
    const pass: DayChanges = new Map();
    mergeChanges(pass, new Map([['p|d1', { add: new Set(['a', 'm']), remove: new Set<string>(), known: new Map([['a', fact('a', 'e1')], ['m', fact('m', 'e5')]]) }]]));
    mergeChanges(pass, new Map([['p|d1', { add: new Set(['a']), remove: new Set(['m']), known: new Map([['a', fact('a', 'e9')]]) }]]));
    const day = pass.get('p|d1');
    expect([...(day?.reread ?? [])].sort()).toEqual(['a', 'm']);
    expect(day?.known?.has('a')).toBe(false);
    expect(day?.known?.has('m')).toBe(false);
    // Still a candidate of the day: kept only if the version read still belongs to it.
    expect(day?.add.has('m')).toBe(true);
    expect(day?.remove.has('m')).toBe(false);
  });

  it('reads every fact of a day again when any caller did not come from an import (no known versions)', () => {
    const pass: DayChanges = new Map();
    mergeChanges(pass, new Map([['p|d1', { add: new Set(['a']), remove: new Set<string>(), known: new Map([['a', fact('a', 'e1')]]) }]]));
    mergeChanges(pass, new Map([['p|d1', { add: new Set<string>(), remove: new Set<string>() }]]));
    expect(pass.get('p|d1')?.known).toBeUndefined();
  });
});

describe('FactVersionCache', () => {
  it('answers only for the exact version asked for, per tenant', () => {
    const cache = new FactVersionCache(10);
    cache.put(fact('a', 'e1'));
    expect(cache.get('t1', 'a', 'e1')?._etag).toBe('e1');
    expect(cache.get('t1', 'a', 'e2')).toBeUndefined();
    expect(cache.get('t2', 'a', 'e1')).toBeUndefined();
    expect(cache.knows('t1', 'a')).toBe(true);
    expect(cache.knows('t2', 'a')).toBe(false);
    cache.put(fact('a', 'e2'));
    expect(cache.get('t1', 'a', 'e1')).toBeUndefined();
  });

  it('forgets the least recently used entry first, and holds nothing at capacity 0', () => {
    const cache = new FactVersionCache(2);
    cache.put(fact('a', 'e'));
    cache.put(fact('b', 'e'));
    cache.get('t1', 'a', 'e');
    cache.put(fact('c', 'e'));
    expect(cache.knows('t1', 'a')).toBe(true);
    expect(cache.knows('t1', 'b')).toBe(false);
    expect(cache.knows('t1', 'c')).toBe(true);
    const none = new FactVersionCache(0);
    none.put(fact('a', 'e'));
    expect(none.knows('t1', 'a')).toBe(false);
  });
});
