import { beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { useTestHost } from '../support/host.js';
import { createUser, loginAs, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let offsetMs = 0;

beforeAll(async () => {
  // The MFA module's clock: moved forward to reach the next TOTP step or past an expiry, never waited for.
  host.app.identity.secondFactors.clock.now = () => Date.now() + offsetMs;
  a = await seedTenant(host);
});

const advance = (seconds: number) => {
  offsetMs += seconds * 1000;
};
const nowSeconds = () => Math.floor((Date.now() + offsetMs) / 1000);
const totpCode = (secret: string) => generate({ secret, epoch: nowSeconds() });
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;

let n = 0;
async function newUser(roleId = 'end-user') {
  n++;
  return createUser(host, a.slug, a.users.owner.token, { email: `mfa${n}@${a.slug}.example`, roles: [{ roleId, scope: { all: true } }] });
}

const login = (email: string, password = SEED_PASSWORD) => host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email, password } });

/** Enrols an authenticator app for the holder of `token`; returns the secret and recovery codes. */
async function enrolTotp(token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const start = await host.request('POST', '/api/v1/me/mfa/totp', { token });
  expect(start.status).toBe(200);
  expect(start.json.otpauthUri).toContain(`secret=${start.json.secret}`);
  const confirm = await host.request('POST', '/api/v1/me/mfa/totp/confirm', { token, body: { code: await totpCode(start.json.secret) } });
  expect(confirm.status).toBe(200);
  return { secret: start.json.secret, recoveryCodes: confirm.json.recoveryCodes };
}

async function auditActions(tenantId: string): Promise<Array<{ action: string; actorType: string; payload: { actor: { supportGrantId?: string }; details?: Record<string, unknown> } }>> {
  await host.app.broker?.idle();
  return host.app.store.collection('audit', tenantId).all("SELECT * FROM c WHERE c.type = 'auditEntry'");
}

