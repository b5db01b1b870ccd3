import { ALL_PERMISSIONS, isPermission, type Permission } from '../access/permissions.js';
import type { PropertyScope } from '../access/principal.js';
import type { RoleAssignment, RoleItem } from './model.js';

export interface RoleDefinition {
  id: string;
  name: string;
  description: string;
  permissions: Permission[];
  builtIn: boolean;
}

const ADMIN_EXCLUDED: Permission[] = ['privacy.manage', 'audit.read.network'];

/**
 * The built-in roles (documented in docs/security.md). Owners hold everything; admins everything
 * except erasure and network details in the audit log, so an admin can neither make nor unmake an
 * owner (nobody grants what they don't hold); agents (platform support, under a customer-approved
 * grant) read for diagnosis only; end-users read R&P reports.
 */
export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  { id: 'owner', name: 'Owner', description: 'Full control of the tenant, including privacy operations.', permissions: [...ALL_PERMISSIONS], builtIn: true },
  {
    id: 'admin',
    name: 'Administrator',
    description: 'Manages users, roles, settings, properties and integrations; reads every report and the audit log.',
    permissions: ALL_PERMISSIONS.filter((p) => !ADMIN_EXCLUDED.includes(p)),
    builtIn: true,
  },
  {
    id: 'agent',
    name: 'Support agent',
    description: 'Platform support acting under a time-boxed grant approved by the tenant: read-only diagnosis.',
    permissions: ['users.read', 'imports.read', 'reports.rp.read', 'audit.read'],
    builtIn: true,
  },
  { id: 'end-user', name: 'End user', description: 'Reads Revenue & Productivity reports.', permissions: ['reports.rp.read'], builtIn: true },
];

export const OWNER_ROLE = 'owner';

export function builtInRole(id: string): RoleDefinition | undefined {
  return BUILT_IN_ROLES.find((r) => r.id === id);
}

export function customRoleDefinition(item: RoleItem): RoleDefinition {
  return { id: item.id, name: item.name, description: item.description, permissions: item.permissions.filter(isPermission), builtIn: false };
}

function mergeScope(a: PropertyScope | undefined, b: PropertyScope): PropertyScope {
  if (!a) return b.all ? b : { all: false, propertyIds: [...b.propertyIds] };
  if (a.all || b.all) return { all: true };
  return { all: false, propertyIds: [...new Set([...a.propertyIds, ...b.propertyIds])] };
}

/** The grants of a set of assignments: each permission with the union of the scopes it is held over. */
export function resolveGrants(assignments: RoleAssignment[], roles: Map<string, RoleDefinition>): Map<Permission, PropertyScope> {
  const grants = new Map<Permission, PropertyScope>();
  for (const a of assignments) {
    const role = roles.get(a.roleId);
    if (!role) continue;
    for (const p of role.permissions) grants.set(p, mergeScope(grants.get(p), a.scope));
  }
  return grants;
}
