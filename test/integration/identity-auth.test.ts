import { beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { useTestHost } from '../support/host.js';
import { createUser, loginAs, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let b: SeededTenant;

beforeAll(async () => {
  a = await seedTenant(host);
  b = await seedTenant(host);
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function parts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h as string, 'base64url').toString()), payload: JSON.parse(Buffer.from(p as string, 'base64url').toString()) };
}

/** Signs with the app's own current key: lets a test vary one claim while the signature stays valid. */
async function signOurs(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  const signer = host.app.identity.signer;
  const sig = await signer.sign(Buffer.from(input), header.kid as string);
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}

async function status(token: string, path = '/api/v1/me'): Promise<number> {
  return (await host.request('GET', path, { token })).status;
}

describe('JWT attack suite (every defect answers 401)', () => {
  let valid: string;
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;

  beforeAll(async () => {
    valid = await loginAs(host, a.slug, a.users.admin.email, SEED_PASSWORD);
    ({ header, payload } = parts(valid));
  });

  it('accepts the genuine token (control)', async () => {
    expect(await status(valid)).toBe(200);
    expect(header).toMatchObject({ alg: 'ES256' });
    expect(payload).toMatchObject({ aud: 'pmi-api', tid: a.tenantId, sub: a.users.admin.id, amr: ['pwd'] });
    expect(typeof payload.pv).toBe('number');
    expect(Number(payload.exp) - Number(payload.iat)).toBe(600);
  });

  it('alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    expect(await status(token)).toBe(401);
  });

  it('HS256 signed with the public key as HMAC secret', async () => {
    const jwks = (await host.request('GET', '/api/v1/.well-known/jwks.json')).json;
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const input = `${b64({ ...header, alg: 'HS256' })}.${b64(payload)}`;
    const token = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    expect(await status(token)).toBe(401);
  });

  it('a key that is not ours (unknown kid, and a foreign key under our kid)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const kid of ['attacker-key', header.kid]) {
      const input = `${b64({ ...header, kid })}.${b64(payload)}`;
      const token = `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
      expect(await status(token)).toBe(401);
    }
  });

  it('expired, beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await status(await signOurs(header, { ...payload, iat: now - 700, nbf: now - 700, exp: now - 60 }))).toBe(401);
  });

  it('nbf in the future, beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await status(await signOurs(header, { ...payload, nbf: now + 120 }))).toBe(401);
  });

  it('wrong issuer and wrong audience', async () => {
    expect(await status(await signOurs(header, { ...payload, iss: 'https://evil.example' }))).toBe(401);
    expect(await status(await signOurs(header, { ...payload, aud: 'another-api' }))).toBe(401);
  });

  it('missing required claims', async () => {
    const { sid: _sid, ...noSid } = payload;
    expect(await status(await signOurs(header, noSid))).toBe(401);
    const { exp: _exp, ...noExp } = payload;
    expect(await status(await signOurs(header, noExp))).toBe(401);
  });

  it('tampered payload (tenant switched) with the original signature', async () => {
    const [h, , s] = valid.split('.');
    const token = `${h}.${b64({ ...payload, tid: b.tenantId })}.${s}`;
    expect(await status(token)).toBe(401);
  });

  it("our signature, but a session that doesn't belong to the subject or tenant", async () => {
    expect(await status(await signOurs(header, { ...payload, tid: b.tenantId }))).toBe(401);
    expect(await status(await signOurs(header, { ...payload, sub: a.users.owner.id }))).toBe(401);
  });

  it('a malformed Authorization header', async () => {
    for (const h of ['Bearer', 'Basic abc', `bearer ${valid}`, `Bearer ${valid} x`]) {
      expect((await host.request('GET', '/api/v1/me', { headers: { authorization: h } })).status).toBe(401);
    }
  });

  it('a revoked session (after logout) and every 401 has the same shape', async () => {
    const token = await loginAs(host, a.slug, a.users.endUser.email, SEED_PASSWORD);
    expect(await status(token)).toBe(200);
    expect((await host.request('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    const res = await host.request('GET', '/api/v1/me', { token });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.json).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'Authentication is required.' });
  });

  it("a token of tenant A used on tenant B's objects is answered 404", async () => {
    const res = await host.request('GET', `/api/v1/users/${b.users.admin.id}`, { token: a.users.admin.token });
    expect(res.status).toBe(404);
  });
});

describe('login', () => {
  it('returns a token pair and a hardened refresh cookie', async () => {
    const res = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: a.users.owner.email, password: SEED_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ tokenType: 'Bearer', expiresIn: 600 });
    expect(res.json.refreshToken).toEqual(expect.any(String));
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`pmi_refresh=${res.json.refreshToken}`);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/v1/auth']) expect(cookie).toContain(attr);
  });

  it('e-mail look-up is case-insensitive', async () => {
    const token = await loginAs(host, a.slug, a.users.owner.email.toUpperCase(), SEED_PASSWORD);
    expect(await status(token)).toBe(200);
  });

  it('answers unknown tenant, unknown user, wrong password and locked the same way (no enumeration)', async () => {
    const victim = await createUser(host, a.slug, a.users.owner.token, { email: 'enum@victim.example', roles: [{ roleId: 'end-user', scope: { all: true } }] });
    const attempt = (tenant: string, email: string, password: string) => host.request('POST', '/api/v1/auth/login', { body: { tenant, email, password } });
    const shape = (r: { status: number; json: Record<string, unknown>; headers: Headers }) => ({
      status: r.status,
      type: r.json.type,
      title: r.json.title,
      detail: r.json.detail,
      keys: Object.keys(r.json).sort(),
      wwwAuth: r.headers.get('www-authenticate'),
    });
    const unknownTenant = shape(await attempt('no-such-tenant', victim.email, 'Whatever-1x!'));
    const unknownUser = shape(await attempt(a.slug, 'nobody@nowhere.example', 'Whatever-1x!'));
    const wrongPassword = shape(await attempt(a.slug, victim.email, 'Whatever-1x!'));
    for (let i = 0; i < 5; i++) await attempt(a.slug, victim.email, 'Whatever-1x!');
    const locked = shape(await attempt(a.slug, victim.email, SEED_PASSWORD));
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser).toEqual(wrongPassword);
    expect(unknownTenant).toEqual(wrongPassword);
    expect(locked).toEqual(wrongPassword);
  });

  it('locks an account after 5 failures, and an admin can unlock it', async () => {
    const victim = await createUser(host, a.slug, a.users.owner.token, { email: 'lock@victim.example', roles: [{ roleId: 'end-user', scope: { all: true } }] });
    for (let i = 0; i < 5; i++) {
      const r = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: victim.email, password: `Wrong-pass${i}!` } });
      expect(r.status).toBe(401);
    }
    const locked = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: victim.email, password: SEED_PASSWORD } });
    expect(locked.status).toBe(401);
    const view = await host.request('GET', `/api/v1/users/${victim.id}`, { token: a.users.admin.token });
    expect(view.json.locked).toBe(true);
    // An end-user can't unlock; another tenant's admin can't see the account.
    expect((await host.request('POST', `/api/v1/users/${victim.id}/unlock`, { token: a.users.endUser.token })).status).toBe(403);
    expect((await host.request('POST', `/api/v1/users/${victim.id}/unlock`, { token: b.users.admin.token })).status).toBe(404);
    const unlocked = await host.request('POST', `/api/v1/users/${victim.id}/unlock`, { token: a.users.admin.token });
    expect(unlocked.status).toBe(200);
    expect(unlocked.json.locked).toBe(false);
    expect(await status(await loginAs(host, a.slug, victim.email, SEED_PASSWORD))).toBe(200);
  });

  it('counts parallel wrong guesses: a burst locks the account', async () => {
    const victim = await createUser(host, a.slug, a.users.owner.token, { email: 'burst@victim.example', roles: [{ roleId: 'end-user', scope: { all: true } }] });
    const burst = await Promise.all(
      Array.from({ length: 6 }, (_, i) => host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: victim.email, password: `Burst-guess${i}!` } })),
    );
    expect(burst.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    const view = await host.request('GET', `/api/v1/users/${victim.id}`, { token: a.users.admin.token });
    expect(view.json.locked).toBe(true);
  });

  it('parallel logins of one account all succeed', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: a.users.endUser.email, password: SEED_PASSWORD } })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('refuses a body with unknown fields', async () => {
    const res = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: 'x@y.example', password: 'x', admin: true } });
    expect(res.status).toBe(400);
  });
});

describe('refresh tokens', () => {
  async function login(): Promise<{ accessToken: string; refreshToken: string }> {
    const res = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: a.users.endUser.email, password: SEED_PASSWORD } });
    expect(res.status).toBe(200);
    return res.json;
  }

  it('rotates on every use; reusing a rotated token revokes the whole family and is audited', async () => {
    const first = await login();
    const r1 = await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(r1.status).toBe(200);
    expect(r1.json.refreshToken).not.toBe(first.refreshToken);
    expect(parts(r1.json.accessToken).payload.sid).toBe(parts(first.accessToken).payload.sid);
    expect(await status(r1.json.accessToken)).toBe(200);

    const replay = await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    // The legitimate holder's newer token and the session's access tokens die with the family.
    expect((await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: r1.json.refreshToken } })).status).toBe(401);
    expect(await status(r1.json.accessToken)).toBe(401);

    await host.app.broker?.idle();
    const audit = await host.app.store.collection('audit', a.tenantId).all('SELECT * FROM c');
    expect(JSON.stringify(audit)).toContain('auth.refresh_token_reused');
  });

  it('from the cookie only with the CSRF header', async () => {
    const first = await login();
    const headers = { cookie: `pmi_refresh=${encodeURIComponent(first.refreshToken)}` };
    expect((await host.request('POST', '/api/v1/auth/refresh', { headers })).status).toBe(401);
    const ok = await host.request('POST', '/api/v1/auth/refresh', { headers: { ...headers, 'x-requested-with': 'pmi' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toContain('pmi_refresh=');
  });

  it('refuses garbage and tokens of unknown tenants', async () => {
    for (const refreshToken of ['not-a-token-at-all', `${b.tenantId}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, 'x.y.z.w.v.u']) {
      expect((await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    }
  });

  it('honours the absolute and idle lifetimes of the session', async () => {
    for (const field of ['absoluteExpiresAt', 'idleExpiresAt']) {
      const s = await login();
      const sid = parts(s.accessToken).payload.sid as string;
      await host.app.store.collection('identity', a.tenantId).patch(`session:${sid}`, [{ op: 'set', path: `/${field}`, value: new Date(Date.now() - 1000).toISOString() }]);
      expect((await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401);
    }
  });

  it('logout-all ends every session of the caller', async () => {
    const s1 = await login();
    const s2 = await login();
    expect((await host.request('POST', '/api/v1/auth/logout-all', { token: s1.accessToken })).status).toBe(204);
    expect(await status(s1.accessToken)).toBe(401);
    expect(await status(s2.accessToken)).toBe(401);
    expect((await host.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: s2.refreshToken } })).status).toBe(401);
  });
});

