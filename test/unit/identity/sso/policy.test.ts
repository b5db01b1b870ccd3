import { describe, expect, it } from '@jest/globals';
import { recentlyAuthenticated } from '../../../../shared/identity/sso/reauth.js';
import { rolesFor, syncedRoles } from '../../../../shared/identity/sso/accounts.js';
import type { RoleAssignment } from '../../../../shared/identity/model.js';
import type { PropertyScope } from '../../../../shared/access/principal.js';

describe('recentlyAuthenticated', () => {
  const now = 1_800_000_000;
  const verify = async (pw: string) => pw === 'right';

  it('accepts a recent sign-in without a password', async () => {
    expect(await recentlyAuthenticated(now - 100, 900, undefined, verify, now)).toBe(true);
  });

  it('needs the right password once the sign-in is old', async () => {
    expect(await recentlyAuthenticated(now - 901, 900, undefined, verify, now)).toBe(false);
    expect(await recentlyAuthenticated(now - 901, 900, 'wrong', verify, now)).toBe(false);
    expect(await recentlyAuthenticated(now - 901, 900, '', verify, now)).toBe(false);
    expect(await recentlyAuthenticated(now - 901, 900, 'right', verify, now)).toBe(true);
  });
});

describe('rolesFor', () => {
  const settings = {
    jit: { enabled: true, defaultRoleId: 'end-user', scope: { all: true } as const },
    groupRoles: [
      { groupId: 'AAAAAAAA-0000-4000-8000-000000000001', roleId: 'admin', scope: { all: true } as const },
      { groupId: 'aaaaaaaa-0000-4000-8000-000000000002', roleId: 'end-user', scope: { all: true } as const },
    ],
  };

  it('grants the default role, plus mapped roles of member groups (case-insensitive ids, no duplicates)', () => {
    expect(rolesFor([], settings)).toEqual([{ roleId: 'end-user', scope: { all: true } }]);
    expect(rolesFor(['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002'], settings)).toEqual([
      { roleId: 'end-user', scope: { all: true } },
      { roleId: 'admin', scope: { all: true }, group: 'aaaaaaaa-0000-4000-8000-000000000001' },
    ]);
  });
});

describe('syncedRoles', () => {
  const G1 = 'aaaaaaaa-0000-4000-8000-000000000001';
  const G2 = 'aaaaaaaa-0000-4000-8000-000000000002';
  const G3 = 'aaaaaaaa-0000-4000-8000-000000000003';
  const p1: PropertyScope = { all: false, propertyIds: ['p1'] };
  const all: PropertyScope = { all: true };
  const settings = {
    groupRoles: [
      { groupId: G1.toUpperCase(), roleId: 'admin', scope: all },
      { groupId: G2, roleId: 'end-user', scope: p1 },
      { groupId: G3, roleId: 'end-user', scope: p1 },
    ],
  };
  const manual: RoleAssignment = { roleId: 'end-user', scope: all };

  it('removes what a group granted once the user left it, and never what an admin assigned', () => {
    const held: RoleAssignment[] = [manual, { roleId: 'admin', scope: all, group: G1 }];
    expect(syncedRoles(held, [], settings)).toEqual([manual]);
    expect(syncedRoles(held, [G1], settings)).toEqual(held);
    // An admin's assignment of the same role as a mapping stays, group or not.
    expect(syncedRoles([{ roleId: 'admin', scope: all }], [], settings)).toEqual([{ roleId: 'admin', scope: all }]);
  });

  it('adds the roles of groups joined since, unless the same grant is held already', () => {
    expect(syncedRoles([manual], [G1, G2], settings)).toEqual([manual, { roleId: 'admin', scope: all, group: G1 }, { roleId: 'end-user', scope: p1, group: G2 }]);
    expect(syncedRoles([manual, { roleId: 'end-user', scope: p1 } as RoleAssignment], [G2], settings)).toEqual([manual, { roleId: 'end-user', scope: p1 }]);
  });

  it('hands a grant two groups map to the group the user is still in', () => {
    const viaG2: RoleAssignment[] = [manual, { roleId: 'end-user', scope: p1, group: G2 }];
    expect(syncedRoles(viaG2, [G2, G3], settings)).toEqual(viaG2);
    expect(syncedRoles(viaG2, [G3], settings)).toEqual([manual, { roleId: 'end-user', scope: p1, group: G3 }]);
  });

  it('removes a grant whose mapping was deleted or changed', () => {
    const held: RoleAssignment[] = [manual, { roleId: 'end-user', scope: p1, group: G2 }];
    expect(syncedRoles(held, [G2], { groupRoles: [] })).toEqual([manual]);
    expect(syncedRoles(held, [G2], { groupRoles: [{ groupId: G2, roleId: 'admin', scope: p1 }] })).toEqual([manual, { roleId: 'admin', scope: p1, group: G2 }]);
  });
});
