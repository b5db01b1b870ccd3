import { describe, expect, it } from '@jest/globals';
import { authorizeTenantWide } from '../../../shared/access/authorize.js';
import type { Principal, PropertyScope } from '../../../shared/access/principal.js';
import type { Permission } from '../../../shared/access/permissions.js';

const principal = (grants: [Permission, PropertyScope][]): Principal => ({ kind: 'user', tenantId: 't1', userId: 'u1', sessionId: 's1', amr: ['pwd'], authTime: 0, grants: new Map(grants) });
const status = (fn: () => void) => {
  try {
    fn();
    return 200;
  } catch (err) {
    return (err as { status?: number }).status;
  }
};

describe('authorizeTenantWide', () => {
  it('passes the permission held over all properties', () => {
    expect(status(() => authorizeTenantWide(principal([['sustainability.manage', { all: true }]]), 'sustainability.manage'))).toBe(200);
  });

  it('refuses the permission held over some properties, naming it, and refuses it not held at all', () => {
    const some = principal([['sustainability.manage', { all: false, propertyIds: ['p1', 'p2'] }]]);
    expect(status(() => authorizeTenantWide(some, 'sustainability.manage'))).toBe(403);
    expect(() => authorizeTenantWide(some, 'sustainability.manage')).toThrow(/sustainability\.manage/);
    expect(status(() => authorizeTenantWide(principal([['sustainability.read', { all: true }]]), 'sustainability.manage'))).toBe(403);
  });
});
