import { describe, expect, it } from '@jest/globals';
import { onlyProperty, scopeCovers } from '../../../shared/access/scope.js';

describe('scopeCovers', () => {
  const p1p2 = { all: false as const, propertyIds: ['p1', 'p2'] };

  it('all properties covers any scope, a property list only the properties it names', () => {
    expect(scopeCovers({ all: true }, { all: true })).toBe(true);
    expect(scopeCovers({ all: true }, onlyProperty('p9'))).toBe(true);
    expect(scopeCovers(p1p2, onlyProperty('p1'))).toBe(true);
    expect(scopeCovers(p1p2, { all: false, propertyIds: ['p2', 'p1'] })).toBe(true);
    expect(scopeCovers(p1p2, onlyProperty('p3'))).toBe(false);
    expect(scopeCovers(p1p2, { all: false, propertyIds: ['p1', 'p3'] })).toBe(false);
  });

  it('a property list never covers all properties, even one naming every property there is today', () => {
    expect(scopeCovers(p1p2, { all: true })).toBe(false);
  });

  it('no scope covers nothing', () => {
    expect(scopeCovers(undefined, onlyProperty('p1'))).toBe(false);
    expect(scopeCovers(undefined, { all: false, propertyIds: [] })).toBe(false);
  });
});
