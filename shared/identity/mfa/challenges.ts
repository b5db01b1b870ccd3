import type { Platform } from '../../platform/platform.js';
import type { Principal } from '../../access/principal.js';
import { ProblemError, badRequest, unauthorized } from '../../http/problem.js';
import type { RequestMeta } from '../../audit/emit.js';
import { isLocked } from '../lockout.js';
import type { LoginResult, LoginService, SecondFactorChallenge } from '../login.js';
import { sessionItemId, type TenantSettings, type UserItem } from '../model.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { SessionService } from '../sessions.js';
import type { TenantService } from '../tenants.js';
import type { AccessTokens } from '../tokens/access-token.js';
import type { UserService } from '../users.js';
import { BoundTokens } from '../bound-tokens.js';
import { AMR, type MfaChallengeItem, type SecondFactorMethod } from './model.js';
import type { MfaService } from './service.js';

const invalidChallenge = () => unauthorized('The sign-in attempt is invalid or has expired; log in again.');

/** 403 telling the client to call POST /api/v1/me/reauthenticate first. */
export const reauthenticationRequired = () =>
  new ProblemError({
    status: 403,
    title: 'Re-authentication required',
    detail: 'Confirm your password or a second factor (POST /api/v1/me/reauthenticate), then retry with the new access token.',
  });

/**
 * The second-factor steps of signing in, and re-authentication.
 *
 * After a correct password, a user who has a second factor (or whose role requires one) gets a
 * short-lived, single-use token instead of a session: `mfaToken` to present with a code, or
 * `enrollmentToken` to enrol a first method. The token is bound to the user and to the password they
 * proved (a password change in between voids it), allows a few wrong codes, and a session exists
 * only once the factor is verified.
 */
export class MfaChallenges {
  private readonly challenges: BoundTokens<MfaChallengeItem>;

  constructor(
    private readonly platform: Platform,
    private readonly users: UserService,
    private readonly tenants: TenantService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokens,
    private readonly login: LoginService,
    private readonly mfa: MfaService,
    private readonly now: () => number = Date.now,
  ) {
    this.challenges = new BoundTokens<MfaChallengeItem>(platform, users, { type: 'mfaChallenge', idPrefix: 'mfachallenge', invalid: invalidChallenge }, now);
  }

  /** The login hook: a challenge when a second factor is due, else undefined (tokens right away). */
  async decide(user: UserItem, settings: TenantSettings, firstFactor: string[] = ['pwd']): Promise<SecondFactorChallenge | undefined> {
    const methods = await this.mfa.methods(user);
    const ttl = this.platform.config.MFA_TOKEN_TTL_SECONDS;
    if (methods.length > 0) return { mfaRequired: true, mfaToken: await this.issue(user, 'login', firstFactor), methods, expiresIn: ttl };
    if (await this.mfa.mustUseMfa(user, settings)) {
      return { mfaEnrollmentRequired: true, enrollmentToken: await this.issue(user, 'enroll', firstFactor), methods: ['totp', 'sms'], expiresIn: ttl };
    }
    return undefined;
  }

  private issue(user: UserItem, purpose: MfaChallengeItem['purpose'], firstFactor: string[]): Promise<string> {
    return this.challenges.issue(user, this.platform.config.MFA_TOKEN_TTL_SECONDS * 1000, { purpose, firstFactor });
  }

  /** The challenge and its user, if the token is live for `purpose` and the user not locked out; 401 otherwise. */
  private async resolve(token: string, purpose: MfaChallengeItem['purpose']): Promise<{ challenge: MfaChallengeItem; user: UserItem }> {
    const { item, user } = await this.challenges.resolve(token, { item: (c) => c.purpose === purpose, user: (u) => !isLocked(u.lockout, this.now()) });
    return { challenge: item, user };
  }

  /** POST /auth/mfa/verify: the second factor of a login → a session with amr [pwd, mfa, <method>]. */
  async verifyLogin(token: string, method: SecondFactorMethod, code: string, meta: RequestMeta): Promise<LoginResult & { kind: 'tokens' }> {
    const { challenge, user } = await this.resolve(token, 'login');
    if (!(await this.mfa.verify(user, method, code, 'login', meta))) {
      await this.challenges.countFailure(challenge);
      throw unauthorized('The code is not valid.');
    }
    await this.challenges.consume(challenge);
    return this.login.complete(user, [...(challenge.firstFactor ?? ['pwd']), 'mfa', AMR[method]], meta);
  }

