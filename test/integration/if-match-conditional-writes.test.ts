import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { useTestHost } from '../support/host.js';
import { createSupportAgent, createUser, loginAs, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';

/**
 * The routes whose precondition is on a resource other than the one a plain write would touch (an
 * enrolment, the user behind a link, a session): a stale ETag is a 412 with nothing changed and no
 * audit event, the current one succeeds, and two writers holding the same ETag can't both win.
 */
const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
const AGENT_EMAIL = 'ifmatch-agent@platform.example';

beforeAll(async () => {
  a = await seedTenant(host);
  await createSupportAgent(host, AGENT_EMAIL);
});

let n = 0;
async function newUser() {
  n++;
  return createUser(host, a.slug, a.users.owner.token, { email: `ifmatch${n}@${a.slug}.example`, roles: [{ roleId: 'end-user', scope: { all: true } }] });
}

async function events(action: string): Promise<number> {
  await host.app.broker?.idle();
  const entries = await host.app.store.collection('audit', a.tenantId).all<{ action: string }>("SELECT * FROM c WHERE c.type = 'auditEntry'");
  return entries.filter((e) => e.action === action).length;
}

const del = (path: string, token: string, ifMatch: string) => host.request('DELETE', path, { token, headers: { 'if-match': ifMatch } });

/** Two requests with the same current ETag at once: exactly one may change the resource. */
async function race(send: () => Promise<{ status: number }>): Promise<number[]> {
  return (await Promise.all([send(), send()])).map((r) => r.status).sort();
}

describe('DELETE /support-grants/{id}', () => {
  it('a stale ETag is 412 with the grant active and no event; the current one revokes; a race has one winner', async () => {
    const token = a.users.owner.token;
    const approve = () => host.request('POST', '/api/v1/support-grants', { token, body: { agentEmail: AGENT_EMAIL, permissions: ['users.read'], hours: 2 } });
    const grant = await approve();
    expect(grant.status).toBe(201);
    const read = await host.request('GET', `/api/v1/support-grants/${grant.json.id}`, { token });
    const current = read.headers.get('etag') as string;
    const before = await events('support.grant_revoked');

    expect((await del(`/api/v1/support-grants/${grant.json.id}`, token, '"stale"')).status).toBe(412);
    expect((await host.request('GET', `/api/v1/support-grants/${grant.json.id}`, { token })).json.status).toBe('active');
    expect(await events('support.grant_revoked')).toBe(before);

    expect((await del(`/api/v1/support-grants/${grant.json.id}`, token, current)).status).toBe(204);
    expect((await host.request('GET', `/api/v1/support-grants/${grant.json.id}`, { token })).json.status).toBe('revoked');
    // The revocation changed the grant: the ETag it was read with is stale now.
    expect((await del(`/api/v1/support-grants/${grant.json.id}`, token, current)).status).toBe(412);
    expect(await events('support.grant_revoked')).toBe(before + 1);

    const second = await approve();
    const etag = (await host.request('GET', `/api/v1/support-grants/${second.json.id}`, { token })).headers.get('etag') as string;
    expect(await race(() => del(`/api/v1/support-grants/${second.json.id}`, token, etag))).toEqual([204, 412]);
    expect(await events('support.grant_revoked')).toBe(before + 2);
  });
});

describe('DELETE /me/mfa/totp and /me/mfa/sms', () => {
  const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) });
  const mfaEtag = async (token: string) => (await host.request('GET', '/api/v1/me/mfa', { token })).headers.get('etag') as string;

  it('TOTP: an ETag from before the recovery codes were replaced is 412, the app stays and no event; the current one removes it', async () => {
    const u = await newUser();
    const start = await host.request('POST', '/api/v1/me/mfa/totp', { token: u.token });
    expect((await host.request('POST', '/api/v1/me/mfa/totp/confirm', { token: u.token, body: { code: await totpCode(start.json.secret) } })).status).toBe(200);
    const stale = await mfaEtag(u.token);
    expect((await host.request('POST', '/api/v1/me/mfa/recovery-codes', { token: u.token })).status).toBe(200);
    const current = await mfaEtag(u.token);
    expect(current).not.toBe(stale);
    const before = await events('auth.mfa_removed');

    expect((await del('/api/v1/me/mfa/totp', u.token, stale)).status).toBe(412);
    expect((await host.request('GET', '/api/v1/me/mfa', { token: u.token })).json.totp.enabled).toBe(true);
    expect(await events('auth.mfa_removed')).toBe(before);

    expect((await del('/api/v1/me/mfa/totp', u.token, current)).status).toBe(204);
    expect((await host.request('GET', '/api/v1/me/mfa', { token: u.token })).json.totp.enabled).toBe(false);
    expect(await events('auth.mfa_removed')).toBe(before + 1);
  });

  it('SMS: a stale ETag is 412 with the phone kept; two removals with the current one: one wins, one event', async () => {
    const u = await newUser();
    const phone = '+358400000077';
    expect((await host.request('POST', '/api/v1/me/mfa/sms', { token: u.token, body: { phone } })).status).toBe(202);
    const text = host.app.identity.secondFactors.localSms?.lastTo(phone)?.text ?? '';
    expect((await host.request('POST', '/api/v1/me/mfa/sms/confirm', { token: u.token, body: { code: /^(\d{6}) /.exec(text)?.[1] } })).status).toBe(200);
    const current = await mfaEtag(u.token);
    const before = await events('auth.mfa_removed');

    expect((await del('/api/v1/me/mfa/sms', u.token, '"stale"')).status).toBe(412);
    expect((await host.request('GET', '/api/v1/me/mfa', { token: u.token })).json.sms.enabled).toBe(true);
    expect(await events('auth.mfa_removed')).toBe(before);

    // The loser is 412 whether it read after the winner's write or lost the conditional write.
    expect(await race(() => del('/api/v1/me/mfa/sms', u.token, current))).toEqual([204, 412]);
    expect((await host.request('GET', '/api/v1/me/mfa', { token: u.token })).json.sms.enabled).toBe(false);
    expect(await events('auth.mfa_removed')).toBe(before + 1);
  });
});

