import { describe, expect, it } from '@jest/globals';
import { recentlyAuthenticated } from '../../../../shared/identity/sso/reauth.js';
import { rolesFor } from '../../../../shared/identity/sso/accounts.js';

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
      { roleId: 'admin', scope: { all: true } },
    ]);
  });
});
