import { beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { PRIVILEGED_PERMISSIONS } from '../../shared/access/permissions.js';
import type { SettingsItem } from '../../shared/identity/model.js';
import { useTestHost } from '../support/host.js';
import { invitationTokenFor, platformOperatorToken, SEED_PASSWORD } from '../support/identity.js';

// Issue 14 item 1: privileged-role MFA must not depend on how roles are stored. The tenant policy
// names permissions as well as roles, so a custom (or SSO-granted) role that can administer the
// tenant is covered like the built-in admin. Runs with the production default policy.

const host = useTestHost({ MFA_REQUIRE_BY_DEFAULT: 'true', LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let tenantId: string;
let ownerToken: string;
const slug = 'perm-mfa';
let n = 0;
let offsetMs = 0;

const login = (email: string) => host.request('POST', '/api/v1/auth/login', { body: { tenant: slug, email, password: SEED_PASSWORD } });
// The MFA module's clock is moved forward to reach a fresh TOTP step, never waited for.
const nowSeconds = () => Math.floor((Date.now() + offsetMs) / 1000);

/** Completes a login's enrolment challenge with a new authenticator app; returns the access token. */
async function enrolAtLogin(enrollmentToken: string): Promise<string> {
  const start = await host.request('POST', '/api/v1/auth/mfa/enroll/totp', { body: { enrollmentToken } });
  expect(start.status).toBe(200);
  offsetMs += 30_000;
  const done = await host.request('POST', '/api/v1/auth/mfa/enroll/totp/confirm', { body: { enrollmentToken, code: await generate({ secret: start.json.secret as string, epoch: nowSeconds() }) } });
  expect(done.status).toBe(200);
  return done.json.accessToken as string;
}

async function customRole(permissions: string[]): Promise<string> {
  const res = await host.request('POST', '/api/v1/roles', { token: ownerToken, body: { name: `Custom ${++n}`, permissions } });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

/** Invites a user holding `roleId` over every property and accepts the invitation; returns the e-mail. */
async function member(roleId: string): Promise<string> {
  const email = `member${++n}@${slug}.example`;
  const invited = await host.request('POST', '/api/v1/users', { token: ownerToken, body: { email, firstName: 'Mia', lastName: 'Member', roles: [{ roleId, scope: { all: true } }] } });
  expect(invited.status).toBe(201);
  const accepted = await host.request('POST', '/api/v1/auth/invitations/accept', { body: { token: invitationTokenFor(host, email), password: SEED_PASSWORD } });
  expect(accepted.status).toBe(204);
  return email;
}

async function settings(): Promise<{ json: { mfa: { requiredForRoles: string[]; requiredForPermissions: string[] } }; etag: string }> {
  const res = await host.request('GET', '/api/v1/tenant/settings', { token: ownerToken });
  expect(res.status).toBe(200);
  return { json: res.json, etag: res.headers.get('etag') as string };
}

async function patchMfa(mfa: Record<string, unknown>) {
  const { etag } = await settings();
  return host.request('PATCH', '/api/v1/tenant/settings', { token: ownerToken, headers: { 'if-match': etag }, body: { mfa } });
}

beforeAll(async () => {
  host.app.identity.secondFactors.clock.now = () => Date.now() + offsetMs;
  const op = await platformOperatorToken(host);
  const created = await host.request('POST', '/api/v1/tenants', {
    token: op,
    body: { slug, name: 'Permission MFA', owner: { email: `owner@${slug}.example`, firstName: 'Olga', lastName: 'Owner' } },
  });
  expect(created.status).toBe(201);
  tenantId = created.json.id as string;
  const accepted = await host.request('POST', '/api/v1/auth/invitations/accept', { body: { token: invitationTokenFor(host, `owner@${slug}.example`), password: SEED_PASSWORD } });
  expect(accepted.status).toBe(204);
  const first = await login(`owner@${slug}.example`);
  expect(first.json.mfaEnrollmentRequired).toBe(true);
  ownerToken = await enrolAtLogin(first.json.enrollmentToken as string);
});

describe('MFA policy by permission', () => {
  it("a new tenant's policy lists the built-in privileged roles and every privileged permission", async () => {
    const { json } = await settings();
    expect(json.mfa).toEqual({ requiredForRoles: ['owner', 'admin', 'agent'], requiredForPermissions: [...PRIVILEGED_PERMISSIONS] });
    expect([...PRIVILEGED_PERMISSIONS].sort()).toEqual(['integrations.manage', 'privacy.manage', 'roles.manage', 'settings.manage', 'support.grants.manage', 'users.manage']);
  });

  it('a custom role holding users.manage forces enrolment at login, and /me/mfa says MFA is required', async () => {
    const email = await member(await customRole(['users.read', 'users.manage']));
    const first = await login(email);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ mfaEnrollmentRequired: true, enrollmentToken: expect.any(String), methods: ['totp', 'sms'], expiresIn: 300 });
    expect(first.json.accessToken).toBeUndefined();
    const token = await enrolAtLogin(first.json.enrollmentToken as string);
    const status = await host.request('GET', '/api/v1/me/mfa', { token });
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ required: true, totp: { enabled: true } });
    // The last factor of an account the policy covers stays.
    expect((await host.request('DELETE', '/api/v1/me/mfa/totp', { token })).status).toBe(409);
  });

  it('a custom role with only reports.rp.read logs in with the password, and /me/mfa says MFA is optional', async () => {
    const email = await member(await customRole(['reports.rp.read']));
    const res = await login(email);
    expect(res.status).toBe(200);
    expect(res.json.accessToken).toEqual(expect.any(String));
    const status = await host.request('GET', '/api/v1/me/mfa', { token: res.json.accessToken as string });
    expect(status.json).toMatchObject({ required: false, methods: [] });
  });

  it('follows the role: a permission added to a custom role later brings its holders under the policy', async () => {
    const roleId = await customRole(['reports.rp.read']);
    const email = await member(roleId);
    expect((await login(email)).json.accessToken).toEqual(expect.any(String));
    const role = await host.request('GET', `/api/v1/roles/${roleId}`, { token: ownerToken });
    const updated = await host.request('PATCH', `/api/v1/roles/${roleId}`, {
      token: ownerToken,
      headers: { 'if-match': role.headers.get('etag') as string },
      body: { permissions: ['reports.rp.read', 'integrations.manage'] },
    });
    expect(updated.status).toBe(200);
    expect((await login(email)).json).toMatchObject({ mfaEnrollmentRequired: true });
  });

  it('PATCH round-trips requiredForPermissions (keeping requiredForRoles), audits it, and refuses an unknown permission naming the field', async () => {
    const roleId = await customRole(['reports.pnl.read']);
    const email = await member(roleId);
    expect((await login(email)).json.accessToken).toEqual(expect.any(String));

    const saved = await patchMfa({ requiredForPermissions: ['users.manage', 'reports.pnl.read'] });
    expect(saved.status).toBe(200);
    expect(saved.json.mfa).toEqual({ requiredForRoles: ['owner', 'admin', 'agent'], requiredForPermissions: ['users.manage', 'reports.pnl.read'] });
    expect((await settings()).json.mfa).toEqual(saved.json.mfa);
    expect((await login(email)).json).toMatchObject({ mfaEnrollmentRequired: true });

    await host.app.broker?.idle();
    const entries = await host.app.store.collection('audit', tenantId).all<{ action: string; payload: { changes?: { mfa?: { before: unknown; after: unknown } } } }>(
      "SELECT * FROM c WHERE c.type = 'auditEntry'",
    );
    const changes = entries.filter((e) => e.action === 'settings.updated').map((e) => e.payload.changes?.mfa);
    expect(changes).toContainEqual({
      before: { requiredForRoles: ['owner', 'admin', 'agent'], requiredForPermissions: [...PRIVILEGED_PERMISSIONS] },
      after: { requiredForRoles: ['owner', 'admin', 'agent'], requiredForPermissions: ['users.manage', 'reports.pnl.read'] },
    });

    const refused = await patchMfa({ requiredForPermissions: ['users.manage', 'users.own'] });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.json.errors).toEqual([{ field: 'body.mfa.requiredForPermissions.1', message: expect.stringContaining('unknown permission') }]);
    expect((await settings()).json.mfa.requiredForPermissions).toEqual(['users.manage', 'reports.pnl.read']);

    const restored = await patchMfa({ requiredForPermissions: [...PRIVILEGED_PERMISSIONS] });
    expect(restored.status).toBe(200);
  });

  it('settings stored before the policy named permissions get the privileged set', async () => {
    const email = await member(await customRole(['settings.manage']));
    const off = await patchMfa({ requiredForRoles: [], requiredForPermissions: [] });
    expect(off.status).toBe(200);
    expect((await login(email)).json.accessToken).toEqual(expect.any(String));

    // As a tenant's settings were stored before this field existed.
    const col = host.app.store.collection<SettingsItem>('tenants', tenantId);
    const stored = (await col.all<SettingsItem>("SELECT * FROM c WHERE c.type = 'tenantSettings'"))[0];
    if (!stored) throw new Error('no stored settings');
    await col.upsert({ ...stored, mfa: { requiredForRoles: [] } as unknown as SettingsItem['mfa'] });

    expect((await settings()).json.mfa).toEqual({ requiredForRoles: [], requiredForPermissions: [...PRIVILEGED_PERMISSIONS] });
    expect((await login(email)).json).toMatchObject({ mfaEnrollmentRequired: true });
    expect((await patchMfa({ requiredForRoles: ['owner', 'admin', 'agent'] })).status).toBe(200);
  });
});