describe('TOTP', () => {
  it('enrols, then login answers a challenge and the code completes it end to end (amr otp)', async () => {
    const u = await newUser();
    const { secret, recoveryCodes } = await enrolTotp(u.token);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const first = await login(u.email);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ mfaRequired: true, mfaToken: expect.any(String), methods: ['totp', 'recovery'], expiresIn: 300 });
    expect(first.json.accessToken).toBeUndefined();

    advance(30); // the enrolment used this step's code
    const verified = await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: first.json.mfaToken, method: 'totp', code: await totpCode(secret) } });
    expect(verified.status).toBe(200);
    expect(claims(verified.json.accessToken).amr).toEqual(['pwd', 'mfa', 'otp']);
    expect((await host.request('GET', '/api/v1/me', { token: verified.json.accessToken })).status).toBe(200);

    // The mfaToken is single use.
    const again = await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: first.json.mfaToken, method: 'totp', code: await totpCode(secret) } });
    expect(again.status).toBe(401);
  });

  it('refuses a TOTP code that was already used, even in a new login', async () => {
    const u = await newUser();
    const { secret } = await enrolTotp(u.token);
    advance(30);
    const code = await totpCode(secret);
    const l1 = await login(u.email);
    expect((await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l1.json.mfaToken, method: 'totp', code } })).status).toBe(200);
    const l2 = await login(u.email);
    const replay = await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l2.json.mfaToken, method: 'totp', code } });
    expect(replay.status).toBe(401);
    advance(30);
    expect((await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l2.json.mfaToken, method: 'totp', code: await totpCode(secret) } })).status).toBe(200);
  });

  it('lets only one of two concurrent logins use the same code', async () => {
    const u = await newUser();
    const { secret } = await enrolTotp(u.token);
    advance(30);
    const [l1, l2] = await Promise.all([login(u.email), login(u.email)]);
    const code = await totpCode(secret);
    const results = await Promise.all(
      [l1, l2].map((l) => host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l.json.mfaToken, method: 'totp', code } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('accepts each recovery code once (amr recovery) and audits its use', async () => {
    const u = await newUser();
    const { recoveryCodes } = await enrolTotp(u.token);
    const code = recoveryCodes[0] as string;
    const l1 = await login(u.email);
    const ok = await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l1.json.mfaToken, method: 'recovery', code } });
    expect(ok.status).toBe(200);
    expect(claims(ok.json.accessToken).amr).toContain('recovery');
    const l2 = await login(u.email);
    expect((await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l2.json.mfaToken, method: 'recovery', code } })).status).toBe(401);
    expect((await host.request('GET', '/api/v1/me/mfa', { token: ok.json.accessToken })).json.recoveryCodesRemaining).toBe(9);
    const actions = (await auditActions(a.tenantId)).filter((e) => e.payload.actor && (e as unknown as { actorId: string }).actorId === u.id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.mfa_enrolled', 'auth.recovery_code_used', 'auth.mfa_failed']));
  });

  it('burns the mfaToken after too many wrong codes, and a wrong code is audited', async () => {
    const u = await newUser();
    const { secret } = await enrolTotp(u.token);
    advance(30);
    const l = await login(u.email);
    const right = await totpCode(secret);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      expect((await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l.json.mfaToken, method: 'totp', code: wrong } })).status).toBe(401);
    }
    // Five failures also reach the default account lockout (5 in 15 minutes).
    expect((await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l.json.mfaToken, method: 'totp', code: right } })).status).toBe(401);
    expect((await login(u.email)).status).toBe(401);
  });

  it('stores the secret sealed and only hashes of recovery codes', async () => {
    const u = await newUser();
    const { secret, recoveryCodes } = await enrolTotp(u.token);
    const raw = JSON.stringify(await host.app.store.collection('identity', a.tenantId).read(`mfa:${u.id}`));
    expect(raw).toContain('"enc"');
    expect(raw).not.toContain(secret);
    for (const c of recoveryCodes) expect(raw).not.toContain(c.replace('-', ''));
  });
});

describe('re-authentication and session hygiene', () => {
  it('requires a recent authentication to change MFA, and /me/reauthenticate gives one', async () => {
    const u = await newUser();
    advance(301);
    try {
      const stale = await host.request('POST', '/api/v1/me/mfa/totp', { token: u.token });
      expect(stale.status).toBe(403);
      expect(stale.json.title).toBe('Re-authentication required');
      expect((await host.request('POST', '/api/v1/me/reauthenticate', { token: u.token, body: { password: 'Wrong-Passw0rd!' } })).status).toBe(401);
      const re = await host.request('POST', '/api/v1/me/reauthenticate', { token: u.token, body: { password: SEED_PASSWORD } });
      expect(re.status).toBe(200);
      expect(claims(re.json.accessToken).auth_time).toBeGreaterThan((claims(u.token).auth_time as number) + 300);
      expect((await host.request('POST', '/api/v1/me/mfa/totp', { token: re.json.accessToken })).status).toBe(200);
    } finally {
      advance(-301);
    }
  });

  it('re-authenticates with a TOTP code too (single use)', async () => {
    const u = await newUser();
    const { secret } = await enrolTotp(u.token);
    advance(301);
    try {
      const code = await totpCode(secret);
      const re = await host.request('POST', '/api/v1/me/reauthenticate', { token: u.token, body: { method: 'totp', code } });
      expect(re.status).toBe(200);
      expect(claims(re.json.accessToken).amr).toEqual(['pwd', 'otp']);
      expect((await host.request('POST', '/api/v1/me/reauthenticate', { token: u.token, body: { method: 'totp', code } })).status).toBe(401);
      expect((await host.request('POST', '/api/v1/me/reauthenticate', { token: u.token, body: {} })).status).toBe(400);
      expect((await host.request('POST', '/api/v1/me/mfa/recovery-codes', { token: re.json.accessToken })).json.recoveryCodes).toHaveLength(10);
    } finally {
      advance(-301);
    }
  });

  it("ends the user's other sessions when MFA is enrolled or removed, keeping the current one", async () => {
    const u = await newUser();
    const other = await loginAs(host, a.slug, u.email, SEED_PASSWORD);
    const { secret } = await enrolTotp(u.token);
    expect((await host.request('GET', '/api/v1/me', { token: other })).status).toBe(401);
    expect((await host.request('GET', '/api/v1/me', { token: u.token })).status).toBe(200);

    advance(30);
    const l = await login(u.email);
    const second = (await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l.json.mfaToken, method: 'totp', code: await totpCode(secret) } })).json.accessToken as string;
    expect((await host.request('DELETE', '/api/v1/me/mfa/totp', { token: u.token })).status).toBe(204);
    expect((await host.request('GET', '/api/v1/me', { token: second })).status).toBe(401);
    expect((await login(u.email)).json.accessToken).toEqual(expect.any(String));
  });

});

