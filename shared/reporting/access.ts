import type { Principal } from '../access/principal.js';
import type { Permission } from '../access/permissions.js';
import { authorize, holds, propertiesCovered } from '../access/authorize.js';
import { notFound } from '../http/problem.js';
import type { AggregatesReader, ReadCounter } from './aggregates-reader.js';
import type { DepartmentInfo, PropertyInfo } from './model.js';

export interface Scoped {
  properties: PropertyInfo[];
  departments: Map<string, DepartmentInfo[]>;
}

/**
 * The properties a report covers. Everything is read inside the caller's tenant partition, so a
 * property of another tenant is simply not found (404); an explicit property outside the caller's
 * scope for `permission` is a 403; `all` means every property the permission covers.
 */
export async function scopedProperties(
  reader: AggregatesReader,
  principal: Principal,
  permission: Permission,
  propertyId: string,
  counter: ReadCounter,
): Promise<Scoped> {
  const tenantId = principal.tenantId;
  const all = propertyId === 'all';
  const { properties, departments } = await reader.properties(tenantId, all ? undefined : propertyId, counter);
  let chosen: PropertyInfo[];
  if (all) {
    const covered = new Set(propertiesCovered(principal, permission, properties.map((p) => p.id)));
    chosen = properties.filter((p) => covered.has(p.id));
  } else {
    const property = properties.find((p) => p.id === propertyId);
    if (!property) throw notFound('property');
    authorize(principal, permission, { tenantId, propertyId: property.id, kind: 'property' });
    chosen = [property];
  }
  const byProperty = new Map<string, DepartmentInfo[]>(chosen.map((p) => [p.id, []]));
  for (const d of departments) byProperty.get(d.propertyId)?.push(d);
  return { properties: chosen, departments: byProperty };
}

/**
 * Whether a report over these properties shows labour cost and payroll lines: only when the caller
 * holds payroll.read for every one of them, since a report's columns must not vary by row (and one
 * row's payroll would otherwise be recoverable from totals). With no property, the unscoped grant.
 */
export function payrollVisibleFor(principal: Principal, propertyIds: readonly string[]): boolean {
  return propertyIds.length > 0 ? propertyIds.every((id) => holds(principal, 'payroll.read', id)) : holds(principal, 'payroll.read');
}
