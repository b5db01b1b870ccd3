import { describe, expect, it } from '@jest/globals';
import type { Principal, PropertyScope } from '../../../shared/access/principal.js';
import {
  assertMayChangeAssignments,
  assertMayDefineRole,
  assertMayGrantSupport,
  assertMayLinkHolder,
  assertMayManageHolder,
  assertMayMapRole,
  canDelegate,
  missingPermissions,
} from '../../../shared/access/delegation.js';
import { BUILT_IN_ROLES, builtInRole, resolveGrants } from '../../../shared/identity/roles.js';

const roles = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));
const all: PropertyScope = { all: true };
const p1: PropertyScope = { all: false, propertyIds: ['p1'] };
const p2: PropertyScope = { all: false, propertyIds: ['p2'] };

function principal(assignments: Parameters<typeof resolveGrants>[0]): Principal {
  return { kind: 'user', tenantId: 't', userId: 'u', sessionId: 's', amr: ['pwd'], authTime: 0, grants: resolveGrants(assignments, roles) };
}

const admin = principal([{ roleId: 'admin', scope: all }]);
const scopedAdmin = principal([{ roleId: 'admin', scope: p1 }]);
const problem = (status: number, detail: string) => expect.objectContaining({ status, detail });

describe('canDelegate and missingPermissions', () => {
  it('an admin can grant admin and end-user but not owner', () => {
    expect(canDelegate(admin, builtInRole('admin')!, all)).toBe(true);
    expect(canDelegate(admin, builtInRole('end-user')!, all)).toBe(true);
    expect(canDelegate(admin, builtInRole('owner')!, all)).toBe(false);
  });

  it('an admin scoped to one property can grant only within it', () => {
    expect(canDelegate(scopedAdmin, builtInRole('end-user')!, p1)).toBe(true);
    expect(canDelegate(scopedAdmin, builtInRole('end-user')!, p2)).toBe(false);
    expect(canDelegate(scopedAdmin, builtInRole('end-user')!, all)).toBe(false);
  });

  it('lists the permissions a principal lacks over all properties', () => {
    expect(missingPermissions(admin, ['users.read', 'privacy.manage'])).toEqual(['privacy.manage']);
    expect(missingPermissions(scopedAdmin, ['users.read'])).toEqual(['users.read']);
  });
});

describe('role assignment', () => {
  it('judges only what is added or taken away, and refuses both beyond the caller', () => {
    const owner = { roleId: 'owner', scope: all };
    const endUser = { roleId: 'end-user', scope: all };
    expect(() => assertMayChangeAssignments(admin, roles, [owner], [owner, endUser])).not.toThrow();
    const beyond = "You can't grant or remove the role 'owner': it carries permissions you don't hold over that scope.";
    expect(() => assertMayChangeAssignments(admin, roles, [], [owner])).toThrow(problem(403, beyond));
    expect(() => assertMayChangeAssignments(admin, roles, [owner, endUser], [endUser])).toThrow(problem(403, beyond));
  });

  it('refuses a scope wider than the caller holds, and names an unknown role as a 400 on body.roles', () => {
    expect(() => assertMayChangeAssignments(scopedAdmin, roles, [], [{ roleId: 'end-user', scope: p1 }])).not.toThrow();
    expect(() => assertMayChangeAssignments(scopedAdmin, roles, [], [{ roleId: 'end-user', scope: p2 }])).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertMayChangeAssignments(admin, roles, [], [{ roleId: 'ghost', scope: all }])).toThrow(
      expect.objectContaining({ status: 400, detail: "Unknown role 'ghost'.", errors: [{ field: 'body.roles', message: 'unknown role ghost' }] }),
    );
  });
});

describe('holders of roles', () => {
  it('managing or linking a user needs every role they hold; roles since deleted are ignored', () => {
    const held = [{ roleId: 'end-user', scope: all }, { roleId: 'deleted-role', scope: all }];
    expect(() => assertMayManageHolder(admin, roles, held)).not.toThrow();
    expect(() => assertMayLinkHolder(admin, roles, held)).not.toThrow();
    const ownerHeld = [{ roleId: 'owner', scope: all }];
    expect(() => assertMayManageHolder(admin, roles, ownerHeld)).toThrow(problem(403, "You can't manage a user who holds permissions you don't hold."));
    expect(() => assertMayLinkHolder(admin, roles, ownerHeld)).toThrow(problem(403, "You can't link a user who holds roles you could not grant."));
  });
});

describe('SSO group mappings and custom roles', () => {
  it('maps a role only over a scope the caller holds it over', () => {
    expect(() => assertMayMapRole(scopedAdmin, builtInRole('end-user')!, p1)).not.toThrow();
    expect(() => assertMayMapRole(scopedAdmin, builtInRole('end-user')!, all)).toThrow(problem(403, "You can't grant the role 'end-user' over that scope."));
  });

  it('defines a role only with permissions held over all properties, naming the missing ones', () => {
    expect(() => assertMayDefineRole(admin, ['users.read', 'audit.read'])).not.toThrow();
    expect(() => assertMayDefineRole(admin, ['users.read', 'privacy.manage', 'audit.read.network'])).toThrow(
      problem(403, "You can't grant permissions you don't hold: privacy.manage, audit.read.network."),
    );
    expect(() => assertMayDefineRole(scopedAdmin, ['reports.rp.read'])).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe('support grants', () => {
  it('carry only permissions the approver holds over all properties', () => {
    expect(() => assertMayGrantSupport(admin, ['users.read', 'imports.read'])).not.toThrow();
    expect(() => assertMayGrantSupport(admin, ['users.read', 'privacy.manage'])).toThrow(
      problem(403, 'You can only grant permissions you hold yourself over all properties (missing: privacy.manage).'),
    );
    expect(() => assertMayGrantSupport(scopedAdmin, ['users.read'])).toThrow(problem(403, 'You can only grant permissions you hold yourself over all properties (missing: users.read).'));
  });
});
