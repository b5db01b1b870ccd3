import type { Platform } from '../platform/platform.js';
import { ProblemError, tooManyRequests, unauthorized } from '../http/problem.js';
import { auditEvent, type RequestMeta } from '../audit/emit.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import type { SessionItem, TenantSettings, UserItem } from './model.js';
import type { PasswordHasher } from './passwords/hasher.js';
import { isLocked, recordFailure } from './lockout.js';
import type { SessionService } from './sessions.js';
import { sidOf } from './sessions.js';
import type { TenantService } from './tenants.js';
import type { UserService } from './users.js';
import type { AccessTokens } from './tokens/access-token.js';
import { FailureThrottle, StoredFailureCounts } from './throttle.js';
import { assertPasswordLoginAllowed } from './sso/settings.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** What the client gets instead of tokens when a second factor is due (see shared/identity/mfa). */
export type SecondFactorChallenge =
  | { mfaRequired: true; mfaToken: string; methods: string[]; expiresIn: number }
  | { mfaEnrollmentRequired: true; enrollmentToken: string; methods: string[]; expiresIn: number };

/** The answer to a login: tokens, or a second-factor challenge. */
export type LoginResult =
  | { kind: 'tokens'; tokens: TokenPair; session: SessionItem; user: UserItem }
  | { kind: 'challenge'; challenge: SecondFactorChallenge };

/** The one answer for every failed login, so it can't tell an unknown user from a wrong password or a lock. */
const invalidCredentials = () => unauthorized('The tenant, e-mail address or password is incorrect.');

/**
 * Password login. Every failure path does the same work (one bcrypt comparison, real or dummy)
 * and answers the same 401; per-IP throttling (counted across instances) comes first, the per-account
 * lockout is stored on the user.
 */
export class LoginService {
  private readonly perIp: FailureThrottle;

  constructor(
    private readonly platform: Platform,
    private readonly tenants: TenantService,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokens,
  ) {
    this.perIp = new FailureThrottle(platform.config.LOGIN_IP_FAILURES_PER_MINUTE, 60_000, Date.now, new StoredFailureCounts(platform.store, platform.blindIndex, 'login', 60_000));
  }

  async login(input: { tenant: string; email: string; password: string }, meta: RequestMeta & { ip: string }): Promise<LoginResult> {
    const wait = await this.perIp.retryAfter(meta.ip);
    if (wait > 0) throw tooManyRequests(wait);
    try {
      return await this.attempt(input, meta);
    } catch (err) {
      if (err instanceof ProblemError && err.status === 401) await this.perIp.fail(meta.ip);
      throw err;
    }
  }

  private async attempt(input: { tenant: string; email: string; password: string }, meta: RequestMeta & { ip: string }): Promise<LoginResult> {
    const tenantId = await this.tenants.tenantIdForSlug(input.tenant);
    const user = tenantId ? await this.users.findByEmail(tenantId, input.email) : undefined;
    if (!tenantId || !user || !user.passwordHash) {
      await this.hasher.verifyDummy(input.password);
      if (tenantId) await this.failed(tenantId, undefined, 'unknown_user', meta);
      throw invalidCredentials();
    }
    const settings = await this.tenants.settings(tenantId);
    const passwordOk = await this.hasher.verify(input.password, user.passwordHash);
    if (isLocked(user.lockout)) {
      await this.failed(tenantId, user, 'locked', meta);
      throw invalidCredentials();
    }
    if (!passwordOk) {
      let locked = false;
      await this.users.mutate(
        tenantId,
        user.id,
        (u) => {
          const r = recordFailure(u.lockout, settings.lockout);
          locked = r.locked;
          return { ...u, lockout: r.state };
        },
        'auth.login_failed',
        this.actor(user),
        meta,
        (u) => ({ details: { reason: 'wrong_password', failures: u.lockout.failures.length, locked } }),
      );
      if (locked) await this.emit(tenantId, user, 'auth.account_locked', 'failure', meta, { reason: 'too_many_failures' });
      throw invalidCredentials();
    }
    if (user.status !== 'active') {
      await this.failed(tenantId, user, `status_${user.status}`, meta);
      throw invalidCredentials();
    }
    // SSO-only tenants refuse passwords except for break-glass owners (checked after the password, so it reveals nothing to a guesser).
    await assertPasswordLoginAllowed(this.platform, user);
    // A second factor, when due, comes before any session: the password step alone yields only a challenge.
    const challenge = await this.secondFactor?.(user, settings);
    if (challenge) return { kind: 'challenge', challenge };
    return this.complete(user, ['pwd'], meta);
  }

  /** Set by the MFA module: decides whether a user who gave the right password still owes a second factor. */
  secondFactor: ((user: UserItem, settings: TenantSettings, firstFactor?: string[]) => Promise<SecondFactorChallenge | undefined>) | undefined;

  /** Ends a successful authentication: a new session, the lockout cleared, the login audited, tokens issued. */
  async complete(user: UserItem, amr: string[], meta: RequestMeta): Promise<LoginResult & { kind: 'tokens' }> {
    const settings = await this.tenants.settings(user.tenantId);
    const tenantId = user.tenantId;
    const { session, refreshToken } = await this.sessions.create(user, amr, settings.session, meta);
    const details = { sessionId: sidOf(session), method: amr.includes('sso') ? 'sso' : 'password' };
    let saved = user;
    try {
      // Retried on a concurrent write (two tabs logging in at once must both succeed).
      saved =
        (await this.users.mutate(
          tenantId,
          user.id,
          (u) => ({ ...u, lockout: { failures: [], lockCount: 0 }, lastLoginAt: new Date().toISOString() }),
          'auth.login_succeeded',
          this.actor(user),
          meta,
          () => ({ details }),
        )) ?? user;
    } catch (err) {
      // Under a storm of logins to one account the bookkeeping may keep losing the race: the login
      // itself still succeeds, and its audit event goes out on its own.
      if (!isStoreError(err, 'precondition_failed')) throw err;
      await this.emit(tenantId, user, 'auth.login_succeeded', 'success', meta, details);
    }
    const access = await this.tokens.issue({ sub: user.id, tid: tenantId, sid: sidOf(session), amr: session.amr, pv: saved.pv, auth_time: session.authTime });
    return { kind: 'tokens', tokens: { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, tokenType: 'Bearer' }, session, user: saved };
  }

  private actor(user: UserItem) {
    return { type: 'user' as const, id: user.id };
  }

  private failed(tenantId: string, user: UserItem | undefined, reason: string, meta: RequestMeta): Promise<void> {
    return this.emit(tenantId, user, 'auth.login_failed', 'failure', meta, { reason });
  }

  private async emit(
    tenantId: string,
    user: UserItem | undefined,
    action: string,
    outcome: 'success' | 'failure',
    meta: RequestMeta,
    details: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      ...(user ? { actor: this.actor(user), target: { type: 'user', id: user.id } } : {}),
      action,
      outcome,
      details,
      ...meta,
    });
    await this.platform.outbox.emit(tenantId, [event]);
  }
}
