import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createSupportAgent, platformLogin, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';
import { createIntegration } from './integrations-helpers.js';

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let b: SeededTenant;
let agentToken: string;
let agentId: string;
let offsetMs = 0;
const AGENT_EMAIL = 'agent@platform.example';

beforeAll(async () => {
  host.app.identity.secondFactors.clock.now = () => Date.now() + offsetMs;
  a = await seedTenant(host);
  b = await seedTenant(host);
  agentId = (await createSupportAgent(host, AGENT_EMAIL)).id;
  agentToken = await platformLogin(host, AGENT_EMAIL, SEED_PASSWORD);
});

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;

async function approve(token: string, body: Record<string, unknown>) {
  return host.request('POST', '/api/v1/support-grants', { token, body: { agentEmail: AGENT_EMAIL, permissions: ['users.read', 'audit.read'], hours: 2, ...body } });
}

async function supportToken(grantId: string): Promise<string> {
  const res = await host.request('POST', '/api/v1/auth/support-session', { token: agentToken, body: { grantId } });
  expect(res.status).toBe(200);
  return res.json.accessToken as string;
}

describe('support grants', () => {
  it('an agent without a grant has no access to a customer tenant', async () => {
    expect((await host.request('POST', '/api/v1/auth/support-session', { token: agentToken, body: { grantId: randomUUID() } })).status).toBe(404);
    expect((await host.request('GET', '/api/v1/users', { token: agentToken })).status).toBe(403);
    // An agent is not a platform operator.
    expect((await host.request('GET', '/api/v1/tenants', { token: agentToken })).status).toBe(403);
    expect([403, 404]).toContain((await host.request('GET', `/api/v1/users/${a.users.owner.id}`, { token: agentToken })).status);
  });

  it('only owners/admins approve, within their own permissions, for a real agent, for at most 72 hours', async () => {
    expect((await approve(a.users.endUser.token, {})).status).toBe(403);
    expect((await approve(a.users.admin.token, { permissions: ['privacy.manage'] })).status).toBe(403); // admins don't hold it
    expect((await approve(a.users.owner.token, { permissions: ['support.grants.manage'] })).status).toBe(400);
    expect((await approve(a.users.owner.token, { hours: 73 })).status).toBe(400);
    expect((await approve(a.users.owner.token, { agentEmail: a.users.admin.email })).status).toBe(400);
    const ok = await approve(a.users.admin.token, {});
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ agent: { id: agentId, email: AGENT_EMAIL, name: 'Sam Support' }, permissions: ['users.read', 'audit.read'], status: 'active' });
  });

  it('a non-agent cannot start a support session, even for a real grant', async () => {
    const grant = await approve(a.users.owner.token, {});
    const res = await host.request('POST', '/api/v1/auth/support-session', { token: a.users.owner.token, body: { grantId: grant.json.id } });
    expect(res.status).toBe(403);
  });

  it('with a grant the agent acts within its permissions only, and every action is audited as the support agent', async () => {
    const grant = await approve(a.users.owner.token, {});
    const token = await supportToken(grant.json.id);
    expect(claims(token)).toMatchObject({ tid: a.tenantId, sub: agentId, sgid: grant.json.id });
    const list = await host.request('GET', '/api/v1/users', { token });
    expect(list.status).toBe(200);
    expect((await host.request('GET', `/api/v1/users/${a.users.endUser.id}`, { token })).status).toBe(200);
    // Outside the grant's permissions.
    expect((await host.request('POST', '/api/v1/users', { token, body: { email: `x@${a.slug}.example`, firstName: 'X', lastName: 'Y', roles: [] } })).status).toBe(403);
    expect((await host.request('GET', '/api/v1/support-grants', { token })).status).toBe(403);
    expect((await host.request('GET', '/api/v1/me/mfa', { token })).status).toBe(403);
    // Other tenant's objects stay invisible.
    expect((await host.request('GET', `/api/v1/users/${b.users.owner.id}`, { token })).status).toBe(404);

    await host.app.broker?.idle();
    const entries = await host.app.store.collection('audit', a.tenantId).all<{ id: string; tenantId: string; type: string; action: string; actorType: string; actorId: string; payload: { actor: { supportGrantId?: string }; details?: { path?: string } } }>(
      "SELECT * FROM c WHERE c.type = 'auditEntry' AND c.actorType = 'support-agent'",
    );
    const mine = entries.filter((e) => e.payload.actor.supportGrantId === grant.json.id);
    expect(mine.map((e) => e.action)).toEqual(expect.arrayContaining(['support.session_started', 'support.request']));
    expect(mine.every((e) => e.actorId === agentId)).toBe(true);
    expect(mine.some((e) => e.action === 'support.request' && e.payload.details?.path === '/api/v1/users')).toBe(true);
    const approvedEvents = await host.app.store.collection('audit', a.tenantId).all<{ id: string; tenantId: string; type: string; targetId: string }>(
      "SELECT * FROM c WHERE c.type = 'auditEntry' AND c.action = 'support.grant_approved'",
    );
    expect(approvedEvents.some((e) => e.targetId === grant.json.id)).toBe(true);
  });

  it("names the grant on the agent's integration changes", async () => {
    const grant = await approve(a.users.owner.token, { permissions: ['integrations.manage'] });
    const token = await supportToken(grant.json.id);
    const integration = await createIntegration(host, a.users.owner.token, { propertyId: a.propertyIds[0], sourceType: 'pos' });
    expect((await host.request('PATCH', `/api/v1/integrations/${integration.id}`, { token, body: { name: 'Renamed by support' } })).status).toBe(200);

    await host.app.broker?.idle();
    const entries = await host.app.store.collection('audit', a.tenantId).all<{ id: string; tenantId: string; type: string; actorType: string; actorId: string; payload: { actor: Record<string, unknown> } }>(
      "SELECT * FROM c WHERE c.type = 'auditEntry' AND c.action = 'integration.updated' AND c.targetId = @id",
      { id: integration.id },
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorType: 'support-agent', actorId: agentId, payload: { actor: { type: 'support-agent', id: agentId, supportGrantId: grant.json.id } } });
  });

  it('revocation stops the grant at the next request', async () => {
    const grant = await approve(a.users.owner.token, {});
    const token = await supportToken(grant.json.id);
    expect((await host.request('GET', '/api/v1/users', { token })).status).toBe(200);
    expect((await host.request('DELETE', `/api/v1/support-grants/${grant.json.id}`, { token: a.users.admin.token })).status).toBe(204);
    expect((await host.request('GET', '/api/v1/users', { token })).status).toBe(401);
    expect((await host.request('POST', '/api/v1/auth/support-session', { token: agentToken, body: { grantId: grant.json.id } })).status).toBe(404);
    expect((await host.request('GET', `/api/v1/support-grants/${grant.json.id}`, { token: a.users.owner.token })).json.status).toBe('revoked');
  });

  it('expiry stops the grant at the next request', async () => {
    const grant = await approve(a.users.owner.token, { hours: 1 });
    const token = await supportToken(grant.json.id);
    expect((await host.request('GET', '/api/v1/users', { token })).status).toBe(200);
    offsetMs += 3_600_000 + 1000;
    try {
      expect((await host.request('GET', '/api/v1/users', { token })).status).toBe(401);
    } finally {
      offsetMs -= 3_600_000 + 1000;
    }
  });

  it("the agent's platform logout ends the support session too", async () => {
    const ownToken = await platformLogin(host, AGENT_EMAIL, SEED_PASSWORD);
    const grant = await approve(a.users.owner.token, {});
    const res = await host.request('POST', '/api/v1/auth/support-session', { token: ownToken, body: { grantId: grant.json.id } });
    const token = res.json.accessToken as string;
    expect((await host.request('GET', '/api/v1/users', { token })).status).toBe(200);
    expect((await host.request('POST', '/api/v1/auth/logout', { token: ownToken })).status).toBe(204);
    expect((await host.request('GET', '/api/v1/users', { token })).status).toBe(401);
  });

  it("requires a second factor of the agent even when the platform tenant's policy lists no role or permission", async () => {
    const grant = await approve(a.users.owner.token, {});
    const tenants = host.app.identity.tenants;
    const system = { type: 'system' as const, id: 'test' };
    const before = await tenants.settings('_platform');
    const { password, lockout, session } = before;
    const current = await tenants.updateSettings('_platform', { password, lockout, session, mfa: { requiredForRoles: [], requiredForPermissions: [] } }, undefined, system, {});
    try {
      const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: '_platform', email: AGENT_EMAIL, password: SEED_PASSWORD } });
      expect(login.status).toBe(200);
      expect(login.json).toMatchObject({ mfaRequired: true });
      expect(login.json.accessToken).toBeUndefined();
    } finally {
      await tenants.updateSettings('_platform', { password, lockout, session, mfa: before.mfa }, `"${current._etag}"`, system, {});
    }
    expect(claims(agentToken).amr).toContain('mfa');
    const res = await host.request('POST', '/api/v1/auth/support-session', { token: agentToken, body: { grantId: grant.json.id } });
    expect(res.status).toBe(200);
    expect(claims(res.json.accessToken).amr).toContain('mfa');
  });

  it("isolates tenants: B's owner can't see or revoke A's grants", async () => {
    const grant = await approve(a.users.owner.token, {});
    expect((await host.request('GET', `/api/v1/support-grants/${grant.json.id}`, { token: b.users.owner.token })).status).toBe(404);
    expect((await host.request('DELETE', `/api/v1/support-grants/${grant.json.id}`, { token: b.users.owner.token })).status).toBe(404);
    const listB = await host.request('GET', '/api/v1/support-grants', { token: b.users.owner.token });
    expect(listB.status).toBe(200);
    expect(JSON.stringify(listB.json)).not.toContain(grant.json.id);
    const listA = await host.request('GET', '/api/v1/support-grants', { token: a.users.owner.token });
    expect(listA.json.items.map((g: { id: string }) => g.id)).toContain(grant.json.id);
    // A grant for tenant A never yields a token for tenant B.
    const token = await supportToken(grant.json.id);
    expect(claims(token).tid).toBe(a.tenantId);
  });
});
