import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '3' });
let a: SeededTenant;

beforeAll(async () => {
  // Seeding logs in successfully only: successes don't count towards the limit.
  a = await seedTenant(host);
});

describe('per-IP login throttling', () => {
  it('answers 429 with Retry-After once an address has failed too often', async () => {
    const attempt = () => host.request('POST', '/api/v1/auth/login', { body: { tenant: 'nobody', email: 'x@y.example', password: 'Wrong-pass1!' } });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a correct password too while the address is throttled, so the throttle is no oracle', async () => {
    const wrong = () => host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: 'nobody@nowhere.example', password: 'Wrong-pass1!' } });
    let status = 0;
    for (let i = 0; i < 4 && status !== 429; i++) status = (await wrong()).status;
    expect(status).toBe(429);
    const right = await host.request('POST', '/api/v1/auth/login', { body: { tenant: a.slug, email: a.users.endUser.email, password: SEED_PASSWORD } });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toEqual(expect.any(String));
    expect(right.json.accessToken).toBeUndefined();
    expect(right.headers.get('set-cookie')).toBeNull();
  });
});