describe('PUT and DELETE /users/{id}/sso-link', () => {
  it("are conditional on the user's ETag: stale is 412 with no link change and no event; a link changes the user's ETag", async () => {
    const token = a.users.owner.token;
    const u = await newUser();
    const userEtag = async () => (await host.request('GET', `/api/v1/users/${u.id}`, { token })).headers.get('etag') as string;
    const links = () => host.app.identity.sso.accounts.linksOf(a.tenantId, u.id);
    const first = await userEtag();
    const body = { tid: randomUUID(), oid: randomUUID() };
    const linked = await events('user.sso_linked');

    expect((await host.request('PUT', `/api/v1/users/${u.id}/sso-link`, { token, headers: { 'if-match': '"stale"' }, body })).status).toBe(412);
    expect(await links()).toEqual([]);
    expect(await events('user.sso_linked')).toBe(linked);

    expect((await host.request('PUT', `/api/v1/users/${u.id}/sso-link`, { token, headers: { 'if-match': first }, body })).status).toBe(200);
    const linkIds = (await links()).map((l) => l.id);
    expect(linkIds).toHaveLength(1);
    expect(await events('user.sso_linked')).toBe(linked + 1);
    const afterLink = await userEtag();
    expect(afterLink).not.toBe(first);

    // Relinking with the ETag read before the first link: someone changed the user's sign-in since.
    expect((await host.request('PUT', `/api/v1/users/${u.id}/sso-link`, { token, headers: { 'if-match': first }, body: { tid: body.tid, oid: randomUUID() } })).status).toBe(412);
    expect((await links()).map((l) => l.id)).toEqual(linkIds);
    expect(await events('user.sso_linked')).toBe(linked + 1);

    const unlinked = await events('user.sso_unlinked');
    expect((await del(`/api/v1/users/${u.id}/sso-link`, token, first)).status).toBe(412);
    expect((await links()).map((l) => l.id)).toEqual(linkIds);
    expect(await events('user.sso_unlinked')).toBe(unlinked);

    expect(await race(() => del(`/api/v1/users/${u.id}/sso-link`, token, afterLink))).toEqual([204, 412]);
    expect(await links()).toEqual([]);
    expect(await events('user.sso_unlinked')).toBe(unlinked + 1);
  });
});

describe('DELETE /me/sessions/{sid}', () => {
  type Listed = { id: string; current: boolean; etag?: string };
  const list = async (token: string): Promise<Listed[]> => (await host.request('GET', '/api/v1/me/sessions', { token })).json.items;

  it("GET /me/sessions lists each session's ETag; one from before a refresh is 412 and the session lives; the current one ends it", async () => {
    const u = await newUser();
    const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: u.email, password: SEED_PASSWORD } });
    expect(login.status).toBe(200);
    const other = (await list(u.token)).find((s) => !s.current && s.etag !== undefined && s.id === sidOf(login.json.accessToken));
    expect(other?.etag).toMatch(/^"/);
    const stale = other?.etag as string;

    const refreshed = await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.json.refreshToken } });
    expect(refreshed.status).toBe(200);
    const current = (await list(u.token)).find((s) => s.id === other?.id)?.etag as string;
    expect(current).not.toBe(stale);
    const before = await events('auth.session_revoked');

    expect((await del(`/api/v1/me/sessions/${other?.id}`, u.token, stale)).status).toBe(412);
    expect((await list(u.token)).map((s) => s.id)).toContain(other?.id);
    expect((await host.request('GET', '/api/v1/me', { token: refreshed.json.accessToken })).status).toBe(200);
    expect(await events('auth.session_revoked')).toBe(before);

    expect(await race(() => del(`/api/v1/me/sessions/${other?.id}`, u.token, current))).toEqual([204, 412]);
    expect((await list(u.token)).map((s) => s.id)).not.toContain(other?.id);
    expect(await events('auth.session_revoked')).toBe(before + 1);
    expect((await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: refreshed.json.refreshToken } })).status).toBe(401);

    // `*` still matches whatever the current version is.
    const third = await loginAs(host, a.slug, u.email, SEED_PASSWORD);
    expect((await del(`/api/v1/me/sessions/${sidOf(third)}`, u.token, '*')).status).toBe(204);
  });
});

function sidOf(accessToken: string): string {
  return (JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString()) as { sid: string }).sid;
}
