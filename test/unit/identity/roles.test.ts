import { describe, expect, it } from '@jest/globals';
import { ALL_PERMISSIONS } from '../../../shared/access/permissions.js';
import type { Principal } from '../../../shared/access/principal.js';
import { BUILT_IN_ROLES, builtInRole, resolveGrants } from '../../../shared/identity/roles.js';

const roles = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));

function principal(assignments: Parameters<typeof resolveGrants>[0]): Principal {
  return { kind: 'user', tenantId: 't', userId: 'u', sessionId: 's', amr: ['pwd'], authTime: 0, grants: resolveGrants(assignments, roles) };
}

describe('built-in roles', () => {
  it('owner holds every permission; end-user only R&P reports', () => {
    expect(builtInRole('owner')?.permissions).toEqual(ALL_PERMISSIONS);
    expect(builtInRole('end-user')?.permissions).toEqual(['reports.rp.read']);
  });

  it('merges scopes: a property list plus all properties is all properties', () => {
    const p = principal([
      { roleId: 'end-user', scope: { all: false, propertyIds: ['p1'] } },
      { roleId: 'end-user', scope: { all: false, propertyIds: ['p2'] } },
    ]);
    expect(p.grants.get('reports.rp.read')).toEqual({ all: false, propertyIds: ['p1', 'p2'] });
    const q = principal([
      { roleId: 'end-user', scope: { all: false, propertyIds: ['p1'] } },
      { roleId: 'agent', scope: { all: true } },
    ]);
    expect(q.grants.get('reports.rp.read')).toEqual({ all: true });
  });
});
