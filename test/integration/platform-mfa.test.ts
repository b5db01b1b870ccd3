import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createSupportAgent, platformFactorOf, platformLogin, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';

// Issue 14 item 1: every platform principal (operators, support agents) must use a second factor,
// whatever the tenant MFA policy: the test host runs with MFA_REQUIRE_BY_DEFAULT=false, which relaxes
// tenant users only.

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let n = 0;

beforeAll(async () => {
  a = await seedTenant(host);
});

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { amr: string[]; sub: string };
const login = (email: string) => host.request('POST', '/api/v1/auth/login', { body: { tenant: '_platform', email, password: SEED_PASSWORD } });

async function newOperator(): Promise<{ id: string; email: string }> {
  n++;
  const email = `op${n}@platform.example`;
  const id = await host.app.identity.bootstrapOperator({ email, firstName: 'Paula', lastName: 'Plattner', password: SEED_PASSWORD });
  return { id, email };
}

/** A session made with the password alone, as every operator had before this rule (or any path that forgot it). */
async function passwordOnlyToken(tenantId: string, email: string): Promise<string> {
  const user = await host.app.identity.users.findByEmail(tenantId, email);
  if (!user) throw new Error(`no user ${email}`);
  const result = await host.app.identity.login.complete(user, ['pwd'], { correlationId: 'legacy-session' });
  return result.tokens.accessToken;
}

describe('platform operators need a second factor', () => {
  it('a bootstrapped operator enrols TOTP at the first login; the password alone yields no session', async () => {
    const op = await newOperator();
    const first = await login(op.email);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ mfaEnrollmentRequired: true, enrollmentToken: expect.any(String), methods: ['totp', 'sms'], expiresIn: 300 });
    expect(first.headers.get('set-cookie')).toBeNull();

    const token = await platformLogin(host, op.email, SEED_PASSWORD); // enrols through the challenge above's flow
    expect(claims(token).amr).toEqual(['pwd', 'mfa', 'otp']);
    const status = await host.request('GET', '/api/v1/me/mfa', { token });
    expect(status.json).toMatchObject({ required: true, totp: { enabled: true } });
    // The last factor of an account that must use MFA stays.
    expect((await host.request('DELETE', '/api/v1/me/mfa/totp', { token })).status).toBe(409);

    // Later logins ask for the code.
    const again = await login(op.email);
    expect(again.json).toMatchObject({ mfaRequired: true, methods: ['totp', 'recovery'] });
    expect(again.json.accessToken).toBeUndefined();

    // The enrolment is audited in the platform tenant's log, as for any user.
    await host.app.broker?.idle();
    const entries = await host.app.store
      .collection('audit', '_platform')
      .all<{ action: string; payload: { target?: { id: string }; details?: Record<string, unknown> } }>("SELECT * FROM c WHERE c.type = 'auditEntry'");
    expect(entries.filter((e) => e.action === 'auth.mfa_enrolled' && e.payload.target?.id === op.id).map((e) => e.payload.details)).toEqual([{ method: 'totp' }]);
  });

  it('with MFA, an operator does platform work; with the password alone nothing, not even on routes that take a tenantId', async () => {
    const op = await newOperator();
    const mfaToken = await platformLogin(host, op.email, SEED_PASSWORD);
    expect(platformFactorOf(host, op.email)).toBeDefined();
    const pwdToken = await passwordOnlyToken('_platform', op.email);
    expect(claims(pwdToken).amr).toEqual(['pwd']);

    const refusedSlug = `refused-${n}`;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/tenants'],
      ['POST', '/api/v1/tenants', { slug: refusedSlug, name: 'Should Not Exist', owner: { email: `o@${refusedSlug}.example`, firstName: 'O', lastName: 'X' } }],
      ['GET', `/api/v1/audit?tenantId=${a.tenantId}`],
      ['GET', `/api/v1/audit/verify?tenantId=${a.tenantId}`],
      ['POST', `/api/v1/users/${a.users.endUser.id}/redaction?tenantId=${a.tenantId}`, { reason: 'r', requestedBy: 'x', contactVerification: 'call-back' }],
      ['GET', '/api/v1/me'],
    ];
    for (const [method, path, body] of calls) {
      const res = await host.request(method as 'GET' | 'POST', path, { token: pwdToken, ...(body ? { body } : {}) });
      expect([method, path, res.status, res.json.title]).toEqual([method, path, 401, 'Second factor required']);
      expect(res.headers.get('www-authenticate')).toContain('insufficient_user_authentication');
    }
    expect((await host.request('GET', '/api/v1/tenants', { token: mfaToken })).status).toBe(200);
    const slug = `mfa-op-${n}`;
    const created = await host.request('POST', '/api/v1/tenants', { token: mfaToken, body: { slug, name: 'Created With MFA', owner: { email: `owner@${slug}.example`, firstName: 'O', lastName: 'W' } } });
    expect(created.status).toBe(201);
    // Nothing was created or started by the refused calls.
    expect(await host.app.identity.tenants.tenantIdForSlug(refusedSlug)).toBeUndefined();
    expect((await host.app.identity.users.findByEmail(a.tenantId, a.users.endUser.email))?.status).toBe('active');
  });

  it("a support agent's password-only session can neither start a support session nor use a grant token", async () => {
    const email = `agent${++n}@platform.example`;
    await createSupportAgent(host, email);
    expect((await login(email)).json).toMatchObject({ mfaEnrollmentRequired: true });
    const grant = await host.request('POST', '/api/v1/support-grants', { token: a.users.owner.token, body: { agentEmail: email, permissions: ['users.read'], hours: 1 } });
    expect(grant.status).toBe(201);

    const pwdToken = await passwordOnlyToken('_platform', email);
    const refused = await host.request('POST', '/api/v1/auth/support-session', { token: pwdToken, body: { grantId: grant.json.id } });
    expect(refused.status).toBe(401);

    // A grant token minted over that password-only session is refused too, and not audited as a support request.
    const agent = await host.app.identity.users.findByEmail('_platform', email);
    const forged = await host.app.identity.tokens.issue({ sub: agent!.id, tid: a.tenantId, sid: 'none', amr: ['pwd'], pv: 0, auth_time: Math.floor(Date.now() / 1000), sgid: grant.json.id });
    const used = await host.request('GET', '/api/v1/users', { token: forged.token });
    expect([used.status, used.json.title]).toEqual([401, 'Second factor required']);

    const token = await platformLogin(host, email, SEED_PASSWORD);
    const session = await host.request('POST', '/api/v1/auth/support-session', { token, body: { grantId: grant.json.id } });
    expect(session.status).toBe(200);
    expect((await host.request('GET', '/api/v1/users', { token: session.json.accessToken })).status).toBe(200);
  });
});
