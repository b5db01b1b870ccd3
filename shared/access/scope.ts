import type { PropertyScope } from './principal.js';

/**
 * Whether `outer` covers every property `inner` names: the one "is this in scope" predicate, for
 * reaching an object (`inner` is its property) and for handing a scope on (`inner` is what is granted).
 * No scope covers nothing; all properties is covered only by all properties, since it includes
 * properties created later.
 *
 * @example
 * scopeCovers({ all: false, propertyIds: ['p1', 'p2'] }, onlyProperty('p1'));  // true
 * scopeCovers({ all: false, propertyIds: ['p1'] }, { all: true });             // false
 */
export function scopeCovers(outer: PropertyScope | undefined, inner: PropertyScope): boolean {
  if (!outer) return false;
  if (outer.all) return true;
  if (inner.all) return false;
  return inner.propertyIds.every((id) => outer.propertyIds.includes(id));
}

/** The scope of a single property. */
export function onlyProperty(propertyId: string): PropertyScope {
  return { all: false, propertyIds: [propertyId] };
}
