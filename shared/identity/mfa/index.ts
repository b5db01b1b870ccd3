import { join } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import type { Platform } from '../../platform/platform.js';
import type { RoleService } from '../custom-roles.js';
import type { LoginService } from '../login.js';
import type { EmailSender } from '../mail.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import { PasswordResetService } from '../password-reset.js';
import type { SessionService } from '../sessions.js';
import { AcsSmsSender, LocalOutboxSmsSender, type SmsSender } from '../sms.js';
import { SupportGrantService } from '../support-grants.js';
import type { TenantService } from '../tenants.js';
import type { TokenAuthenticator } from '../token-authenticator.js';
import type { AccessTokens } from '../tokens/access-token.js';
import type { UserService } from '../users.js';
import { MfaChallenges } from './challenges.js';
import { MfaService } from './service.js';

export interface SecondFactors {
  mfa: MfaService;
  challenges: MfaChallenges;
  reset: PasswordResetService;
  supportGrants: SupportGrantService;
  sms: SmsSender;
  /** The local SMS outbox, when SMS is not sent through Azure Communication Services. */
  localSms: LocalOutboxSmsSender | undefined;
  /** The time source of codes, challenges, reset tokens and grants (tests move it forward). */
  clock: { now: () => number };
}

export interface SecondFactorDeps {
  users: UserService;
  tenants: TenantService;
  sessions: SessionService;
  hasher: PasswordHasher;
  tokens: AccessTokens;
  login: LoginService;
  mail: EmailSender;
  roles: RoleService;
  authenticator: TokenAuthenticator;
  credential: () => TokenCredential;
  /** The password pepper, which also keys the hashes of recovery and one-time codes (read once, by createIdentity). */
  pepper: Buffer;
}

/**
 * Second factors, password reset and support access, built on the identity core's services. Plugs
 * its two hooks into them: the login's second-factor decision and the authenticator's acceptance of
 * support-grant tokens.
 */
export function createSecondFactors(platform: Platform, deps: SecondFactorDeps): SecondFactors {
  const { config, log } = platform;
  let localSms: LocalOutboxSmsSender | undefined;
  let sms: SmsSender;
  if (config.ACS_SMS_ENDPOINT && config.ACS_SMS_FROM) {
    sms = new AcsSmsSender(config.ACS_SMS_ENDPOINT, config.ACS_SMS_FROM, deps.credential);
  } else {
    localSms = new LocalOutboxSmsSender(join(config.LOCAL_STATE_DIR, 'sms'), log);
    sms = localSms;
  }
  const clock = { now: () => Date.now() };
  const now = () => clock.now();
  const mfa = new MfaService(platform, deps.users, deps.tenants, sms, {
    issuer: config.MFA_ISSUER,
    pepper: deps.pepper,
    smsCodeTtlSeconds: config.SMS_CODE_TTL_SECONDS,
    smsMaxSends: config.SMS_MAX_SENDS,
    smsSendWindowSeconds: config.SMS_SEND_WINDOW_MINUTES * 60,
    maxAttempts: config.MFA_MAX_ATTEMPTS,
    now,
  }, (tenantId) => deps.roles.definitions(tenantId));
  const challenges = new MfaChallenges(platform, deps.users, deps.tenants, deps.sessions, deps.hasher, deps.tokens, deps.login, mfa, now);
  const reset = new PasswordResetService(platform, deps.tenants, deps.users, deps.sessions, mfa, deps.mail, now);
  const supportGrants = new SupportGrantService(platform, deps.users, deps.tokens, now);
  deps.login.secondFactor = (user, settings, firstFactor) => challenges.decide(user, settings, firstFactor);
  deps.authenticator.supportPrincipal = (claims, req) => supportGrants.principalFor(claims, req);
  return { mfa, challenges, reset, supportGrants, sms, localSms, clock };
}
