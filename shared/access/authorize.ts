import type { Permission } from './permissions.js';
import type { Principal } from './principal.js';
import { onlyProperty, scopeCovers } from './scope.js';
import { forbidden, notFound } from '../http/problem.js';

/** An object being acted upon: its tenant, and the property it belongs to, if any. */
export interface ObjectRef {
  tenantId: string;
  propertyId?: string | undefined;
  /** What to call it in a 404 ("user", "property"...). */
  kind?: string;
}

/**
 * The one authorization check, used by every route and service.
 *
 * - function level: the principal must hold `permission` (else 403);
 * - object level: an object of another tenant is answered 404 (its existence is not disclosed),
 *   and an object in a property outside the permission's scope is answered 403.
 *
 * @example
 * authorize(principal, 'users.manage');                                  // route level
 * authorize(principal, 'reports.rp.read', { tenantId, propertyId });     // object level
 */
export function authorize(principal: Principal, permission: Permission, object?: ObjectRef): void {
  if (object && object.tenantId !== principal.tenantId) throw notFound(object.kind);
  const scope = principal.grants.get(permission);
  if (!scope) throw forbidden(`This operation requires the permission '${permission}'.`);
  if (object?.propertyId !== undefined && !scopeCovers(scope, onlyProperty(object.propertyId))) {
    throw forbidden(`Your '${permission}' permission does not cover this property.`);
  }
}

/**
 * Route-level authorization for a change that applies to every property of the tenant (e.g. the
 * tenant's own emission factors price every property): the permission must be held over all
 * properties, not a subset.
 *
 * @example authorizeTenantWide(principal, 'sustainability.manage');
 */
export function authorizeTenantWide(principal: Principal, permission: Permission): void {
  authorize(principal, permission);
  if (!scopeCovers(principal.grants.get(permission), { all: true })) {
    throw forbidden(`This applies to every property: it needs '${permission}' over all properties.`);
  }
}

/** Whether the principal holds a permission (for optional content such as payroll columns). */
export function holds(principal: Principal, permission: Permission, propertyId?: string): boolean {
  const scope = principal.grants.get(permission);
  return scope !== undefined && (propertyId === undefined || scopeCovers(scope, onlyProperty(propertyId)));
}

/** The property ids a permission covers among `candidates` (for `propertyId=all`). */
export function propertiesCovered(principal: Principal, permission: Permission, candidates: string[]): string[] {
  const scope = principal.grants.get(permission);
  if (!scope) return [];
  return candidates.filter((id) => scopeCovers(scope, onlyProperty(id)));
}
