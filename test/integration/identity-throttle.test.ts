import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestHost, type TestHost } from '../support/host.js';

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '3' });
});
afterAll(async () => {
  await host.stop();
});

describe('per-IP login throttling', () => {
  it('answers 429 with Retry-After once an address has failed too often', async () => {
    const attempt = () => host.request('POST', '/api/v1/auth/login', { body: { tenant: 'nobody', email: 'x@y.example', password: 'Wrong-pass1!' } });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
