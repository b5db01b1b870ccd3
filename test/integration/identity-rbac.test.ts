import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, loginAs, platformOperatorToken, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let b: SeededTenant;
let bRoleId: string;

beforeAll(async () => {
  a = await seedTenant(host);
  b = await seedTenant(host);
  const role = await host.request('POST', '/api/v1/roles', { token: b.users.owner.token, body: { name: 'Night auditor', permissions: ['reports.rp.read', 'imports.read'] } });
  expect(role.status).toBe(201);
  bRoleId = role.json.id;
});

const all = { all: true } as const;

describe('privilege escalation', () => {
  it('an admin cannot make anyone an owner, nor take the owner role away', async () => {
    const toOwner = await host.request('PUT', `/api/v1/users/${a.users.endUser.id}/roles`, { token: a.users.admin.token, body: { roles: [{ roleId: 'owner', scope: all }] } });
    expect(toOwner.status).toBe(403);
    const self = await host.request('PUT', `/api/v1/users/${a.users.admin.id}/roles`, { token: a.users.admin.token, body: { roles: [{ roleId: 'owner', scope: all }] } });
    expect(self.status).toBe(403);
    const demote = await host.request('PUT', `/api/v1/users/${a.users.owner.id}/roles`, { token: a.users.admin.token, body: { roles: [{ roleId: 'end-user', scope: all }] } });
    expect(demote.status).toBe(403);
  });

  it("an admin cannot manage an owner's account (e-mail, status, lockout, roles, removal)", async () => {
    const id = a.users.owner.id;
    const token = a.users.admin.token;
    expect((await host.request('PATCH', `/api/v1/users/${id}`, { token, body: { email: 'takeover@evil.example' } })).status).toBe(403);
    expect((await host.request('POST', `/api/v1/users/${id}/disable`, { token })).status).toBe(403);
    expect((await host.request('POST', `/api/v1/users/${id}/unlock`, { token })).status).toBe(403);
    expect((await host.request('PUT', `/api/v1/users/${id}/roles`, { token, body: { roles: [{ roleId: 'owner', scope: all }, { roleId: 'end-user', scope: all }] } })).status).toBe(403);
    expect((await host.request('DELETE', `/api/v1/users/${id}`, { token })).status).toBe(403);
    const owner = await host.request('GET', `/api/v1/users/${id}`, { token });
    expect(owner.json).toMatchObject({ email: a.users.owner.email, status: 'active' });
  });

  it('nobody creates or widens a custom role with a permission they lack', async () => {
    const create = await host.request('POST', '/api/v1/roles', { token: a.users.admin.token, body: { name: 'Sneaky', permissions: ['users.read', 'privacy.manage'] } });
    expect(create.status).toBe(403);
    const ok = await host.request('POST', '/api/v1/roles', { token: a.users.admin.token, body: { name: 'Reader', permissions: ['users.read'] } });
    expect(ok.status).toBe(201);
    const widen = await host.request('PATCH', `/api/v1/roles/${ok.json.id}`, { token: a.users.admin.token, body: { permissions: ['users.read', 'audit.read.network'] } });
    expect(widen.status).toBe(403);
  });

  it('an end-user cannot manage users or roles at all', async () => {
    expect((await host.request('PUT', `/api/v1/users/${a.users.endUser.id}/roles`, { token: a.users.endUser.token, body: { roles: [{ roleId: 'admin', scope: all }] } })).status).toBe(403);
    expect((await host.request('POST', '/api/v1/roles', { token: a.users.endUser.token, body: { name: 'Mine', permissions: ['reports.rp.read'] } })).status).toBe(403);
    expect((await host.request('GET', '/api/v1/users', { token: a.users.endUser.token })).status).toBe(403);
  });

  it('the body cannot choose the tenant', async () => {
    const res = await host.request('POST', '/api/v1/properties', {
      token: a.users.admin.token,
      body: { name: 'X', timezone: 'UTC', currency: 'EUR', roomsAvailable: 1, tenantId: b.tenantId },
    });
    expect(res.status).toBe(400);
  });

  it('the last owner cannot be demoted, disabled or removed; with a second owner it can', async () => {
    const t = await seedTenant(host);
    const demoteSelf = await host.request('PUT', `/api/v1/users/${t.users.owner.id}/roles`, { token: t.users.owner.token, body: { roles: [{ roleId: 'admin', scope: all }] } });
    expect(demoteSelf.status).toBe(409);
    expect((await host.request('POST', `/api/v1/users/${t.users.owner.id}/disable`, { token: t.users.owner.token })).status).toBe(409);
    const scopedOwner = await host.request('PUT', `/api/v1/users/${t.users.owner.id}/roles`, {
      token: t.users.owner.token,
      body: { roles: [{ roleId: 'owner', scope: { all: false, propertyIds: [t.propertyIds[0]] } }] },
    });
    expect(scopedOwner.status).toBe(409);
    const promote = await host.request('PUT', `/api/v1/users/${t.users.admin.id}/roles`, { token: t.users.owner.token, body: { roles: [{ roleId: 'owner', scope: all }] } });
    expect(promote.status).toBe(200);
    const demote = await host.request('PUT', `/api/v1/users/${t.users.owner.id}/roles`, { token: t.users.owner.token, body: { roles: [{ roleId: 'admin', scope: all }] } });
    expect(demote.status).toBe(200);
    // The change applies to the live token at once (grants are resolved per request, keyed by version).
    expect((await host.request('POST', '/api/v1/roles', { token: t.users.owner.token, body: { name: 'Privacy', permissions: ['privacy.manage'] } })).status).toBe(403);
  });

  it('unknown roles and unknown properties in assignments are refused', async () => {
    expect((await host.request('PUT', `/api/v1/users/${a.users.endUser.id}/roles`, { token: a.users.owner.token, body: { roles: [{ roleId: 'superuser', scope: all }] } })).status).toBe(400);
    const foreignProperty = await host.request('PUT', `/api/v1/users/${a.users.endUser.id}/roles`, {
      token: a.users.owner.token,
      body: { roles: [{ roleId: 'end-user', scope: { all: false, propertyIds: [b.propertyIds[0]] } }] },
    });
    expect(foreignProperty.status).toBe(400);
  });
});