const lastSmsCode = (phone: string): string => {
  const text = host.app.identity.secondFactors.localSms?.lastTo(phone)?.text ?? '';
  const code = /^(\d{6}) /.exec(text)?.[1];
  if (!code) throw new Error(`no SMS to ${phone}`);
  return code;
};

describe('SMS codes', () => {
  let phoneN = 0;
  const newPhone = () => `+3584000000${String(++phoneN).padStart(2, '0')}`;

  async function enrolSms(token: string, phone: string): Promise<void> {
    expect((await host.request('POST', '/api/v1/me/mfa/sms', { token, body: { phone } })).status).toBe(202);
    const confirm = await host.request('POST', '/api/v1/me/mfa/sms/confirm', { token, body: { code: lastSmsCode(phone) } });
    expect(confirm.status).toBe(200);
    expect(confirm.json.recoveryCodes).toHaveLength(10);
  }

  it('verifies the phone first, then logs in with a single-use code (amr sms)', async () => {
    const u = await newUser();
    const phone = newPhone();
    expect((await host.request('POST', '/api/v1/me/mfa/sms', { token: u.token, body: { phone: '0401234567' } })).status).toBe(400);
    await enrolSms(u.token, phone);
    const status = await host.request('GET', '/api/v1/me/mfa', { token: u.token });
    expect(status.json.sms).toEqual({ enabled: true, pending: false, phone: expect.stringMatching(/^\+35•+\d{3}$/) });
    const raw = JSON.stringify(await host.app.store.collection('identity', a.tenantId).read(`mfa:${u.id}`));
    expect(raw).not.toContain(phone.slice(1));

    const l = await login(u.email);
    expect(l.json.methods).toEqual(['sms', 'recovery']);
    expect((await host.request('POST', '/api/v1/auth/mfa/sms/send', { body: { mfaToken: l.json.mfaToken } })).status).toBe(202);
    const code = lastSmsCode(phone);
    const ok = await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l.json.mfaToken, method: 'sms', code } });
    expect(ok.status).toBe(200);
    expect(claims(ok.json.accessToken).amr).toEqual(['pwd', 'mfa', 'sms']);
    const l2 = await login(u.email);
    expect((await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l2.json.mfaToken, method: 'sms', code } })).status).toBe(401);
  });

  it('limits how many codes are sent (3 per 15 minutes)', async () => {
    const u = await newUser();
    const phone = newPhone();
    await enrolSms(u.token, phone); // send 1
    const l = await login(u.email);
    const send = () => host.request('POST', '/api/v1/auth/mfa/sms/send', { body: { mfaToken: l.json.mfaToken } });
    expect((await send()).status).toBe(202); // 2
    expect((await send()).status).toBe(202); // 3
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('expires a code after 10 minutes', async () => {
    const u = await newUser();
    const phone = newPhone();
    await enrolSms(u.token, phone);
    const l = await login(u.email);
    expect((await host.request('POST', '/api/v1/auth/mfa/sms/send', { body: { mfaToken: l.json.mfaToken } })).status).toBe(202);
    const code = lastSmsCode(phone);
    advance(599);
    try {
      const l2 = await login(u.email); // a fresh mfaToken: the first one (5 minutes) has expired
      advance(2);
      expect((await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l2.json.mfaToken, method: 'sms', code } })).status).toBe(401);
      const item = await host.app.store.collection('identity', a.tenantId).read<{ id: string; tenantId: string; type: string; pendingCode?: unknown }>(`mfa:${u.id}`);
      expect(item?.pendingCode).toBeDefined();
    } finally {
      advance(-601);
    }
  });
});

