import type { Permission } from './permissions.js';
import type { Principal, PropertyScope } from './principal.js';
import { scopeCovers } from './scope.js';
import { badRequest, forbidden, type ProblemError } from '../http/problem.js';

/**
 * The delegation rule, for every service that hands out or takes away rights: nobody grants (or
 * takes away) a permission they don't hold themselves over at least that scope. Each decision has
 * its own function, so every way in (HTTP, a script, a consumer) is refused with the same problem.
 */

/** A role as delegation sees it: its id and the permissions it carries. */
export interface DelegableRole {
  id: string;
  permissions: readonly Permission[];
}

/** A role handed out over a scope (a user's assignment, an SSO group mapping). */
export interface Assignment {
  roleId: string;
  scope: PropertyScope;
}

/** Every role the tenant can assign, by id. */
export type RoleCatalogue = ReadonlyMap<string, DelegableRole>;

/** Whether the principal holds every permission of `role` over at least `scope`. */
export function canDelegate(principal: Principal, role: DelegableRole, scope: PropertyScope): boolean {
  return role.permissions.every((p) => scopeCovers(principal.grants.get(p), scope));
}

/** Permissions the principal lacks among `permissions` over all properties. */
export function missingPermissions(principal: Principal, permissions: readonly Permission[]): Permission[] {
  return permissions.filter((p) => !scopeCovers(principal.grants.get(p), { all: true }));
}

/** 400 for a role id the tenant doesn't have; `field` and `message` name the offending input. */
export function unknownRole(roleId: string, field: string, message: string): ProblemError {
  return badRequest(`Unknown role '${roleId}'.`, [{ field, message }]);
}

/** Held roles whose permissions the principal lacks over their scope (roles since deleted don't count). */
function outranks(principal: Principal, roles: RoleCatalogue, held: readonly Assignment[]): boolean {
  return held.some((a) => {
    const role = roles.get(a.roleId);
    return role !== undefined && !canDelegate(principal, role, a.scope);
  });
}

/**
 * Managing a user (profile, e-mail, status, lockout, roles, removal) requires holding every
 * permission the user holds: otherwise an admin could, say, change an owner's e-mail address and
 * take the account over through a password reset.
 */
export function assertMayManageHolder(principal: Principal, roles: RoleCatalogue, held: readonly Assignment[]): void {
  if (outranks(principal, roles, held)) throw forbidden("You can't manage a user who holds permissions you don't hold.");
}

/** Linking an SSO identity lets whoever holds it sign in as the user: only for users whose roles the caller could grant. */
export function assertMayLinkHolder(principal: Principal, roles: RoleCatalogue, held: readonly Assignment[]): void {
  if (outranks(principal, roles, held)) throw forbidden("You can't link a user who holds roles you could not grant.");
}

/**
 * A change of a user's role assignments from `before` to `after`: every assignment added or taken
 * away must name a known role the caller could grant over that scope; unchanged ones are not judged.
 */
export function assertMayChangeAssignments(principal: Principal, roles: RoleCatalogue, before: readonly Assignment[], after: readonly Assignment[]): void {
  const key = (a: Assignment) => JSON.stringify([a.roleId, a.scope]);
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const changed = [...after.filter((a) => !beforeKeys.has(key(a))), ...before.filter((a) => !afterKeys.has(key(a)))];
  for (const a of changed) {
    const role = roles.get(a.roleId);
    if (!role) throw unknownRole(a.roleId, 'body.roles', `unknown role ${a.roleId}`);
    if (!canDelegate(principal, role, a.scope)) throw forbidden(`You can't grant or remove the role '${a.roleId}': it carries permissions you don't hold over that scope.`);
  }
}

/** Single sign-on hands `role` out over `scope` to whoever its groups name: the caller must be able to grant it. */
export function assertMayMapRole(principal: Principal, role: DelegableRole, scope: PropertyScope): void {
  if (!canDelegate(principal, role, scope)) throw forbidden(`You can't grant the role '${role.id}' over that scope.`);
}

/**
 * Defining a custom role (creating, changing or deleting it) grants or takes its permissions from
 * every holder, over whatever scope they hold it: the caller must hold each over all properties.
 */
export function assertMayDefineRole(principal: Principal, permissions: readonly Permission[]): void {
  const missing = missingPermissions(principal, permissions);
  if (missing.length > 0) throw forbidden(`You can't grant permissions you don't hold: ${missing.join(', ')}.`);
}

/**
 * A support grant lets a platform agent act with `permissions` anywhere in the tenant for its
 * lifetime: the approver must hold each over all properties.
 */
export function assertMayGrantSupport(principal: Principal, permissions: readonly Permission[]): void {
  const missing = missingPermissions(principal, permissions);
  if (missing.length > 0) throw forbidden(`You can only grant permissions you hold yourself over all properties (missing: ${missing.join(', ')}).`);
}