describe('sessions and password change', () => {
  it('lists own sessions and ends one of them, but not somebody else’s', async () => {
    const user = await createUser(host, a.slug, a.users.owner.token, { email: 'sessions@a.example', roles: [{ roleId: 'end-user', scope: { all: true } }] });
    const other = await loginAs(host, a.slug, user.email, SEED_PASSWORD);
    const list = await host.request('GET', '/api/v1/me/sessions', { token: user.token });
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(2);
    const otherSid = parts(other).payload.sid as string;
    expect(list.json.items.find((s: { id: string }) => s.id === otherSid)).toMatchObject({ current: false, ip: expect.any(String) });
    const adminSid = parts(a.users.admin.token).payload.sid as string;
    expect((await host.request('DELETE', `/api/v1/me/sessions/${adminSid}`, { token: user.token })).status).toBe(404);
    expect((await host.request('DELETE', `/api/v1/me/sessions/${otherSid}`, { token: user.token })).status).toBe(204);
    expect(await status(other)).toBe(401);
    expect(await status(user.token)).toBe(200);
  });

  it('changing the password needs the current one and ends the other sessions', async () => {
    const user = await createUser(host, a.slug, a.users.owner.token, { email: 'changer@a.example', roles: [{ roleId: 'end-user', scope: { all: true } }] });
    const other = await loginAs(host, a.slug, user.email, SEED_PASSWORD);
    const wrong = await host.request('POST', '/api/v1/me/password', { token: user.token, body: { currentPassword: 'Not-the-one1!', newPassword: 'Brand-New-Secret9' } });
    expect(wrong.status).toBe(400);
    const weak = await host.request('POST', '/api/v1/me/password', { token: user.token, body: { currentPassword: SEED_PASSWORD, newPassword: 'password' } });
    expect(weak.status).toBe(400);
    const ok = await host.request('POST', '/api/v1/me/password', { token: user.token, body: { currentPassword: SEED_PASSWORD, newPassword: 'Brand-New-Secret9' } });
    expect(ok.status).toBe(204);
    expect(await status(other)).toBe(401);
    expect(await status(user.token)).toBe(200);
    expect(await status(await loginAs(host, a.slug, user.email, 'Brand-New-Secret9'))).toBe(200);
  });

  it('disabling a user ends their sessions; enabling lets them log in again', async () => {
    const user = await createUser(host, a.slug, a.users.owner.token, { email: 'disable@a.example', roles: [{ roleId: 'end-user', scope: { all: true } }] });
    expect((await host.request('POST', `/api/v1/users/${user.id}/disable`, { token: a.users.admin.token })).status).toBe(200);
    expect(await status(user.token)).toBe(401);
    const denied = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: user.email, password: SEED_PASSWORD } });
    expect(denied.status).toBe(401);
    expect((await host.request('POST', `/api/v1/users/${user.id}/enable`, { token: a.users.admin.token })).status).toBe(200);
    expect(await status(await loginAs(host, a.slug, user.email, SEED_PASSWORD))).toBe(200);
  });
});

describe('keys', () => {
  it('publishes the verification keys without private parts', async () => {
    const res = await host.request('GET', '/api/v1/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.json.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of res.json.keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(k.d).toBeUndefined();
    }
  });
});
