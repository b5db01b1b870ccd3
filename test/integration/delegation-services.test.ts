import { beforeAll, describe, expect, it } from '@jest/globals';
import { HttpRequest } from '@azure/functions';
import type { Principal } from '../../shared/access/principal.js';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';

// The delegation rule lives in the services, not in the route tables: a caller that never comes
// through HTTP (a script, a consumer, a future route) is refused just the same.

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let admin: Principal;

const all = { all: true } as const;
const meta = { correlationId: 'delegation-services-test' };

async function principalOf(token: string): Promise<Principal> {
  const req = new HttpRequest({ method: 'GET', url: 'http://localhost/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  const principal = await host.app.identity.authenticator.authenticate(req, false);
  if (!principal) throw new Error('token not accepted');
  return principal;
}

beforeAll(async () => {
  a = await seedTenant(host);
  admin = await principalOf(a.users.admin.token);
});

describe('services called directly with a principal who lacks a permission', () => {
  it("refuses an admin who makes someone an owner, or takes an owner's role away", async () => {
    const { identity } = host.app;
    await expect(identity.users.assignRoles(admin, a.users.endUser.id, [{ roleId: 'owner', scope: all }], undefined, meta)).rejects.toMatchObject({ status: 403 });
    await expect(identity.users.assignRoles(admin, a.users.owner.id, [{ roleId: 'end-user', scope: all }], undefined, meta)).rejects.toMatchObject({ status: 403 });
    await expect(identity.users.setStatus(admin, a.users.owner.id, 'disabled', meta)).rejects.toMatchObject({ status: 403 });
    await expect(identity.users.invite(admin, { email: 'new-owner@a.example', firstName: 'New', lastName: 'Owner', roles: [{ roleId: 'owner', scope: all }] }, meta)).rejects.toMatchObject({ status: 403 });
    const owner = await identity.users.require(a.tenantId, a.users.owner.id);
    expect(owner.status).toBe('active');
    expect(owner.roles).toEqual([{ roleId: 'owner', scope: all }]);
    expect((await identity.users.require(a.tenantId, a.users.endUser.id)).roles.map((r) => r.roleId)).toEqual(['end-user']);
  });

  it('refuses a custom role carrying a permission the admin lacks', async () => {
    await expect(host.app.identity.roles.create(admin, { name: 'Eraser', description: '', permissions: ['users.read', 'privacy.manage'] }, meta)).rejects.toMatchObject({
      status: 403,
      detail: "You can't grant permissions you don't hold: privacy.manage.",
    });
    expect((await host.app.identity.roles.custom(a.tenantId)).map((r) => r.name)).not.toContain('Eraser');
  });

  it("refuses linking an owner's account to an outside identity", async () => {
    const tid = '11111111-1111-1111-1111-111111111111';
    await expect(host.app.identity.sso.linkUser(admin, a.users.owner.id, tid, '22222222-2222-2222-2222-222222222222', undefined, meta)).rejects.toMatchObject({ status: 403 });
    expect(await host.app.identity.sso.accounts.linksOf(a.tenantId, a.users.owner.id)).toEqual([]);
  });
});
