import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { platformOperator, platformOperatorToken, seedTenant, type SeededTenant } from '../support/identity.js';

/**
 * Platform operators and tenants' personal data (issue #14 item 2): every route that takes a
 * `tenantId` from a platform principal goes through the access kernel's one rule
 * (shared/access/tenant-data.ts). Personal data needs a support grant the tenant approved, naming
 * the operator and including the route's permission; each such read is audited with the grant id.
 */
const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let operator: string;
let operatorEmail: string;

beforeAll(async () => {
  a = await seedTenant(host);
  operator = await platformOperatorToken(host);
  operatorEmail = (await platformOperator(host)).email;
  await host.app.broker!.idle();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = any;

const personalRoutes = () => [
  `/api/v1/users/${a.users.endUser.id}/export?tenantId=${a.tenantId}`,
  `/api/v1/audit?tenantId=${a.tenantId}`,
  `/api/v1/audit/export?tenantId=${a.tenantId}`,
];

async function approve(permissions: string[], hours = 1): Promise<string> {
  const res = await host.request('POST', '/api/v1/support-grants', { token: a.users.owner.token, body: { agentEmail: operatorEmail, permissions, hours } });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

/** The tenant's audit entries of one action, as the full view shows them. */
async function entries(action: string): Promise<View[]> {
  await host.app.broker!.idle();
  return (await host.app.audit.list(a.tenantId, { action }, { full: true, network: false }, { limit: 200 })).items;
}

describe('a platform operator without a support grant', () => {
  it.each([0, 1, 2])('is refused personal data of a tenant with 403 (route %i)', async (i) => {
    const path = personalRoutes()[i] as string;
    const res = await host.request('GET', path, { token: operator });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json.detail).toMatch(/support grant/);
    expect(res.text).not.toContain(a.users.endUser.email);
  });

  it('still verifies a chain and reads a redaction job status: nothing personal leaves', async () => {
    const verify = await host.request('GET', `/api/v1/audit/verify?tenantId=${a.tenantId}`, { token: operator });
    expect(verify.status).toBe(200);
    expect(verify.json.ok).toBe(true);
    const job = await host.request('GET', `/api/v1/redaction-jobs/00000000-0000-4000-8000-000000000000?tenantId=${a.tenantId}`, { token: operator });
    expect(job.status).toBe(404);
  });
});

describe('a platform operator under a support grant', () => {
  it('reads within the grant, and every read is audited with the grant id', async () => {
    const grantId = await approve(['audit.read', 'privacy.manage']);

    const exported = await host.request('GET', `/api/v1/users/${a.users.endUser.id}/export?tenantId=${a.tenantId}`, { token: operator });
    expect(exported.status).toBe(200);
    expect(exported.json.profile.email).toBe(a.users.endUser.email);
    const list = await host.request('GET', `/api/v1/audit?tenantId=${a.tenantId}&limit=10`, { token: operator });
    expect(list.status).toBe(200);
    const ndjson = await host.request('GET', `/api/v1/audit/export?tenantId=${a.tenantId}`, { token: operator });
    expect(ndjson.status).toBe(200);

    const exports = (await entries('privacy.export_generated')).filter((e) => e.actor.type === 'platform-operator');
    expect(exports).toEqual([expect.objectContaining({ actor: expect.objectContaining({ supportGrantId: grantId }), target: expect.objectContaining({ id: a.users.endUser.id }) })]);
    const views = (await entries('audit.viewed')).filter((e) => e.actor.type === 'platform-operator' && e.details.view !== 'verify');
    expect(views.map((v) => [v.details.view, v.actor.supportGrantId])).toEqual(
      expect.arrayContaining([
        ['list', grantId],
        ['export', grantId],
      ]),
    );
    // The tenant sees in its own (customer) view that platform support read under its grant.
    const own = await host.request('GET', '/api/v1/audit?action=privacy.export_generated', { token: a.users.owner.token });
    expect(own.json.items).toEqual(expect.arrayContaining([expect.objectContaining({ actor: { type: 'platform-support', display: 'Platform support', supportGrantId: grantId } })]));

    await host.request('DELETE', `/api/v1/support-grants/${grantId}`, { token: a.users.owner.token });
  });

  it('is held to the permissions of the grant, and loses access when it is revoked', async () => {
    const grantId = await approve(['audit.read']);
    expect((await host.request('GET', `/api/v1/audit?tenantId=${a.tenantId}`, { token: operator })).status).toBe(200);
    expect((await host.request('GET', `/api/v1/users/${a.users.endUser.id}/export?tenantId=${a.tenantId}`, { token: operator })).status).toBe(403);
    expect((await host.request('DELETE', `/api/v1/support-grants/${grantId}`, { token: a.users.owner.token })).status).toBe(204);
    expect((await host.request('GET', `/api/v1/audit?tenantId=${a.tenantId}`, { token: operator })).status).toBe(403);
  });

  it("of one tenant reads nothing personal of another", async () => {
    const b = await seedTenant(host);
    const grantId = await approve(['audit.read', 'privacy.manage']);
    for (const path of [`/api/v1/users/${b.users.endUser.id}/export?tenantId=${b.tenantId}`, `/api/v1/audit?tenantId=${b.tenantId}`]) {
      expect((await host.request('GET', path, { token: operator })).status).toBe(403);
    }
    await host.request('DELETE', `/api/v1/support-grants/${grantId}`, { token: a.users.owner.token });
  });
});