  /** POST /auth/mfa/sms/send: sends the login code to the user's verified phone. */
  async sendLoginCode(token: string, meta: RequestMeta): Promise<void> {
    const { user } = await this.resolve(token, 'login');
    await this.mfa.sendCode(user, 'login', meta);
  }

  async enrollTotp(token: string): Promise<{ secret: string; otpauthUri: string }> {
    const { user } = await this.resolve(token, 'enroll');
    return this.mfa.startTotp(user, await this.label(user));
  }

  async enrollSms(token: string, phone: string, meta: RequestMeta): Promise<void> {
    const { user } = await this.resolve(token, 'enroll');
    await this.mfa.startSms(user, phone, meta);
  }

  /** Confirms the first method of a user who had to enrol: recovery codes, and the session at last. */
  async confirmEnrollment(token: string, method: 'totp' | 'sms', code: string, meta: RequestMeta): Promise<{ result: LoginResult & { kind: 'tokens' }; recoveryCodes: string[] }> {
    const { challenge, user } = await this.resolve(token, 'enroll');
    let recoveryCodes: string[];
    try {
      recoveryCodes = method === 'totp' ? (await this.mfa.confirmTotp(user, code, undefined, meta)).recoveryCodes : (await this.mfa.confirmSms(user, code, undefined, meta)).recoveryCodes;
    } catch (err) {
      await this.challenges.countFailure(challenge);
      throw err;
    }
    await this.challenges.consume(challenge);
    const fresh = (await this.users.get(user.tenantId, user.id)) ?? user;
    return { result: await this.login.complete(fresh, [...(challenge.firstFactor ?? ['pwd']), 'mfa', AMR[method]], meta), recoveryCodes };
  }

  /** The label an authenticator app shows: the user's e-mail (opened from its sealed form). */
  async label(user: UserItem): Promise<string> {
    return (await this.users.profile(user)).email ?? user.id;
  }

  /**
   * Re-authentication of a signed-in user (password, or a second factor): a fresh access token whose
   * auth_time is now. Failures count towards the lockout like failed logins.
   */
  async reauthenticate(principal: Principal, input: { password?: string | undefined; method?: SecondFactorMethod | undefined; code?: string | undefined }, meta: RequestMeta) {
    const user = await this.users.get(principal.tenantId, principal.userId);
    const session = await this.sessions.get(principal.tenantId, principal.sessionId);
    if (!user || !session) throw unauthorized();
    let amr: string;
    if (input.password !== undefined) {
      const ok = !isLocked(user.lockout, this.now()) && user.passwordHash !== undefined && (await this.hasher.verify(input.password, user.passwordHash));
      if (!ok) {
        await this.users.recordFailedProof(user, 'auth.reauthentication_failed', { reason: 'wrong_password' }, meta, this.now()).catch(() => undefined);
        throw unauthorized('The password is not correct.');
      }
      amr = 'pwd';
    } else if (input.method && input.code) {
      if (!(await this.mfa.verify(user, input.method, input.code, 'reauth', meta))) throw unauthorized('The code is not valid.');
      amr = AMR[input.method];
    } else {
      throw badRequest('Give either a password, or a method and a code.', [{ field: 'body', message: 'password or method+code required' }]);
    }
    const authTime = Math.floor(this.now() / 1000);
    const amrs = [...new Set([...session.amr, amr])];
    // The session remembers it too, so a refresh within the window keeps the recent authentication.
    await this.platform.store.collection('identity', principal.tenantId).patch(sessionItemId(principal.sessionId), [
      { op: 'set', path: '/authTime', value: authTime },
      { op: 'set', path: '/amr', value: amrs },
    ]);
    const access = await this.tokens.issue({ sub: user.id, tid: user.tenantId, sid: principal.sessionId, amr: amrs, pv: user.pv, auth_time: authTime });
    return { accessToken: access.token, expiresIn: access.expiresIn, tokenType: 'Bearer' as const };
  }

  /** Throws 403 unless the principal authenticated within REAUTH_MAX_AGE_SECONDS. */
  assertRecent(principal: Principal): void {
    if (this.now() / 1000 - principal.authTime > this.platform.config.REAUTH_MAX_AGE_SECONDS) throw reauthenticationRequired();
  }
}
