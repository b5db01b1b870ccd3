import { ProblemError } from '../http/problem.js';
import { PLATFORM_TENANT } from '../platform/topology.js';
import type { Principal } from './principal.js';

/**
 * Whether a principal acts for the platform rather than as a member of a customer tenant: an
 * operator, a support agent under a grant (whatever tenant the token names), or any account of the
 * platform tenant. Decided by where the account lives, never by its roles, so an operator without
 * any role assignment is covered as much as an agent.
 */
export function isPlatformPrincipal(principal: Pick<Principal, 'kind' | 'tenantId'>): boolean {
  return principal.kind !== 'user' || principal.tenantId === PLATFORM_TENANT;
}

/**
 * The 401 of a platform token without a second factor (RFC 9470 step-up: the client must sign in
 * again, and a platform account's first sign-in enrols an authenticator app).
 */
export const platformSecondFactorRequired = () =>
  new ProblemError({
    status: 401,
    title: 'Second factor required',
    detail: 'Platform accounts act only after signing in with a second factor. Log in again; the first login enrols an authenticator app.',
    headers: { 'WWW-Authenticate': 'Bearer error="insufficient_user_authentication", error_description="A second factor is required for platform accounts"' },
  });

/**
 * The rule that no platform action happens on a password alone: a platform principal's token must
 * carry `mfa` in its `amr`. The authenticator applies it to every principal it builds, before any
 * route-level check, so it covers every route — platform-only ones, the audit and privacy routes
 * that take a `tenantId` from an operator, support sessions — and any route added later. Sessions
 * are only ever created for platform accounts after a second factor (the login's MFA policy requires
 * one of them whatever the tenant settings); this check refuses tokens of sessions made before that
 * rule existed, or by any path that would forget it.
 *
 * @example
 * assertPlatformSecondFactor({ kind: 'platform-operator', tenantId: '_platform', amr: ['pwd'] }); // throws 401
 * assertPlatformSecondFactor({ kind: 'platform-operator', tenantId: '_platform', amr: ['pwd', 'mfa', 'otp'] }); // passes
 */
export function assertPlatformSecondFactor(principal: Pick<Principal, 'kind' | 'tenantId' | 'amr'>): void {
  if (isPlatformPrincipal(principal) && !principal.amr.includes('mfa')) throw platformSecondFactorRequired();
}
