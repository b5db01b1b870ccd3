import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, type JWK } from 'jose';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { useTestHost } from '../support/host.js';
import { seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';
import { AUTHORITY, FakeEntra, newGuid, type FakeAccount } from '../support/fake-entra.js';
import { API_BASE, ERROR_PAGE, RETURN_TO, WEB_ORIGIN, callback, codeFrom, errorFrom, signInThroughEntra, startSso } from './sso-helpers.js';

const TID_A = newGuid();
const TID_B = newGuid();
const CLIENT_ID = newGuid();
const CLIENT_SECRET = 'fake-client-secret-value';
const account = (name: string, extra: Partial<FakeAccount> = {}): FakeAccount => ({
  oid: newGuid(),
  name,
  email: `${name.toLowerCase().replace(/\s+/g, '.')}@contoso.example`,
  amr: ['pwd'],
  ...extra,
});
const ALICE = account('Alice Entra', { amr: ['pwd', 'mfa'] });
const BOB = account('Bob Entra');
const MALLORY_B = account('Mallory Other');

const host = useTestHost({ PUBLIC_BASE_URL: API_BASE, WEB_CLIENT_ORIGINS: WEB_ORIGIN });
let fake: FakeEntra;
let tenant: SeededTenant;
let ownerToken: string;

const ssoBody = (over: Record<string, unknown> = {}) => ({
  enabled: true,
  entraTenantId: TID_A,
  clientId: CLIENT_ID,
  jit: { enabled: true, defaultRoleId: 'end-user', scope: { all: true } },
  ...over,
});

async function putSso(over: Record<string, unknown> = {}): Promise<void> {
  const res = await host.request('PUT', '/api/v1/tenant/sso', { token: ownerToken, body: ssoBody(over) });
  if (res.status !== 200) throw new Error(`PUT /tenant/sso: ${res.status} ${res.text}`);
}

async function exchange(location: string) {
  return host.request('POST', '/api/v1/auth/sso/exchange', { body: { code: codeFrom(location) } });
}

/** One sign-in with a fresh Entra account (registered at tenant A) and the expected error code (or none). */
async function signIn(who: FakeAccount, tid = TID_A) {
  fake.setAccount(tid, who);
  return signInThroughEntra(host, fake, tenant.slug, tid, who.oid);
}

async function auditText(): Promise<string[]> {
  await host.app.broker?.idle();
  return (await host.app.store.collection('audit', tenant.tenantId).all('SELECT * FROM c')).map((e) => JSON.stringify(e));
}

async function expectAuditedFailure(reason: string): Promise<void> {
  const events = await auditText();
  expect(events.some((e) => e.includes('auth.sso_failed') && e.includes(`"reason":"${reason}"`))).toBe(true);
}

beforeAll(async () => {
  fake = await FakeEntra.start();
  const client = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${API_BASE}/api/v1/auth/sso/callback` };
  fake.addTenant(TID_A, [client], [ALICE, BOB]);
  // Tenant B registers the same (multi-tenant) application and is signed with the same key.
  fake.addTenant(TID_B, [client], [MALLORY_B]);
  host.app.identity.sso.useFetch(fake.fetch);
  tenant = await seedTenant(host);
  ownerToken = tenant.users.owner.token;
  await putSso({ clientSecret: CLIENT_SECRET, idpMfaSatisfiesPolicy: true });
});

afterAll(async () => {
  await fake?.close();
});

describe('SSO settings', () => {
  it('never returns the client secret, only whether one is stored', async () => {
    const res = await host.request('GET', '/api/v1/tenant/sso', { token: ownerToken });
    expect(res.status).toBe(200);
    expect(res.json.hasClientSecret).toBe(true);
    expect(res.json.entraTenantId).toBe(TID_A);
    expect(res.json.redirectUri).toBe(`${API_BASE}/api/v1/auth/sso/callback`);
    expect(res.text).not.toContain(CLIENT_SECRET);
    const stored = await host.app.store.collection('tenants', tenant.tenantId).read('sso-settings');
    expect(JSON.stringify(stored)).not.toContain(CLIENT_SECRET);
  });

  it('needs settings.manage', async () => {
    expect((await host.request('GET', '/api/v1/tenant/sso', { token: tenant.users.endUser.token })).status).toBe(403);
    expect((await host.request('PUT', '/api/v1/tenant/sso', { token: tenant.users.endUser.token, body: ssoBody() })).status).toBe(403);
  });

  it('refuses owner as a provisioned role, SSO-only without a break-glass owner, and non-owners as break-glass', async () => {
    const bad = [
      ssoBody({ jit: { enabled: true, defaultRoleId: 'owner', scope: { all: true } } }),
      ssoBody({ ssoOnly: true }),
      ssoBody({ ssoOnly: true, breakGlassUserIds: [tenant.users.endUser.id] }),
      ssoBody({ entraTenantId: 'contoso.onmicrosoft.com' }),
    ];
    for (const body of bad) expect((await host.request('PUT', '/api/v1/tenant/sso', { token: ownerToken, body })).status).toBe(400);
  });

  it('needs a recent sign-in, or the password again, to change them', async () => {
    const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: tenant.slug, email: tenant.users.owner.email, password: SEED_PASSWORD } });
    expect(login.status).toBe(200);
    const sid = decodeJwt(login.json.accessToken).sid as string;
    // The session's sign-in was an hour ago; a refreshed access token carries that auth_time.
    await host.app.store.collection('identity', tenant.tenantId).patch(`session:${sid}`, [{ op: 'set', path: '/authTime', value: Math.floor(Date.now() / 1000) - 3600 }]);
    const refreshed = await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.json.refreshToken } });
    expect(refreshed.status).toBe(200);
    const stale = refreshed.json.accessToken as string;
    const body = ssoBody({ idpMfaSatisfiesPolicy: true });
    expect((await host.request('PUT', '/api/v1/tenant/sso', { token: stale, body })).status).toBe(403);
    expect((await host.request('PUT', '/api/v1/tenant/sso', { token: stale, body: { ...body, password: 'not-the-password' } })).status).toBe(403);
    expect((await host.request('PUT', '/api/v1/tenant/sso', { token: stale, body: { ...body, password: SEED_PASSWORD } })).status).toBe(200);
  });

  it('reports an unreachable authority in the configuration test', async () => {
    await putSso({ entraTenantId: newGuid() });
    const res = await host.request('POST', '/api/v1/tenant/sso/test', { token: ownerToken });
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(false);
    expect(res.json.checks.find((c: { name: string }) => c.name === 'discovery').ok).toBe(false);
    await putSso({ idpMfaSatisfiesPolicy: true });
  });

  it('tests the configuration without signing anyone in', async () => {
    const res = await host.request('POST', '/api/v1/tenant/sso/test', { token: ownerToken });
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
    expect(res.json.checks.map((c: { name: string }) => c.name)).toEqual(['clientId', 'clientSecret', 'discovery', 'keys']);
  });
});

describe('SSO start', () => {
  it("redirects to the customer's tenant-specific authority with PKCE S256, state and nonce bound to an encrypted cookie", async () => {
    const start = await startSso(host, tenant.slug);
    expect(start.status).toBe(302);
    const url = new URL(start.location);
    expect(`${url.origin}${url.pathname}`).toBe(`${AUTHORITY}/${TID_A}/oauth2/v2.0/authorize`);
    const p = url.searchParams;
    expect(p.get('client_id')).toBe(CLIENT_ID);
    expect(p.get('response_type')).toBe('code');
    expect(p.get('scope')).toBe('openid profile email');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')?.length).toBeGreaterThanOrEqual(43);
    expect(p.get('nonce')?.length).toBeGreaterThanOrEqual(43);
    expect(p.get('redirect_uri')).toBe(`${API_BASE}/api/v1/auth/sso/callback`);
    const cookie = start.setCookie.find((c) => c.startsWith('pmi_sso=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // Nothing of the flow is readable in the cookie.
    const raw = Buffer.from(start.flowCookie ?? '', 'base64url').toString('utf8');
    for (const secret of [p.get('state'), p.get('nonce'), RETURN_TO]) expect(raw).not.toContain(secret as string);
  });

  it('refuses returnTo outside the configured web origins (no open redirect)', async () => {
    const attempts = [
      'https://evil.test/after-login',
      '//evil.test/after-login',
      '/after-login',
      'https://app.pmi.test@evil.test/',
      'https://app.pmi.test\\@evil.test/',
      'https:\\\\evil.test',
      'https://app.pmi.test.evil.test/',
      'http://app.pmi.test/after-login',
      'https://app.pmi.test:8443/after-login',
      'javascript:alert(1)//https://app.pmi.test',
      ' https://app.pmi.test/',
    ];
    for (const returnTo of attempts) {
      const res = await startSso(host, tenant.slug, returnTo);
      expect([returnTo, res.status]).toEqual([returnTo, 400]);
      expect(res.location).toBe('');
    }
  });

  it('sends an unknown tenant to the error page', async () => {
    const res = await startSso(host, 'no-such-tenant');
    expect(res.status).toBe(302);
    expect(errorFrom(res.location)).toBe('sso_not_configured');
  });
});

describe('SSO callback', () => {
  it('happy path: JIT user, our own session with amr sso, refresh cookie, audited like a login', async () => {
    const { location } = await signIn(ALICE);
    expect(errorFrom(location)).toBeUndefined();
    expect(location.startsWith(`${RETURN_TO}#code=`)).toBe(true);
    const ex = await exchange(location);
    expect(ex.status).toBe(200);
    expect(ex.headers.get('set-cookie')).toContain('pmi_refresh=');
    const claims = decodeJwt(ex.json.accessToken);
    expect(claims.amr).toEqual(['sso', 'mfa']);
    const me = await host.request('GET', '/api/v1/me', { token: ex.json.accessToken });
    expect(me.status).toBe(200);
    expect(me.json.email).toBe(ALICE.email);
    expect(me.json.roles).toEqual([{ roleId: 'end-user', scope: { all: true } }]);

    // The one-time code is single use.
    expect((await exchange(location)).status).toBe(401);

    // A second sign-in reaches the same account through the tid:oid link.
    const again = await exchange((await signIn(ALICE)).location);
    expect(again.status).toBe(200);
    expect(decodeJwt(again.json.accessToken).sub).toBe(claims.sub);

    const events = await auditText();
    expect(events.some((e) => e.includes('auth.login_succeeded') && e.includes('"method":"sso"'))).toBe(true);
    expect(events.some((e) => e.includes('user.provisioned'))).toBe(true);
  });

  it('fetches discovery and keys once per authority', () => {
    const discovery = fake.fetched.filter((p) => p === `/${TID_A}/v2.0/.well-known/openid-configuration`);
    const keys = fake.fetched.filter((p) => p === `/${TID_A}/discovery/v2.0/keys`);
    expect(discovery).toHaveLength(1);
    // One fetch by the resolver, one by the configuration test (which reads the key set itself).
    expect(keys.length).toBeLessThanOrEqual(2);
  });

  it('refuses a token of another Entra tenant for a customer pinned to tenant A, although the signing key is shared', async () => {
    fake.tamperNextIdToken({ claims: (c) => ({ ...c, iss: fake.issuer(TID_B), tid: TID_B }) });
    expect(errorFrom((await signIn(account('Eve One'))).location)).toBe('issuer_mismatch');
    fake.tamperNextIdToken({ claims: (c) => ({ ...c, tid: TID_B }) });
    expect(errorFrom((await signIn(account('Eve Two'))).location)).toBe('tenant_mismatch');
    await expectAuditedFailure('tenant_mismatch');
  });

  it('refuses a wrong nonce, a wrong audience and a missing or expired token', async () => {
    fake.tamperNextIdToken({ claims: (c) => ({ ...c, nonce: 'another-nonce' }) });
    expect(errorFrom((await signIn(account('Nonce Case'))).location)).toBe('nonce_mismatch');
    fake.tamperNextIdToken({ claims: (c) => ({ ...c, aud: newGuid() }) });
    expect(errorFrom((await signIn(account('Aud Case'))).location)).toBe('audience_mismatch');
    fake.tamperNextIdToken({ claims: (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 }) });
    expect(errorFrom((await signIn(account('Exp Case'))).location)).toBe('token_expired');
    await expectAuditedFailure('nonce_mismatch');
    await expectAuditedFailure('audience_mismatch');
  });

  it('accepts RS256 only', async () => {
    fake.tamperNextIdToken({ alg: 'PS256' });
    expect(errorFrom((await signIn(account('Ps Case'))).location)).toBe('algorithm_not_allowed');
    fake.tamperNextIdToken({ alg: 'HS256' });
    expect(errorFrom((await signIn(account('Hs Case'))).location)).toBe('algorithm_not_allowed');
  });

  it('refuses a state mismatch and a missing flow cookie', async () => {
    const start = await startSso(host, tenant.slug);
    fake.signInAs(TID_A, BOB.oid);
    const cb = new URL(await fake.browse(start.location));
    const forged = new URL(cb);
    forged.searchParams.set('state', 'attacker-state');
    expect(errorFrom((await callback(host, forged.toString(), start.flowCookie)).location)).toBe('state_mismatch');
    expect(errorFrom((await callback(host, cb.toString(), undefined)).location)).toBe('state_missing');
    expect(errorFrom((await callback(host, cb.toString(), 'bm90LWEtc2VhbGVkLXZhbHVl')).location)).toBe('state_mismatch');
  });

  it("refuses a code redeemed with another flow's PKCE verifier (code injection)", async () => {
    const victim = await startSso(host, tenant.slug);
    const attacker = await startSso(host, tenant.slug);
    fake.signInAs(TID_A, BOB.oid);
    const cb = new URL(await fake.browse(attacker.location));
    // The attacker's code, pasted into the victim's flow (state and cookie of the victim).
    cb.searchParams.set('state', new URL(victim.location).searchParams.get('state') as string);
    expect(errorFrom((await callback(host, cb.toString(), victim.flowCookie)).location)).toBe('token_exchange_failed');
  });

  it('refuses a replayed authorization code', async () => {
    const first = await signIn(account('Replay Case'));
    expect(errorFrom(first.location)).toBeUndefined();
    const replay = await callback(host, first.callbackUrl, first.flowCookie);
    expect(errorFrom(replay.location)).toBe('token_exchange_failed');
  });

  it('sends failures to the error page with a short code and never token contents', async () => {
    fake.tamperNextIdToken({ claims: (c) => ({ ...c, nonce: 'x' }) });
    const { location } = await signIn(account('Leak Case'));
    const u = new URL(location);
    expect(`${u.origin}${u.pathname}`).toBe(ERROR_PAGE);
    expect([...u.searchParams.keys()]).toEqual(['error']);
    expect(u.hash).toBe('');
  });
});