describe('MFA required by the tenant policy', () => {
  let u: Awaited<ReturnType<typeof newUser>>;
  let v: Awaited<ReturnType<typeof newUser>>;

  beforeAll(async () => {
    u = await newUser();
    v = await newUser();
    const settings = await host.request('GET', '/api/v1/tenant/settings', { token: a.users.owner.token });
    const patched = await host.request('PATCH', '/api/v1/tenant/settings', {
      token: a.users.owner.token,
      headers: { 'if-match': settings.headers.get('etag') ?? '' },
      body: { mfa: { requiredForRoles: ['owner', 'admin', 'agent', 'end-user'] } },
    });
    expect(patched.status).toBe(200);
  });

  it('sends a user without a factor through enrolment before any session', async () => {
    const l = await login(u.email);
    expect(l.status).toBe(200);
    expect(l.json).toEqual({ mfaEnrollmentRequired: true, enrollmentToken: expect.any(String), methods: ['totp', 'sms'], expiresIn: 300 });
    // The enrolment token is not a second factor.
    expect((await host.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: l.json.enrollmentToken, method: 'totp', code: '123456' } })).status).toBe(401);
    const start = await host.request('POST', '/api/v1/auth/mfa/enroll/totp', { body: { enrollmentToken: l.json.enrollmentToken } });
    expect(start.status).toBe(200);
    const done = await host.request('POST', '/api/v1/auth/mfa/enroll/totp/confirm', { body: { enrollmentToken: l.json.enrollmentToken, code: await totpCode(start.json.secret) } });
    expect(done.status).toBe(200);
    expect(done.json.recoveryCodes).toHaveLength(10);
    expect(claims(done.json.accessToken).amr).toEqual(['pwd', 'mfa', 'otp']);
    // Used once: the enrolment token is spent.
    expect((await host.request('POST', '/api/v1/auth/mfa/enroll/totp', { body: { enrollmentToken: l.json.enrollmentToken } })).status).toBe(401);

    const next = await login(u.email);
    expect(next.json.mfaRequired).toBe(true);
    // The last factor of a user who must have one can't be removed.
    expect((await host.request('DELETE', '/api/v1/me/mfa/totp', { token: done.json.accessToken })).status).toBe(409);
  });

  it('can enrol a phone number instead', async () => {
    const l = await login(v.email);
    const phone = '+358409999999';
    expect((await host.request('POST', '/api/v1/auth/mfa/enroll/sms', { body: { enrollmentToken: l.json.enrollmentToken, phone } })).status).toBe(202);
    const done = await host.request('POST', '/api/v1/auth/mfa/enroll/sms/confirm', { body: { enrollmentToken: l.json.enrollmentToken, code: lastSmsCode(phone) } });
    expect(done.status).toBe(200);
    expect(claims(done.json.accessToken).amr).toEqual(['pwd', 'mfa', 'sms']);
  });

  it('a token from before the policy still works, but the password alone no longer gives one', async () => {
    expect((await host.request('GET', '/api/v1/me', { token: a.users.owner.token })).status).toBe(200);
    expect((await login(a.users.owner.email)).json.accessToken).toBeUndefined();
  });
});
