import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { createUser, invitationTokenFor, platformLogin, platformOperatorToken, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;

beforeAll(async () => {
  a = await seedTenant(host);
});

async function auditActions(tenantId: string): Promise<string> {
  await host.app.broker?.idle();
  return JSON.stringify(await host.app.store.collection('audit', tenantId).all('SELECT * FROM c'));
}

describe('long passwords end to end', () => {
  it('accepts a 100-character password and does not let its first 72 bytes stand in for it', async () => {
    const long = 'Aa1!' + 'correct-horse-battery-staple-'.repeat(4).slice(0, 68) + 'tail-that-matters-9!';
    expect(Buffer.byteLength(long)).toBeGreaterThan(72);
    const user = await createUser(host, a.slug, a.users.admin.token, { email: 'long@a.example', roles: [], password: long });
    expect(user.token).toEqual(expect.any(String));
    const truncated = Buffer.from(long).subarray(0, 72).toString() + 'something-else-entirely';
    const res = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: 'long@a.example', password: truncated } });
    expect(res.status).toBe(401);
  });

  it('refuses a common password and one containing the name at invitation acceptance', async () => {
    await host.request('POST', '/api/v1/users', { token: a.users.admin.token, body: { email: 'weak@a.example', firstName: 'Waltraud', lastName: 'Weak', roles: [] } });
    const token = invitationTokenFor(host, 'weak@a.example');
    const common = await host.request('POST', '/api/v1/auth/invitations/accept', { body: { token, password: 'Password1' } });
    expect(common.status).toBe(400);
    const named = await host.request('POST', '/api/v1/auth/invitations/accept', { body: { token, password: 'Waltraud-2026!' } });
    expect(named.status).toBe(400);
    expect(named.json.errors).toEqual([{ field: 'body.password', message: 'must not contain your e-mail address or name' }]);
  });
});

describe('password strength (zxcvbn) on top of the policy', () => {
  it("refuses guessable passwords that meet the composition rules, and the organisation's name plus a year, saying why", async () => {
    const op = await platformOperatorToken(host);
    const slug = `alpenrose-${Date.now().toString(36)}`;
    const tenant = await host.request('POST', '/api/v1/tenants', {
      token: op,
      body: { slug, name: 'Alpenrose Hotels', owner: { email: `gm@${slug}.example`, firstName: 'Greta', lastName: 'Moser' } },
    });
    expect(tenant.status).toBe(201);
    const token = invitationTokenFor(host, `gm@${slug}.example`);
    const accept = (password: string) => host.request('POST', '/api/v1/auth/invitations/accept', { body: { token, password } });
    for (const weak of ['Password123!', 'Welcome1!', 'Summer2025!', 'Hotel2025!']) {
      const res = await accept(weak);
      expect([weak, res.status]).toEqual([weak, 400]);
      expect(res.json.errors).toEqual([{ field: 'body.password', message: expect.stringMatching(/^is too easy to guess: it is built on a common (password|word)/) }]);
    }
    for (const named of ['Alpenrose2025!', 'AlpenroseHotels-2026', 'Alpenrose-Hotels-2025!']) {
      const res = await accept(named);
      expect([named, res.status]).toEqual([named, 400]);
      expect(res.json.errors[0].message).toContain("it is built on the organisation's or your own name");
    }
    // The invitation survives the refusals; a strong password is taken.
    expect((await accept('Kestrel-Harbour-2026!')).status).toBe(204);
  });
});

describe('uniqueness under concurrency', () => {
  it('one slug, many parallel creates: exactly one wins', async () => {
    const op = await platformOperatorToken(host);
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        host.request('POST', '/api/v1/tenants', { token: op, body: { slug: 'race-slug', name: `Race ${i}`, owner: { email: `o${i}@race.example`, firstName: 'O', lastName: 'Race' } } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it('one e-mail, many parallel invitations: exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => host.request('POST', '/api/v1/users', { token: a.users.admin.token, body: { email: 'same@a.example', firstName: 'S', lastName: 'Ame', roles: [] } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });
});

describe('audit trail of authentication', () => {
  it('records login success, failure, lockout and unlock without personal data in clear', async () => {
    const user = await createUser(host, a.slug, a.users.admin.token, { email: 'audited@a.example', firstName: 'Augustin', lastName: 'Audit', roles: [] });
    for (let i = 0; i < 5; i++) await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: user.email, password: `Wrong-guess${i}!` }, headers: { 'user-agent': 'AuditAgent/1.0' } });
    await host.request('POST', `/api/v1/users/${user.id}/unlock`, { token: a.users.admin.token });
    await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: 'nobody@a.example', password: 'Wrong-guess!1' } });
    const text = await auditActions(a.tenantId);
    for (const action of ['auth.login_succeeded', 'auth.login_failed', 'auth.account_locked', 'user.unlocked', 'user.invited', 'user.invitation_accepted', 'tenant.created', 'property.created']) {
      expect([action, text.includes(`"${action}"`)]).toEqual([action, true]);
    }
    for (const secret of ['audited@a.example', 'Augustin', 'AuditAgent/1.0', 'nobody@a.example']) expect(text).not.toContain(secret);
  });

  it('a 403 of an authenticated caller is recorded as access denied', async () => {
    expect((await host.request('GET', '/api/v1/users', { token: a.users.endUser.token })).status).toBe(403);
    expect(await auditActions(a.tenantId)).toContain('auth.access_denied');
  });
});

describe('cookies and logout', () => {
  it('logout clears the refresh cookie and the refresh token stops working', async () => {
    const res = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: a.users.endUser.email, password: SEED_PASSWORD } });
    const out = await host.request('POST', '/api/v1/auth/logout', { token: res.json.accessToken });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/pmi_refresh=;.*Max-Age=0/);
    expect((await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: res.json.refreshToken } })).status).toBe(401);
  });

  it('a refresh after a role change carries the new permissions version', async () => {
    const user = await createUser(host, a.slug, a.users.admin.token, { email: 'pv@a.example', roles: [] });
    const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: user.email, password: SEED_PASSWORD } });
    const pv = (t: string) => JSON.parse(Buffer.from(t.split('.')[1] as string, 'base64url').toString()).pv;
    const before = pv(login.json.accessToken);
    await host.request('PUT', `/api/v1/users/${user.id}/roles`, { token: a.users.admin.token, body: { roles: [{ roleId: 'end-user', scope: { all: true } }] } });
    const refreshed = await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.json.refreshToken } });
    expect(pv(refreshed.json.accessToken)).toBe(before + 1);
    const me = await host.request('GET', '/api/v1/me', { token: login.json.accessToken });
    expect(me.json.permissions['reports.rp.read']).toEqual({ all: true });
  });
});

describe('platform operators', () => {
  it('log in to the platform tenant only', async () => {
    await platformOperatorToken(host);
    const wrongTenant = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: 'operator@platform.example', password: SEED_PASSWORD } });
    expect(wrongTenant.status).toBe(401);
    const token = await platformLogin(host, 'operator@platform.example', SEED_PASSWORD);
    const me = await host.request('GET', '/api/v1/me', { token });
    expect(me.json).toMatchObject({ kind: 'platform-operator', tenant: { id: '_platform' } });
  });
});
