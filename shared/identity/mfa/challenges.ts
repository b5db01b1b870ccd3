import type { Platform } from '../../app.js';
import type { Principal } from '../../access/principal.js';
import { ProblemError, badRequest, unauthorized } from '../../http/problem.js';
import { isStoreError } from '../../platform/cosmos/errors.js';
import type { RequestMeta } from '../audit.js';
import { isLocked, recordFailure } from '../lockout.js';
import type { LoginResult, LoginService, SecondFactorChallenge } from '../login.js';
import { sessionItemId, type TenantSettings, type UserItem } from '../model.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { SessionService } from '../sessions.js';
import type { TenantService } from '../tenants.js';
import type { AccessTokens } from '../tokens/access-token.js';
import { newTenantToken, sha256, splitTenantToken, type UserService } from '../users.js';
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
  ) {}

  private col(tenantId: string) {
    return this.platform.store.collection<MfaChallengeItem>('identity', tenantId);
  }

  /** The login hook: a challenge when a second factor is due, else undefined (tokens right away). */
  async decide(user: UserItem, settings: TenantSettings): Promise<SecondFactorChallenge | undefined> {
    const methods = await this.mfa.methods(user);
    const ttl = this.platform.config.MFA_TOKEN_TTL_SECONDS;
    if (methods.length > 0) return { mfaRequired: true, mfaToken: await this.issue(user, 'login'), methods, expiresIn: ttl };
    if (this.mfa.mustUseMfa(user, settings)) {
      return { mfaEnrollmentRequired: true, enrollmentToken: await this.issue(user, 'enroll'), methods: ['totp', 'sms'], expiresIn: ttl };
    }
    return undefined;
  }

  private async issue(user: UserItem, purpose: MfaChallengeItem['purpose']): Promise<string> {
    const token = newTenantToken(user.tenantId);
    const now = this.now();
    await this.col(user.tenantId).create<MfaChallengeItem>({
      id: `mfachallenge:${sha256(token)}`,
      tenantId: user.tenantId,
      type: 'mfaChallenge',
      purpose,
      userId: user.id,
      passwordChangedAt: user.passwordChangedAt ?? null,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.platform.config.MFA_TOKEN_TTL_SECONDS * 1000).toISOString(),
      attempts: 0,
    });
    return token;
  }

  /** The challenge and its user, if the token is live for `purpose`; 401 otherwise. */
  private async resolve(token: string, purpose: MfaChallengeItem['purpose']): Promise<{ challenge: MfaChallengeItem; user: UserItem }> {
    const parts = splitTenantToken(token);
    if (!parts) throw invalidChallenge();
    const challenge = await this.col(parts.tenantId).read<MfaChallengeItem>(`mfachallenge:${sha256(token)}`);
    if (!challenge || challenge.type !== 'mfaChallenge' || challenge.purpose !== purpose || challenge.usedAt) throw invalidChallenge();
    if (Date.parse(challenge.expiresAt) <= this.now() || challenge.attempts >= this.platform.config.MFA_MAX_ATTEMPTS) throw invalidChallenge();
    const user = await this.users.get(parts.tenantId, challenge.userId);
    if (!user || user.status !== 'active' || isLocked(user.lockout, this.now()) || (user.passwordChangedAt ?? null) !== challenge.passwordChangedAt) throw invalidChallenge();
    return { challenge, user };
  }

  /** Marks the challenge used; a second use (or a concurrent one) fails. */
  private async consume(challenge: MfaChallengeItem): Promise<void> {
    try {
      await this.col(challenge.tenantId).patch(challenge.id, [{ op: 'set', path: '/usedAt', value: new Date(this.now()).toISOString() }], challenge._etag);
    } catch (err) {
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'not_found')) throw invalidChallenge();
      throw err;
    }
  }

  private async countFailure(challenge: MfaChallengeItem): Promise<void> {
    await this.col(challenge.tenantId).patch(challenge.id, [{ op: 'incr', path: '/attempts', value: 1 }]).catch(() => undefined);
  }

  /** POST /auth/mfa/verify: the second factor of a login → a session with amr [pwd, mfa, <method>]. */
  async verifyLogin(token: string, method: SecondFactorMethod, code: string, meta: RequestMeta): Promise<LoginResult & { kind: 'tokens' }> {
    const { challenge, user } = await this.resolve(token, 'login');
    if (!(await this.mfa.verify(user, method, code, 'login', meta))) {
      await this.countFailure(challenge);
      throw unauthorized('The code is not valid.');
    }
    await this.consume(challenge);
    return this.login.complete(user, ['pwd', 'mfa', AMR[method]], meta);
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
      await this.countFailure(challenge);
      throw err;
    }
    await this.consume(challenge);
    const fresh = (await this.users.get(user.tenantId, user.id)) ?? user;
    return { result: await this.login.complete(fresh, ['pwd', 'mfa', AMR[method]], meta), recoveryCodes };
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
        const settings = await this.tenants.settings(user.tenantId);
        const now = this.now();
        await this.users
          .mutate(
            user.tenantId,
            user.id,
            (u) => ({ ...u, lockout: recordFailure(u.lockout, settings.lockout, now).state }),
            'auth.reauthentication_failed',
            { type: 'user', id: user.id, keyTenantId: user.tenantId },
            meta,
            (u) => ({ details: { reason: 'wrong_password', failures: u.lockout.failures.length, locked: isLocked(u.lockout, now) } }),
          )
          .catch(() => undefined);
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