describe('roles and scopes', () => {
  it('a custom role change reaches its holders immediately', async () => {
    const role = await host.request('POST', '/api/v1/roles', { token: a.users.owner.token, body: { name: 'Viewer', permissions: ['reports.rp.read'] } });
    const user = await createUser(host, a.slug, a.users.owner.token, { email: 'viewer@a.example', roles: [{ roleId: role.json.id, scope: all }] });
    expect((await host.request('GET', '/api/v1/users', { token: user.token })).status).toBe(403);
    const patched = await host.request('PATCH', `/api/v1/roles/${role.json.id}`, { token: a.users.owner.token, body: { permissions: ['reports.rp.read', 'users.read'] } });
    expect(patched.status).toBe(200);
    expect((await host.request('GET', '/api/v1/users', { token: user.token })).status).toBe(200);
    expect((await host.request('DELETE', `/api/v1/roles/${role.json.id}`, { token: a.users.owner.token })).status).toBe(409);
  });

  it('built-in roles cannot be changed or deleted; custom role names are unique', async () => {
    expect((await host.request('PATCH', '/api/v1/roles/admin', { token: a.users.owner.token, body: { permissions: ['users.read'] } })).status).toBe(409);
    expect((await host.request('DELETE', '/api/v1/roles/owner', { token: a.users.owner.token })).status).toBe(409);
    expect((await host.request('POST', '/api/v1/roles', { token: a.users.owner.token, body: { name: 'Owner', permissions: ['users.read'] } })).status).toBe(409);
  });

  it('lists the permission catalogue and the roles', async () => {
    const perms = await host.request('GET', '/api/v1/permissions', { token: a.users.endUser.token });
    expect(perms.json.items.map((p: { id: string }) => p.id)).toContain('reports.rp.read');
    const roles = await host.request('GET', '/api/v1/roles', { token: a.users.admin.token });
    expect(roles.json.items.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['owner', 'admin', 'agent', 'end-user']));
  });

  it('a property-scoped user sees and reaches only their property', async () => {
    const [p1, p2] = a.propertyIds as [string, string];
    const user = await createUser(host, a.slug, a.users.owner.token, { email: 'scoped@a.example', roles: [{ roleId: 'end-user', scope: { all: false, propertyIds: [p1] } }] });
    const list = await host.request('GET', '/api/v1/properties', { token: user.token });
    expect(list.json.items.map((p: { id: string }) => p.id)).toEqual([p1]);
    expect((await host.request('GET', `/api/v1/properties/${p1}`, { token: user.token })).status).toBe(200);
    expect((await host.request('GET', `/api/v1/properties/${p2}`, { token: user.token })).status).toBe(403);
    expect((await host.request('GET', `/api/v1/properties/${p2}/departments`, { token: user.token })).status).toBe(403);
    const me = await host.request('GET', '/api/v1/me', { token: user.token });
    expect(me.json.permissions['reports.rp.read']).toEqual({ all: false, propertyIds: [p1] });
  });

  it('platform operators manage tenants but hold no tenant permissions; tenant users cannot manage tenants', async () => {
    const op = await platformOperatorToken(host);
    expect((await host.request('GET', '/api/v1/tenants', { token: op })).status).toBe(200);
    expect((await host.request('GET', '/api/v1/users', { token: op })).status).toBe(403);
    expect((await host.request('GET', '/api/v1/tenants', { token: a.users.owner.token })).status).toBe(403);
    expect((await host.request('POST', '/api/v1/tenants', { token: a.users.owner.token, body: { slug: 'evil', name: 'Evil', owner: { email: 'e@e.example', firstName: 'E', lastName: 'Vil' } } })).status).toBe(403);
  });
});

