import { describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { invitationTokenFor, platformOperatorToken, SEED_PASSWORD } from '../support/identity.js';

// The production default: new tenants require MFA of owners, admins and agents.
const host = useTestHost({ MFA_REQUIRE_BY_DEFAULT: 'true' });

describe('default MFA policy', () => {
  it("sends a new tenant's owner through enrolment at the first login", async () => {
    const op = await platformOperatorToken(host); // operators hold no role the policy lists
    const created = await host.request('POST', '/api/v1/tenants', {
      token: op,
      body: { slug: 'mfa-default', name: 'MFA Default', owner: { email: 'owner@mfa-default.example', firstName: 'Olga', lastName: 'Owner' } },
    });
    expect(created.status).toBe(201);
    const accepted = await host.request('POST', '/api/v1/auth/invitations/accept', { body: { token: invitationTokenFor(host, 'owner@mfa-default.example'), password: SEED_PASSWORD } });
    expect(accepted.status).toBe(204);
    const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant: 'mfa-default', email: 'owner@mfa-default.example', password: SEED_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.json.mfaEnrollmentRequired).toBe(true);
    expect(login.json.accessToken).toBeUndefined();
    expect(login.json.refreshToken).toBeUndefined();
    expect(login.headers.get('set-cookie')).toBeNull();
    const settings = await host.app.identity.tenants.settings(created.json.id);
    expect(settings.mfa.requiredForRoles).toEqual(['owner', 'admin', 'agent']);
  });
});