describe('refresh of a platform session', () => {
  it('a platform session without mfa in amr is refused at refresh (401 step-up) and ends; one with mfa, and a tenant password session, refresh', async () => {
    const email = 'legacy-op@platform.example';
    await host.app.identity.bootstrapOperator({ email, firstName: 'Lea', lastName: 'Legacy', password: SEED_PASSWORD });
    const op = await host.app.identity.users.findByEmail('_platform', email);
    if (!op) throw new Error('no operator');
    // Sessions as they were made before platform MFA existed (password alone), and after (with a factor).
    const legacy = await host.app.identity.login.complete(op, ['pwd'], { correlationId: 'legacy-session' });
    const withMfa = await host.app.identity.login.complete(op, ['pwd', 'mfa', 'otp'], { correlationId: 'mfa-session' });
    const refresh = (refreshToken: string) => host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

    const refused = await refresh(legacy.tokens.refreshToken);
    expect([refused.status, refused.json.title]).toEqual([401, 'Second factor required']);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_user_authentication');
    expect(refused.json.accessToken).toBeUndefined();
    expect(refused.headers.get('set-cookie')).toBeNull();
    const ended = await host.app.identity.sessions.get('_platform', legacy.session.id.slice('session:'.length));
    expect(ended?.revokedReason).toBe('second_factor_required');

    await host.app.broker?.idle();
    const entries = await host.app.store
      .collection('audit', '_platform')
      .all<{ action: string; payload: { outcome?: string; target?: { id: string }; details?: Record<string, unknown> } }>("SELECT * FROM c WHERE c.type = 'auditEntry'");
    const revoked = entries.filter((e) => e.action === 'auth.session_revoked' && e.payload.target?.id === legacy.session.id.slice('session:'.length));
    expect(revoked.map((e) => e.payload.details)).toEqual([{ reason: 'second_factor_required' }]);

    const ok = await refresh(withMfa.tokens.refreshToken);
    expect(ok.status).toBe(200);
    const amr = JSON.parse(Buffer.from((ok.json.accessToken as string).split('.')[1] as string, 'base64url').toString()).amr as string[];
    expect(amr).toContain('mfa');
    expect((await host.request('GET', '/api/v1/me', { token: ok.json.accessToken as string })).status).toBe(200);

    // The rule is the platform's: a tenant member's password-only session (the policy doesn't cover them) refreshes.
    const reader = await member(await customRole(['reports.rp.read']));
    const session = await login(reader);
    expect((await refresh(session.json.refreshToken as string)).status).toBe(200);
  });
});
