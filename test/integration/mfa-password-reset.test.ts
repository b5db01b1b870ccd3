import { beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { useTestHost } from '../support/host.js';
import { createUser, loginAs, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';

const IP_LIMIT = 12;
const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000', PASSWORD_RESET_IP_LIMIT_PER_15_MINUTES: String(IP_LIMIT) });
let a: SeededTenant;
let offsetMs = 0;
let forgotCalls = 0;

beforeAll(async () => {
  host.app.identity.secondFactors.clock.now = () => Date.now() + offsetMs;
  a = await seedTenant(host);
});

const NEW_PASSWORD = 'Brand-new-Passw0rd!';
let n = 0;
const newUser = () => createUser(host, a.slug, a.users.owner.token, { email: `reset${++n}@${a.slug}.example`, roles: [{ roleId: 'end-user', scope: { all: true } }] });

async function forgot(email: string, tenant = a.slug) {
  forgotCalls++;
  return host.request('POST', '/api/v1/auth/password/forgot', { body: { tenant, email } });
}

function mails(email: string): string[] {
  const local = host.app.identity.localMail;
  return (local?.sent ?? []).filter((m) => m.to === email && m.text.includes('Reset token:')).map((m) => m.text);
}

function resetToken(email: string): string {
  const token = /Reset token: (\S+)/.exec(mails(email).at(-1) ?? '')?.[1];
  if (!token) throw new Error(`no reset e-mail for ${email}`);
  return token;
}

const reset = (body: Record<string, unknown>) => host.request('POST', '/api/v1/auth/password/reset', { body });
const login = (email: string, password: string) => host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email, password } });

describe('password reset', () => {
  it('answers 202 with the same body for a real, an unknown and a foreign-tenant account', async () => {
    const u = await newUser();
    const real = await forgot(u.email);
    const unknown = await forgot(`nobody@${a.slug}.example`);
    const noTenant = await forgot(u.email, 'no-such-tenant');
    expect(real.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(noTenant.status).toBe(202);
    expect(unknown.text).toBe(real.text);
    expect(noTenant.text).toBe(real.text);
    expect(mails(u.email)).toHaveLength(1);
    expect(mails(`nobody@${a.slug}.example`)).toHaveLength(0);
  });

  it('sets the new password with a single-use token and ends every session', async () => {
    const u = await newUser();
    const other = await loginAs(host, a.slug, u.email, SEED_PASSWORD);
    await forgot(u.email);
    const token = resetToken(u.email);
    const stored = JSON.stringify(await host.app.store.collection('identity', a.tenantId).all("SELECT * FROM c WHERE c.type = 'passwordReset'"));
    expect(stored).not.toContain(token.split('.')[1]);

    expect((await reset({ token, password: 'short' })).status).toBe(400); // refused by policy; the token survives
    expect((await reset({ token, password: NEW_PASSWORD })).status).toBe(204);
    expect((await reset({ token, password: 'Another-Passw0rd!' })).status).toBe(400);
    for (const t of [u.token, other]) expect((await host.request('GET', '/api/v1/me', { token: t })).status).toBe(401);
    expect((await login(u.email, SEED_PASSWORD)).status).toBe(401);
    expect((await login(u.email, NEW_PASSWORD)).status).toBe(200);
    await host.app.broker?.idle();
    const audit = JSON.stringify(await host.app.store.collection('audit', a.tenantId).all("SELECT c.action, c.targetId FROM c WHERE c.type = 'auditEntry'"));
    expect(audit).toContain('auth.password_reset_requested');
    expect(audit).toContain('auth.password_reset"');
  });

  it('refuses an expired token (60 minutes)', async () => {
    const u = await newUser();
    await forgot(u.email);
    const token = resetToken(u.email);
    offsetMs += 60 * 60_000 + 1000;
    try {
      expect((await reset({ token, password: NEW_PASSWORD })).status).toBe(400);
    } finally {
      offsetMs -= 60 * 60_000 + 1000;
    }
    expect((await login(u.email, SEED_PASSWORD)).status).toBe(200);
  });

  it('never bypasses MFA: a user with a second factor must present it', async () => {
    const u = await newUser();
    const start = await host.request('POST', '/api/v1/me/mfa/totp', { token: u.token });
    const secret = start.json.secret as string;
    const code = () => generate({ secret, epoch: Math.floor((Date.now() + offsetMs) / 1000) });
    expect((await host.request('POST', '/api/v1/me/mfa/totp/confirm', { token: u.token, body: { code: await code() } })).status).toBe(200);
    offsetMs += 30_000;
    await forgot(u.email);
    const token = resetToken(u.email);
    const without = await reset({ token, password: NEW_PASSWORD });
    expect(without.status).toBe(401);
    expect(without.json.title).toBe('Second factor required');
    const right = await code();
    const wrong = right === '000000' ? '111111' : '000000';
    expect((await reset({ token, password: NEW_PASSWORD, method: 'totp', code: wrong })).status).toBe(401);
    expect((await login(u.email, NEW_PASSWORD)).status).toBe(401);
    expect((await reset({ token, password: NEW_PASSWORD, method: 'totp', code: right })).status).toBe(204);
    const after = await login(u.email, NEW_PASSWORD);
    expect(after.json.mfaRequired).toBe(true);
  });

  it('sends at most 3 reset e-mails per account per hour, silently', async () => {
    const u = await newUser();
    for (let i = 0; i < 5; i++) expect((await forgot(u.email)).status).toBe(202);
    expect(mails(u.email)).toHaveLength(3);
  });

  it('throttles forgot requests per IP address with 429 and Retry-After', async () => {
    let limited;
    for (let i = forgotCalls; i <= IP_LIMIT; i++) {
      const res = await forgot(`nobody${i}@${a.slug}.example`);
      if (res.status === 429) {
        limited = res;
        break;
      }
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