describe('tenant isolation matrix', () => {
  type Call = [method: string, path: () => string, body?: unknown];
  const calls: Call[] = [
    ['GET', () => `/api/v1/users/${b.users.admin.id}`],
    ['PATCH', () => `/api/v1/users/${b.users.admin.id}`, { jobTitle: 'Hijacked' }],
    ['DELETE', () => `/api/v1/users/${b.users.endUser.id}`],
    ['POST', () => `/api/v1/users/${b.users.endUser.id}/disable`],
    ['POST', () => `/api/v1/users/${b.users.endUser.id}/enable`],
    ['POST', () => `/api/v1/users/${b.users.endUser.id}/unlock`],
    ['PUT', () => `/api/v1/users/${b.users.endUser.id}/roles`, { roles: [{ roleId: 'end-user', scope: { all: true } }] }],
    ['GET', () => `/api/v1/properties/${b.propertyIds[0]}`],
    ['PATCH', () => `/api/v1/properties/${b.propertyIds[0]}`, { name: 'Hijacked' }],
    ['GET', () => `/api/v1/properties/${b.propertyIds[0]}/departments`],
    ['POST', () => `/api/v1/properties/${b.propertyIds[0]}/departments`, { code: 'X', name: 'X', usaliDepartment: 'other' }],
    ['PATCH', () => `/api/v1/properties/${b.propertyIds[0]}/departments/${b.departmentIds[b.propertyIds[0] as string]?.[0]}`, { name: 'Hijacked' }],
    ['GET', () => `/api/v1/roles/${bRoleId}`],
    ['PATCH', () => `/api/v1/roles/${bRoleId}`, { name: 'Hijacked' }],
    ['DELETE', () => `/api/v1/roles/${bRoleId}`],
    ['DELETE', () => `/api/v1/me/sessions/${sidOf(b.users.admin.token)}`],
  ];

  function sidOf(token: string): string {
    return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).sid;
  }

  it.each(['owner', 'admin', 'endUser'] as const)("tenant A's %s gets 403/404 on every tenant-B object, and nothing leaks", async (who) => {
    const token = a.users[who].token;
    const secrets = [b.users.admin.email, b.users.endUser.email, b.users.owner.email, b.tenantId, 'Night auditor', 'North Hotel'];
    for (const [method, path, body] of calls) {
      const res = await host.request(method, path(), { token, ...(body ? { body } : {}) });
      expect([method, path(), [403, 404].includes(res.status)]).toEqual([method, path(), true]);
      for (const s of secrets) expect(res.text).not.toContain(s);
    }
    // Lists answer from A's partition only.
    for (const path of ['/api/v1/users', '/api/v1/properties', '/api/v1/roles', '/api/v1/me', '/api/v1/me/sessions']) {
      const res = await host.request('GET', path, { token });
      for (const id of [b.tenantId, ...b.propertyIds, b.users.admin.id, bRoleId]) expect(res.text).not.toContain(id);
    }
  });

  it("B's objects are unchanged after the attempts", async () => {
    const user = await host.request('GET', `/api/v1/users/${b.users.endUser.id}`, { token: b.users.owner.token });
    expect(user.json).toMatchObject({ status: 'active', jobTitle: null });
    const role = await host.request('GET', `/api/v1/roles/${bRoleId}`, { token: b.users.owner.token });
    expect(role.json.name).toBe('Night auditor');
    expect(await loginAs(host, b.slug, b.users.endUser.email, SEED_PASSWORD)).toEqual(expect.any(String));
  });
});