describe('SSO accounts', () => {
  it('with JIT off, an unknown identity is refused until an admin links it', async () => {
    await putSso({ jit: { enabled: false, defaultRoleId: 'end-user', scope: { all: true } } });
    const carol = account('Carol Linked');
    expect(errorFrom((await signIn(carol)).location)).toBe('not_linked');
    await expectAuditedFailure('not_linked');

    const target = tenant.users.endUser;
    const link = await host.request('PUT', `/api/v1/users/${target.id}/sso-link`, { token: ownerToken, body: { tid: TID_A, oid: carol.oid } });
    expect(link.status).toBe(200);
    const ex = await exchange((await signIn(carol)).location);
    expect(ex.status).toBe(200);
    expect(decodeJwt(ex.json.accessToken).sub).toBe(target.id);
    // Only the configured Entra tenant can be linked.
    expect((await host.request('PUT', `/api/v1/users/${target.id}/sso-link`, { token: ownerToken, body: { tid: TID_B, oid: carol.oid } })).status).toBe(400);
    // Linking needs users.manage.
    expect((await host.request('PUT', `/api/v1/users/${target.id}/sso-link`, { token: target.token, body: { tid: TID_A, oid: carol.oid } })).status).toBe(403);
    await putSso();
  });

  it('never links an Entra user to a local account by e-mail', async () => {
    const local = tenant.users.admin;
    const impostor = account('Admin Lookalike', { email: local.email });
    const res = await signIn(impostor);
    expect(errorFrom(res.location)).toBe('email_in_use');
    expect(await host.app.identity.sso.accounts.linkedUser(tenant.tenantId, TID_A, impostor.oid)).toBeUndefined();
    await putSso({ jit: { enabled: false, defaultRoleId: 'end-user', scope: { all: true } } });
    expect(errorFrom((await signIn(impostor)).location)).toBe('not_linked');
    await putSso();
  });

  it('adds the roles of mapped Entra groups to a provisioned user', async () => {
    const group = newGuid();
    const scope = { all: false, propertyIds: [tenant.propertyIds[0]] };
    await putSso({ idpMfaSatisfiesPolicy: true, groupRoles: [{ groupId: group, roleId: 'end-user', scope }] });
    const member = account('Grace Grouped', { groups: [group, newGuid()] });
    const ex = await exchange((await signIn(member)).location);
    expect(ex.status).toBe(200);
    const me = await host.request('GET', '/api/v1/me', { token: ex.json.accessToken });
    expect(me.json.roles).toEqual([
      { roleId: 'end-user', scope: { all: true } },
      { roleId: 'end-user', scope, group },
    ]);
    await putSso({ idpMfaSatisfiesPolicy: true });
  });

  it("keeps group-granted roles in line with the user's groups at each sign-in, and leaves an admin's grants alone", async () => {
    const readers = newGuid();
    const admins = newGuid();
    const scope = { all: false, propertyIds: [tenant.propertyIds[0]] };
    await putSso({ idpMfaSatisfiesPolicy: true, groupRoles: [{ groupId: readers, roleId: 'end-user', scope }, { groupId: admins, roleId: 'admin', scope: { all: true } }] });
    const henry = account('Henry Groups', { groups: [readers] });
    const first = await exchange((await signIn(henry)).location);
    const userId = decodeJwt(first.json.accessToken).sub as string;
    const roles = async () => (await host.request('GET', `/api/v1/users/${userId}`, { token: ownerToken })).json.roles;
    expect(await roles()).toEqual([{ roleId: 'end-user', scope: { all: true } }, { roleId: 'end-user', scope, group: readers }]);

    // An admin adds a role: the group's assignment, listed again, stays the group's.
    const manual = { roleId: 'end-user', scope: { all: false, propertyIds: [tenant.propertyIds[1]] } };
    const put = await host.request('PUT', `/api/v1/users/${userId}/roles`, { token: ownerToken, body: { roles: [{ roleId: 'end-user', scope: { all: true } }, { roleId: 'end-user', scope }, manual] } });
    expect(put.status).toBe(200);
    expect(put.json.roles).toEqual([{ roleId: 'end-user', scope: { all: true } }, { roleId: 'end-user', scope, group: readers }, manual]);

    // Removed from "readers" and added to "admins" in Entra: the next sign-in follows.
    fake.setAccount(TID_A, { ...henry, groups: [admins] });
    const secondSignIn = await signIn({ ...henry, groups: [admins] });
    expect(errorFrom(secondSignIn.location)).toBeUndefined();
    const second = await exchange(secondSignIn.location);
    expect(second.status).toBe(200);
    expect(await roles()).toEqual([{ roleId: 'end-user', scope: { all: true } }, manual, { roleId: 'admin', scope: { all: true }, group: admins }]);
    const me = await host.request('GET', '/api/v1/me', { token: second.json.accessToken });
    expect(Object.keys(me.json.permissions)).toContain('users.manage');
    const events = await auditText();
    expect(events.some((e) => e.includes('user.roles_changed') && e.includes('sso-group-sync') && e.includes(userId))).toBe(true);

    // A token that can't list the groups (overage) changes nothing; one that lists none removes the group's roles.
    fake.tamperNextIdToken({ claims: (c) => ({ ...c, groups: undefined, _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/v1.0/users/x/getMemberObjects' } } }) });
    expect((await exchange((await signIn({ ...henry, groups: [] })).location)).status).toBe(200);
    expect(await roles()).toEqual([{ roleId: 'end-user', scope: { all: true } }, manual, { roleId: 'admin', scope: { all: true }, group: admins }]);
    const third = await exchange((await signIn({ ...henry, groups: [] })).location);
    expect(third.status).toBe(200);
    expect(await roles()).toEqual([{ roleId: 'end-user', scope: { all: true } }, manual]);
    // The earlier session lost the admin grant too: grants are resolved from the stored roles.
    const stale = await host.request('GET', '/api/v1/users', { token: second.json.accessToken });
    expect(stale.status).toBe(403);

    // Back in "admins"; then an admin deletes that mapping: the role goes at once, without a sign-in,
    // and what the remaining mapping granted stays.
    await exchange((await signIn({ ...henry, groups: [admins, readers] })).location);
    expect(await roles()).toEqual([{ roleId: 'end-user', scope: { all: true } }, manual, { roleId: 'end-user', scope, group: readers }, { roleId: 'admin', scope: { all: true }, group: admins }]);
    await putSso({ idpMfaSatisfiesPolicy: true, groupRoles: [{ groupId: readers, roleId: 'end-user', scope }] });
    expect(await roles()).toEqual([{ roleId: 'end-user', scope: { all: true } }, manual, { roleId: 'end-user', scope, group: readers }]);
    await putSso({ idpMfaSatisfiesPolicy: true });
    expect(await roles()).toEqual([{ roleId: 'end-user', scope: { all: true } }, manual]);
  });

  it('activates an invited user linked by an admin at the first SSO sign-in', async () => {
    const erin = account('Erin Invited');
    const invited = await host.request('POST', '/api/v1/users', {
      token: ownerToken,
      body: { email: 'erin@tenant.example', firstName: 'Erin', lastName: 'Invited', roles: [{ roleId: 'end-user', scope: { all: true } }] },
    });
    expect(invited.status).toBe(201);
    expect((await host.request('PUT', `/api/v1/users/${invited.json.id}/sso-link`, { token: ownerToken, body: { tid: TID_A, oid: erin.oid } })).status).toBe(200);
    const ex = await exchange((await signIn(erin)).location);
    expect(ex.status).toBe(200);
    expect(decodeJwt(ex.json.accessToken).sub).toBe(invited.json.id);
    expect((await host.request('GET', `/api/v1/users/${invited.json.id}`, { token: ownerToken })).json.status).toBe('active');
  });

  it('does not keep a link to a removed account', async () => {
    const frank = account('Frank Removed');
    const first = await exchange((await signIn(frank)).location);
    const userId = decodeJwt(first.json.accessToken).sub as string;
    const removed = await host.request('DELETE', `/api/v1/users/${userId}`, { token: ownerToken });
    expect([202, 204]).toContain(removed.status);
    await host.app.broker?.idle();
    const again = await exchange((await signIn(frank)).location);
    expect(again.status).toBe(200);
    expect(decodeJwt(again.json.accessToken).sub).not.toBe(userId);
  });

  it('refuses a disabled user', async () => {
    const dave = account('Dave Disabled');
    const created = await exchange((await signIn(dave)).location);
    const userId = decodeJwt(created.json.accessToken).sub as string;
    expect((await host.request('POST', `/api/v1/users/${userId}/disable`, { token: ownerToken })).status).toBe(200);
    expect(errorFrom((await signIn(dave)).location)).toBe('user_inactive');
    await expectAuditedFailure('user_inactive');
  });

  it("applies the tenant's MFA policy: the IdP's MFA counts only when the tenant says so", async () => {
    const policy = async (requiredForRoles: string[]) => {
      const res = await host.request('PATCH', '/api/v1/tenant/settings', { token: ownerToken, body: { mfa: { requiredForRoles } } });
      expect(res.status).toBe(200);
    };
    await policy(['admin']);
    const henry = account('Henry Admin', { amr: ['pwd'] });
    expect((await host.request('PUT', `/api/v1/users/${tenant.users.admin.id}/sso-link`, { token: ownerToken, body: { tid: TID_A, oid: henry.oid } })).status).toBe(200);
    await putSso({ idpMfaSatisfiesPolicy: true });
    const withoutMfa = await exchange((await signIn(henry)).location);
    expect(withoutMfa.status).toBe(200);
    expect(withoutMfa.json.accessToken).toBeUndefined();
    expect(withoutMfa.json.mfaRequired ?? withoutMfa.json.mfaEnrollmentRequired).toBe(true);
    // Completing the owed factor keeps the first factor as it was: SSO, not a password.
    expect(withoutMfa.json.mfaEnrollmentRequired).toBe(true);
    {
      const enrollmentToken = withoutMfa.json.enrollmentToken as string;
      const started = await host.request('POST', '/api/v1/auth/mfa/enroll/totp', { body: { enrollmentToken } });
      expect(started.status).toBe(200);
      const code = await generate({ secret: started.json.secret as string });
      const done = await host.request('POST', '/api/v1/auth/mfa/enroll/totp/confirm', { body: { enrollmentToken, code } });
      expect(done.status).toBe(200);
      const amr = decodeJwt(done.json.accessToken as string).amr as string[];
      expect(amr[0]).toBe('sso');
      expect(amr).toContain('mfa');
      expect(amr).not.toContain('pwd');
      await host.app.identity.secondFactors.mfa.forget(tenant.tenantId, tenant.users.admin.id);
    }
    const withMfa = await exchange((await signIn({ ...henry, amr: ['pwd', 'mfa'] })).location);
    expect(decodeJwt(withMfa.json.accessToken).amr).toEqual(['sso', 'mfa']);
    await putSso({ idpMfaSatisfiesPolicy: false });
    const notTrusted = await exchange((await signIn({ ...henry, amr: ['pwd', 'mfa'] })).location);
    expect(notTrusted.json.accessToken).toBeUndefined();
    await host.request('DELETE', `/api/v1/users/${tenant.users.admin.id}/sso-link`, { token: ownerToken });
    await putSso({ idpMfaSatisfiesPolicy: true });
    await policy([]);
  });

  it("records amr without mfa when the tenant doesn't accept the IdP's MFA", async () => {
    await putSso({ idpMfaSatisfiesPolicy: false });
    const ex = await exchange((await signIn(ALICE)).location);
    expect(ex.status).toBe(200);
    expect(decodeJwt(ex.json.accessToken).amr).toEqual(['sso']);
    await putSso({ idpMfaSatisfiesPolicy: true });
  });
});

describe('SSO-only tenants', () => {
  it('refuse password login except for break-glass owners', async () => {
    await putSso({ ssoOnly: true, breakGlassUserIds: [tenant.users.owner.id] });
    const endUser = await host.request('POST', '/api/v1/auth/login', { body: { tenant: tenant.slug, email: tenant.users.endUser.email, password: SEED_PASSWORD } });
    expect(endUser.status).toBe(403);
    expect(endUser.json.type).toMatch(/sso-required$/);
    // A wrong password still gets the generic 401: the SSO-only answer needs the right password.
    const wrong = await host.request('POST', '/api/v1/auth/login', { body: { tenant: tenant.slug, email: tenant.users.endUser.email, password: 'wrong-password-1' } });
    expect(wrong.status).toBe(401);
    const owner = await host.request('POST', '/api/v1/auth/login', { body: { tenant: tenant.slug, email: tenant.users.owner.email, password: SEED_PASSWORD } });
    expect(owner.status).toBe(200);
    // SSO keeps working.
    expect((await exchange((await signIn(ALICE)).location)).status).toBe(200);
    await putSso({ ssoOnly: false });
    const again = await host.request('POST', '/api/v1/auth/login', { body: { tenant: tenant.slug, email: tenant.users.endUser.email, password: SEED_PASSWORD } });
    expect(again.status).toBe(200);
  });
});

describe('signing in to the app registration with a certificate instead of a client secret', () => {
  const certClient = (jwks: { keys: JWK[] }) => ({ clientId: newGuid(), jwks, redirectUri: `${API_BASE}/api/v1/auth/sso/callback` });

  it("redeems the code with a client assertion signed by PMI's certificate, which the customer uploaded", async () => {
    const certs = await host.request('GET', '/api/v1/tenant/sso/certificate', { token: ownerToken });
    expect(certs.status).toBe(200);
    const [cert] = certs.json.certificates;
    expect(cert.inUse).toBe(true);
    const x509 = new X509Certificate(cert.pem);
    expect(cert.thumbprint).toBe(x509.fingerprint.replace(/:/g, ''));
    expect(Date.parse(cert.notAfter)).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    expect((await host.request('GET', '/api/v1/tenant/sso/certificate', { token: tenant.users.endUser.token })).status).toBe(403);

    // The customer's directory: an app registration that holds our certificate and no secret.
    const tid = newGuid();
    const client = certClient({ keys: [x509.publicKey.export({ format: 'jwk' }) as JWK] });
    const carol = account('Carol Certificate');
    fake.addTenant(tid, [client], [carol]);
    await putSso({ entraTenantId: tid, clientId: client.clientId, clientCredential: 'certificate', idpMfaSatisfiesPolicy: true });
    const settings = await host.request('GET', '/api/v1/tenant/sso', { token: ownerToken });
    expect(settings.json).toMatchObject({ clientCredential: 'certificate', clientId: client.clientId });
    const checks = await host.request('POST', '/api/v1/tenant/sso/test', { token: ownerToken });
    expect(checks.json.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'clientCertificate', ok: true })]));

    const signedIn = await signIn(carol, tid);
    expect(errorFrom(signedIn.location)).toBeUndefined();
    const ex = await exchange(signedIn.location);
    expect(ex.status).toBe(200);
    expect(decodeJwt(ex.json.accessToken).amr).toContain('sso');

    // An app registration holding some other certificate refuses our assertion: nothing signs in.
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherTid = newGuid();
    const other = certClient({ keys: [publicKey.export({ format: 'jwk' }) as JWK] });
    fake.addTenant(otherTid, [other], [carol]);
    await putSso({ entraTenantId: otherTid, clientId: other.clientId, clientCredential: 'certificate', idpMfaSatisfiesPolicy: true });
    expect(errorFrom((await signIn(carol, otherTid)).location)).toBe('token_exchange_failed');
    await expectAuditedFailure('token_exchange_failed');

    await putSso({ idpMfaSatisfiesPolicy: true });
    expect((await host.request('GET', '/api/v1/tenant/sso', { token: ownerToken })).json.clientCredential).toBe('secret');
  });
});
