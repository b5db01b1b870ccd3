import { describe, expect, it } from '@jest/globals';
import { assertPlatformSecondFactor, isPlatformPrincipal } from '../../../shared/access/platform-mfa.js';

describe('the platform second-factor rule', () => {
  it('counts as platform principals the accounts of _platform and support agents in any tenant, never by role', () => {
    expect(isPlatformPrincipal({ kind: 'platform-operator', tenantId: '_platform' })).toBe(true);
    expect(isPlatformPrincipal({ kind: 'user', tenantId: '_platform' })).toBe(true); // an agent on its own platform session
    expect(isPlatformPrincipal({ kind: 'support-agent', tenantId: 'customer-a' })).toBe(true);
    expect(isPlatformPrincipal({ kind: 'user', tenantId: 'customer-a' })).toBe(false);
  });

  it('refuses a platform principal whose amr lacks mfa with a 401 step-up problem; tenant users are left to their tenant policy', () => {
    for (const principal of [
      { kind: 'platform-operator' as const, tenantId: '_platform', amr: ['pwd'] },
      { kind: 'support-agent' as const, tenantId: 'customer-a', amr: ['pwd'] },
      { kind: 'user' as const, tenantId: '_platform', amr: ['sso'] },
    ]) {
      expect(() => assertPlatformSecondFactor(principal)).toThrow(expect.objectContaining({ status: 401, title: 'Second factor required' }));
    }
    expect(() => assertPlatformSecondFactor({ kind: 'platform-operator', tenantId: '_platform', amr: ['pwd', 'mfa', 'otp'] })).not.toThrow();
    expect(() => assertPlatformSecondFactor({ kind: 'user', tenantId: 'customer-a', amr: ['pwd'] })).not.toThrow();
  });
});
