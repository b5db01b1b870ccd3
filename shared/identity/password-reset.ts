import type { Platform } from '../platform/platform.js';
import { ProblemError, badRequest, tooManyRequests } from '../http/problem.js';
import { auditEvent, type RequestMeta } from '../audit/emit.js';
import { webAppLink, type EmailSender } from './mail.js';
import type { UserItem } from './model.js';
import type { SessionService } from './sessions.js';
import type { TenantService } from './tenants.js';
import { FailureThrottle, StoredFailureCounts } from './throttle.js';
import type { UserService } from './users.js';
import { BoundTokens, type BoundTokenItem } from './bound-tokens.js';
import { activeMethods, type SecondFactorMethod } from './mfa/model.js';
import type { MfaService } from './mfa/service.js';

/** A single-use reset token, bound to the password it replaces. */
export interface PasswordResetItem extends BoundTokenItem {
  type: 'passwordReset';
}

const invalidToken = () => badRequest('The reset link is invalid or has expired.', [{ field: 'body.token', message: 'invalid or expired' }]);

const secondFactorRequired = (methods: SecondFactorMethod[]) =>
  new ProblemError({
    status: 401,
    title: 'Second factor required',
    detail: `This account uses two-factor authentication: give 'method' (${methods.join(', ')}) and 'code' as well.`,
    errors: [{ field: 'body.code', message: `a valid code is required (methods: ${methods.join(', ')})` }],
  });

/**
 * Password reset by e-mail. Asking for a reset answers the same whatever the account (no
 * enumeration); a token is valid PASSWORD_RESET_TTL_MINUTES (≤ 60), single use, void once the password
 * changes, and stored only hashed. A user with a second factor must present it too: the e-mail
 * inbox alone never replaces MFA. A reset ends every session of the user.
 */
export class PasswordResetService {
  private readonly perIp: FailureThrottle;
  private readonly resets: BoundTokens<PasswordResetItem>;

  constructor(
    private readonly platform: Platform,
    private readonly tenants: TenantService,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly mfa: MfaService,
    private readonly mail: EmailSender,
    private readonly now: () => number = Date.now,
  ) {
    this.perIp = new FailureThrottle(platform.config.PASSWORD_RESET_IP_LIMIT_PER_15_MINUTES, 15 * 60_000, now, new StoredFailureCounts(platform.store, platform.blindIndex, 'passwordReset', 15 * 60_000));
    this.resets = new BoundTokens<PasswordResetItem>(platform, users, { type: 'passwordReset', idPrefix: 'reset', invalid: invalidToken }, now);
  }

  private col(tenantId: string) {
    return this.platform.store.collection<PasswordResetItem>('identity', tenantId);
  }

  private actor(user: UserItem) {
    return { type: 'user' as const, id: user.id };
  }

  /**
   * POST /auth/password/forgot. Throttled per IP (429); per account, requests beyond the hourly limit
   * are dropped silently (the answer must not differ by account).
   */
  async request(input: { tenant: string; email: string }, meta: RequestMeta & { ip: string }): Promise<void> {
    const wait = await this.perIp.retryAfter(meta.ip);
    if (wait > 0) throw tooManyRequests(wait);
    // Every request counts here, not only failures: each one may send an e-mail.
    await this.perIp.fail(meta.ip);
    const tenantId = await this.tenants.tenantIdForSlug(input.tenant);
    const user = tenantId ? await this.users.findByEmail(tenantId, input.email) : undefined;
    if (!tenantId || !user || user.status !== 'active') {
      this.platform.log.info('password reset requested for no active account', { correlationId: meta.correlationId });
      return;
    }
    const hourAgo = new Date(this.now() - 3_600_000).toISOString();
    const recent = await this.col(tenantId).all<PasswordResetItem>("SELECT * FROM c WHERE c.type = 'passwordReset' AND c.userId = @userId AND c.createdAt > @since", {
      userId: user.id,
      since: hourAgo,
    });
    if (recent.length >= this.platform.config.PASSWORD_RESET_ACCOUNT_LIMIT_PER_HOUR) {
      await this.platform.outbox.emit(tenantId, [
        await auditEvent(this.platform.cipher, { tenantId, action: 'auth.password_reset_throttled', outcome: 'denied', target: { type: 'user', id: user.id }, correlationId: meta.correlationId ?? '' }),
      ]);
      return;
    }
    const ttl = this.platform.config.PASSWORD_RESET_TTL_MINUTES;
    const token = await this.resets.issue(user, ttl * 60_000, {});
    const event = await auditEvent(this.platform.cipher, { tenantId, action: 'auth.password_reset_requested', target: { type: 'user', id: user.id }, correlationId: meta.correlationId ?? '' });
    await this.platform.outbox.emit(tenantId, [event]);
    const email = (await this.users.profile(user)).email;
    if (!email) return;
    const tenant = await this.tenants.get(tenantId);
    const link = webAppLink(this.platform.config.WEB_APP_URL, 'reset-password', token);
    await this.mail.send({
      to: email,
      subject: `Reset your ${tenant?.name ?? 'PMI Platform'} password`,
      link,
      text: [
        `Someone (hopefully you) asked to reset your password for ${tenant?.name ?? 'PMI Platform'}.`,
        `The link works once, within ${ttl} minutes: ${link}`,
        `Reset token: ${token}`,
        'If you did not ask for this, ignore this message: your password stays as it is.',
      ].join('\n'),
    });
  }

  /** POST /auth/password/reset/sms: sends a reset code to the user's verified phone (if any). */
  async sendCode(token: string, meta: RequestMeta): Promise<void> {
    const { user } = await this.resets.resolve(token);
    await this.mfa.sendCode(user, 'reset', meta);
  }

  /** POST /auth/password/reset. */
  async reset(input: { token: string; password: string; method?: SecondFactorMethod | undefined; code?: string | undefined }, meta: RequestMeta): Promise<void> {
    const { item, user } = await this.resets.resolve(input.token);
    // Policy first, so a refused password does not burn the one-time code given with it.
    await this.users.assertAcceptablePassword(user.tenantId, input.password, await this.users.profile(user));
    const methods = activeMethods(await this.mfa.get(user.tenantId, user.id));
    let amr = 'email';
    if (methods.length > 0) {
      if (!input.method || !input.code) throw secondFactorRequired(methods);
      if (!(await this.mfa.verify(user, input.method, input.code, 'reset', meta))) {
        await this.resets.countFailure(item);
        throw secondFactorRequired(methods);
      }
      amr = input.method;
    }
    await this.resets.consume(item);
    const fresh = (await this.users.get(user.tenantId, user.id)) ?? user;
    // A proven owner of the mailbox (and second factor) gets back in: the lockout is cleared too.
    await this.users.setPassword({ ...fresh, lockout: { failures: [], lockCount: 0 } }, input.password, 'auth.password_reset', this.actor(user), meta);
    const ended = await this.sessions.revokeAll(user.tenantId, user.id, 'password_reset');
    this.platform.log.info('password reset', { correlationId: meta.correlationId, sessionsEnded: ended, factor: amr });
    // Other outstanding reset links of the user die with the old password (passwordChangedAt moved on).
  }
}
